"""`scaffold smoke`: build the generated image and run it the way ECS will (docs/smoke.md).

Core code: no typer, no rich. The container engine is injected (`Engine`); the CLI
finds docker or podman on the PATH (`find_engine`).
"""

from __future__ import annotations

from scaffolder.smoke.engine import CliEngine, Engine, EngineOutput, find_engine
from scaffolder.smoke.models import SmokeApp, SmokePlan, SmokeResult, SmokeStep
from scaffolder.smoke.plan import plan_smoke
from scaffolder.smoke.run import SmokeDeps, SmokeOptions, run_smoke

__all__ = [
    "CliEngine",
    "Engine",
    "EngineOutput",
    "SmokeApp",
    "SmokeDeps",
    "SmokeOptions",
    "SmokePlan",
    "SmokeResult",
    "SmokeStep",
    "find_engine",
    "plan_smoke",
    "run_smoke",
]

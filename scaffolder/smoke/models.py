"""What `scaffold smoke` plans and what it found (docs/smoke.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from scaffolder.models import Model

StepName = Literal["build", "database", "migrate", "start", "health"]


class SmokeApp(Model):
    """One server app as the generated image runs it (from .scaffold/context.json)."""

    name: str
    language: Literal["node", "python"]
    dockerfile: str  # repo-relative
    context: str  # repo-relative build context
    port: int
    health_path: str
    migrate_command: str | None = None  # the deploy's one-off migration task, if this app runs it
    migrate_target: bool = False  # the migration runs from the image's `migrate` stage


class SmokePlan(Model):
    project: str
    root: str  # absolute path of the project
    apps: list[SmokeApp]
    database: Literal["rds", "supabase", "neon", "external", "none"] = "none"
    env_names: list[str] = Field(default_factory=list)  # from .env.example: each gets a dummy


class SmokeStep(Model):
    app: str | None = None  # None for the shared database
    step: StepName
    passed: bool
    detail: str  # one line: what happened
    command: list[str] = Field(default_factory=list)  # the engine's argv (no secret values)
    log_tail: list[str] = Field(default_factory=list)  # the container's last lines on a failure


class SmokeResult(Model):
    engine: str  # "docker" or "podman"
    project: str
    steps: list[SmokeStep] = Field(default_factory=list)
    cleanup: list[str] = Field(default_factory=list)  # what was removed (or failed to be)

    @property
    def passed(self) -> bool:
        return bool(self.steps) and all(s.passed for s in self.steps)

    def failed(self) -> list[SmokeStep]:
        return [s for s in self.steps if not s.passed]

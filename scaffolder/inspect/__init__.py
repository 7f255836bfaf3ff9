"""repository -> RepoFacts: what a prototype is made of, and what it lacks.

`inspect_repository` (inspect/repository.py) never raises on the repository's
content: every file it cannot read or parse becomes a ScanWarning and the other
detectors still run. Only a root that is not a folder, and a file nested too deeply
to parse at all (inspect/nesting.py), are InputErrors.

The package itself imports nothing: `scaffold audit` takes the inspection's first
steps (inspect/opening.py) before the detectors are imported, so that the history
scan runs while they load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scaffolder.inspect.repository import inspect_repository

__all__ = ["inspect_repository"]


def __getattr__(name: str) -> Any:
    if name == "inspect_repository":
        from scaffolder.inspect.repository import inspect_repository

        return inspect_repository
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The project folder a command works on (without Typer: the audit's fast path uses it)."""

from __future__ import annotations

from pathlib import Path

from scaffolder.errors import UsageError


def project_dir(project: Path | None, path: Path | None = None) -> Path:
    """The project folder from --project/-C or a positional PATH (never two different ones)."""
    if project is not None and path is not None and project.resolve() != path.resolve():
        raise UsageError(
            f"Two projects were named: {path} and --project {project}.",
            hint="Name the project once, as PATH or with --project/-C.",
        )
    return project or path or Path(".")

"""CLI adapter for `scaffold smoke [PATH]`: find the engine, run the smoke test, print it.

The result (data) goes to stdout, as a table or as JSON with --json; progress goes to
stderr. A failed step exits 1; no docker or podman exits 5 (docs/smoke.md).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from scaffolder.cli import console
from scaffolder.cli.options import JsonOption, PathArgument, ProjectOption, plain
from scaffolder.cli.project import project_dir
from scaffolder.errors import CheckFailed

if TYPE_CHECKING:
    from scaffolder.smoke import SmokeResult

HELP = (
    "Build the image `scaffold init` wrote and run it the way ECS will: beside a scratch "
    "Postgres, with the task's environment, the migration task, then the health path.\n\n"
    "Needs docker or podman (exit 5 without). Exits 1 when a step fails.\n\n"
    "Examples:\n\n"
    "  scaffold smoke\n\n"
    "  scaffold smoke ../my-app --json\n\n"
    "  DATABASE_URL=postgresql://... scaffold smoke --use-database-url"
)


def register(app: typer.Typer) -> None:
    """Add `scaffold smoke` to the root app."""
    app.command("smoke", help=HELP)(smoke_command)


def _render(result: SmokeResult) -> None:
    for step in result.steps:
        mark = "ok  " if step.passed else "FAIL"
        plain(f"{mark} {step.app or 'database':<20} {step.step:<9} {step.detail}")
        for line in step.log_tail:
            plain(f"       | {line}")


def smoke_command(
    path: PathArgument = None,
    *,
    project: ProjectOption = None,
    engine_name: Annotated[
        str | None,
        typer.Option("--engine", help="docker or podman (default: docker, else podman)."),
    ] = None,
    use_database_url: Annotated[
        bool,
        typer.Option(
            "--use-database-url",
            help="Use $DATABASE_URL instead of a scratch Postgres (never given as a flag).",
        ),
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="Seconds each app has to answer health.")
    ] = 120.0,
    json_out: JsonOption = False,
) -> None:
    from scaffolder.errors import UsageError
    from scaffolder.smoke import SmokeDeps, SmokeOptions, find_engine, plan_smoke, run_smoke

    if engine_name not in (None, "docker", "podman"):
        raise UsageError(f"--engine must be docker or podman, not {engine_name!r}.")
    database_url = os.environ.get("DATABASE_URL") if use_database_url else None
    if use_database_url and not database_url:
        raise UsageError("--use-database-url was given, but DATABASE_URL is not set.")
    engine = find_engine(engine_name)  # first: without one nothing else can be checked
    plan = plan_smoke(project_dir(path, project))
    if not plan.apps:
        console.success("Nothing to smoke-test: the project has no server app (static sites only).")
        return
    console.info(f"Smoke-testing {len(plan.apps)} app(s) with {engine.name} …")
    result = run_smoke(
        plan,
        SmokeOptions(database_url=database_url, health_timeout_s=timeout),
        SmokeDeps(engine=engine, progress=console.info),
    )
    if json_out:
        console.stdout.print_json(result.model_dump_json())
    else:
        _render(result)
    for note in result.cleanup:
        console.info(note)
    failed = result.failed()
    if failed:
        names = ", ".join(f"{s.app or 'database'} {s.step}" for s in failed)
        raise CheckFailed(
            f"The smoke test failed: {names}.",
            hint="The failed step's detail and the container's last lines are above.",
        )
    console.success("Every app built, migrated, started and answered its health path.")

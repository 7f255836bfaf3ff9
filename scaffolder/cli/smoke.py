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
    from pathlib import Path

    from scaffolder.models import CiRunRecord
    from scaffolder.smoke import SmokeResult

CI_STEP_TIMEOUT = 600.0
HEALTH_TIMEOUT = 120.0

HELP = (
    "Build the image `scaffold init` wrote and run it the way ECS will: beside a scratch "
    "Postgres, with the task's environment, the migration task, then the health path.\n\n"
    "Needs docker or podman (exit 5 without). Exits 1 when a step fails.\n\n"
    "With --ci, run each app's generated CI steps (install, lint, test, build) on this "
    "machine instead, in throw-away copies, and record their outcome in "
    ".scaffold/ci-run.json for `scaffold audit` and `scaffold init` (no container engine "
    "needed).\n\n"
    "Examples:\n\n"
    "  scaffold smoke\n\n"
    "  scaffold smoke ../my-app --json\n\n"
    "  scaffold smoke --ci\n\n"
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
        float | None,
        typer.Option(
            "--timeout",
            min=1,
            help="Seconds each app has to answer health (120); with --ci, each step (600).",
        ),
    ] = None,
    ci: Annotated[
        bool,
        typer.Option(
            "--ci",
            help="Run the generated CI steps on this machine and record them (no engine).",
        ),
    ] = False,
    json_out: JsonOption = False,
) -> None:
    if ci:
        if engine_name or use_database_url:
            from scaffolder.errors import UsageError

            raise UsageError(
                "--ci runs no container: --engine and --use-database-url do not apply."
            )
        _ci(project_dir(path, project), timeout or CI_STEP_TIMEOUT, json_out=json_out)
        return
    timeout = timeout or HEALTH_TIMEOUT
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


def _render_ci(record: CiRunRecord) -> None:
    for app in record.apps:
        for step in app.steps:
            mark = "ok  " if step.passed else ("fail" if step.name == "lint" else "FAIL")
            code = "timed out" if step.exit_code is None else f"exit {step.exit_code}"
            took = f"{code}, {step.seconds:.0f} s"
            plain(f"{mark} {app.app:<20} {step.name:<8} {step.command}  ({took})")
            if not step.passed:
                plain(f"       | {step.first_error}")
        for name in app.skipped:
            plain(f"skip {app.app:<20} {name:<8} (an earlier step failed)")


def _ci(root: Path, step_timeout: float, *, json_out: bool) -> None:
    import scaffolder
    from scaffolder.smoke.ci_replay import CiDeps, CiOptions, plan_ci, run_ci, write_record

    plans = plan_ci(root)
    if not plans:
        console.success("Nothing to run: the project has no app, so its CI has no app job.")
        return
    console.info(f"Running the CI steps of {len(plans)} app(s) on this machine …")
    record = run_ci(
        root.resolve(),
        plans,
        CiOptions(step_timeout_s=step_timeout),
        CiDeps(progress=console.info),
        scaffolder.__version__,
    )
    path = write_record(root.resolve(), record)
    if json_out:
        console.stdout.print_json(record.to_json())
    else:
        _render_ci(record)
    console.info(
        f"Recorded in {path.relative_to(root.resolve())}: commit it, then re-run "
        "`scaffold init` (a failing test step stops blocking deploys) and `scaffold audit`."
    )
    failed = [
        f"{app.app} {step.name}"
        for app in record.apps
        for step in app.steps
        if not step.passed and step.name != "lint"
    ]
    if failed:
        raise CheckFailed(
            f"CI steps failed: {', '.join(failed)}.",
            hint="Each failed step's command and first error line are above; "
            "`scaffold audit` reports them too.",
        )
    console.success("Every app's CI steps passed (lint aside: it never blocks).")

"""CLI adapter: `scaffold rollback ENV [--to RELEASE]`: plan, confirm, apply."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from scaffolder.cli import console
from scaffolder.cli.options import (
    EnvArgument,
    JsonOption,
    OutputsOption,
    ProjectOption,
    ops_context,
    plain,
)
from scaffolder.errors import SafetyRefusal

if TYPE_CHECKING:
    from scaffolder.ops.rollback import RollbackPlan


def register(app: typer.Typer) -> None:
    """Add `scaffold rollback` to the root app."""
    app.command("rollback")(rollback)


def _render_plan(plan: RollbackPlan, *, to_stderr: bool) -> None:
    """The plan is the data of a text run; with --json it is a diagnostic (stderr)."""
    for step in plan.steps:
        what = (
            f"task definition {step.current.task_definition_arn} -> "
            f"{step.target.task_definition_arn}"
            if step.shape == "server"
            else f"site /{step.current.site_prefix} -> /{step.target.site_prefix}"
        )
        plain(
            f"{step.service}: {step.current.release_id} ({step.current.status}) -> "
            f"{step.target.release_id} ({step.target.created_at})",
            to_stderr=to_stderr,
        )
        plain(f"  {what}", to_stderr=to_stderr)
        if step.shape == "server":
            plain(
                f"  image {step.current.image_digest} -> {step.target.image_digest}",
                to_stderr=to_stderr,
            )
        plain(f"  migrations: {step.migrations}", to_stderr=to_stderr)
    for note in plan.notes:
        console.info(note)


def _confirm(env: str) -> None:
    if not console.is_interactive():
        raise SafetyRefusal(
            f"Rolling back {env} needs confirmation, and this session cannot ask.",
            hint="Re-run with --yes once you have read the plan.",
        )
    if not typer.confirm(f"Roll back {env} as shown?", default=False):
        raise SafetyRefusal(
            "Rollback cancelled; nothing was changed.",
            hint=f"Run `scaffold rollback {env}` again when ready.",
        )


def rollback(  # Typer passes every option by keyword.
    *,
    env: EnvArgument,
    to: str | None = typer.Option(None, "--to", help="Release id to go back to."),
    service: str | None = typer.Option(None, "--service", help="Only this service."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    allow_schema_mismatch: bool = typer.Option(
        False, "--allow-schema-mismatch", help="Roll back even though migrations ran since."
    ),
    timeout_minutes: float = typer.Option(
        15.0, "--timeout-minutes", min=1, help="How long to wait for ECS to become stable."
    ),
    project: ProjectOption = None,
    outputs_file: OutputsOption = None,
    json_out: JsonOption = False,
) -> None:
    """Put the previous healthy release (or --to RELEASE) back in front of users.

    Examples:

      scaffold rollback staging

      scaffold rollback prod --to 3f2a9c1-41 --yes
    """
    from scaffolder.ops.rollback import apply_rollback, check_safety, plan_rollback

    ctx = ops_context(env, project, outputs_file)
    plan = plan_rollback(ctx, to=to, service=service)
    _render_plan(plan, to_stderr=json_out)
    if not plan.steps:
        console.success(f"Nothing to do: {env} already runs the requested releases.")
        return
    check_safety(plan, allow_schema_mismatch=allow_schema_mismatch)
    if not yes:
        _confirm(env)
    result = apply_rollback(
        ctx, plan, allow_schema_mismatch=allow_schema_mismatch, timeout_s=timeout_minutes * 60
    )
    if json_out:
        console.stdout.print_json(result.model_dump_json())
    for line in result.rolled_back:
        console.success(f"rolled back {line}")
    for uri in result.marked:
        console.info(f"marked rolled-back: {uri}")

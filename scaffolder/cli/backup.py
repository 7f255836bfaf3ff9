"""CLI adapter: `scaffold backup run|verify ENV`. Parses, builds a context, calls
scaffolder.ops.backup, renders the model it returns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table
from rich.text import Text

from scaffolder.cli import console
from scaffolder.cli.options import (
    EnvArgument,
    JsonOption,
    OutputsOption,
    ProjectOption,
    ops_context,
)

if TYPE_CHECKING:
    from scaffolder.ops.backup import BackupContext, VerificationReport
    from scaffolder.ops.backup.task import TaskOutcome

IN_TASK_OPT = typer.Option(
    False,
    "--in-task",
    help="RDS: run inside the environment's VPC as the restore-check ECS task and wait "
    "for it (what backup-verify.yml does; no runner in the VPC needed).",
)


def _context(env: str, project: Path | None, outputs_file: Path | None) -> BackupContext:
    from scaffolder.ops.backup import BackupContext

    # Without --outputs the Pulumi stack is read, which needs infra/Pulumi.<env>.yaml.
    return BackupContext.of(
        ops_context(env, project, outputs_file, with_spec=True, spec_required=outputs_file is None)
    )


def render_report(report: VerificationReport) -> None:
    verdict = "[green]PASSED[/green]" if report.passed else "[bold red]FAILED[/bold red]"
    console.stdout.print(
        f"Backup verification {report.environment}: {verdict} ({report.kind} {report.source})",
        highlight=False,
    )
    table = Table(show_header=True, header_style="bold")
    table.add_column("check")
    table.add_column("result")
    table.add_column("detail", overflow="fold")
    for check in report.checks:
        table.add_row(
            Text(check.name),
            "[green]pass[/green]" if check.passed else "[red]FAIL[/red]",
            Text(check.detail),
        )
    console.stdout.print(table)
    console.stdout.print(Text(f"restored into: {report.restore_target}"))
    if report.report_uri:
        console.stdout.print(f"report: {report.report_uri}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `scaffold backup run|verify` to the root app."""
    group = typer.Typer(
        name="backup",
        no_args_is_help=True,
        help="Take backups and prove they restore.\n\n"
        "Examples:\n\n"
        "  scaffold backup run staging\n\n"
        "  scaffold backup verify prod --json\n\n"
        "  scaffold backup verify staging --sweep-only",
    )

    group.command("run")(backup_run)
    group.command("verify")(backup_verify)
    app.add_typer(group, name="backup")


def backup_run(  # Typer passes every option by keyword.
    *,
    env: EnvArgument,
    project: ProjectOption = None,
    outputs_file: OutputsOption = None,
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        envvar="SCAFFOLD_DATABASE_URL",
        show_envvar=True,
        help="External Postgres URL (default: the app secret's URL). Prefer the env var: "
        "a flag is visible to other local users.",
    ),
    in_task: bool = IN_TASK_OPT,
    json_out: JsonOption = False,
) -> None:
    """Take a backup now: an RDS snapshot, or a pg_dump of an external Postgres."""
    from scaffolder.ops.backup import run_backup

    ctx = _context(env, project, outputs_file)
    if in_task:
        _run_in_task(ctx)
        return
    console.info(f"Backing up {env} ({'RDS snapshot' if ctx.is_rds else 'logical dump'})...")
    result = run_backup(ctx, database_url=database_url)
    if json_out:
        console.stdout.print_json(result.model_dump_json())
        return
    console.success(f"Backup of {env}: {result.location}")
    console.stdout.print(
        f"{result.tables} tables, {result.total_rows} rows; manifest {result.manifest_uri}",
        highlight=False,
    )


def backup_verify(  # Typer passes every option by keyword.
    *,
    env: EnvArgument,
    project: ProjectOption = None,
    outputs_file: OutputsOption = None,
    probe: str | None = typer.Option(
        None, "--probe", help="SQL that must return a row (default: backups.probe_sql)."
    ),
    target_url: str | None = typer.Option(
        None,
        "--target-url",
        envvar="SCAFFOLD_RESTORE_TARGET_URL",
        show_envvar=True,
        help="Restore dumps into a fresh database on this Postgres server instead of a "
        "local ephemeral cluster (e.g. a CI service container).",
    ),
    snapshot: str | None = typer.Option(None, "--snapshot", help="RDS: verify this snapshot id."),
    growth_pct: float = typer.Option(
        10.0,
        "--growth-pct",
        min=0,
        help="RDS: how much a table may have grown between manifest and snapshot.",
    ),
    timeout_minutes: float = typer.Option(
        60.0, "--timeout-minutes", min=1, help="RDS: how long to wait for the restore."
    ),
    sweep_only: bool = typer.Option(
        False, "--sweep-only", help="Only delete expired restore-test instances."
    ),
    in_task: bool = IN_TASK_OPT,
    instance_class: str | None = typer.Option(
        None,
        "--instance-class",
        help="RDS: the temporary instance's class (default: the database's).",
    ),
    # Set by --in-task on the task's command line: where to publish the report.
    report_key: str | None = typer.Option(None, "--report-key", hidden=True),
    json_out: JsonOption = False,
) -> None:
    """Restore the newest backup somewhere temporary and check it; exit 1 if it fails."""
    from scaffolder.ops.backup import verify_backup

    ctx = _context(env, project, outputs_file)
    if sweep_only:
        _sweep(ctx, json_out)
        return
    outcome = None
    if in_task:
        outcome, report = _verify_in_task(ctx, probe, snapshot, growth_pct, timeout_minutes)
    else:
        console.info(f"Verifying the newest backup of {env}...")
        report = verify_backup(
            ctx,
            probe_sql=probe,
            target_url=target_url,
            snapshot_id=snapshot,
            growth_pct=growth_pct,
            timeout_s=timeout_minutes * 60,
            instance_class=instance_class,
            report_key=report_key,
        )
    _finish_verify(report, json_out, outcome)


def render_task(outcome: TaskOutcome) -> None:
    """Where the task ran, and the tail of its log when it failed."""
    verdict = "finished" if outcome.succeeded else f"stopped (exit code {outcome.exit_code})"
    console.info(f"restore-check task {outcome.task_id} {verdict}")
    console.info(f"log: {outcome.log_group} {outcome.log_stream}")
    for line in outcome.log_tail:
        console.stderr.print(Text(f"  {line}"), highlight=False)


def _run_in_task(ctx: BackupContext) -> None:
    from scaffolder.ops.backup.api import backup_in_task
    from scaffolder.ops.backup.task import raise_if_task_failed

    console.info(f"Backing up {ctx.env} in the restore-check task (inside the VPC)...")
    outcome = backup_in_task(ctx)
    render_task(outcome)
    raise_if_task_failed(outcome)
    console.success(f"Backup of {ctx.env} taken by task {outcome.task_id}.")


def _sweep(ctx: BackupContext, json_out: bool) -> None:
    from scaffolder.ops.backup import sweep

    swept = sweep(ctx)
    if json_out:
        console.stdout.print_json(swept.model_dump_json())
    for name in swept.deleted:
        console.info(f"deleted leftover restore-test instance {name}")
    console.success(
        f"Sweep of {ctx.env}: {len(swept.deleted)} deleted, {len(swept.kept)} not yet expired."
    )


def _finish_verify(report: VerificationReport, json_out: bool, outcome: TaskOutcome | None) -> None:
    """Show the report; exit 1 when it failed (or when its task did not end well)."""
    from scaffolder.ops.backup import raise_if_failed

    if json_out:
        console.stdout.print_json(json.dumps(report.model_dump(mode="json")))
    else:
        render_report(report)
    for note in report.notes:
        console.info(note)
    for warning in report.warnings:
        console.warn(warning)
    raise_if_failed(report)
    if outcome is not None:
        from scaffolder.ops.backup.task import raise_if_task_failed

        raise_if_task_failed(outcome)


def _verify_in_task(
    ctx: BackupContext,
    probe: str | None,
    snapshot: str | None,
    growth_pct: float,
    timeout_minutes: float,
) -> tuple[TaskOutcome, VerificationReport]:
    """Start the restore-check task, wait; its outcome, with the report it published."""
    from scaffolder.errors import CloudError
    from scaffolder.ops.backup.api import verify_in_task
    from scaffolder.ops.backup.task import raise_if_task_failed

    console.info(f"Verifying the newest backup of {ctx.env} in the restore-check task...")
    outcome = verify_in_task(
        ctx,
        probe_sql=probe,
        snapshot_id=snapshot,
        growth_pct=growth_pct,
        timeout_s=timeout_minutes * 60,
    )
    render_task(outcome)
    if outcome.report is None:
        raise_if_task_failed(outcome)
        raise CloudError(
            f"The restore-check task {outcome.task_id} finished but published no report.",
            hint=f"Read its log ({outcome.log_group}, {outcome.log_stream}).",
        )
    return outcome, outcome.report

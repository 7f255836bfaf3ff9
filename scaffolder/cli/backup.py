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


def backup_run(
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
    json_out: JsonOption = False,
) -> None:
    """Take a backup now: an RDS snapshot, or a pg_dump of an external Postgres."""
    from scaffolder.ops.backup import run_backup

    ctx = _context(env, project, outputs_file)
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
    json_out: JsonOption = False,
) -> None:
    """Restore the newest backup somewhere temporary and check it; exit 1 if it fails."""
    from scaffolder.ops.backup import raise_if_failed, sweep, verify_backup

    ctx = _context(env, project, outputs_file)
    if sweep_only:
        swept = sweep(ctx)
        if json_out:
            console.stdout.print_json(swept.model_dump_json())
        for name in swept.deleted:
            console.info(f"deleted leftover restore-test instance {name}")
        console.success(
            f"Sweep of {env}: {len(swept.deleted)} deleted, {len(swept.kept)} not yet expired."
        )
        return
    console.info(f"Verifying the newest backup of {env}...")
    report = verify_backup(
        ctx,
        probe_sql=probe,
        target_url=target_url,
        snapshot_id=snapshot,
        growth_pct=growth_pct,
        timeout_s=timeout_minutes * 60,
    )
    if json_out:
        console.stdout.print_json(json.dumps(report.model_dump(mode="json")))
    else:
        render_report(report)
    for note in report.notes:
        console.info(note)
    for warning in report.warnings:
        console.warn(warning)
    raise_if_failed(report)

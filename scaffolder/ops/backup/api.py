"""The backup API the CLI calls: pick the flow from the stack outputs.

An environment whose outputs name an RDS instance gets snapshot backups; one
without (Supabase, Neon) gets logical dumps of the URL in its app secret.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from scaffolder.errors import CheckFailed, InputError, UsageError
from scaffolder.local_postgres import Runner, run_command
from scaffolder.ops.backup.checks import CONNECT_CHECK, RUN_INSIDE_VPC
from scaffolder.ops.backup.models import BackupRunResult, SweepResult, VerificationReport
from scaffolder.ops.backup.rds import Waiting
from scaffolder.ops.backup.report import summary
from scaffolder.ops.backup.scratch import Connect, connect_postgres, parse_url
from scaffolder.ops.clients import aws_errors
from scaffolder.ops.context import OpsContext

if TYPE_CHECKING:
    from scaffolder.ops.backup.task import TaskOutcome

# Starting a Fargate task (image pull included) and its cleanup on top of the work.
TASK_OVERHEAD_S = 900.0


@dataclass
class BackupContext(OpsContext):
    """An OpsContext plus what backups also run: pg_dump/pg_restore and Postgres connections."""

    runner: Runner = run_command
    connect: Connect = field(default=connect_postgres)

    @classmethod
    def of(cls, ctx: OpsContext) -> BackupContext:
        """The backup context of a resolved OpsContext (same outputs, clients, clock...)."""
        return cls(**{f.name: getattr(ctx, f.name) for f in fields(ctx)})

    @property
    def is_rds(self) -> bool:
        return bool(self.outputs.db_instance_identifier)

    def waiting(self, timeout_s: float = 3600.0, interval_s: float = 30.0) -> Waiting:
        # Long RDS waits poll describe calls: throttled polls back off through the retry policy.
        return Waiting(
            clock=self.clock,
            sleep=self.sleep,
            timeout_s=timeout_s,
            interval_s=interval_s,
            retry=self.retry,
        )

    def task_waiting(self, work_s: float) -> Waiting:
        """How long to wait for a restore-check task doing `work_s` of RDS waits:
        plus time for Fargate to pull and start it, and for it to clean up."""
        return self.waiting(timeout_s=work_s + TASK_OVERHEAD_S, interval_s=15.0)


def external_database(ctx: BackupContext, database_url: str | None) -> dict[str, str]:
    """The external database's connection parameters: the given URL, or the app secret's."""
    if database_url:
        return parse_url(database_url, flag="--database-url")
    key = "DATABASE_URL"
    if ctx.spec and ctx.spec.external_database:
        key = ctx.spec.external_database.url_secret_key
    with aws_errors("read the app secret"):
        value = ctx.clients.client("secretsmanager").get_secret_value(
            SecretId=ctx.outputs.app_secret_arn
        )
    try:
        url = json.loads(value.get("SecretString") or "{}").get(key)
    except (ValueError, AttributeError) as exc:
        raise InputError(
            "The app secret is not a JSON object of variables.",
            hint="Overwrite it with `scaffold secrets push ENV`, or pass --database-url.",
        ) from exc
    if not url:
        raise InputError(
            f"The {ctx.outputs.environment} app secret has no {key}.",
            hint=f"Set it with `scaffold secrets set {ctx.outputs.environment} {key}`, or pass "
            "--database-url (or SCAFFOLD_DATABASE_URL).",
        )
    return parse_url(str(url), flag=key)


def run_backup(
    ctx: BackupContext, *, database_url: str | None = None, timeout_s: float = 3600.0
) -> BackupRunResult:
    if ctx.is_rds:
        from scaffolder.ops.backup.snapshot import run_snapshot

        return run_snapshot(
            outputs=ctx.outputs,
            clients=ctx.clients,
            waiting=ctx.waiting(timeout_s),
            connect=ctx.connect,
        )
    from scaffolder.ops.backup.external import run_dump

    return run_dump(
        outputs=ctx.outputs,
        database=external_database(ctx, database_url),
        clients=ctx.clients,
        clock=ctx.clock,
        runner=ctx.runner,
        connect=ctx.connect,
    )


def verify_backup(
    ctx: BackupContext,
    *,
    probe_sql: str | None = None,
    target_url: str | None = None,
    snapshot_id: str | None = None,
    growth_pct: float = 10.0,
    timeout_s: float = 3600.0,
    instance_class: str | None = None,
    report_key: str | None = None,
) -> VerificationReport:
    """Restore the newest backup somewhere temporary, check it, publish the result."""
    probe = probe_sql or default_probe(ctx)
    if ctx.is_rds:
        from scaffolder.ops.backup.snapshot import verify_snapshot

        return verify_snapshot(
            outputs=ctx.outputs,
            clients=ctx.clients,
            waiting=ctx.waiting(timeout_s),
            probe_sql=probe,
            connect=ctx.connect,
            snapshot_id=snapshot_id,
            instance_class=instance_class or restore_instance_class(ctx),
            growth_pct=growth_pct,
            report_key=checked_report_key(report_key, ctx.env),
        )
    from scaffolder.ops.backup.external import verify_dump

    return verify_dump(
        outputs=ctx.outputs,
        clients=ctx.clients,
        clock=ctx.clock,
        probe_sql=probe,
        target_url=target_url,
        runner=ctx.runner,
        connect=ctx.connect,
    )


def default_probe(ctx: BackupContext) -> str:
    return ctx.spec.backups.probe_sql if ctx.spec else "SELECT 1"


def restore_instance_class(ctx: BackupContext) -> str:
    """The temporary instance's class: the database's own, so a restore is as fast."""
    if ctx.spec and ctx.spec.database:
        return ctx.spec.database.instance_class
    return "db.t4g.micro"


def checked_report_key(key: str | None, env: str) -> str | None:
    """`--report-key` (set by `--in-task`) stays among this environment's reports."""
    if key is None:
        return None
    prefix = f"verifications/{env}/"
    if not key.startswith(prefix) or not key.endswith(".json") or ".." in key:
        raise UsageError(f"--report-key must be a {prefix}<name>.json key.")
    return key


def backup_in_task(ctx: BackupContext, *, timeout_s: float = 3600.0) -> TaskOutcome:
    """`backup run --in-task`: the snapshot backup, run by the restore-check task."""
    from scaffolder.ops.backup.task import require_task, run_in_task

    require_task(ctx.outputs)
    command = ["backup", "run", ctx.env]
    # The task waits up to timeout_s for the snapshot; this waits for the task.
    return run_in_task(ctx.clients, ctx.outputs, command, ctx.task_waiting(timeout_s))


def verify_in_task(
    ctx: BackupContext,
    *,
    probe_sql: str | None = None,
    snapshot_id: str | None = None,
    growth_pct: float = 10.0,
    timeout_s: float = 3600.0,
) -> TaskOutcome:
    """`backup verify --in-task`: the restore check, run by the restore-check task.

    The task has no checkout: what the spec would say (probe, instance class) is
    passed on its command line, with the key it must publish its report under.
    """
    from scaffolder.ops.backup.store import stamp
    from scaffolder.ops.backup.task import report_key, require_task, run_in_task

    require_task(ctx.outputs)
    key = report_key(ctx.env, stamp(ctx.clock()))
    command = [
        "backup",
        "verify",
        ctx.env,
        "--probe",
        probe_sql or default_probe(ctx),
        "--instance-class",
        restore_instance_class(ctx),
        "--growth-pct",
        f"{growth_pct:g}",
        "--timeout-minutes",
        f"{timeout_s / 60:g}",
        "--report-key",
        key,
    ]
    if snapshot_id:
        command += ["--snapshot", snapshot_id]
    # Inside: a restore wait, a password wait, the checks; then the cleanup.
    waiting = ctx.task_waiting(3 * timeout_s)
    return run_in_task(ctx.clients, ctx.outputs, command, waiting, report_key=key)


def sweep(ctx: BackupContext) -> SweepResult:
    """Remove this environment's expired restore-test instances (RDS only)."""
    if not ctx.is_rds:
        return SweepResult()
    from scaffolder.ops.backup.sweep import sweep_restore_instances

    return sweep_restore_instances(
        ctx.clients,
        project=ctx.outputs.project,
        environment=ctx.outputs.environment,
        now=ctx.clock(),
    )


def raise_if_failed(report: VerificationReport) -> None:
    """A failed check is a failed verification: exit 1 with the failed checks named."""
    if not report.passed:
        where = f" The report is at {report.report_uri}." if report.report_uri else ""
        hint = "Read each failed check's detail above and fix the backup before relying on it."
        if any(check.name == CONNECT_CHECK for check in report.failed_checks()):
            hint = RUN_INSIDE_VPC.format(env=report.environment)
        raise CheckFailed(summary(report), hint=hint + where)

"""Publish a verification: the CloudWatch metric the "no verified restore" alarm
watches, and the JSON report in the backup bucket."""

from __future__ import annotations

from datetime import datetime

from scaffolder.models import RESTORE_METRIC_NAME, RESTORE_METRIC_NAMESPACE, StackOutputs
from scaffolder.ops.backup.models import BackupManifest, CheckResult, VerificationReport
from scaffolder.ops.backup.store import put_json, stamp
from scaffolder.ops.clients import ClientProvider, aws_errors


def finish(
    report: VerificationReport, now: datetime, manifest: BackupManifest | None = None
) -> VerificationReport:
    """Seal the report: passed only when there were checks and every one passed."""
    report.finished_at = now.isoformat()
    report.passed = bool(report.checks) and all(check.passed for check in report.checks)
    if manifest is not None:
        report.warnings += nothing_to_protect(manifest)
    return report


def nothing_to_protect(manifest: BackupManifest) -> list[str]:
    """An empty database restores perfectly and proves nothing: say so, do not fail.

    A new environment is legitimately empty; a prod backup that is empty usually
    means the dump or snapshot read the wrong database (a DATABASE_URL pointing
    at a fresh or local one).
    """
    tables = manifest.facts.tables
    if sum(t.rows for t in tables):
        return []
    held = f"{len(tables)} table(s), all empty" if tables else "no tables"
    return [
        f"The backup holds {held}: it verifies, but there is nothing to protect yet. If "
        f"{manifest.environment} already has users, check that the backup reads the right "
        "database (DATABASE_URL in the environment's secret, or the RDS instance)."
    ]


def publish(
    report: VerificationReport,
    *,
    outputs: StackOutputs,
    clients: ClientProvider,
    now: datetime,
    key: str | None = None,
) -> VerificationReport:
    """Write the report to S3 and the metric (1 passed, 0 failed) to CloudWatch.

    `key`: where `--in-task` waits for it (ops/backup/task.py); else by time.
    """
    key = key or f"verifications/{report.environment}/{stamp(now)}.json"
    report.report_uri = f"s3://{outputs.backup_bucket_name}/{key}"
    put_json(clients, outputs, key, report.model_dump_json(indent=2))
    with aws_errors(f"publish the {RESTORE_METRIC_NAME} metric"):
        clients.client("cloudwatch").put_metric_data(
            Namespace=RESTORE_METRIC_NAMESPACE,
            MetricData=[
                {
                    "MetricName": RESTORE_METRIC_NAME,
                    "Dimensions": [{"Name": "Environment", "Value": report.environment}],
                    "Timestamp": now,
                    "Value": 1.0 if report.passed else 0.0,
                    "Unit": "Count",
                }
            ],
        )
    return report


def summary(report: VerificationReport) -> str:
    """One sentence for the CheckFailed error when a verification fails."""
    failed: list[CheckResult] = report.failed_checks()
    names = ", ".join(check.name for check in failed) or "no checks ran"
    return (
        f"Backup verification for {report.environment} failed: "
        f"{len(failed)} of {len(report.checks)} checks failed ({names})."
    )

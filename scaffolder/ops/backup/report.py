"""Publish a verification: the CloudWatch metric the "no verified restore" alarm
watches, and the JSON report in the backup bucket."""

from __future__ import annotations

from datetime import datetime

from scaffolder.models import RESTORE_METRIC_NAME, RESTORE_METRIC_NAMESPACE, StackOutputs
from scaffolder.ops.backup.models import CheckResult, VerificationReport
from scaffolder.ops.backup.store import put_json, stamp
from scaffolder.ops.clients import ClientProvider, aws_errors


def finish(report: VerificationReport, now: datetime) -> VerificationReport:
    """Seal the report: passed only when there were checks and every one passed."""
    report.finished_at = now.isoformat()
    report.passed = bool(report.checks) and all(check.passed for check in report.checks)
    return report


def publish(
    report: VerificationReport, *, outputs: StackOutputs, clients: ClientProvider, now: datetime
) -> VerificationReport:
    """Write the report to S3 and the metric (1 passed, 0 failed) to CloudWatch."""
    key = f"verifications/{report.environment}/{stamp(now)}.json"
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

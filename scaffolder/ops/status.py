"""`scaffold status ENV`: what runs, what is alarming, and whether backups are
real. Read-only; every problem found becomes one sentence in `problems`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import Field, ValidationError

from scaffolder.models import (
    RESTORE_METRIC_NAME,
    RESTORE_METRIC_NAMESPACE,
    EnvName,
    Model,
    ReleaseRecord,
)
from scaffolder.ops.context import OpsContext
from scaffolder.ops.releases import live_ref, matches, read_ledger

# docs/architecture.md, 'Environments': an alarm when no restore was verified for a while.
DEFAULT_VERIFY_WINDOW_DAYS = 8
BACKUP_MAX_AGE_DAYS = 2  # daily backups: older than two days means the schedule is broken


class ServiceStatus(Model):
    name: str
    shape: Literal["server", "static"]
    url: str = ""  # https; an SPA and its API on one origin share it
    live: str | None = None  # task definition ARN or CloudFront origin path
    release: ReleaseRecord | None = None  # the ledger record of what is live


class AlarmState(Model):
    name: str
    reason: str
    since: str | None = None


class BackupState(Model):
    kind: Literal["recovery-point", "snapshot", "dump"]
    location: str
    created_at: str


class VerificationState(Model):
    source: Literal["report", "metric"]
    at: str
    passed: bool
    uri: str | None = None


class EnvironmentStatus(Model):
    project: str
    environment: EnvName
    checked_at: str
    services: list[ServiceStatus] = Field(default_factory=list)
    alarms: list[AlarmState] = Field(default_factory=list)
    last_backup: BackupState | None = None
    last_verification: VerificationState | None = None
    problems: list[str] = Field(default_factory=list)
    healthy: bool = True


def _services(ctx: OpsContext, status: EnvironmentStatus) -> None:
    ledger = read_ledger(ctx)
    for svc in ctx.outputs.services:
        live = live_ref(ctx, svc)
        records = ledger.for_service(svc.name)
        record = next((r for r in reversed(records) if matches(r, live)), None)
        status.services.append(
            ServiceStatus(name=svc.name, shape=svc.shape, url=svc.url, live=live, release=record)
        )
        if record is None:
            status.problems.append(
                f"{svc.name}: what is live ({live or 'nothing'}) is not in the release ledger"
            )
        elif record.status in ("failed", "rolled-back"):
            status.problems.append(
                f"{svc.name}: the live release {record.release_id} is marked {record.status}"
            )


def _alarms(ctx: OpsContext, status: EnvironmentStatus) -> None:
    cw = ctx.clients.client("cloudwatch")
    prefix = f"{ctx.outputs.project}-{ctx.env}-"
    alarms: list[dict[str, Any]] = []

    def collect() -> None:
        pages = cw.get_paginator("describe_alarms").paginate(
            AlarmNamePrefix=prefix, StateValue="ALARM"
        )
        for page in pages:
            alarms.extend(page.get("MetricAlarms", []) + page.get("CompositeAlarms", []))

    ctx.retry.call("list the CloudWatch alarms", collect)
    for alarm in alarms:
        since = alarm.get("StateUpdatedTimestamp")
        status.alarms.append(
            AlarmState(
                name=alarm["AlarmName"],
                reason=str(alarm.get("StateReason", "")),
                since=since.isoformat() if isinstance(since, datetime) else None,
            )
        )
        status.problems.append(f"alarm {alarm['AlarmName']} is in ALARM")


def _objects(ctx: OpsContext, prefix: str) -> list[dict[str, Any]]:
    s3 = ctx.clients.client("s3")
    bucket = ctx.outputs.backup_bucket_name
    found: list[dict[str, Any]] = []

    def collect() -> None:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            found.extend(page.get("Contents", []))

    ctx.retry.call(f"list s3://{bucket}/{prefix}", collect)
    return sorted(found, key=lambda o: str(o["Key"]))  # keys start with a sortable timestamp


def _recovery_point(ctx: OpsContext) -> BackupState | None:
    vault = ctx.outputs.backup_vault_name
    if not vault:
        return None
    backup = ctx.clients.client("backup")
    points = ctx.retry.call(
        f"list the recovery points in the backup vault {vault}",
        lambda: backup.list_recovery_points_by_backup_vault(BackupVaultName=vault, MaxResults=100),
    ).get("RecoveryPoints", [])
    done = [p for p in points if p.get("Status") in (None, "COMPLETED")]
    if not done:
        return None
    newest = max(done, key=lambda p: p["CreationDate"])
    return BackupState(
        kind="recovery-point",
        location=str(newest["RecoveryPointArn"]),
        created_at=newest["CreationDate"].isoformat(),
    )


def _last_backup(ctx: OpsContext) -> BackupState | None:
    candidates: list[BackupState] = []
    if point := _recovery_point(ctx):
        candidates.append(point)
    bucket = ctx.outputs.backup_bucket_name
    sources: tuple[tuple[Literal["dump", "snapshot"], str], ...] = (
        ("dump", "dumps"),
        ("snapshot", "snapshots"),
    )
    for kind, prefix in sources:
        manifests = [
            o
            for o in _objects(ctx, f"{prefix}/{ctx.env}/")
            if str(o["Key"]).endswith(".manifest.json")
        ]
        if manifests:
            newest = max(manifests, key=lambda o: o["LastModified"])
            candidates.append(
                BackupState(
                    kind=kind,
                    location=f"s3://{bucket}/{newest['Key']}",
                    created_at=newest["LastModified"].isoformat(),
                )
            )
    return max(candidates, key=lambda c: c.created_at) if candidates else None


def _reader(s3: Any, bucket: str, key: str) -> Callable[[], bytes]:
    return lambda: bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())


def _from_reports(ctx: OpsContext) -> VerificationState | None:
    from scaffolder.ops.backup.models import VerificationReport

    s3 = ctx.clients.client("s3")
    bucket = ctx.outputs.backup_bucket_name
    for obj in reversed(_objects(ctx, f"verifications/{ctx.env}/")):
        key = str(obj["Key"])
        body = ctx.retry.call(f"read s3://{bucket}/{key}", _reader(s3, bucket, key))
        try:
            report = VerificationReport.model_validate_json(body)
        except ValidationError:
            continue
        return VerificationState(
            source="report",
            at=report.finished_at or report.started_at,
            passed=report.passed,
            uri=f"s3://{bucket}/{key}",
        )
    return None


def _from_metric(ctx: OpsContext, now: datetime) -> VerificationState | None:
    cw = ctx.clients.client("cloudwatch")
    stats = ctx.retry.call(
        f"read the {RESTORE_METRIC_NAME} metric",
        lambda: cw.get_metric_statistics(
            Namespace=RESTORE_METRIC_NAMESPACE,
            MetricName=RESTORE_METRIC_NAME,
            Dimensions=[{"Name": "Environment", "Value": ctx.env}],
            StartTime=now - timedelta(days=14),
            EndTime=now,
            Period=3600,
            Statistics=["Minimum"],
        ),
    )
    points = stats.get("Datapoints", [])
    if not points:
        return None
    newest = max(points, key=lambda p: p["Timestamp"])
    return VerificationState(
        source="metric", at=newest["Timestamp"].isoformat(), passed=newest["Minimum"] >= 1
    )


def _age_days(now: datetime, iso: str) -> float:
    return (now - datetime.fromisoformat(iso)).total_seconds() / 86400


def _judge_backups(ctx: OpsContext, status: EnvironmentStatus, now: datetime) -> None:
    if ctx.env == "dev":
        return  # dev verifies on demand only (docs/architecture.md, 'Environments')
    backup = status.last_backup
    if backup is None:
        status.problems.append("no backup found")
    elif _age_days(now, backup.created_at) > BACKUP_MAX_AGE_DAYS:
        status.problems.append(
            f"the last backup is {_age_days(now, backup.created_at):.0f} days old"
        )
    window = DEFAULT_VERIFY_WINDOW_DAYS
    if ctx.spec and ctx.spec.backups.verify_window_days:
        window = ctx.spec.backups.verify_window_days
    check = status.last_verification
    if check is None:
        status.problems.append("no verified restore on record")
    elif not check.passed:
        status.problems.append(f"the last restore verification ({check.at}) failed")
    elif _age_days(now, check.at) > window:
        status.problems.append(f"the last verified restore is older than {window} days")


def environment_status(ctx: OpsContext) -> EnvironmentStatus:
    now = ctx.clock()
    status = EnvironmentStatus(
        project=ctx.outputs.project, environment=ctx.env, checked_at=now.isoformat()
    )
    _services(ctx, status)
    _alarms(ctx, status)
    status.last_backup = _last_backup(ctx)
    status.last_verification = _from_reports(ctx) or _from_metric(ctx, now)
    _judge_backups(ctx, status, now)
    status.healthy = not status.problems
    return status

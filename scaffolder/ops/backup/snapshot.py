"""Backups of the RDS Postgres the tool provisions.

`run`: read the manifest from the live database, then take a tagged manual
snapshot and wait for it; the manifest is stored once the snapshot is available.
`verify`: sweep leftovers, restore the newest snapshot into a temporary private
instance, check it against its manifest, publish, and delete the instance in a
`finally` - also on Ctrl-C.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from scaffolder.errors import CloudError
from scaffolder.models import StackOutputs
from scaffolder.ops.backup import store
from scaffolder.ops.backup.checks import (
    CONNECT_CHECK,
    compare_facts,
    run_probe,
    unreachable_detail,
)
from scaffolder.ops.backup.database_facts import PLATFORM_SCHEMAS, read_facts
from scaffolder.ops.backup.models import (
    BackupManifest,
    BackupRunResult,
    CheckResult,
    VerificationReport,
)
from scaffolder.ops.backup.rds import (
    Waiting,
    conninfo_for,
    describe_instance,
    latest_snapshot,
    master_credentials,
    require_rds,
    reset_master_password,
    restore_tags,
    restore_test_id,
    start_restore,
    wait_for,
)
from scaffolder.ops.backup.report import finish, publish
from scaffolder.ops.backup.scratch import Connect, connect_postgres
from scaffolder.ops.backup.sweep import remove_restore_instance, sweep_restore_instances
from scaffolder.ops.clients import ClientProvider, aws_errors


def _timeout(waiting: Waiting) -> timedelta:
    return timedelta(seconds=waiting.timeout_s)


def _prefix(outputs: StackOutputs) -> str:
    return f"snapshots/{outputs.environment}/"


def run_snapshot(
    *,
    outputs: StackOutputs,
    clients: ClientProvider,
    waiting: Waiting,
    connect: Connect = connect_postgres,
) -> BackupRunResult:
    instance_id = require_rds(outputs)
    rds = clients.client("rds")
    user, password = master_credentials(clients, str(outputs.db_secret_arn))
    info = conninfo_for(
        describe_instance(rds, instance_id), user, password, outputs.db_name or "postgres"
    )
    now = waiting.clock()
    with connect(info) as conn, conn.transaction():
        facts = read_facts(conn)
    stamp = store.stamp(now)
    snapshot_id = f"{instance_id}-scaffold-{stamp.lower()}"
    with aws_errors(f"create the snapshot {snapshot_id}"):
        rds.create_db_snapshot(
            DBSnapshotIdentifier=snapshot_id,
            DBInstanceIdentifier=instance_id,
            Tags=[
                {"Key": "scaffold:purpose", "Value": "on-demand-backup"},
                {"Key": "scaffold:environment", "Value": outputs.environment},
                {"Key": "scaffold:project", "Value": outputs.project},
            ],
        )

    def snapshot_state() -> dict[str, Any]:
        with aws_errors(f"check the snapshot {snapshot_id}"):
            found: dict[str, Any] = rds.describe_db_snapshots(DBSnapshotIdentifier=snapshot_id)[
                "DBSnapshots"
            ][0]
        return found

    ready, state = wait_for(
        snapshot_state,
        lambda s: s.get("Status") == "available",
        waiting,
        action=f"check the snapshot {snapshot_id}",
    )
    if not ready:
        raise CloudError(
            f"The snapshot {snapshot_id} was not available after "
            f"{waiting.timeout_s / 60:.0f} minutes (status {state.get('Status')}).",
            hint="It may still finish: check the RDS console, then run `scaffold backup verify`.",
        )
    manifest = BackupManifest(
        kind="snapshot",
        project=outputs.project,
        environment=outputs.environment,
        created_at=now.isoformat(),
        facts=facts,
        excluded_schemas=list(PLATFORM_SCHEMAS),
        snapshot_id=snapshot_id,
    )
    return store.record_backup(
        clients,
        outputs,
        manifest,
        key=f"{_prefix(outputs)}{stamp}-{snapshot_id}{store.MANIFEST_SUFFIX}",
        location=snapshot_id,
    )


def _manifests(clients: ClientProvider, outputs: StackOutputs) -> dict[str, str]:
    """snapshot id -> manifest key, for every manifest `backup run` stored."""
    found: dict[str, str] = {}
    for key in store.list_keys(clients, outputs, _prefix(outputs)):
        name = Path(key).name.removesuffix(store.MANIFEST_SUFFIX)
        if key.endswith(store.MANIFEST_SUFFIX) and "-" in name:
            found[name.split("-", 1)[1]] = key
    return found


def verify_snapshot(
    *,
    outputs: StackOutputs,
    clients: ClientProvider,
    waiting: Waiting,
    probe_sql: str,
    connect: Connect = connect_postgres,
    snapshot_id: str | None = None,
    instance_class: str = "db.t4g.micro",
    growth_pct: float = 10.0,
    keep_hours: float = 6.0,
    publish_result: bool = True,
    report_key: str | None = None,
) -> VerificationReport:
    instance_id = require_rds(outputs)
    rds = clients.client("rds")
    swept = sweep_restore_instances(
        clients, project=outputs.project, environment=outputs.environment, now=waiting.clock()
    )
    manifests = _manifests(clients, outputs)
    snapshot = latest_snapshot(rds, instance_id, {snapshot_id} if snapshot_id else set(manifests))
    if snapshot_id and snapshot["DBSnapshotIdentifier"] != snapshot_id:
        raise CloudError(
            f"There is no available snapshot {snapshot_id} of {instance_id}.",
            hint="Leave out --snapshot to verify the newest one, or take one with "
            "`scaffold backup run ENV`.",
        )
    chosen = str(snapshot["DBSnapshotIdentifier"])
    manifest_key = manifests.get(chosen)
    now = waiting.clock()
    temp_id = restore_test_id(outputs.project, outputs.environment, store.stamp(now))
    report = VerificationReport(
        project=outputs.project,
        environment=outputs.environment,
        kind="snapshot",
        source=chosen,
        restore_target=temp_id,
        started_at=now.isoformat(),
        manifest_uri=store.s3_uri(outputs.backup_bucket_name, manifest_key)
        if manifest_key
        else None,
        notes=[f"swept leftover restore-test instance {i}" for i in swept.deleted],
    )
    manifest = store.read_manifest(clients, outputs, manifest_key) if manifest_key else None
    try:
        start_restore(
            rds,
            outputs,
            snapshot_id=chosen,
            instance_id=temp_id,
            instance_class=instance_class,
            # Two bounded waits plus the checks: never expire while still in use.
            tags=restore_tags(outputs, now + timedelta(hours=keep_hours) + 3 * _timeout(waiting)),
        )
        _check_restored(
            report,
            rds,
            temp_id,
            manifest,
            clients=clients,
            outputs=outputs,
            waiting=waiting,
            connect=connect,
            probe_sql=probe_sql,
            growth_pct=growth_pct,
        )
    finally:
        report.notes.append(remove_restore_instance(rds, temp_id))
    finish(report, waiting.clock(), manifest)
    if publish_result:
        publish(report, outputs=outputs, clients=clients, now=waiting.clock(), key=report_key)
    return report


def _check_restored(
    report: VerificationReport,
    rds: Any,
    temp_id: str,
    manifest: BackupManifest | None,
    *,
    clients: ClientProvider,
    outputs: StackOutputs,
    waiting: Waiting,
    connect: Connect,
    probe_sql: str,
    growth_pct: float,
) -> None:
    ready, state = wait_for(
        lambda: describe_instance(rds, temp_id),
        lambda s: s.get("DBInstanceStatus") == "available",
        waiting,
        action=f"check the RDS instance {temp_id}",
    )
    minutes = f"{waiting.timeout_s / 60:.0f} minutes"
    if not ready:
        report.checks.append(
            CheckResult(
                name="restore completed",
                passed=False,
                detail=f"{temp_id} was not available after {minutes} "
                f"(status {state.get('DBInstanceStatus')})",
            )
        )
        return
    user, password = master_credentials(clients, str(outputs.db_secret_arn))
    if not reset_master_password(rds, temp_id, password, waiting):
        report.checks.append(
            CheckResult(
                name="restore completed",
                passed=False,
                detail=f"{temp_id} did not accept the current master password within {minutes}",
            )
        )
        return
    report.checks.append(
        CheckResult(name="restore completed", passed=True, detail=f"{temp_id} is available")
    )
    info = conninfo_for(
        describe_instance(rds, temp_id), user, password, outputs.db_name or "postgres"
    )
    try:
        conn = connect(info)
    except CloudError as exc:
        # Unreachable restored copy: a failed verification (metric 0), not a crash.
        report.checks.append(
            CheckResult(name=CONNECT_CHECK, passed=False, detail=unreachable_detail(exc.message))
        )
        return
    with conn:
        with conn.transaction():
            restored = read_facts(
                conn, tuple(manifest.excluded_schemas) if manifest else PLATFORM_SCHEMAS
            )
        if manifest is None:
            report.checks.append(
                CheckResult(
                    name="manifest",
                    passed=False,
                    detail=f"no manifest was recorded for {report.source}, so tables, schema and "
                    f"row counts cannot be compared; take snapshots with `scaffold backup run`",
                )
            )
        else:
            report.checks += compare_facts(manifest, restored, exact=False, growth_pct=growth_pct)
        report.checks.append(run_probe(conn, probe_sql))

"""Backups of a Postgres the tool does not host (Supabase, Neon): a logical dump in
the encrypted bucket, restored into a scratch Postgres and checked.

The manifest and the dump read the same exported snapshot (pg_export_snapshot +
pg_dump --snapshot), so the manifest's row counts are exactly what the dump holds.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from psycopg import Error, IsolationLevel

from scaffolder.errors import CloudError, InputError
from scaffolder.local_postgres import Runner, run_command
from scaffolder.models import StackOutputs
from scaffolder.ops.backup import store
from scaffolder.ops.backup.checks import check_integrity, check_restore, compare_facts, run_probe
from scaffolder.ops.backup.database_facts import PLATFORM_SCHEMAS, read_facts
from scaffolder.ops.backup.dump import file_digest, pg_dump, pg_restore
from scaffolder.ops.backup.models import BackupManifest, BackupRunResult, VerificationReport
from scaffolder.ops.backup.report import finish, publish
from scaffolder.ops.backup.scratch import Connect, connect_postgres, scratch_database
from scaffolder.ops.clients import ClientProvider

Clock = Callable[[], datetime]


def run_dump(
    *,
    outputs: StackOutputs,
    database: Mapping[str, str],
    clients: ClientProvider,
    clock: Clock,
    runner: Runner = run_command,
    connect: Connect = connect_postgres,
) -> BackupRunResult:
    """Dump `database` to s3://<backup bucket>/dumps/<env>/<stamp>.dump with a manifest."""
    now = clock()
    base = f"dumps/{outputs.environment}/{store.stamp(now)}"
    with tempfile.TemporaryDirectory(prefix="scaffold-dump-") as tmp:
        path = Path(tmp) / "backup.dump"
        with connect(database) as conn:
            conn.autocommit = False
            conn.isolation_level = IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            try:
                row = conn.execute("SELECT pg_catalog.pg_export_snapshot()").fetchone()
            except Error as exc:
                raise InputError(
                    "The database would not export a snapshot, so the dump and its manifest "
                    "cannot be read consistently.",
                    hint="Use the direct connection URL, not a transaction pooler "
                    "(Supabase: port 5432 on db.<ref>.supabase.co; Neon: the non-pooled host).",
                ) from exc
            snapshot = str(row[0]) if row else None
            # The transaction stays open until pg_dump is done: it keeps the snapshot alive.
            pg_dump(
                database, path, runner=runner, snapshot=snapshot, excluded_schemas=PLATFORM_SCHEMAS
            )
            facts = read_facts(conn)
            conn.rollback()
        sha256, size = file_digest(path)
        dump_uri = store.upload_file(clients, outputs, path, base + ".dump")
    manifest = BackupManifest(
        kind="dump",
        project=outputs.project,
        environment=outputs.environment,
        created_at=now.isoformat(),
        facts=facts,
        excluded_schemas=list(PLATFORM_SCHEMAS),
        dump_key=base + ".dump",
        dump_sha256=sha256,
        dump_size=size,
    )
    return store.record_backup(
        clients, outputs, manifest, key=base + store.MANIFEST_SUFFIX, location=dump_uri
    )


def verify_dump(
    *,
    outputs: StackOutputs,
    clients: ClientProvider,
    clock: Clock,
    probe_sql: str,
    target_url: str | None = None,
    manifest_key: str | None = None,
    runner: Runner = run_command,
    connect: Connect = connect_postgres,
    publish_result: bool = True,
) -> VerificationReport:
    """Restore the latest dump into a scratch Postgres and check it against its manifest."""
    key = manifest_key or store.latest_manifest_key(
        clients, outputs, f"dumps/{outputs.environment}/"
    )
    if key is None:
        raise CloudError(
            f"There is no dump of {outputs.environment} in s3://{outputs.backup_bucket_name}/"
            f"dumps/{outputs.environment}/ to verify.",
            hint=f"Take one first: scaffold backup run {outputs.environment}",
        )
    manifest = store.read_manifest(clients, outputs, key)
    dump_key = manifest.dump_key or key.removesuffix(store.MANIFEST_SUFFIX) + ".dump"
    report = VerificationReport(
        project=outputs.project,
        environment=outputs.environment,
        kind="dump",
        source=store.s3_uri(outputs.backup_bucket_name, dump_key),
        manifest_uri=store.s3_uri(outputs.backup_bucket_name, key),
        restore_target="",
        started_at=clock().isoformat(),
    )
    with tempfile.TemporaryDirectory(prefix="scaffold-verify-") as tmp:
        path = Path(tmp) / "backup.dump"
        store.download_file(clients, outputs, dump_key, path)
        report.checks.append(check_integrity(manifest, *file_digest(path)))
        with scratch_database(
            target_url, roles=manifest.facts.policy_roles, runner=runner, connect=connect
        ) as (info, where):
            report.restore_target = where
            outcome = pg_restore(info, path, runner=runner)
            report.checks.append(check_restore(outcome))
            with connect(info) as conn:
                conn.autocommit = True
                with conn.transaction():
                    restored = read_facts(conn, tuple(manifest.excluded_schemas))
                report.checks += compare_facts(manifest, restored, exact=True)
                report.checks.append(run_probe(conn, probe_sql))
    finish(report, clock(), manifest)
    if publish_result:
        publish(report, outputs=outputs, clients=clients, now=clock())
    return report

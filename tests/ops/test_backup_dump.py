"""The external-Postgres flow for real: pg_dump from a real database, moto S3 + KMS,
pg_restore into a real scratch Postgres, checks against the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffolder.local_postgres import EphemeralCluster
from scaffolder.models import RESTORE_METRIC_NAME, RESTORE_METRIC_NAMESPACE, StackOutputs
from scaffolder.ops.backup.external import run_dump, verify_dump
from scaffolder.ops.backup.models import BackupManifest, VerificationReport
from scaffolder.ops.backup.store import MANIFEST_SUFFIX
from tests.ops import pg
from tests.ops.conftest import Clock, MotoProvider

pytestmark = pytest.mark.postgres


def _verify_into(
    pg_cluster: EphemeralCluster,
    outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    *,
    probe_sql: str = "SELECT 1",
) -> VerificationReport:
    """Verify the latest dump by restoring it into the session's scratch cluster."""
    return verify_dump(
        outputs=outputs,
        clients=aws,
        clock=clock,
        probe_sql=probe_sql,
        target_url=_server_url(pg_cluster),
    )


def _server_url(cluster: EphemeralCluster) -> str:
    return f"postgresql://postgres:{cluster.password}@127.0.0.1:{cluster.port}/postgres"


def _checks(report: VerificationReport) -> dict[str, bool]:
    return {check.name: check.passed for check in report.checks}


def _take_dump(
    source_db: dict[str, str], outputs: StackOutputs, aws: MotoProvider, clock: Clock
) -> tuple[str, BackupManifest]:
    result = run_dump(outputs=outputs, database=source_db, clients=aws, clock=clock)
    key = result.manifest_uri.removeprefix(f"s3://{outputs.backup_bucket_name}/")
    body = aws.client("s3").get_object(Bucket=outputs.backup_bucket_name, Key=key)["Body"]
    return key, BackupManifest.model_validate_json(body.read())


def test_run_writes_encrypted_dump_and_exact_manifest(
    *, source_db: dict[str, str], outputs: StackOutputs, aws: MotoProvider, clock: Clock
) -> None:
    result = run_dump(outputs=outputs, database=source_db, clients=aws, clock=clock)

    assert result.location == "s3://demo-staging-backups/dumps/staging/20260122T030100Z.dump"
    assert result.total_rows == pg.USERS + pg.ORDERS + 1 + 3 + 2
    s3 = aws.client("s3")
    head = s3.head_object(
        Bucket=outputs.backup_bucket_name, Key="dumps/staging/20260122T030100Z.dump"
    )
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"] == outputs.kms_key_arn
    manifest = BackupManifest.model_validate_json(
        s3.get_object(
            Bucket=outputs.backup_bucket_name,
            Key="dumps/staging/20260122T030100Z" + MANIFEST_SUFFIX,
        )["Body"].read()
    )
    counts = {t.qualified: t.rows for t in manifest.facts.tables}
    assert counts["public.users"] == pg.USERS
    assert counts["public.orders"] == pg.ORDERS
    assert "auth.users" not in counts  # a platform schema is not the app's data
    heads = {h.table: h.head for h in manifest.facts.migration_heads}
    assert heads == {
        "public.alembic_version": "3f2a9c1b7d00",
        "public._prisma_migrations": "20240301000000_orders",
        "supabase_migrations.schema_migrations": "20240301000000",
    }
    assert manifest.dump_size == head["ContentLength"]
    assert len(manifest.dump_sha256 or "") == 64
    assert manifest.facts.policy_roles == ["scaffold_test_authenticated"]


def test_good_dump_verifies_into_target_url_and_publishes(
    *,
    source_db: dict[str, str],
    outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    pg_cluster: EphemeralCluster,
) -> None:
    _take_dump(source_db, outputs, aws, clock)

    report = _verify_into(
        pg_cluster,
        outputs,
        aws,
        clock,
        probe_sql="SELECT 1 FROM public.users WHERE email LIKE 'user1@%'",
    )

    assert report.passed, report.checks
    assert set(_checks(report)) == {
        "dump integrity",
        "restore completed",
        "tables present",
        "schema hash",
        "migration head",
        "row counts",
        "probe",
    }
    assert report.report_uri is not None
    key = report.report_uri.removeprefix("s3://demo-staging-backups/")
    assert key.startswith("verifications/staging/")
    stored = json.loads(
        aws.client("s3").get_object(Bucket="demo-staging-backups", Key=key)["Body"].read()
    )
    assert stored["passed"] is True
    metrics = aws.client("cloudwatch").list_metrics(Namespace=RESTORE_METRIC_NAMESPACE)["Metrics"]
    assert metrics[0]["MetricName"] == RESTORE_METRIC_NAME
    assert metrics[0]["Dimensions"] == [{"Name": "Environment", "Value": "staging"}]
    # The scratch database on the target server is gone afterwards.
    with pg.connect(pg_cluster.conninfo()) as conn:
        left = conn.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'scaffold_restore_%'"
        ).fetchone()
    assert left == (0,)


def test_good_dump_verifies_in_a_fresh_ephemeral_cluster(
    *, source_db: dict[str, str], outputs: StackOutputs, aws: MotoProvider, clock: Clock
) -> None:
    _take_dump(source_db, outputs, aws, clock)

    report = verify_dump(outputs=outputs, clients=aws, clock=clock, probe_sql="SELECT 1")

    assert report.passed, report.checks
    assert report.restore_target.startswith("ephemeral Postgres on 127.0.0.1:")


def _replace_dump(
    aws: MotoProvider, outputs: StackOutputs, manifest: BackupManifest, data: bytes
) -> None:
    assert manifest.dump_key is not None
    aws.client("s3").put_object(Bucket=outputs.backup_bucket_name, Key=manifest.dump_key, Body=data)


def _dump_bytes(aws: MotoProvider, outputs: StackOutputs, manifest: BackupManifest) -> bytes:
    body = aws.client("s3").get_object(Bucket=outputs.backup_bucket_name, Key=manifest.dump_key)
    data: bytes = body["Body"].read()
    return data


def test_truncated_dump_fails(
    *,
    source_db: dict[str, str],
    outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    pg_cluster: EphemeralCluster,
) -> None:
    _, manifest = _take_dump(source_db, outputs, aws, clock)
    data = _dump_bytes(aws, outputs, manifest)
    _replace_dump(aws, outputs, manifest, data[: len(data) // 2])

    report = _verify_into(pg_cluster, outputs, aws, clock)

    checks = _checks(report)
    assert not report.passed
    assert checks["dump integrity"] is False
    assert checks["restore completed"] is False
    assert checks["row counts"] is False or checks["tables present"] is False


def _flip_bytes(data: bytes, start: int, count: int = 16) -> bytes:
    flipped = bytearray(data)
    for index in range(start, start + count):
        flipped[index] ^= 0xFF
    return bytes(flipped)


def test_corrupted_dump_fails_even_when_the_manifest_agrees(
    *,
    source_db: dict[str, str],
    outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    pg_cluster: EphemeralCluster,
    tmp_path: Path,
) -> None:
    """Bytes flipped before the manifest was written: the checksum matches, the restore
    and the data checks must still catch it."""
    key, manifest = _take_dump(source_db, outputs, aws, clock)
    data = _dump_bytes(aws, outputs, manifest)
    # The table data sits at the end of a custom-format archive; corrupt its middle.
    corrupted = _flip_bytes(data, len(data) - len(data) // 4)
    _replace_dump(aws, outputs, manifest, corrupted)
    import hashlib

    manifest.dump_sha256 = hashlib.sha256(corrupted).hexdigest()
    aws.client("s3").put_object(
        Bucket=outputs.backup_bucket_name, Key=key, Body=manifest.model_dump_json().encode()
    )

    report = _verify_into(pg_cluster, outputs, aws, clock)

    checks = _checks(report)
    assert checks["dump integrity"] is True
    assert not report.passed
    assert checks["restore completed"] is False


def test_corrupted_dump_in_the_bucket_fails_integrity(
    *,
    source_db: dict[str, str],
    outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    pg_cluster: EphemeralCluster,
) -> None:
    _, manifest = _take_dump(source_db, outputs, aws, clock)
    data = _dump_bytes(aws, outputs, manifest)
    _replace_dump(aws, outputs, manifest, _flip_bytes(data, len(data) // 2, 4))

    report = _verify_into(pg_cluster, outputs, aws, clock)

    assert not report.passed
    assert _checks(report)["dump integrity"] is False


def test_table_missing_from_the_dump_fails(
    *,
    source_db: dict[str, str],
    outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    pg_cluster: EphemeralCluster,
) -> None:
    key, manifest = _take_dump(source_db, outputs, aws, clock)
    manifest.facts.tables.append(
        manifest.facts.tables[0].model_copy(update={"table": "invoices", "rows": 7})
    )
    aws.client("s3").put_object(
        Bucket=outputs.backup_bucket_name, Key=key, Body=manifest.model_dump_json().encode()
    )

    report = _verify_into(pg_cluster, outputs, aws, clock)

    assert not report.passed
    failed = {c.name: c.detail for c in report.failed_checks()}
    assert set(failed) == {"tables present"}
    assert "invoices" in failed["tables present"]


def test_changed_counts_schema_and_migration_fail(
    *,
    source_db: dict[str, str],
    outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    pg_cluster: EphemeralCluster,
) -> None:
    key, manifest = _take_dump(source_db, outputs, aws, clock)
    manifest.facts.tables[0].rows += 1
    manifest.facts.schema_hash = "0" * 64
    manifest.facts.migration_heads[0].head = "older"
    aws.client("s3").put_object(
        Bucket=outputs.backup_bucket_name, Key=key, Body=manifest.model_dump_json().encode()
    )

    report = _verify_into(pg_cluster, outputs, aws, clock)

    assert {c.name for c in report.failed_checks()} == {
        "row counts",
        "schema hash",
        "migration head",
    }


@pytest.mark.parametrize(
    ("probe", "passed", "detail"),
    [
        ("SELECT id FROM public.orders WHERE total > 100 LIMIT 1", True, "returned a row"),
        ("SELECT id FROM public.orders WHERE total < 0", False, "returned no row"),
        ("SELECT * FROM public.no_such_table", False, "no_such_table"),
        ("DELETE FROM public.orders RETURNING id", False, "read-only"),
    ],
)
def test_probe(
    *,
    source_db: dict[str, str],
    outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    pg_cluster: EphemeralCluster,
    probe: str,
    passed: bool,
    detail: str,
) -> None:
    _take_dump(source_db, outputs, aws, clock)

    report = _verify_into(pg_cluster, outputs, aws, clock, probe_sql=probe)

    probe_check = next(c for c in report.checks if c.name == "probe")
    assert probe_check.passed is passed
    assert detail in probe_check.detail
    assert report.passed is passed


def test_an_empty_database_verifies_with_a_warning_that_nothing_is_protected(
    *,
    admin_info: dict[str, str],
    outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    pg_cluster: EphemeralCluster,
) -> None:
    empty = pg.create_database(admin_info, prefix="empty")
    try:
        pg.execute(empty, "CREATE TABLE public.users (id serial PRIMARY KEY, email text)")
        _take_dump(empty, outputs, aws, clock)
        report = _verify_into(pg_cluster, outputs, aws, clock)
    finally:
        pg.drop_database(admin_info, empty["dbname"])
    assert report.passed, report.checks  # empty is not broken: a new environment is empty
    [warning] = report.warnings
    assert "1 table(s), all empty" in warning and "nothing to protect" in warning


def test_a_database_with_rows_verifies_without_a_warning(
    *,
    source_db: dict[str, str],
    outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    pg_cluster: EphemeralCluster,
) -> None:
    _take_dump(source_db, outputs, aws, clock)
    assert _verify_into(pg_cluster, outputs, aws, clock).warnings == []

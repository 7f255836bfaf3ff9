"""The RDS flow: moto RDS/S3/Secrets Manager/CloudWatch, and the "instances" are
databases in the real local Postgres, reached through an injected connector."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from scaffolder.errors import CloudError
from scaffolder.local_postgres import EphemeralCluster
from scaffolder.models import StackOutputs
from scaffolder.ops.backup.models import BackupManifest
from scaffolder.ops.backup.rds import Waiting, restore_test_id, wait_for
from scaffolder.ops.backup.snapshot import run_snapshot, verify_snapshot
from scaffolder.ops.backup.sweep import sweep_restore_instances
from tests.ops import pg
from tests.ops.conftest import Clock, MotoProvider, restore_test_instance

pytestmark = pytest.mark.postgres

SOURCE = "demo-staging-db"


class LocalConnector:
    """Connects "RDS instances" to databases of the local cluster, by instance id."""

    def __init__(self, cluster: EphemeralCluster, source_db: str, restored_db: str) -> None:
        self.cluster = cluster
        self.databases = {"source": source_db, "restored": restored_db}
        self.calls: list[dict[str, str]] = []
        self.interrupt = False

    def __call__(self, info: Mapping[str, str]) -> psycopg.Connection[Any]:
        assert info["sslmode"] == "require"
        self.calls.append({k: v for k, v in info.items() if k != "password"})
        instance = info["host"].split(".")[0]
        if "-restore-" in instance and self.interrupt:
            raise KeyboardInterrupt
        which = "restored" if "-restore-" in instance else "source"
        return psycopg.connect(
            autocommit=True,
            host="127.0.0.1",
            port=self.cluster.port,
            user=info["user"],
            password=info["password"],
            dbname=self.databases[which],
        )


@pytest.fixture
def rds_outputs(
    outputs: StackOutputs, aws: MotoProvider, pg_cluster: EphemeralCluster
) -> StackOutputs:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{zone}"
        )["Subnet"]["SubnetId"]
        for i, zone in enumerate("ab")
    ]
    group = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    rds = aws.client("rds")
    rds.create_db_subnet_group(
        DBSubnetGroupName="demo-staging-db", SubnetIds=subnets, DBSubnetGroupDescription="db"
    )
    rds.create_db_instance(
        DBInstanceIdentifier=SOURCE,
        Engine="postgres",
        DBInstanceClass="db.t4g.small",
        AllocatedStorage=20,
        MasterUsername="postgres",
        MasterUserPassword="placeholder-1",
        DBSubnetGroupName="demo-staging-db",
        VpcSecurityGroupIds=[group],
        DBName="app",
    )
    # The managed master secret holds what the "instance" (local cluster) accepts.
    secret = aws.client("secretsmanager").create_secret(
        Name="rds!db-demo",
        SecretString=json.dumps({"username": pg_cluster.user, "password": pg_cluster.password}),
    )
    return outputs.model_copy(
        update={
            "db_instance_identifier": SOURCE,
            "db_secret_arn": secret["ARN"],
            "db_security_group_id": group,
            "db_subnet_group_name": "demo-staging-db",
            "db_name": "app",
        }
    )


@pytest.fixture
def restored_db(source_db: dict[str, str], admin_info: dict[str, str]) -> Iterator[str]:
    """What a restore of the snapshot holds: a copy of the source database."""
    name = f"restored_{source_db['dbname']}"
    pg.execute(admin_info, f'CREATE DATABASE "{name}" TEMPLATE "{source_db["dbname"]}"')
    yield name
    pg.drop_database(admin_info, name)


@pytest.fixture
def connector(
    pg_cluster: EphemeralCluster, source_db: dict[str, str], restored_db: str
) -> LocalConnector:
    return LocalConnector(pg_cluster, source_db["dbname"], restored_db)


def _waiting(clock: Clock) -> Waiting:
    return Waiting(clock=clock, sleep=clock.sleep, timeout_s=600, interval_s=15)


def _instances(aws: MotoProvider) -> dict[str, dict[str, Any]]:
    found = aws.client("rds").describe_db_instances()["DBInstances"]
    return {i["DBInstanceIdentifier"]: i for i in found}


def test_run_takes_a_tagged_snapshot_and_stores_its_manifest(
    rds_outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    connector: LocalConnector,
) -> None:
    result = run_snapshot(
        outputs=rds_outputs, clients=aws, waiting=_waiting(clock), connect=connector
    )

    snapshot = aws.client("rds").describe_db_snapshots(DBSnapshotIdentifier=result.location)[
        "DBSnapshots"
    ][0]
    assert snapshot["DBInstanceIdentifier"] == SOURCE
    tags = {t["Key"]: t["Value"] for t in snapshot["TagList"]}
    assert tags["scaffold:purpose"] == "on-demand-backup"
    assert tags["scaffold:environment"] == "staging"
    key = result.manifest_uri.removeprefix("s3://demo-staging-backups/")
    assert key.startswith("snapshots/staging/") and result.location in key
    manifest = BackupManifest.model_validate_json(
        aws.client("s3").get_object(Bucket="demo-staging-backups", Key=key)["Body"].read()
    )
    assert manifest.snapshot_id == result.location
    assert result.total_rows == pg.USERS + pg.ORDERS + 6
    assert connector.calls[0]["host"].startswith(f"{SOURCE}.")
    assert connector.calls[0]["dbname"] == "app"


def test_verify_restores_checks_publishes_and_deletes_the_instance(
    *,
    rds_outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    connector: LocalConnector,
    admin_info: dict[str, str],
    restored_db: str,
) -> None:
    run = run_snapshot(outputs=rds_outputs, clients=aws, waiting=_waiting(clock), connect=connector)
    # Writes between the manifest and the snapshot: within the bound.
    pg.execute(
        {**admin_info, "dbname": restored_db},
        "INSERT INTO public.users (email) VALUES ('late@example.com')",
    )

    report = verify_snapshot(
        outputs=rds_outputs,
        clients=aws,
        waiting=_waiting(clock),
        probe_sql="SELECT 1 FROM public.orders",
        connect=connector,
    )

    assert report.passed, report.checks
    assert report.source == run.location
    assert {c.name for c in report.checks} == {
        "restore completed",
        "tables present",
        "schema hash",
        "migration head",
        "row counts",
        "probe",
    }
    restored_call = connector.calls[-1]
    assert "-restore-" in restored_call["host"] and restored_call["sslmode"] == "require"
    assert report.restore_target not in _instances(aws)  # deleted in the finally
    assert any(note.startswith("deleted ") for note in report.notes)
    assert report.report_uri and report.report_uri.startswith(
        "s3://demo-staging-backups/verifications/staging/"
    )


def test_restore_instance_is_private_tagged_and_in_the_environment_network(
    rds_outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    connector: LocalConnector,
) -> None:
    run_snapshot(outputs=rds_outputs, clients=aws, waiting=_waiting(clock), connect=connector)
    sent: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        sent.append(dict(params))

    # botocore's own event hooks show what was asked of RDS (moto drops False overrides).
    aws.client("rds").meta.events.register(
        "provide-client-params.rds.RestoreDBInstanceFromDBSnapshot", record
    )

    verify_snapshot(
        outputs=rds_outputs,
        clients=aws,
        waiting=_waiting(clock),
        probe_sql="SELECT 1",
        connect=connector,
    )

    (params,) = sent
    assert params["PubliclyAccessible"] is False
    assert params["DeletionProtection"] is False
    assert params["DBSubnetGroupName"] == "demo-staging-db"
    assert params["VpcSecurityGroupIds"] == [rds_outputs.db_security_group_id]
    tags = {t["Key"]: t["Value"] for t in params["Tags"]}
    assert tags["scaffold:purpose"] == "restore-test"
    assert tags["scaffold:environment"] == "staging"
    assert datetime.fromisoformat(tags["scaffold:expires-at"]) > clock.now


def test_rows_beyond_the_growth_bound_fail(
    *,
    rds_outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    connector: LocalConnector,
    admin_info: dict[str, str],
    restored_db: str,
) -> None:
    run_snapshot(outputs=rds_outputs, clients=aws, waiting=_waiting(clock), connect=connector)
    pg.execute({**admin_info, "dbname": restored_db}, "DELETE FROM public.alembic_version")

    report = verify_snapshot(
        outputs=rds_outputs,
        clients=aws,
        waiting=_waiting(clock),
        probe_sql="SELECT 1",
        connect=connector,
    )

    assert not report.passed
    assert {c.name for c in report.failed_checks()} == {"row counts", "migration head"}
    assert not [i for i in _instances(aws) if "-restore-" in i]


def test_keyboard_interrupt_still_deletes_the_instance(
    rds_outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    connector: LocalConnector,
) -> None:
    run_snapshot(outputs=rds_outputs, clients=aws, waiting=_waiting(clock), connect=connector)
    connector.interrupt = True

    with pytest.raises(KeyboardInterrupt):
        verify_snapshot(
            outputs=rds_outputs,
            clients=aws,
            waiting=_waiting(clock),
            probe_sql="SELECT 1",
            connect=connector,
        )

    assert list(_instances(aws)) == [SOURCE]


def test_snapshot_without_manifest_is_restored_but_fails(
    rds_outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    connector: LocalConnector,
) -> None:
    aws.client("rds").create_db_snapshot(
        DBSnapshotIdentifier="nightly-1", DBInstanceIdentifier=SOURCE
    )

    report = verify_snapshot(
        outputs=rds_outputs,
        clients=aws,
        waiting=_waiting(clock),
        probe_sql="SELECT 1",
        connect=connector,
    )

    assert report.source == "nightly-1"
    assert {c.name for c in report.failed_checks()} == {"manifest"}
    assert list(_instances(aws)) == [SOURCE]


def test_sweep_deletes_only_expired_restore_tests_of_the_environment(
    rds_outputs: StackOutputs,
    aws: MotoProvider,
) -> None:
    now = datetime(2026, 1, 22, 12, 0, tzinfo=UTC)
    restore_test_instance(aws, "demo-staging-restore-old", "staging", now - timedelta(hours=1))
    restore_test_instance(aws, "demo-staging-restore-new", "staging", now + timedelta(hours=1))
    restore_test_instance(aws, "demo-prod-restore-old", "prod", now - timedelta(hours=1))

    result = sweep_restore_instances(aws, project="demo", environment="staging", now=now)

    assert result.deleted == ["demo-staging-restore-old"]
    assert result.kept == ["demo-staging-restore-new"]
    assert set(_instances(aws)) == {SOURCE, "demo-staging-restore-new", "demo-prod-restore-old"}


def test_verify_sweeps_leftovers_first(
    rds_outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    connector: LocalConnector,
) -> None:
    run_snapshot(outputs=rds_outputs, clients=aws, waiting=_waiting(clock), connect=connector)
    restore_test_instance(
        aws, "demo-staging-restore-crashed", "staging", clock.now - timedelta(hours=1)
    )

    report = verify_snapshot(
        outputs=rds_outputs,
        clients=aws,
        waiting=_waiting(clock),
        probe_sql="SELECT 1",
        connect=connector,
    )

    assert "swept leftover restore-test instance demo-staging-restore-crashed" in report.notes
    assert list(_instances(aws)) == [SOURCE]


def test_wait_is_bounded_by_the_injected_clock(clock: Clock) -> None:
    waiting = Waiting(clock=clock, sleep=clock.sleep, timeout_s=300, interval_s=30)
    polls: list[int] = []

    def probe() -> dict[str, Any]:
        polls.append(1)
        return {"DBInstanceStatus": "creating"}

    ready, state = wait_for(probe, lambda s: s["DBInstanceStatus"] == "available", waiting)

    assert not ready and state == {"DBInstanceStatus": "creating"}
    assert 0 < sum(clock.slept) <= 300 and len(polls) == len(clock.slept) + 1


def test_restore_test_ids_are_valid_rds_identifiers() -> None:
    # Names inside the deploy role's pattern: tests/stacks/test_restore_instance_names.py.
    assert restore_test_id("demo", "prod", "20260122T030000Z") == (
        "demo-prod-restore-20260122t030000z"
    )
    for project in ("My_App--2", "x" * 80):
        name = restore_test_id(project, "staging", "20260122T030000Z")
        assert len(name) <= 63 and name[0].isalpha() and not name.endswith("-")
        assert "--" not in name and name.endswith("-20260122t030000z")


class StuckRestores:
    """The moto RDS client, except restore-test instances never leave "creating"."""

    def __init__(self, rds: Any) -> None:
        self._rds = rds

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rds, name)

    def describe_db_instances(self, **kwargs: Any) -> dict[str, Any]:
        found = self._rds.describe_db_instances(**kwargs)
        for instance in found["DBInstances"]:
            if "-restore-" in instance["DBInstanceIdentifier"]:
                instance["DBInstanceStatus"] = "creating"
        return found


class Provider:
    def __init__(self, moto: MotoProvider, rds: Any) -> None:
        self.region = moto.region
        self._moto, self._rds = moto, rds

    def client(self, service: str) -> Any:
        return self._rds if service == "rds" else self._moto.client(service)


def test_restore_that_never_becomes_available_fails_publishes_0_and_cleans_up(
    rds_outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    connector: LocalConnector,
) -> None:
    run_snapshot(outputs=rds_outputs, clients=aws, waiting=_waiting(clock), connect=connector)
    calls_before = len(connector.calls)

    report = verify_snapshot(
        outputs=rds_outputs,
        clients=Provider(aws, StuckRestores(aws.client("rds"))),
        waiting=_waiting(clock),
        probe_sql="SELECT 1",
        connect=connector,
    )

    assert [(c.name, c.passed) for c in report.checks] == [("restore completed", False)]
    assert "was not available after 10 minutes (status creating)" in report.checks[0].detail
    assert len(connector.calls) == calls_before  # never connected
    assert list(_instances(aws)) == [SOURCE]
    assert clock.slept and set(clock.slept) == {15}  # polled at the interval, then gave up
    stats = aws.client("cloudwatch").get_metric_statistics(
        Namespace="Scaffold/Backups",
        MetricName="RestoreVerified",
        Dimensions=[{"Name": "Environment", "Value": "staging"}],
        StartTime=clock.now - timedelta(days=1),
        EndTime=clock.now + timedelta(days=1),
        Period=86400,
        Statistics=["Maximum"],
    )
    assert [point["Maximum"] for point in stats["Datapoints"]] == [0.0]


def test_unreachable_restored_instance_is_a_failed_check(
    rds_outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
    connector: LocalConnector,
) -> None:
    run_snapshot(outputs=rds_outputs, clients=aws, waiting=_waiting(clock), connect=connector)

    def unreachable(info: Mapping[str, str]) -> psycopg.Connection[Any]:
        raise CloudError(f"Could not connect to Postgres at {info['host']}: timeout expired")

    report = verify_snapshot(
        outputs=rds_outputs,
        clients=aws,
        waiting=_waiting(clock),
        probe_sql="SELECT 1",
        connect=unreachable,
    )

    assert not report.passed
    assert [c.name for c in report.failed_checks()] == ["connect"]
    assert "private subnets" in report.failed_checks()[0].detail
    assert list(_instances(aws)) == [SOURCE]

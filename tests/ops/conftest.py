"""Fixtures for the ops tests: one real ephemeral Postgres per test session (per
xdist worker), databases with known data in it, and AWS through moto."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scaffolder.local_postgres import EphemeralCluster
from scaffolder.models import ServiceOutputs, StackOutputs
from tests.ops import pg

REGION = "us-east-1"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[EphemeralCluster]:
    """initdb + pg_ctl in a temp dir on a free 127.0.0.1 port (as `postgres` under root)."""
    cluster = EphemeralCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def admin_info(pg_cluster: EphemeralCluster) -> dict[str, str]:
    return pg_cluster.conninfo()


@pytest.fixture
def source_db(admin_info: dict[str, str]) -> Iterator[dict[str, str]]:
    """A fresh database holding the known data set."""
    info = pg.create_database(admin_info)
    pg.load_known_data(info)
    try:
        yield info
    finally:
        pg.drop_database(admin_info, info["dbname"])


class MotoProvider:
    """A ClientProvider over moto: plain boto3 clients inside mock_aws."""

    def __init__(self, region: str = REGION) -> None:
        self.region = region
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        import boto3

        if service not in self._clients:
            self._clients[service] = boto3.client(service, region_name=self.region)
        return self._clients[service]


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[MotoProvider]:
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield MotoProvider()


def provision_outputs(
    aws: MotoProvider,
    *,
    buckets: tuple[str, ...] = ("demo-staging-backups",),
    secret_string: str | None = "{}",
    services: list[ServiceOutputs] | None = None,
) -> StackOutputs:
    """The outputs of a provisioned demo staging: a real (moto) KMS key, buckets and
    app secret (with no value at all when `secret_string` is None)."""
    key_arn = aws.client("kms").create_key(Description="env")["KeyMetadata"]["Arn"]
    for bucket in buckets:
        aws.client("s3").create_bucket(Bucket=bucket)
    extra = {} if secret_string is None else {"SecretString": secret_string}
    secret = aws.client("secretsmanager").create_secret(Name="demo/staging/app", **extra)
    return StackOutputs(
        project="demo",
        environment="staging",
        region=REGION,
        services=services or [],
        backup_bucket_name="demo-staging-backups",
        artifacts_bucket_name="demo-staging-artifacts",
        kms_key_arn=key_arn,
        app_secret_arn=secret["ARN"],
        alarm_topic_arn=f"arn:aws:sns:{REGION}:123456789012:demo-staging-alarms",
    )


@pytest.fixture
def outputs(aws: MotoProvider) -> StackOutputs:
    """The stack outputs of a provisioned environment, with a real (moto) bucket and key."""
    return provision_outputs(aws)


def restore_test_instance(
    aws: MotoProvider, name: str, env: str, expires: datetime, *, project: str | None = "demo"
) -> None:
    """An RDS instance tagged as a restore test of `env` that expires at `expires`."""
    tags = {
        "scaffold:purpose": "restore-test",
        "scaffold:environment": env,
        "scaffold:project": project,
        "scaffold:expires-at": expires.isoformat(),
    }
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier=name,
        Engine="postgres",
        DBInstanceClass="db.t4g.micro",
        AllocatedStorage=20,
        MasterUsername="postgres",
        MasterUserPassword="placeholder-1",
        Tags=[{"Key": k, "Value": v} for k, v in tags.items() if v is not None],
    )


class Clock:
    """A clock that moves one minute every time it is read, and on sleep()."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 1, 22, 3, 0, tzinfo=UTC)
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()

"""AWS failures moto cannot produce (throttling, access denied), through botocore's
Stubber: each becomes one clear scaffold error, and cleanup still runs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from scaffolder.errors import CloudError, CredentialsError
from scaffolder.models import StackOutputs
from scaffolder.ops.backup.models import CheckResult, VerificationReport
from scaffolder.ops.backup.rds import Waiting
from scaffolder.ops.backup.report import publish
from scaffolder.ops.backup.snapshot import verify_snapshot
from tests.ops.conftest import Clock, MotoProvider


class StubbedProvider:
    """moto for every service except the stubbed ones."""

    def __init__(self, moto: MotoProvider, **stubbed: Any) -> None:
        self.region = moto.region
        self._moto = moto
        self._stubbed = stubbed

    def client(self, service: str) -> Any:
        return self._stubbed.get(service) or self._moto.client(service)


def _stubbed(service: str) -> tuple[Any, Stubber]:
    client = boto3.client(service, region_name="us-east-1")
    return client, Stubber(client)


@pytest.fixture
def rds_outputs(outputs: StackOutputs) -> StackOutputs:
    return outputs.model_copy(
        update={
            "db_instance_identifier": "demo-staging-db",
            "db_secret_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds-db",
            "db_security_group_id": "sg-1",
            "db_subnet_group_name": "demo-staging-db",
        }
    )


def _unused_connector(info: Any) -> Any:
    raise AssertionError("no connection is expected")


def test_throttling_becomes_a_clear_cloud_error(
    rds_outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
) -> None:
    rds, stub = _stubbed("rds")
    stub.add_client_error(
        "describe_db_instances",
        service_error_code="Throttling",
        service_message="Rate exceeded",
        http_status_code=400,
    )
    with stub, pytest.raises(CloudError) as caught:
        verify_snapshot(
            outputs=rds_outputs,
            clients=StubbedProvider(aws, rds=rds),
            waiting=Waiting(clock=clock, sleep=clock.sleep),
            probe_sql="SELECT 1",
            connect=_unused_connector,
        )
    assert "throttling" in caught.value.message
    assert caught.value.exit_code == 7
    assert "run the command again" in caught.value.hint


def test_access_denied_on_restore_is_a_credentials_error_and_cleanup_runs(
    rds_outputs: StackOutputs,
    aws: MotoProvider,
    clock: Clock,
) -> None:
    rds, stub = _stubbed("rds")
    stub.add_response("describe_db_instances", {"DBInstances": []})
    stub.add_response(
        "describe_db_snapshots",
        {
            "DBSnapshots": [
                {
                    "DBSnapshotIdentifier": "nightly-1",
                    "DBInstanceIdentifier": "demo-staging-db",
                    "Status": "available",
                    "SnapshotCreateTime": datetime(2026, 1, 22, tzinfo=UTC),
                }
            ]
        },
    )
    stub.add_client_error(
        "restore_db_instance_from_db_snapshot",
        service_error_code="AccessDenied",
        http_status_code=403,
        service_message="not authorized to perform rds:RestoreDBInstance",
    )
    # The finally tries to delete whatever may have been created.
    stub.add_client_error(
        "delete_db_instance", service_error_code="DBInstanceNotFound", http_status_code=404
    )
    with stub, pytest.raises(CredentialsError) as caught:
        verify_snapshot(
            outputs=rds_outputs,
            clients=StubbedProvider(aws, rds=rds),
            waiting=Waiting(clock=clock, sleep=clock.sleep),
            probe_sql="SELECT 1",
            connect=_unused_connector,
        )
    stub.assert_no_pending_responses()
    assert "denied permission to restore snapshot nightly-1" in caught.value.message
    assert caught.value.exit_code == 6


def _report() -> VerificationReport:
    return VerificationReport(
        project="demo",
        environment="staging",
        kind="dump",
        source="s3://b/k",
        restore_target="here",
        started_at="2026-01-22T03:00:00+00:00",
        passed=True,
        checks=[CheckResult(name="probe", passed=True, detail="ok")],
    )


@pytest.mark.parametrize(
    ("code", "error", "words"),
    [
        ("AccessDenied", CredentialsError, "denied permission to publish the RestoreVerified"),
        ("ExpiredToken", CredentialsError, "expired or invalid"),
        ("Throttling", CloudError, "throttling"),
    ],
)
def test_publish_errors_are_translated(
    outputs: StackOutputs,
    aws: MotoProvider,
    code: str,
    error: type[Exception],
    words: str,
) -> None:
    cloudwatch, stub = _stubbed("cloudwatch")
    stub.add_client_error("put_metric_data", service_error_code=code, http_status_code=403)
    with stub, pytest.raises(error) as caught:
        publish(
            _report(),
            outputs=outputs,
            clients=StubbedProvider(aws, cloudwatch=cloudwatch),
            now=datetime(2026, 1, 22, tzinfo=UTC),
        )
    assert words in str(caught.value)

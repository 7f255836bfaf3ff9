"""scaffold status on moto: live releases, alarms, backups and verified restores,
and the verdict; a Stubber for AWS Backup recovery points (moto lacks them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scaffolder.errors import CredentialsError
from scaffolder.models import RESTORE_METRIC_NAME, RESTORE_METRIC_NAMESPACE
from scaffolder.ops.context import OpsContext
from scaffolder.ops.retry import Retry
from scaffolder.ops.status import environment_status
from tests.ops.conftest import MotoProvider
from tests.ops.ops_world import StubProvider, World, build_world, standard_ledger


@pytest.fixture
def world(aws: MotoProvider, monkeypatch: pytest.MonkeyPatch) -> World:
    world = build_world(aws, monkeypatch)
    standard_ledger(world)
    return world


def _now(world: World) -> datetime:
    return world.clock.now


def _backups(world: World, *, verified: bool = True) -> None:
    s3 = world.ctx.clients.client("s3")
    bucket = world.ctx.outputs.backup_bucket_name
    s3.put_object(Bucket=bucket, Key="dumps/staging/20260122T030000Z.dump", Body=b"x")
    s3.put_object(Bucket=bucket, Key="dumps/staging/20260122T030000Z.manifest.json", Body=b"{}")
    report = {
        "project": "demo",
        "environment": "staging",
        "kind": "dump",
        "source": f"s3://{bucket}/dumps/staging/20260122T030000Z.dump",
        "restore_target": "scratch",
        "started_at": "2026-01-22T05:00:00+00:00",
        "finished_at": datetime.now(UTC).isoformat(),
        "passed": verified,
        "checks": [{"name": "probe", "passed": verified, "detail": "ok"}],
    }
    s3.put_object(
        Bucket=bucket,
        Key="verifications/staging/20260122T050000Z.json",
        Body=json.dumps(report).encode(),
    )


def _real_clock(world: World) -> None:
    # moto stamps objects with the wall clock; judge ages against the same clock.
    world.ctx.clock = lambda: datetime.now(UTC)


def test_a_healthy_environment(world: World) -> None:
    # Put web back on a healthy release so that nothing live is marked failed.
    ecs = world.ctx.clients.client("ecs")
    ecs.update_service(
        cluster="demo-staging", service="demo-staging-web", taskDefinition=world.task_definitions[1]
    )
    _backups(world)
    _real_clock(world)
    status = environment_status(world.ctx)
    assert status.problems == []
    assert status.healthy
    web, site = status.services
    assert web.release is not None and web.release.release_id == "b-2"
    assert site.release is not None and site.release.release_id == "s-3"
    assert site.live == "/releases/s-3"
    assert (web.url, site.url) == ("https://web", "https://site")
    assert status.last_backup is not None and status.last_backup.kind == "dump"
    assert status.last_backup.location.endswith("20260122T030000Z.manifest.json")
    assert status.last_verification is not None
    assert (status.last_verification.source, status.last_verification.passed) == ("report", True)


def test_problems_make_it_unhealthy(world: World) -> None:
    cw = world.ctx.clients.client("cloudwatch")
    for name in ("demo-staging-web-5xx-rate", "other-prod-web-5xx-rate"):
        cw.put_metric_alarm(
            AlarmName=name,
            MetricName="HTTPCode_Target_5XX_Count",
            Namespace="AWS/ApplicationELB",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanThreshold",
        )
        cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="5xx over 1")
    _backups(world, verified=False)
    _real_clock(world)
    status = environment_status(world.ctx)
    assert not status.healthy
    assert [a.name for a in status.alarms] == ["demo-staging-web-5xx-rate"]
    assert status.problems == [
        "web: the live release c-3 is marked failed",
        "alarm demo-staging-web-5xx-rate is in ALARM",
        f"the last restore verification ({status.last_verification.at}) failed",  # type: ignore[union-attr]
    ]


def test_no_backups_and_the_metric_as_fallback(world: World) -> None:
    status = environment_status(world.ctx)
    assert "no backup found" in status.problems
    assert "no verified restore on record" in status.problems

    world.ctx.clients.client("cloudwatch").put_metric_data(
        Namespace=RESTORE_METRIC_NAMESPACE,
        MetricData=[
            {
                "MetricName": RESTORE_METRIC_NAME,
                "Dimensions": [{"Name": "Environment", "Value": "staging"}],
                "Timestamp": datetime.now(UTC) - timedelta(minutes=5),
                "Value": 1.0,
            }
        ],
    )
    _real_clock(world)
    check = environment_status(world.ctx).last_verification
    assert check is not None and (check.source, check.passed) == ("metric", True)


def test_stale_verification_is_reported(world: World) -> None:
    _backups(world)
    world.ctx.clock = lambda: datetime.now(UTC) + timedelta(days=9)
    problems = environment_status(world.ctx).problems
    assert "the last verified restore is older than 8 days" in problems
    assert any(p.startswith("the last backup is 9 days old") for p in problems)


def test_recovery_points_from_aws_backup(world: World) -> None:
    stub = StubProvider()
    created = datetime(2026, 1, 22, 3, 0, tzinfo=UTC)
    stub.stubs["backup"] = stub.stub("backup")
    stub.stubs["backup"].add_response(
        "list_recovery_points_by_backup_vault",
        {
            "RecoveryPoints": [
                {
                    "RecoveryPointArn": "arn:aws:rds:us-east-1:1:snapshot:awsbackup:old",
                    "CreationDate": created - timedelta(days=1),
                    "Status": "COMPLETED",
                },
                {
                    "RecoveryPointArn": "arn:aws:rds:us-east-1:1:snapshot:awsbackup:new",
                    "CreationDate": created,
                    "Status": "COMPLETED",
                },
                {
                    "RecoveryPointArn": "arn:aws:rds:us-east-1:1:snapshot:awsbackup:running",
                    "CreationDate": created + timedelta(hours=1),
                    "Status": "CREATING",
                },
            ]
        },
        {"BackupVaultName": "demo-staging", "MaxResults": 100},
    )
    outputs = world.ctx.outputs.model_copy(update={"backup_vault_name": "demo-staging"})
    ctx = OpsContext(outputs=outputs, clients=stub)
    from scaffolder.ops.status import _recovery_point

    point = _recovery_point(ctx)
    assert point is not None
    assert point.location.endswith(":new") and point.created_at == created.isoformat()


def test_access_denied_is_a_credentials_error(world: World) -> None:
    stub = StubProvider()
    stub.stubs["s3"].add_client_error(
        "list_objects_v2", service_error_code="AccessDenied", http_status_code=403
    )
    ctx = OpsContext(outputs=world.ctx.outputs, clients=stub, retry=Retry(sleep=lambda _s: None))
    with pytest.raises(CredentialsError, match="list the release ledger"):
        environment_status(ctx)


def test_cli_exit_codes(world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from scaffolder.cli.app import main

    path = tmp_path / "outputs.json"
    path.write_text(world.ctx.outputs.model_dump_json())
    with pytest.raises(SystemExit) as exited:
        main(["status", "staging", "--json", "--outputs", str(path), "--project", str(tmp_path)])
    out, err = capsys.readouterr()
    assert exited.value.code == 1
    payload = json.loads(out)
    assert payload["healthy"] is False
    assert payload["services"][0]["release"]["release_id"] == "c-3"
    assert "staging is unhealthy" in err

    with pytest.raises(SystemExit) as exited:
        main(["status", "qa", "--outputs", str(path)])
    assert exited.value.code == 2

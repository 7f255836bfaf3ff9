"""`scaffold backup run|verify` end to end through the real CLI entry point:
moto for AWS (the CLI's own boto3 provider inside mock_aws), a real Postgres."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scaffolder.cli.app import main
from scaffolder.environment.spec import render_spec_yaml
from scaffolder.local_postgres import EphemeralCluster
from scaffolder.models import EnvironmentSpec, ExternalDatabaseSpec, StackOutputs
from tests.ops.conftest import MotoProvider, restore_test_instance

pytestmark = pytest.mark.postgres


def _url(info: dict[str, str]) -> str:
    return (
        f"postgresql://{info['user']}:{info['password']}@{info['host']}:{info['port']}/"
        f"{info['dbname']}"
    )


def _scaffold(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exited:
        main(args)
    return int(exited.value.code or 0)


@pytest.fixture
def project(
    tmp_path: Path, outputs: StackOutputs, aws: MotoProvider, source_db: dict[str, str]
) -> Path:
    """A project with an external (Supabase) database whose URL is in the app secret."""
    spec = EnvironmentSpec(
        project="demo",
        environment="staging",
        external_database=ExternalDatabaseSpec(provider="supabase", url_secret_key="SUPA_DB_URL"),
    )
    spec.backups.probe_sql = "SELECT 1 FROM public.users LIMIT 1"
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "Pulumi.staging.yaml").write_text(render_spec_yaml(spec))
    (tmp_path / "outputs.json").write_text(outputs.model_dump_json())
    aws.client("secretsmanager").put_secret_value(
        SecretId=outputs.app_secret_arn, SecretString=json.dumps({"SUPA_DB_URL": _url(source_db)})
    )
    return tmp_path


def _common(project: Path) -> list[str]:
    return ["--project", str(project), "--outputs", str(project / "outputs.json")]


def test_run_then_verify_passes_and_prints_json(
    project: Path,
    pg_cluster: EphemeralCluster,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _scaffold(["backup", "run", "staging", *_common(project), "--json"]) == 0
    run = json.loads(capsys.readouterr().out)
    assert run["kind"] == "dump" and run["location"].startswith("s3://demo-staging-backups/")

    target = _url(pg_cluster.conninfo())
    code = _scaffold(
        ["backup", "verify", "staging", *_common(project), "--target-url", target, "--json"]
    )

    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert code == 0, captured.err
    assert report["passed"] is True
    assert {c["name"] for c in report["checks"]} >= {"probe", "row counts", "schema hash"}
    assert pg_cluster.password not in captured.out + captured.err


def test_failed_verification_exits_1_with_a_loud_report(
    project: Path,
    pg_cluster: EphemeralCluster,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _scaffold(["backup", "run", "staging", *_common(project)]) == 0
    capsys.readouterr()

    code = _scaffold(
        [
            "backup",
            "verify",
            "staging",
            *_common(project),
            "--target-url",
            _url(pg_cluster.conninfo()),
            "--probe",
            "SELECT 1 WHERE false",
        ]
    )

    captured = capsys.readouterr()
    assert code == 1
    assert "FAILED" in captured.out and "FAIL" in captured.out
    assert "the probe returned no row" in captured.out
    assert "1 of 7 checks failed (probe)" in captured.err


def test_verify_without_any_dump_is_a_cloud_error(
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = _scaffold(["backup", "verify", "staging", *_common(project)])
    assert code == 7
    assert "There is no dump of staging" in capsys.readouterr().err


def test_outputs_of_another_environment_are_a_usage_error(
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (project / "infra" / "Pulumi.prod.yaml").write_text(
        render_spec_yaml(EnvironmentSpec(project="demo", environment="prod"))
    )
    code = _scaffold(["backup", "run", "prod", *_common(project)])
    assert code == 2
    assert "are for staging, not prod" in capsys.readouterr().err


def test_missing_url_key_names_the_key_and_the_fix(
    project: Path,
    outputs: StackOutputs,
    aws: MotoProvider,
    capsys: pytest.CaptureFixture[str],
) -> None:
    aws.client("secretsmanager").put_secret_value(
        SecretId=outputs.app_secret_arn, SecretString="{}"
    )
    code = _scaffold(["backup", "run", "staging", *_common(project)])
    err = capsys.readouterr().err
    assert code == 3
    assert "has no SUPA_DB_URL" in err and "scaffold secrets set staging SUPA_DB_URL" in err


def test_sweep_only_for_rds(
    project: Path,
    outputs: StackOutputs,
    aws: MotoProvider,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rds_outputs = outputs.model_copy(
        update={
            "db_instance_identifier": "demo-staging-db",
            "db_secret_arn": outputs.app_secret_arn,
        }
    )
    (project / "outputs.json").write_text(rds_outputs.model_dump_json())
    restore_test_instance(
        aws, "demo-staging-restore-x", "staging", datetime(2020, 1, 1, tzinfo=UTC), project=None
    )

    code = _scaffold(["backup", "verify", "staging", *_common(project), "--sweep-only"])

    assert code == 0
    assert "deleted leftover restore-test instance demo-staging-restore-x" in (
        capsys.readouterr().err
    )
    assert aws.client("rds").describe_db_instances()["DBInstances"] == []

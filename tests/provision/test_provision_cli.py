"""`scaffold plan|up|destroy|outputs` end to end through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from scaffolder.environment.cost import estimate_spec_cost, total
from scaffolder.environment.spec import load_spec
from tests.provision.fake_pulumi import fake_path, install_fake_pulumi
from tests.provision.project import make_project, outputs_json

ENTRY = "from scaffolder.cli.app import main; main()"


def scaffold(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_plan_prod_prints_resources_and_cost_quickly(tmp_path: Path) -> None:
    project = make_project(tmp_path / "app")
    started = time.monotonic()
    result = scaffold("plan", "prod", cwd=project)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert "rds/instance" in result.stdout and "notes-prod-db" in result.stdout
    expected = total(estimate_spec_cost(load_spec(project / "infra", "prod")))
    assert f"{expected:.2f}" in result.stdout
    assert "as of 2026-11-01" in result.stderr
    # A few seconds on a quiet machine; generous here for parallel CI runs.
    assert elapsed < 45


def test_plan_json_with_infra_option(tmp_path: Path) -> None:
    project = make_project(tmp_path / "app")
    result = scaffold("plan", "dev", "--json", "--infra", str(project / "infra"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["environment"] == "dev"
    assert plan["monthly_total_usd"] == total(
        estimate_spec_cost(load_spec(project / "infra", "dev"))
    )


def test_plan_unknown_environment_is_a_usage_error(tmp_path: Path) -> None:
    result = scaffold("plan", "qa", cwd=make_project(tmp_path / "app"))
    assert result.returncode == 2 and "Unknown environment" in result.stderr


def test_plan_without_infra_is_an_input_error(tmp_path: Path) -> None:
    result = scaffold("plan", "dev", cwd=tmp_path)
    assert result.returncode == 3 and "scaffold init" in result.stderr


def _env(fake_root: Path) -> dict[str, str]:
    fake = install_fake_pulumi(fake_root, {"stack output": {"stdout": outputs_json()}})
    return {"PATH": fake_path(fake), "PULUMI_CONFIG_PASSPHRASE": "p", "HOME": str(fake_root)}


def test_cli_up_dev_with_fake_pulumi(tmp_path: Path) -> None:
    project = make_project(tmp_path / "app")
    result = scaffold("up", "dev", "--json", cwd=project, env=_env(tmp_path / "fake"))
    assert result.returncode == 0, result.stderr
    assert (
        json.loads(result.stdout)["outputs"]["artifacts_bucket_name"] == "notes-staging-artifacts"
    )


def test_cli_destroy_prod_needs_the_flag(tmp_path: Path) -> None:
    project = make_project(tmp_path / "app")
    result = scaffold("destroy", "prod", "--yes", cwd=project, env=_env(tmp_path / "fake"))
    assert result.returncode == 8 and "--i-understand-this-deletes-prod" in result.stderr


def test_cli_up_without_pulumi_cli(tmp_path: Path) -> None:
    project = make_project(tmp_path / "app")
    env = {"PATH": str(tmp_path), "PULUMI_CONFIG_PASSPHRASE": "p", "HOME": str(tmp_path)}
    result = scaffold("up", "dev", cwd=project, env=env)
    assert result.returncode == 5 and "Pulumi CLI is not installed" in result.stderr


def test_cli_outputs_json_with_fake_pulumi(tmp_path: Path) -> None:
    project = make_project(tmp_path / "app")
    result = scaffold("outputs", "staging", "--json", cwd=project, env=_env(tmp_path / "fake"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["backup_bucket_name"] == "notes-staging-backups"


def test_cli_outputs_from_ssm_needs_no_pulumi(tmp_path: Path) -> None:
    """What the generated workflows run: SCAFFOLD_OUTPUTS_SOURCE=ssm, no Pulumi CLI on
    PATH, no passphrase; AWS is a moto server on 127.0.0.1."""
    import boto3
    from moto.server import ThreadedMotoServer

    from scaffolder.models import outputs_parameter_name
    from tests.provision.project import OUTPUTS

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        aws = {
            "AWS_ENDPOINT_URL": f"http://{host}:{port}",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1",
        }
        ssm = boto3.client(
            "ssm",
            endpoint_url=aws["AWS_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        ssm.put_parameter(
            Name=outputs_parameter_name("notes", "staging"),
            Type="SecureString",
            Value=json.dumps(OUTPUTS),
        )
        project = make_project(tmp_path / "app")
        env = {"PATH": str(tmp_path), "HOME": str(tmp_path), **aws}
        result = scaffold("outputs", "staging", "--json", cwd=project, env=env)
        assert result.returncode == 5  # the default source is the Pulumi stack
        env["SCAFFOLD_OUTPUTS_SOURCE"] = "ssm"
        result = scaffold("outputs", "staging", "--json", cwd=project, env=env)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["backup_bucket_name"] == "notes-staging-backups"
        result = scaffold("outputs", "prod", "--from", "ssm", cwd=project, env=env)
        assert result.returncode == 7 and "scaffold up prod" in result.stderr
        result = scaffold("outputs", "staging", "--from", "bucket", cwd=project, env=env)
        assert result.returncode == 2 and "pulumi, ssm" in result.stderr
    finally:
        server.stop()

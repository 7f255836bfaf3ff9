"""The Automation API layer against a recording fake `pulumi` executable.

Every test here runs the real pulumi.automation SDK; only the CLI binary is
the fake from tests/provision/fake_pulumi.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.environment.spec import render_spec_yaml
from scaffolder.errors import (
    CloudError,
    CredentialsError,
    InputError,
    MissingToolError,
    SafetyRefusal,
)
from scaffolder.provision import automation
from scaffolder.provision.automation import ProvisionDeps
from tests.provision.fake_pulumi import FakePulumi, fake_path, install_fake_pulumi
from tests.provision.project import make_project, outputs_json
from tests.stacks.specs import server_spec

DB_URN = (
    "urn:pulumi:prod::notes::scaffold:database:Database$aws:rds/instance:Instance::notes-prod-db"
)


@pytest.fixture
def fake(tmp_path: Path) -> FakePulumi:
    return install_fake_pulumi(
        tmp_path / "fake-pulumi", {"stack output": {"stdout": outputs_json()}}
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "app")


def deps(fake: FakePulumi, **overrides: object) -> ProvisionDeps:
    environ = {"PATH": fake_path(fake), "PULUMI_CONFIG_PASSPHRASE": "test-passphrase"}
    lines: list[str] = []
    values: dict[str, object] = {"environ": environ, "on_output": lines.append}
    values.update(overrides)
    return ProvisionDeps(**values)  # type: ignore[arg-type]


def test_fake_pulumi_up_uses_local_backend_passphrase_and_stack_name(
    fake: FakePulumi, project: Path
) -> None:
    result = automation.up(project, "staging", deps(fake))

    assert (
        result.outputs is not None and result.outputs.backup_bucket_name == "notes-staging-backups"
    )
    assert {"stack select", "preview", "up", "stack output"} <= set(fake.commands())
    select = fake.call("stack select")
    assert "staging" in select["argv"]
    up = fake.call("up")
    state = (project / ".scaffold" / "pulumi-state").resolve()
    assert up["env"]["PULUMI_BACKEND_URL"] == state.as_uri()
    assert state.is_dir()
    assert up["env"]["PULUMI_CONFIG_PASSPHRASE"] == "test-passphrase"
    assert Path(up["cwd"]) == (project / "infra").resolve()
    assert "--yes" in up["argv"] and "--skip-preview" in up["argv"]
    # infra/Pulumi.staging.yaml already names the region: only the origin secret is set.
    (config,) = [c["argv"] for c in fake.calls() if c["key"] == "config set"]
    assert "scaffold:originSecret" in config and "--secret" in config
    assert "aws:region" not in config
    # The preview ran before the update: stateful replacements are checked first.
    assert fake.commands().index("preview") < fake.commands().index("up")


def test_fake_pulumi_sets_the_region_when_the_stack_file_lacks_it(
    fake: FakePulumi, project: Path
) -> None:
    path = project / "infra" / "Pulumi.dev.yaml"
    path.write_text(path.read_text().replace("  aws:region: us-east-1\n", ""))
    automation.preview(project, "dev", deps(fake))
    (config,) = [c for c in fake.calls() if c["key"] == "config set" and "aws:region" in c["argv"]]
    assert "us-east-1" in config["argv"] and "--secret" not in config["argv"]
    assert "dev" in config["argv"]


def test_fake_pulumi_s3_backend_from_bootstrap_marker(fake: FakePulumi, project: Path) -> None:
    (project / "infra" / ".scaffold-backend").write_text("s3://acme-pulumi-state\n")
    automation.preview(project, "dev", deps(fake))
    assert fake.call("preview")["env"]["PULUMI_BACKEND_URL"] == "s3://acme-pulumi-state"


def test_fake_pulumi_s3_backend_from_project_file(fake: FakePulumi, project: Path) -> None:
    (project / "infra" / "Pulumi.yaml").write_text(
        "name: notes\nruntime: python\nbackend:\n  url: s3://team-state\n"
    )
    automation.preview(project, "dev", deps(fake))
    assert fake.call("preview")["env"]["PULUMI_BACKEND_URL"] == "s3://team-state"


def test_fake_pulumi_stateful_replace_is_refused_without_flag(
    fake: FakePulumi, project: Path
) -> None:
    step = {"op": "replace", "urn": DB_URN, "type": "aws:rds/instance:Instance"}
    fake.script(
        {
            "preview": {"steps": [step], "changes": {"replace": 1}},
            "stack output": {"stdout": outputs_json()},
        }
    )
    with pytest.raises(SafetyRefusal) as info:
        automation.up(project, "prod", deps(fake), yes=True)
    assert info.value.exit_code == 8 and "notes-prod-db" in info.value.message
    assert "up" not in fake.commands()

    automation.up(project, "prod", deps(fake), yes=True, allow_replace=True)
    assert "up" in fake.commands()


def test_fake_pulumi_preview_reports_stateful_changes(fake: FakePulumi, project: Path) -> None:
    step = {"op": "delete", "urn": DB_URN, "type": "aws:rds/instance:Instance"}
    fake.script({"preview": {"steps": [step], "changes": {"delete": 1, "same": 40}}})
    result = automation.preview(project, "prod", deps(fake))
    assert result.summary is not None
    assert result.summary.counts == {"delete": 1, "same": 40}
    assert [c.op for c in result.summary.stateful_changes] == ["delete"]


def test_fake_pulumi_prod_needs_confirmation_or_yes(fake: FakePulumi, project: Path) -> None:
    with pytest.raises(SafetyRefusal):
        automation.up(project, "prod", deps(fake))  # nobody can answer
    assert "up" not in fake.commands()
    asked: list[str] = []
    automation.up(project, "prod", deps(fake, confirm=lambda q: asked.append(q) or True))
    assert asked and "prod" in asked[0]
    assert "up" in fake.commands()


def test_destroy_prod_refused_without_the_explicit_flag(fake: FakePulumi, project: Path) -> None:
    with pytest.raises(SafetyRefusal) as info:
        automation.destroy(project, "prod", deps(fake), yes=True)
    assert "--i-understand-this-deletes-prod" in info.value.hint
    assert "destroy" not in fake.commands()


def test_destroy_staging_refused_while_deletion_protection_is_on(
    fake: FakePulumi, project: Path
) -> None:
    with pytest.raises(SafetyRefusal) as info:
        automation.destroy(project, "staging", deps(fake), yes=True)
    assert "deletion_protection" in info.value.hint
    assert "destroy" not in fake.commands()


def test_fake_pulumi_destroy_dev(fake: FakePulumi, project: Path) -> None:
    automation.destroy(project, "dev", deps(fake), yes=True)
    destroy = fake.call("destroy")
    assert "--yes" in destroy["argv"] and "--skip-preview" in destroy["argv"]


def test_missing_pulumi_cli_is_a_missing_tool_error(tmp_path: Path, project: Path) -> None:
    environ = {"PATH": str(tmp_path / "empty"), "PULUMI_CONFIG_PASSPHRASE": "x"}
    with pytest.raises(MissingToolError) as info:
        automation.preview(project, "dev", ProvisionDeps(environ=environ))
    assert info.value.exit_code == 5 and "get.pulumi.com" in info.value.hint


def test_fake_pulumi_expired_credentials(fake: FakePulumi, project: Path) -> None:
    fake.script(
        {
            "preview": {
                "exit": 1,
                "stderr": (
                    "error: unable to validate AWS credentials.\n"
                    "Details: ExpiredToken: The security "
                    "token included in the request is expired\n"
                ),
            }
        }
    )
    with pytest.raises(CredentialsError) as info:
        automation.preview(project, "dev", deps(fake))
    assert info.value.exit_code == 6


def test_fake_pulumi_locked_stack_hints_pulumi_cancel(fake: FakePulumi, project: Path) -> None:
    fake.script(
        {
            "preview": {
                "exit": 255,
                "stderr": (
                    "error: the stack is currently locked by 1 lock(s). Either wait for the other "
                    "process(es) to end or delete the lock file with `pulumi cancel`.\n"
                ),
            }
        }
    )
    with pytest.raises(CloudError) as info:
        automation.preview(project, "dev", deps(fake))
    assert info.value.exit_code == 7 and "pulumi cancel" in info.value.hint


def test_fake_pulumi_missing_region(fake: FakePulumi, project: Path) -> None:
    fake.script(
        {
            "preview": {
                "exit": 1,
                "stderr": ("error: Missing region information: set aws:region or AWS_REGION\n"),
            }
        }
    )
    with pytest.raises(InputError) as info:
        automation.preview(project, "dev", deps(fake))
    assert info.value.exit_code == 3 and "aws:region" in info.value.hint


def test_fake_pulumi_other_failure_is_one_sentence(fake: FakePulumi, project: Path) -> None:
    fake.script({"up": {"exit": 1, "stderr": "error: creating RDS instance: quota exceeded\n"}})
    with pytest.raises(CloudError) as info:
        automation.up(project, "dev", deps(fake))
    assert "quota exceeded" in info.value.message


def test_no_passphrase_and_nobody_to_ask(fake: FakePulumi, project: Path) -> None:
    environ = {"PATH": fake_path(fake)}
    with pytest.raises(CredentialsError) as info:
        automation.preview(project, "dev", ProvisionDeps(environ=environ))
    assert "PULUMI_CONFIG_PASSPHRASE" in info.value.hint


def test_fake_pulumi_prompted_passphrase_reaches_the_cli(fake: FakePulumi, project: Path) -> None:
    environ = {"PATH": fake_path(fake)}
    automation.preview(
        project, "dev", ProvisionDeps(environ=environ, prompt_secret=lambda _: "typed")
    )
    assert fake.call("preview")["env"]["PULUMI_CONFIG_PASSPHRASE"] == "typed"


def test_fake_pulumi_read_stack_outputs(fake: FakePulumi, project: Path) -> None:
    outputs = automation.read_stack_outputs(project, "staging", deps(fake))
    assert outputs.artifacts_bucket_name == "notes-staging-artifacts"
    assert fake.call("stack output")["env"]["PULUMI_BACKEND_URL"].startswith("file://")


def test_fake_pulumi_outputs_before_first_up(fake: FakePulumi, project: Path) -> None:
    fake.script({})
    with pytest.raises(CloudError) as info:
        automation.read_stack_outputs(project, "staging", deps(fake))
    assert "scaffold up staging" in info.value.hint


def test_fake_pulumi_outputs_of_a_stack_never_created(fake: FakePulumi, project: Path) -> None:
    fake.script({"stack select": {"exit": 255, "stderr": "error: no stack named 'prod' found\n"}})
    with pytest.raises(CloudError) as info:
        automation.read_stack_outputs(project, "prod", deps(fake))
    assert "scaffold up prod" in info.value.hint
    # Reading outputs never creates an empty stack as a side effect.
    assert "stack init" not in fake.commands()


def test_broken_pulumi_cli_is_a_missing_tool_error(tmp_path: Path, project: Path) -> None:
    broken = tmp_path / "broken" / "bin"
    broken.mkdir(parents=True)
    (broken / "pulumi").write_text("#!/bin/sh\nexit 3\n")
    (broken / "pulumi").chmod(0o755)
    environ = {"PATH": str(broken), "PULUMI_CONFIG_PASSPHRASE": "x"}
    with pytest.raises(MissingToolError) as info:
        automation.preview(project, "dev", ProvisionDeps(environ=environ))
    assert "could not be run" in info.value.message


def test_fake_pulumi_keeps_an_origin_secret_and_needs_none_with_a_domain(
    fake: FakePulumi, project: Path
) -> None:
    path = project / "infra" / "Pulumi.staging.yaml"
    path.write_text(path.read_text() + "  scaffold:originSecret:\n    secure: v1:abc\n")
    automation.preview(project, "staging", deps(fake))
    assert "config set" not in fake.commands()
    path = project / "infra" / "Pulumi.prod.yaml"
    spec = server_spec("prod").model_copy(update={"domain": "api.example.com"})
    path.write_text(render_spec_yaml(spec))
    automation.preview(project, "prod", deps(fake))
    assert "config set" not in fake.commands()

"""Pure parts of provisioning: backend choice, OIDC ownership, safety refusals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scaffolder.errors import InputError, SafetyRefusal
from scaffolder.provision import backend, safety
from tests.provision.project import make_project
from tests.stacks.specs import server_spec, static_spec

RDS = "aws:rds/instance:Instance"


def test_default_backend_is_local_files_in_the_project(tmp_path: Path) -> None:
    project = make_project(tmp_path / "app")
    chosen = backend.resolve_backend(project)
    assert chosen.kind == "local"
    assert chosen.url == (project / ".scaffold" / "pulumi-state").resolve().as_uri()


def test_unsupported_backend_url_is_an_input_error(tmp_path: Path) -> None:
    project = make_project(tmp_path / "app")
    (project / "infra" / ".scaffold-backend").write_text("https://api.pulumi.com\n")
    with pytest.raises(InputError) as info:
        backend.resolve_backend(project)
    assert "s3://" in info.value.hint


def test_oidc_provider_created_only_without_bootstrap(tmp_path: Path) -> None:
    project = make_project(tmp_path / "app")
    infra = project / "infra"
    local = backend.resolve_backend(project)
    s3 = backend.Backend(url="s3://b", kind="s3", source="test")
    assert backend.creates_oidc_provider(infra, "dev", local) is True
    assert backend.creates_oidc_provider(infra, "dev", s3) is False
    path = infra / "Pulumi.staging.yaml"
    path.write_text(path.read_text() + "  scaffold:createOidcProvider: false\n")
    assert backend.creates_oidc_provider(infra, "staging", local) is False


def test_passphrase_file_variable_is_honoured() -> None:
    env = backend.passphrase_env({"PULUMI_CONFIG_PASSPHRASE_FILE": "/run/p"}, None)
    assert env == {"PULUMI_CONFIG_PASSPHRASE_FILE": "/run/p"}


def test_a_replace_is_reported_once_per_resource() -> None:
    urn = "urn:pulumi:prod::notes::aws:rds/instance:Instance::db"
    steps = [
        safety.Step(op=op, urn=urn, type=RDS)
        for op in ("create-replacement", "replace", "delete-replaced")
    ]
    steps.append(
        safety.Step(
            op="update", urn="urn:x::aws:ecs/service:Service::api", type="aws:ecs/service:Service"
        )
    )
    summary = safety.summarize("prod", steps, {})
    assert len(summary.stateful_changes) == 1
    assert summary.counts["update"] == 1
    with pytest.raises(SafetyRefusal):
        safety.refuse_stateful_changes(summary, allow_replace=False)
    safety.refuse_stateful_changes(summary, allow_replace=True)


def test_updates_in_place_are_not_refused() -> None:
    steps = [safety.Step(op="update", urn="urn:x::db", type=RDS)]
    safety.refuse_stateful_changes(safety.summarize("prod", steps, {}), allow_replace=False)


def test_destroy_rules() -> None:
    safety.check_destroy_allowed(server_spec("dev"), i_understand_prod=False)
    safety.check_destroy_allowed(static_spec("staging"), i_understand_prod=False)
    staging = server_spec("staging")
    assert staging.database is not None
    no_snapshot = staging.model_copy(
        update={
            "database": staging.database.model_copy(
                update={"final_snapshot": False, "deletion_protection": False}
            )
        }
    )
    with pytest.raises(SafetyRefusal, match="no final snapshot"):
        safety.check_destroy_allowed(no_snapshot, i_understand_prod=False)
    unprotected = staging.model_copy(
        update={"database": staging.database.model_copy(update={"deletion_protection": False})}
    )
    safety.check_destroy_allowed(unprotected, i_understand_prod=False)
    with pytest.raises(SafetyRefusal):
        safety.check_destroy_allowed(static_spec("prod"), i_understand_prod=False)


def test_cli_help_does_not_import_pulumi() -> None:
    code = (
        "import sys; import scaffolder.cli.app; "
        "print(any(m.split('.')[0] in ('pulumi', 'pulumi_aws') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

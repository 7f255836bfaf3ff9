"""scaffold secrets on moto (and a Stubber where moto cannot say what we need):
merging, reporting names against .env.example, last-change dates, and values
that appear in no output and no error, ever."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from scaffolder.errors import CredentialsError, InputError, UsageError
from scaffolder.models import StackOutputs
from scaffolder.ops.context import OpsContext
from scaffolder.ops.retry import Retry
from scaffolder.ops.secrets import list_names, push, read_values, set_value
from tests.ops.conftest import MotoProvider
from tests.ops.ops_world import StubProvider

SECRET_VALUES = ("sk-live-TOPSECRET-1", "hunter2-TOPSECRET-2", "postgres://u:TOPSECRET-3@db/app")
DOTENV = f"""\
# staging settings
export STRIPE_KEY="{SECRET_VALUES[0]}"
ADMIN_PASSWORD='{SECRET_VALUES[1]}'
DATABASE_URL={SECRET_VALUES[2]}
EXTRA_FLAG=on
"""
EXAMPLE = "STRIPE_KEY=\nADMIN_PASSWORD=\nDATABASE_URL=\nSENTRY_DSN=\n"


@pytest.fixture
def ctx(aws: MotoProvider, outputs: StackOutputs) -> OpsContext:
    return OpsContext(outputs=outputs, clients=aws, retry=Retry(sleep=lambda _s: None))


def _secret(ctx: OpsContext) -> dict[str, Any]:
    sm = ctx.clients.client("secretsmanager")
    return dict(
        json.loads(sm.get_secret_value(SecretId=ctx.outputs.app_secret_arn)["SecretString"])
    )


def test_push_merges_and_reports_names(ctx: OpsContext) -> None:
    sm = ctx.clients.client("secretsmanager")
    sm.put_secret_value(
        SecretId=ctx.outputs.app_secret_arn,
        SecretString=json.dumps({"KEEP_ME": "x", "STRIPE_KEY": "old"}),
    )
    change = push(
        ctx,
        {"STRIPE_KEY": "new", "KEEP_ME": "x", "EXTRA": "1"},
        example=["STRIPE_KEY", "SENTRY_DSN"],
    )
    assert (change.added, change.updated, change.unchanged) == (
        ["EXTRA"],
        ["STRIPE_KEY"],
        ["KEEP_ME"],
    )
    assert change.unknown == ["EXTRA", "KEEP_ME"]
    assert change.missing == ["SENTRY_DSN"]
    assert change.written
    assert _secret(ctx) == {"EXTRA": "1", "KEEP_ME": "x", "STRIPE_KEY": "new"}


def test_push_of_the_same_values_writes_no_new_version(ctx: OpsContext) -> None:
    push(ctx, {"A": "1"})
    sm = ctx.clients.client("secretsmanager")
    before = sm.list_secret_version_ids(SecretId=ctx.outputs.app_secret_arn)["Versions"]
    change = push(ctx, {"A": "1"})
    assert not change.written and change.unchanged == ["A"]
    assert sm.list_secret_version_ids(SecretId=ctx.outputs.app_secret_arn)["Versions"] == before


def test_a_secret_without_a_value_reads_as_empty(aws: MotoProvider, outputs: StackOutputs) -> None:
    created = aws.client("secretsmanager").create_secret(Name="demo/staging/empty")
    ctx = OpsContext(
        outputs=outputs.model_copy(update={"app_secret_arn": created["ARN"]}), clients=aws
    )
    assert read_values(ctx) == {}
    assert push(ctx, {"A": "1"}).added == ["A"]


def test_a_secret_that_is_not_a_json_object_is_refused_without_quoting_it(ctx: OpsContext) -> None:
    ctx.clients.client("secretsmanager").put_secret_value(
        SecretId=ctx.outputs.app_secret_arn, SecretString="TOPSECRET-raw"
    )
    with pytest.raises(InputError) as caught:
        push(ctx, {"A": "1"})
    assert "TOPSECRET" not in caught.value.message + caught.value.hint


def test_set_checks_the_name(ctx: OpsContext) -> None:
    with pytest.raises(UsageError, match="not a valid variable name"):
        set_value(ctx, "1-BAD", "v")
    assert set_value(ctx, "GOOD_NAME", "v").added == ["GOOD_NAME"]


ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:demo/staging/app-AbCdEf"


def _at(day: int) -> datetime:
    return datetime(2026, 1, day, 12, 0, tzinfo=UTC)


def test_list_dates_each_name_by_the_version_where_its_value_last_changed(
    outputs: StackOutputs,
) -> None:
    stub = StubProvider()
    sm = stub.stubs["secretsmanager"]
    v1, v2, v3 = ("1" * 32, "2" * 32, "3" * 32)
    versions = {
        "v3": {"A": "same", "B": "changed-on-3", "C": "new-on-3"},
        "v2": {"A": "same", "B": "changed-on-2"},
        "v1": {"A": "same", "B": "first"},
    }
    ids = {"v1": v1, "v2": v2, "v3": v3}
    sm.add_response(
        "get_secret_value", {"SecretString": json.dumps(versions["v3"])}, {"SecretId": ARN}
    )
    sm.add_response(
        "list_secret_version_ids",
        {
            "Versions": [
                {"VersionId": v1, "CreatedDate": _at(1)},
                {"VersionId": v3, "CreatedDate": _at(3)},
                {"VersionId": v2, "CreatedDate": _at(2)},
            ]
        },
        {"SecretId": ARN, "IncludeDeprecated": True},
    )
    for version in ("v3", "v2", "v1"):
        sm.add_response(
            "get_secret_value",
            {"SecretString": json.dumps(versions[version])},
            {"SecretId": ARN, "VersionId": ids[version]},
        )
    ctx = OpsContext(outputs=outputs.model_copy(update={"app_secret_arn": ARN}), clients=stub)
    listing = list_names(ctx, example=["A", "D"])
    dates = {e.name: e.last_changed for e in listing.entries}
    assert dates == {"A": _at(1).isoformat(), "B": _at(3).isoformat(), "C": _at(3).isoformat()}
    assert listing.missing == ["D"]
    sm.assert_no_pending_responses()


def test_access_denied_while_writing_is_a_credentials_error(outputs: StackOutputs) -> None:
    stub = StubProvider()
    sm = stub.stubs["secretsmanager"]
    sm.add_response("get_secret_value", {"SecretString": "{}"}, {"SecretId": ARN})
    sm.add_client_error(
        "put_secret_value",
        service_error_code="AccessDeniedException",
        service_message="not allowed",
        http_status_code=400,
    )
    ctx = OpsContext(outputs=outputs.model_copy(update={"app_secret_arn": ARN}), clients=stub)
    with pytest.raises(CredentialsError) as caught:
        push(ctx, {"TOKEN": SECRET_VALUES[0]})
    assert caught.value.exit_code == 6
    assert "write the staging app secret" in caught.value.message
    assert SECRET_VALUES[0] not in caught.value.message + caught.value.hint


# ---------------------------------------------------------------- CLI: values never appear


def _project(tmp_path: Path, outputs: StackOutputs) -> tuple[Path, Path]:
    (tmp_path / ".env").write_text(DOTENV)
    (tmp_path / ".env.example").write_text(EXAMPLE)
    path = tmp_path / "outputs.json"
    path.write_text(outputs.model_dump_json())
    return tmp_path, path


def _main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from scaffolder.cli.app import main

    with pytest.raises(SystemExit) as exited:
        main(args)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out + err


def _assert_no_values(text: str) -> None:
    for value in SECRET_VALUES:
        assert value not in text
    assert "TOPSECRET" not in text


def test_cli_push_then_list_prints_names_never_values(
    aws: MotoProvider, outputs: StackOutputs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, outputs_file = _project(tmp_path, outputs)
    common = ["--project", str(project), "--outputs", str(outputs_file)]
    code, text = _main(["secrets", "push", "staging", *common], capsys)
    assert code == 0
    _assert_no_values(text)
    assert "added ADMIN_PASSWORD, DATABASE_URL, EXTRA_FLAG, STRIPE_KEY" in text
    assert "not in .env.example: EXTRA_FLAG" in text
    assert "not set in staging: SENTRY_DSN" in text

    code, text = _main(["secrets", "list", "staging", "--json", *common], capsys)
    assert code == 0
    _assert_no_values(text)
    listing = json.loads(text[text.index("{") : text.rindex("}") + 1])
    assert [e["name"] for e in listing["entries"]] == [
        "ADMIN_PASSWORD",
        "DATABASE_URL",
        "EXTRA_FLAG",
        "STRIPE_KEY",
    ]
    assert all(e["last_changed"] for e in listing["entries"])

    code, text = _main(["secrets", "push", "staging", "--json", *common], capsys)
    assert code == 0
    _assert_no_values(text)
    assert '"written": false' in text


def test_cli_malformed_env_exits_3_without_the_value(
    aws: MotoProvider, outputs: StackOutputs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, outputs_file = _project(tmp_path, outputs)
    (project / ".env").write_text(f'GOOD=1\nTOKEN="{SECRET_VALUES[0]}\n')
    code, text = _main(
        ["secrets", "push", "staging", "--project", str(project), "--outputs", str(outputs_file)],
        capsys,
    )
    assert code == 3
    assert "line 2" in text
    _assert_no_values(text)


def test_cli_set_reads_a_piped_value_and_never_prints_it(
    aws: MotoProvider, outputs: StackOutputs, tmp_path: Path
) -> None:
    from scaffolder.cli.app import app

    project, outputs_file = _project(tmp_path, outputs)
    result = CliRunner().invoke(
        app,
        [
            "secrets",
            "set",
            "staging",
            "STRIPE_KEY",
            "--project",
            str(project),
            "--outputs",
            str(outputs_file),
        ],
        input=SECRET_VALUES[0] + "\n",
    )
    assert result.exit_code == 0, result.output
    _assert_no_values(result.output)
    assert "added STRIPE_KEY" in result.output
    ctx = OpsContext(outputs=outputs, clients=aws)
    assert read_values(ctx)["STRIPE_KEY"] == SECRET_VALUES[0]  # the newline is not part of it


def test_cli_set_rejects_a_bad_name_before_reading_a_value(
    aws: MotoProvider, outputs: StackOutputs, tmp_path: Path
) -> None:
    from scaffolder.cli.app import app

    project, outputs_file = _project(tmp_path, outputs)
    result = CliRunner().invoke(
        app,
        [
            "secrets",
            "set",
            "staging",
            "BAD-NAME",
            "--project",
            str(project),
            "--outputs",
            str(outputs_file),
        ],
        input=SECRET_VALUES[0],
    )
    assert isinstance(result.exception, UsageError)
    assert "not a valid variable name" in str(result.exception)
    _assert_no_values(result.output + str(result.exception))


def test_push_leaves_out_names_the_platform_sets(ctx: OpsContext) -> None:
    """PORT is always the task's own; with RDS, DATABASE_URL is composed from DB_*."""
    rds = OpsContext(
        outputs=ctx.outputs.model_copy(update={"db_instance_identifier": "app-staging-db"}),
        clients=ctx.clients,
        retry=ctx.retry,
    )
    change = push(
        rds,
        {"PORT": "3000", "DATABASE_URL": SECRET_VALUES[2], "STRIPE_KEY": SECRET_VALUES[0]},
        example=["DATABASE_URL", "PORT", "STRIPE_KEY"],
    )
    assert change.platform_set == ["DATABASE_URL", "PORT"]
    assert change.added == ["STRIPE_KEY"]
    assert change.missing == []
    assert set(_secret(rds)) == {"STRIPE_KEY"}


def test_push_keeps_database_url_where_the_database_is_external(ctx: OpsContext) -> None:
    assert ctx.outputs.db_instance_identifier is None
    change = push(ctx, {"DATABASE_URL": SECRET_VALUES[2], "PORT": "3000"})
    assert change.platform_set == ["PORT"]
    assert set(_secret(ctx)) == {"DATABASE_URL"}

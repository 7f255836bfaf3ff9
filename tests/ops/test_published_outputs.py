"""`scaffold outputs --from ssm` and SCAFFOLD_OUTPUTS_SOURCE=ssm: CI reads the outputs
`scaffold up` published in SSM (moto), without Pulumi state or passphrase."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.errors import CloudError, UsageError
from scaffolder.models import StackOutputs, outputs_parameter_name
from scaffolder.ops.context import resolve_context
from scaffolder.ops.published_outputs import SOURCE_ENV, outputs_source, read_published_outputs
from tests.ops.conftest import MotoProvider
from tests.ops.test_status_context import _spec

SSM = {SOURCE_ENV: "ssm"}


def _project(tmp_path: Path) -> Path:
    _spec(tmp_path, 8)  # demo / staging / us-east-1
    return tmp_path


def publish(aws: MotoProvider, outputs: StackOutputs, *, value: str | None = None) -> None:
    """What the stack's aws.ssm.Parameter holds after `scaffold up`."""
    aws.client("ssm").put_parameter(
        Name=outputs_parameter_name(outputs.project, outputs.environment),
        Type="SecureString",
        KeyId=outputs.kms_key_arn,
        Value=value if value is not None else outputs.model_dump_json(exclude_none=True),
    )


def test_ops_commands_read_the_published_outputs_when_told_to(
    aws: MotoProvider, tmp_path: Path, outputs: StackOutputs
) -> None:
    publish(aws, outputs)
    project = _project(tmp_path)
    # No infra/.scaffold-backend, no Pulumi CLI, no passphrase: the stack is never opened.
    ctx = resolve_context("staging", project=project, clients=MotoProvider, environ=SSM)
    assert ctx.outputs == outputs
    assert ctx.spec is None  # read for the project name and region only
    assert read_published_outputs(aws, "demo", "staging") == outputs


def test_a_missing_parameter_says_to_run_up(
    aws: MotoProvider, tmp_path: Path, outputs: StackOutputs
) -> None:
    with pytest.raises(CloudError, match="not published in SSM") as caught:
        resolve_context("staging", project=_project(tmp_path), clients=MotoProvider, environ=SSM)
    assert "scaffold up staging" in caught.value.hint
    assert caught.value.exit_code == 7


def test_a_parameter_that_is_not_outputs_is_reported(
    aws: MotoProvider, tmp_path: Path, outputs: StackOutputs
) -> None:
    publish(aws, outputs, value='{"project": "demo"}')
    with pytest.raises(CloudError, match="does not hold valid stack outputs"):
        read_published_outputs(aws, "demo", "staging")


def test_published_outputs_of_another_environment_are_refused(
    aws: MotoProvider, tmp_path: Path, outputs: StackOutputs
) -> None:
    prod = outputs.model_copy(update={"environment": "prod"})
    aws.client("ssm").put_parameter(
        Name=outputs_parameter_name("demo", "staging"),
        Type="SecureString",
        Value=prod.model_dump_json(),
    )
    with pytest.raises(UsageError, match="outputs are for prod, not staging"):
        resolve_context("staging", project=_project(tmp_path), clients=MotoProvider, environ=SSM)


def test_the_source_is_the_flag_then_the_variable_then_pulumi() -> None:
    assert outputs_source(None, {}) == "pulumi"
    assert outputs_source(None, {SOURCE_ENV: " "}) == "pulumi"
    assert outputs_source(None, SSM) == "ssm"
    assert outputs_source("pulumi", SSM) == "pulumi"
    with pytest.raises(UsageError, match="from SCAFFOLD_OUTPUTS_SOURCE") as caught:
        outputs_source(None, {SOURCE_ENV: "s3"})
    assert caught.value.exit_code == 2
    with pytest.raises(UsageError, match="from --from"):
        outputs_source("state", {})

"""How an operations command finds its environment: outputs file checks, the
spec read only when a command needs it, and the spec's verify window in status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scaffolder.environment.spec import default_spec, render_spec_yaml
from scaffolder.errors import InputError, UsageError
from scaffolder.models import StackOutputs
from scaffolder.ops.context import resolve_context
from scaffolder.ops.status import environment_status
from tests.ops.conftest import MotoProvider
from tests.ops.ops_world import World, build_world, standard_ledger
from tests.ops.test_status import _backups


def _write(tmp_path: Path, outputs: StackOutputs) -> Path:
    path = tmp_path / "outputs.json"
    path.write_text(outputs.model_dump_json())
    return path


def _spec(tmp_path: Path, window: int) -> None:
    spec = default_spec(
        project="demo",
        env="staging",
        region="us-east-1",
        services=[],
        secret_names=[],
        self_hosted_postgres=False,
    )
    spec.backups.verify_window_days = window
    (tmp_path / "infra").mkdir(exist_ok=True)
    (tmp_path / "infra" / "Pulumi.staging.yaml").write_text(render_spec_yaml(spec))


def test_outputs_of_another_environment_are_refused(tmp_path: Path, outputs: StackOutputs) -> None:
    path = _write(tmp_path, outputs)
    with pytest.raises(UsageError, match="outputs are for staging, not prod"):
        resolve_context("prod", project=tmp_path, outputs_file=path)
    with pytest.raises(UsageError, match="Unknown environment"):
        resolve_context("qa", project=tmp_path, outputs_file=path)


def test_a_malformed_outputs_file_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "outputs.json").write_text('{"project": "demo"}')
    with pytest.raises(InputError) as caught:
        resolve_context("staging", project=tmp_path, outputs_file=tmp_path / "outputs.json")
    assert caught.value.exit_code == 3
    with pytest.raises(InputError, match="Cannot read"):
        resolve_context("staging", project=tmp_path, outputs_file=tmp_path / "missing.json")


def test_the_spec_is_read_only_when_asked_for(
    aws: MotoProvider, tmp_path: Path, outputs: StackOutputs
) -> None:
    path = _write(tmp_path, outputs)
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "Pulumi.staging.yaml").write_text("config: [not, a, spec\n")
    # A broken spec does not stand between the user and a rollback or a secret...
    ctx = resolve_context("staging", project=tmp_path, outputs_file=path, clients=MotoProvider)
    assert ctx.spec is None and ctx.env == "staging"
    # ...but status, which reads settings from it, says what is wrong.
    with pytest.raises(InputError):
        resolve_context("staging", project=tmp_path, outputs_file=path, with_spec=True)
    _spec(tmp_path, 30)
    ctx = resolve_context("staging", project=tmp_path, outputs_file=path, with_spec=True)
    assert ctx.spec is not None and ctx.spec.backups.verify_window_days == 30


@pytest.fixture
def world(aws: MotoProvider, monkeypatch: pytest.MonkeyPatch) -> World:
    world = build_world(aws, monkeypatch)
    standard_ledger(world)
    return world


def test_status_uses_the_specs_verify_window(world: World, tmp_path: Path) -> None:
    _backups(world)
    world.ctx.clock = lambda: datetime.now(UTC) + timedelta(days=9)
    assert (
        "the last verified restore is older than 8 days" in environment_status(world.ctx).problems
    )
    _spec(tmp_path, 30)
    path = _write(tmp_path, world.ctx.outputs)
    ctx = resolve_context(
        "staging", project=tmp_path, outputs_file=path, clients=MotoProvider, with_spec=True
    )
    ctx.clock = world.ctx.clock
    problems = environment_status(ctx).problems
    assert not any("verified restore" in p for p in problems)

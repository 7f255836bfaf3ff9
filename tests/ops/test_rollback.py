"""scaffold rollback on moto: the plan, ECS and static redeploys, the ledger
marks, the schema-mismatch refusal, the bounded wait, and the CLI's exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffolder.errors import CheckFailed, CloudError, Interrupted, SafetyRefusal, UsageError
from scaffolder.ops.releases import live_ref, read_ledger
from scaffolder.ops.rollback import apply_rollback, plan_rollback
from tests.ops.conftest import MotoProvider
from tests.ops.ops_world import World, build_world, record, standard_ledger, write_ledger


@pytest.fixture
def world(aws: MotoProvider, monkeypatch: pytest.MonkeyPatch) -> World:
    return build_world(aws, monkeypatch)


def _statuses(world: World) -> dict[str, str]:
    return {r.release_id: r.status for r in read_ledger(world.ctx).records}


def test_plan_goes_back_to_the_newest_earlier_healthy_release(world: World) -> None:
    standard_ledger(world)
    plan = plan_rollback(world.ctx)
    web, site = plan.steps
    assert (web.service, web.current.release_id, web.target.release_id) == ("web", "c-3", "b-2")
    assert web.live == world.task_definitions[2]
    assert (site.service, site.current.release_id, site.target.release_id) == ("site", "s-3", "s-2")
    assert site.live == "/releases/s-3"
    assert not plan.schema_mismatch
    assert "no migrations since b-2" in web.migrations


def test_rollback_redeploys_ecs_and_static_and_marks_the_bad_releases(world: World) -> None:
    standard_ledger(world)
    result = apply_rollback(world.ctx, plan_rollback(world.ctx))

    assert result.rolled_back == ["web: c-3 -> b-2", "site: s-3 -> s-2"]
    web, site = world.ctx.outputs.services
    assert live_ref(world.ctx, web) == world.task_definitions[1]
    assert live_ref(world.ctx, site) == "/releases/s-2"
    invalidations = world.ctx.clients.client("cloudfront").list_invalidations(
        DistributionId=world.distribution_id
    )["InvalidationList"]
    assert invalidations["Quantity"] == 1
    assert _statuses(world) == {
        "a-1": "healthy",
        "b-2": "healthy",
        "c-3": "rolled-back",
        "s-1": "healthy",
        "s-2": "healthy",
        "s-3": "rolled-back",
    }
    assert result.marked == [
        "s3://demo-staging-artifacts/releases/staging/c-3.json",
        "s3://demo-staging-artifacts/releases/staging/s-3.json",
    ]


def test_a_second_rollback_goes_one_further_back(world: World) -> None:
    standard_ledger(world)
    apply_rollback(world.ctx, plan_rollback(world.ctx))
    web, _site = plan_rollback(world.ctx).steps
    assert (web.current.release_id, web.target.release_id) == ("b-2", "a-1")


def test_to_names_the_release_and_skips_what_already_runs_it(world: World) -> None:
    standard_ledger(world)
    plan = plan_rollback(world.ctx, to="a-1", service="web")
    (web,) = plan.steps
    assert web.target.release_id == "a-1"
    apply_rollback(world.ctx, plan)
    again = plan_rollback(world.ctx, to="a-1", service="web")
    assert again.steps == []
    assert again.notes == ["web: already running a-1"]


def test_multi_app_release_ids_match_with_the_service_suffix(world: World) -> None:
    td = world.task_definitions
    write_ledger(
        world,
        [
            record("x-1-web", "web", hours=1, task_definition=td[0]),
            record("x-2-web", "web", hours=2, task_definition=td[2]),
        ],
    )
    (web,) = plan_rollback(world.ctx, to="x-1", service="web").steps
    assert web.target.release_id == "x-1-web"


def test_schema_mismatch_is_refused_unless_allowed(world: World) -> None:
    standard_ledger(world, heads=("0001", "0001", "0002_add_orders"))
    plan = plan_rollback(world.ctx, service="web")
    assert plan.schema_mismatch
    with pytest.raises(SafetyRefusal) as caught:
        apply_rollback(world.ctx, plan)
    assert caught.value.exit_code == 8
    assert "0002_add_orders" in caught.value.message
    assert "--allow-schema-mismatch" in caught.value.hint
    # Nothing was touched.
    assert live_ref(world.ctx, world.ctx.outputs.services[0]) == world.task_definitions[2]
    assert _statuses(world)["c-3"] == "failed"

    apply_rollback(world.ctx, plan, allow_schema_mismatch=True)
    assert live_ref(world.ctx, world.ctx.outputs.services[0]) == world.task_definitions[1]


def test_nothing_to_go_back_to(world: World) -> None:
    write_ledger(world, [record("c-3", "web", hours=3, task_definition=world.task_definitions[2])])
    with pytest.raises(CheckFailed, match="nothing to roll back to"):
        plan_rollback(world.ctx, service="web")


def test_unknown_service(world: World) -> None:
    with pytest.raises(UsageError):
        plan_rollback(world.ctx, service="api")


def test_an_environment_without_services_says_so(world: World) -> None:
    world.ctx.outputs = world.ctx.outputs.model_copy(update={"services": []})
    with pytest.raises(CheckFailed) as caught:
        plan_rollback(world.ctx)
    assert "has no services to roll back" in caught.value.message
    assert "None" not in caught.value.message


def test_a_damaged_ledger_record_is_skipped_not_fatal(world: World) -> None:
    standard_ledger(world)
    world.ctx.clients.client("s3").put_object(
        Bucket="demo-staging-artifacts", Key="releases/staging/junk.json", Body=b"{not json"
    )
    plan = plan_rollback(world.ctx, service="web")
    assert plan.steps[0].target.release_id == "b-2"
    assert plan.notes == ["skipped an unreadable ledger record: releases/staging/junk.json"]


def test_ecs_that_never_settles_times_out_with_a_next_step(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_ledger(world)
    # A service whose tasks never start: moto reports its deployment as in progress.
    monkeypatch.setenv("MOTO_ECS_SERVICE_RUNNING", "0")
    ecs = world.ctx.clients.client("ecs")
    ecs.delete_service(cluster="demo-staging", service="demo-staging-web", force=True)
    ecs.create_service(
        cluster="demo-staging",
        serviceName="demo-staging-web",
        taskDefinition=world.task_definitions[2],
        desiredCount=1,
    )
    plan = plan_rollback(world.ctx, service="web")
    with pytest.raises(CloudError) as caught:
        apply_rollback(world.ctx, plan, timeout_s=120)
    assert "did not become stable" in caught.value.message
    assert "--to b-2" in caught.value.hint
    assert world.clock.slept and sum(world.clock.slept) <= 120 + 15
    assert _statuses(world)["c-3"] == "failed"  # not marked: the rollback did not finish


# ---------------------------------------------------------------- CLI


def _outputs_file(world: World, tmp_path: Path) -> Path:
    path = tmp_path / "outputs.json"
    path.write_text(world.ctx.outputs.model_dump_json())
    return path


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from scaffolder.cli.app import main

    with pytest.raises(SystemExit) as exited:
        main(args)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_cli_without_yes_in_a_non_interactive_session_refuses(
    world: World,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    standard_ledger(world)
    monkeypatch.setenv("CI", "true")
    code, out, err = _run(
        [
            "rollback",
            "staging",
            "--outputs",
            str(_outputs_file(world, tmp_path)),
            "--project",
            str(tmp_path),
        ],
        capsys,
    )
    assert code == 8
    assert "c-3" in out and "b-2" in out  # the plan was shown first
    assert "needs confirmation" in err and "--yes" in err
    assert _statuses(world)["c-3"] == "failed"


def test_cli_yes_rolls_back_and_reports_json(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    standard_ledger(world)
    code, out, _err = _run(
        [
            "rollback",
            "staging",
            "--yes",
            "--service",
            "site",
            "--json",
            "--outputs",
            str(_outputs_file(world, tmp_path)),
            "--project",
            str(tmp_path),
        ],
        capsys,
    )
    assert code == 0
    payload = json.loads(out)  # the plan went to stderr: stdout is only the JSON
    assert payload["rolled_back"] == ["site: s-3 -> s-2"]


def test_cli_schema_mismatch_exits_8(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    standard_ledger(world, heads=("1", "1", "2"))
    code, _out, err = _run(
        [
            "rollback",
            "staging",
            "--yes",
            "--service",
            "web",
            "--outputs",
            str(_outputs_file(world, tmp_path)),
            "--project",
            str(tmp_path),
        ],
        capsys,
    )
    assert code == 8
    assert "newer database schema" in err


def test_an_unknown_release_is_a_usage_error(world: World) -> None:
    standard_ledger(world)
    with pytest.raises(UsageError, match="no release z-9 in the staging ledger"):
        plan_rollback(world.ctx, to="z-9")


def test_ctrl_c_during_the_wait_says_what_state_it_left(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_ledger(world)
    monkeypatch.setenv("MOTO_ECS_SERVICE_RUNNING", "0")
    ecs = world.ctx.clients.client("ecs")
    ecs.delete_service(cluster="demo-staging", service="demo-staging-web", force=True)
    ecs.create_service(
        cluster="demo-staging",
        serviceName="demo-staging-web",
        taskDefinition=world.task_definitions[2],
        desiredCount=1,
    )

    def interrupt(_seconds: float) -> None:
        raise KeyboardInterrupt

    world.ctx.sleep = interrupt
    with pytest.raises(Interrupted) as caught:
        apply_rollback(world.ctx, plan_rollback(world.ctx, service="web"))
    assert caught.value.exit_code == 130
    assert "may already be under way" in caught.value.message
    assert "--to b-2" in caught.value.hint

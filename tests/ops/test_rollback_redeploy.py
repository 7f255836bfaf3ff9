"""The ECS wait in detail, through a Stubber (moto's services have no load
balancer health): draining deployments, unhealthy targets, a failed rollout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scaffolder.errors import CloudError
from scaffolder.models import ServiceOutputs, StackOutputs
from scaffolder.ops.context import OpsContext
from scaffolder.ops.redeploy import POLL_S, update_ecs_service
from scaffolder.ops.retry import Retry
from tests.ops.conftest import Clock
from tests.ops.ops_world import StubProvider, record

TD = "arn:aws:ecs:us-east-1:123456789012:task-definition/demo-staging-web:2"
TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"
SVC = ServiceOutputs(
    name="web",
    shape="server",
    url="https://web",
    health_url="https://web/healthz",
    cluster_name="demo-staging",
    service_name="demo-staging-web",
)
DESCRIBE = {"cluster": "demo-staging", "services": ["demo-staging-web"]}


def _service(deployments: list[dict[str, Any]], running: int = 1) -> dict[str, Any]:
    return {
        "services": [
            {
                "serviceName": "demo-staging-web",
                "taskDefinition": TD,
                "desiredCount": 1,
                "runningCount": running,
                "deployments": deployments,
                "loadBalancers": [
                    {"targetGroupArn": TG, "containerName": "web", "containerPort": 8080}
                ],
            }
        ]
    }


def _deployment(state: str, td: str = TD, reason: str = "") -> dict[str, Any]:
    return {
        "id": f"ecs-svc/{state}",
        "status": "PRIMARY",
        "taskDefinition": td,
        "rolloutState": state,
        "rolloutStateReason": reason,
    }


def _health(*states: str) -> dict[str, Any]:
    return {
        "TargetHealthDescriptions": [
            {"Target": {"Id": f"10.0.0.{n}", "Port": 8080}, "TargetHealth": {"State": s}}
            for n, s in enumerate(states)
        ]
    }


@pytest.fixture
def setup(outputs: StackOutputs) -> tuple[StubProvider, OpsContext, Clock]:
    stub = StubProvider()
    clock = Clock(datetime(2026, 1, 22, 3, 0, tzinfo=UTC))
    ctx = OpsContext(
        outputs=outputs,
        clients=stub,
        clock=clock,
        sleep=clock.sleep,
        retry=Retry(sleep=lambda _s: None),
    )
    stub.stubs["ecs"].add_response(
        "update_service",
        {"service": {"serviceName": "demo-staging-web"}},
        {"cluster": "demo-staging", "service": "demo-staging-web", "taskDefinition": TD},
    )
    return stub, ctx, clock


TARGET = record("b-2", "web", hours=2, task_definition=TD)


def test_waits_for_the_old_deployment_to_drain_and_targets_to_be_healthy(
    setup: tuple[StubProvider, OpsContext, Clock],
) -> None:
    stub, ctx, clock = setup
    ecs, elbv2 = stub.stubs["ecs"], stub.stubs["elbv2"]
    old = {**_deployment("COMPLETED", td=TD.replace(":2", ":3")), "status": "ACTIVE"}
    ecs.add_response("describe_services", _service([_deployment("IN_PROGRESS"), old]), DESCRIBE)
    ecs.add_response("describe_services", _service([_deployment("COMPLETED")]), DESCRIBE)
    elbv2.add_response(
        "describe_target_health", _health("healthy", "initial"), {"TargetGroupArn": TG}
    )
    ecs.add_response("describe_services", _service([_deployment("COMPLETED")]), DESCRIBE)
    elbv2.add_response(
        "describe_target_health", _health("healthy", "healthy"), {"TargetGroupArn": TG}
    )

    update_ecs_service(ctx, SVC, TARGET, timeout_s=600)
    assert clock.slept == [POLL_S, POLL_S]
    ecs.assert_no_pending_responses()
    elbv2.assert_no_pending_responses()


def test_a_failed_rollout_stops_the_wait(setup: tuple[StubProvider, OpsContext, Clock]) -> None:
    stub, ctx, clock = setup
    stub.stubs["ecs"].add_response(
        "describe_services",
        _service([_deployment("FAILED", reason="tasks failed to start")], running=0),
        DESCRIBE,
    )
    with pytest.raises(CloudError, match="tasks failed to start"):
        update_ecs_service(ctx, SVC, TARGET, timeout_s=600)
    assert clock.slept == []


def test_no_healthy_target_times_out(setup: tuple[StubProvider, OpsContext, Clock]) -> None:
    stub, ctx, clock = setup
    polls = 10
    start = clock.now
    for _ in range(polls):
        stub.stubs["ecs"].add_response(
            "describe_services", _service([_deployment("COMPLETED")]), DESCRIBE
        )
        stub.stubs["elbv2"].add_response(
            "describe_target_health", _health(), {"TargetGroupArn": TG}
        )
    with pytest.raises(CloudError, match="did not become stable on b-2 within 2 minutes"):
        update_ecs_service(ctx, SVC, TARGET, timeout_s=120)
    assert clock.now - start <= timedelta(minutes=2, seconds=POLL_S + 120)
    assert 1 <= len(clock.slept) < polls

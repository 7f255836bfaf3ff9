"""The rotation Lambda redeploys the services after RDS rotates their master secret.

Its handler runs here against ECS in moto, through a proxy that records each call
(moto keeps one deployment per service, so the call is what can be observed).
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from scaffolder_stacks import rotation, rotation_handler
from tests.stacks.graphs import graph_for
from tests.stacks.specs import server_spec

REGION = "us-east-1"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1f2e3d4c-AbCdEf"
OTHER = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/app-XyZ123"


def rotation_event(secret_id: str) -> dict[str, Any]:
    """RotationSucceeded as RDS's managed rotation sends it (a CloudTrail service event)."""
    return {
        "version": "0",
        "source": "aws.secretsmanager",
        "detail-type": "AWS Service Event via CloudTrail",
        "resources": [],
        "detail": {
            "eventVersion": "1.08",
            "eventSource": "secretsmanager.amazonaws.com",
            "eventName": "RotationSucceeded",
            "eventType": "AwsServiceEvent",
            "requestParameters": None,
            "responseElements": None,
            "additionalEventData": {"SecretId": secret_id},
        },
    }


class RecordingEcs:
    """The moto ECS client, recording every update_service call before making it."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.updates: list[dict[str, Any]] = []

    def update_service(self, **kwargs: Any) -> Any:
        self.updates.append(kwargs)
        return self._client.update_service(**kwargs)


@pytest.fixture
def ecs() -> Iterator[RecordingEcs]:
    with mock_aws():
        client = boto3.client("ecs", region_name=REGION)
        client.create_cluster(clusterName="shop-prod")
        client.register_task_definition(
            family="shop-prod-api",
            containerDefinitions=[{"name": "api", "image": "api:1", "memory": 512}],
        )
        for name in ("api", "worker"):
            client.create_service(
                cluster="shop-prod", serviceName=name, taskDefinition="shop-prod-api"
            )
        yield RecordingEcs(client)


def _redeploy(ecs: RecordingEcs, event: dict[str, Any], services: list[str]) -> list[str]:
    return rotation_handler.redeploy(
        event, ecs=ecs, cluster="shop-prod", services=services, secret_arn=SECRET
    )


def test_a_rotation_of_the_master_secret_redeploys_every_service(ecs: RecordingEcs) -> None:
    assert _redeploy(ecs, rotation_event(SECRET), ["api", "worker"]) == ["api", "worker"]
    assert ecs.updates == [
        {"cluster": "shop-prod", "service": s, "forceNewDeployment": True}
        for s in ("api", "worker")
    ]


@pytest.mark.parametrize(
    "event",
    [
        # The ARN in responseElements ("aRN" before 2024), or the secret's name.
        {**rotation_event(""), "detail": {"responseElements": {"aRN": SECRET}}},
        {**rotation_event(""), "resources": [SECRET]},
        rotation_event("rds!db-1f2e3d4c"),
    ],
    ids=["responseElements", "resources", "name"],
)
def test_the_secret_is_found_wherever_the_event_names_it(
    ecs: RecordingEcs, event: dict[str, Any]
) -> None:
    assert _redeploy(ecs, event, ["api"]) == ["api"]


@pytest.mark.parametrize("secret_id", [OTHER, "shop/prod/app", "rds!db", ""])
def test_a_rotation_of_another_secret_changes_nothing(ecs: RecordingEcs, secret_id: str) -> None:
    # The rule hears every rotation in the account and region; only ours counts.
    assert _redeploy(ecs, rotation_event(secret_id), ["api", "worker"]) == []
    assert ecs.updates == []


def test_one_failing_service_does_not_stop_the_others_and_the_run_fails(
    ecs: RecordingEcs,
) -> None:
    with pytest.raises(RuntimeError, match=r"could not redeploy gone: .*ServiceNotFound"):
        _redeploy(ecs, rotation_event(SECRET), ["gone", "api"])
    # "api" was still redeployed; the error makes Lambda retry and the alarm fire.
    assert [u["service"] for u in ecs.updates] == ["gone", "api"]


def test_the_handler_reads_its_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, ecs: RecordingEcs, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("CLUSTER", "shop-prod")
    monkeypatch.setenv("SERVICES", json.dumps(["api", "worker"]))
    monkeypatch.setenv("SECRET_ARN", SECRET)
    assert rotation_handler.handler(rotation_event(SECRET), None) == {
        "redeployed": ["api", "worker"]
    }
    assert json.loads(capsys.readouterr().out) == {"redeployed": ["api", "worker"]}


def test_the_handler_needs_only_what_the_lambda_runtime_has() -> None:
    tree = ast.parse(rotation.HANDLER_FILE.read_text("utf-8"))
    modules = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert modules <= {"__future__", "json", "os", "typing", "boto3"}


def test_the_stack_ships_this_handler_with_the_rule_it_needs() -> None:
    graph = graph_for(server_spec("prod"))
    (fn,) = graph.of_type("aws:lambda/function:Function")
    module, _, function = fn.inputs["handler"].partition(".")
    assert (module, function) == (rotation.HANDLER_MODULE, "handler")
    assert fn.inputs["runtime"].startswith("python3")
    shipped = fn.inputs["code"].assets[f"{rotation.HANDLER_MODULE}.py"].text
    assert shipped == rotation.HANDLER_FILE.read_text("utf-8")
    (rule,) = [
        r for r in graph.of_type("aws:cloudwatch/eventRule:EventRule") if "rotation" in r.name
    ]
    assert json.loads(rule.inputs["eventPattern"]) == rotation.EVENT_PATTERN

"""The restore-check task's graph checks are not vacuous (tests/stacks/restore_task_checks.py):
each weakening of the task, its network, its roles or the verify role's grants fails them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from scaffolder.provision.mockrun import GraphResource, ResourceGraph
from tests.stacks import graph_checks
from tests.stacks.graphs import graph_for
from tests.stacks.specs import server_spec, static_spec

POLICY = "aws:iam/rolePolicy:RolePolicy"


def _resource(g: ResourceGraph, type_: str, suffix: str) -> GraphResource:
    (found,) = [r for r in g.of_type(type_) if r.name.endswith(suffix)]
    return found


def _edit_policy(g: ResourceGraph, suffix: str, edit: Callable[[list[Any]], None]) -> None:
    policy = _resource(g, POLICY, suffix)
    document = json.loads(policy.inputs["policy"])
    edit(document["Statement"])
    policy.inputs["policy"] = json.dumps(document)


def _statement(statements: list[Any], sid: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in statements if s.get("Sid") == sid)
    return found


def _run_any_family(g: ResourceGraph) -> None:
    def edit(statements: list[Any]) -> None:
        run = _statement(statements, "RunRestoreCheck")
        run["Resource"] = run["Resource"].replace("notes-staging-restore-check:*", "notes-staging*")

    _edit_policy(g, "-verify-policy", edit)


def _run_in_any_cluster(g: ResourceGraph) -> None:
    _edit_policy(g, "-verify-policy", lambda s: _statement(s, "RunRestoreCheck").pop("Condition"))


def _pass_any_role(g: ResourceGraph) -> None:
    _edit_policy(
        g, "-verify-policy", lambda s: _statement(s, "PassRestoreCheckRoles").update(Resource="*")
    )


def _pass_to_any_service(g: ResourceGraph) -> None:
    _edit_policy(
        g, "-verify-policy", lambda s: _statement(s, "PassRestoreCheckRoles").pop("Condition")
    )


def _stop_any_task(g: ResourceGraph) -> None:
    _edit_policy(g, "-verify-policy", lambda s: _statement(s, "WatchRestoreCheck").pop("Condition"))


def _verify_role_cannot_stop(g: ResourceGraph) -> None:
    _edit_policy(
        g,
        "-verify-policy",
        lambda s: _statement(s, "WatchRestoreCheck").update(Action=["ecs:DescribeTasks"]),
    )


def _task_role_reads_the_app_secret(g: ResourceGraph) -> None:
    secret = g.outputs["app_secret_arn"]
    _edit_policy(
        g,
        "-restore-check-task",
        lambda s: _statement(s, "ReadMasterSecret")["Resource"].append(secret),
    )


def _task_role_may_deploy(g: ResourceGraph) -> None:
    _edit_policy(
        g,
        "-restore-check-task",
        lambda s: s.append({"Effect": "Allow", "Action": "ecs:UpdateService", "Resource": "x"}),
    )


def _execution_role_pulls_anything(g: ResourceGraph) -> None:
    _edit_policy(
        g, "-restore-check-execution", lambda s: _statement(s, "PullImage").update(Resource="*")
    )


def _task_in_public_subnets(g: ResourceGraph) -> None:
    g.outputs["restore_task"]["subnet_ids"] = [
        s.replace("-private-", "-public-") for s in g.outputs["restore_task"]["subnet_ids"]
    ]


def _database_does_not_admit_the_task(g: ResourceGraph) -> None:
    g.resources.remove(
        _resource(
            g, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "restore-check-db-in"
        )
    )


def _task_egress_anywhere(g: ResourceGraph) -> None:
    rule = _resource(
        g, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "restore-check-to-aws"
    )
    rule.inputs.update(ipProtocol="-1", fromPort=None, toPort=None)


def _log_kept_forever(g: ResourceGraph) -> None:
    _resource(g, "aws:cloudwatch/logGroup:LogGroup", "restore-check-logs").inputs.pop(
        "retentionInDays"
    )


def _log_without_key(g: ResourceGraph) -> None:
    _resource(g, "aws:cloudwatch/logGroup:LogGroup", "restore-check-logs").inputs.pop("kmsKeyId")


def _not_fargate(g: ResourceGraph) -> None:
    task = _resource(g, "aws:ecs/taskDefinition:TaskDefinition", "restore-check-task")
    task.inputs["requiresCompatibilities"] = ["EC2"]


def _no_task(g: ResourceGraph) -> None:
    g.outputs.pop("restore_task")


REGRESSIONS: dict[str, Callable[[ResourceGraph], None]] = {
    "run-any-family": _run_any_family,
    "run-in-any-cluster": _run_in_any_cluster,
    "pass-any-role": _pass_any_role,
    "pass-to-any-service": _pass_to_any_service,
    "stop-any-task": _stop_any_task,
    "verify-role-cannot-stop": _verify_role_cannot_stop,
    "task-role-reads-the-app-secret": _task_role_reads_the_app_secret,
    "task-role-may-deploy": _task_role_may_deploy,
    "execution-role-pulls-anything": _execution_role_pulls_anything,
    "task-in-public-subnets": _task_in_public_subnets,
    "database-does-not-admit-the-task": _database_does_not_admit_the_task,
    "task-egress-anywhere": _task_egress_anywhere,
    "log-kept-forever": _log_kept_forever,
    "log-without-key": _log_without_key,
    "not-fargate": _not_fargate,
    "no-task": _no_task,
}


@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_a_weakened_restore_task_fails_the_checks(name: str) -> None:
    spec = server_spec("staging")
    graph = graph_for(spec)
    assert graph_checks.problems(graph, spec) == []
    REGRESSIONS[name](graph)
    assert graph_checks.problems(graph, spec) != []


def test_the_task_runs_in_the_private_subnets_with_its_own_group() -> None:
    graph = graph_for(server_spec("prod"))
    task = graph.outputs["restore_task"]
    assert task["task_family"] == "notes-prod-restore-check"
    assert task["subnet_ids"] == ["notes-prod-net-private-0-id", "notes-prod-net-private-1-id"]
    assert task["security_group_ids"] == ["notes-prod-restore-check-sg-id"]
    assert task["image"].endswith("/notes-prod-restore-check:scaffold-" + _version_tag())


def _version_tag() -> str:
    from scaffolder_stacks.restore_task import image_tag, scaffold_version

    return image_tag(scaffold_version()).removeprefix("scaffold-")


def test_no_restore_task_without_rds() -> None:
    spec = static_spec("prod")
    graph = graph_for(spec)
    assert "restore_task" not in graph.outputs
    assert not [r for r in graph.resources if "restore-check" in r.name]


def test_image_tags_are_what_ecr_accepts() -> None:
    from scaffolder_stacks.restore_task import image_tag

    assert image_tag("0.4.1") == "scaffold-0.4.1"
    assert image_tag("0.0.0+unknown") == "scaffold-0.0.0-unknown"

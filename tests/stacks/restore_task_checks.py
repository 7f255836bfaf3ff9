"""Graph checks on the restore-check task (issue 10, item 3; stacks/restore_task.py):
a Fargate task in the private subnets whose group the database admits, roles that
may do exactly the restore check, and a verify role that may run only that task.
graph_checks.ALL_CHECKS runs them."""

from __future__ import annotations

import json
from typing import Any

from scaffolder.models import RESTORE_METRIC_NAMESPACE, EnvironmentSpec
from scaffolder.provision.mockrun import ACCOUNT_ID, GraphResource, ResourceGraph, fake_arn
from scaffolder_stacks.ci_policies import ECR_PUSH

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"

# Exactly the calls of `backup run` and `backup verify` on RDS (ops/backup/snapshot.py).
TASK_ACTIONS = {
    "ssm:GetParameter",
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "kms:CreateGrant",
    "kms:DescribeKey",
    "secretsmanager:GetSecretValue",
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "cloudwatch:PutMetricData",
    "rds:DescribeDBInstances",
    "rds:CreateDBSnapshot",
    "rds:DescribeDBSnapshots",
    "rds:AddTagsToResource",
    "rds:ListTagsForResource",
    "rds:RestoreDBInstanceFromDBSnapshot",
    "rds:ModifyDBInstance",
    "rds:DeleteDBInstance",
}
EXECUTION_ACTIONS = {
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
}
# What backup-verify.yml does with the task as the verify role (besides its bucket,
# key and outputs): build and push the image, run, watch and stop the task, read its log.
DRIVER_ACTIONS = {
    "ecr:GetAuthorizationToken",
    *ECR_PUSH,
    "ecs:RunTask",
    "ecs:DescribeTasks",
    "ecs:StopTask",
    "iam:PassRole",
    "logs:GetLogEvents",
}


def _list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str | dict) else list(value or [])


def _statements(policy: GraphResource) -> list[dict[str, Any]]:
    value = policy.inputs.get("policy") or "{}"
    document = value if isinstance(value, dict) else json.loads(value)
    return list(document.get("Statement", []))


def _region(graph: ResourceGraph) -> str:
    return str(graph.outputs.get("region", ""))


def _arn(graph: ResourceGraph, resource: GraphResource) -> str:
    return fake_arn(resource.type, resource.name, _region(graph))


def _one(graph: ResourceGraph, type_: str, suffix: str) -> GraphResource | None:
    found = [r for r in graph.of_type(type_) if r.name.endswith(suffix)]
    return found[0] if len(found) == 1 else None


def _task_outputs(graph: ResourceGraph) -> dict[str, Any]:
    return dict(graph.outputs.get("restore_task") or {})


def check_restore_task(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    outputs = _task_outputs(graph)
    families = {str(t.inputs.get("family")) for t in graph.of_type(TASK_DEFINITION)}
    if spec.database is None:
        stray = sorted(f for f in families if f.endswith("restore-check"))
        return [f"restore-check task without an RDS database: {stray}"] if stray or outputs else []
    if not outputs:
        return ["no restore-check task in the stack outputs"]
    task = next(
        (
            t
            for t in graph.of_type(TASK_DEFINITION)
            if t.inputs.get("family") == outputs["task_family"]
        ),
        None,
    )
    if task is None:
        return [f"no task definition of the family {outputs['task_family']}"]
    problems = _task_definition_problems(task, outputs)
    problems += _network_problems(graph, outputs)
    problems += _log_group_problems(graph, outputs)
    problems += _task_role_problems(graph)
    problems += _execution_role_problems(graph, outputs)
    return problems


def _task_definition_problems(task: GraphResource, outputs: dict[str, Any]) -> list[str]:
    problems = []
    if task.inputs.get("requiresCompatibilities") != ["FARGATE"]:
        problems.append(f"{task.name}: not a Fargate task")
    if task.inputs.get("networkMode") != "awsvpc":
        problems.append(f"{task.name}: not awsvpc (no security group of its own)")
    (container,) = json.loads(task.inputs["containerDefinitions"])
    if container.get("name") != outputs["container_name"]:
        problems.append(f"{task.name}: container is not {outputs['container_name']}")
    if container.get("image") != outputs["image"]:
        problems.append(f"{task.name}: image is not the one the outputs name")
    if container.get("portMappings"):
        problems.append(f"{task.name}: the restore check listens on a port")
    if container.get("secrets"):
        problems.append(f"{task.name}: secrets injected (the task reads the master secret itself)")
    options = container.get("logConfiguration", {}).get("options", {})
    if options.get("awslogs-group") != outputs["log_group_name"]:
        problems.append(f"{task.name}: does not log to {outputs['log_group_name']}")
    if int(container.get("stopTimeout", 0)) < 60:
        problems.append(f"{task.name}: too little time to delete the restored instance on stop")
    return problems


def _network_problems(graph: ResourceGraph, outputs: dict[str, Any]) -> list[str]:
    private = {
        f"{s.name}-id" for s in graph.of_type("aws:ec2/subnet:Subnet") if "-private-" in s.name
    }
    problems = []
    if not outputs["subnet_ids"] or set(outputs["subnet_ids"]) != private:
        problems.append(f"restore-check task not in the private subnets: {outputs['subnet_ids']}")
    (group,) = outputs["security_group_ids"] or [None]
    db_groups = {
        g
        for db in graph.of_type("aws:rds/instance:Instance")
        for g in db.inputs.get("vpcSecurityGroupIds", [])
    }
    admitted = [
        r
        for r in graph.of_type(INGRESS)
        if r.inputs.get("securityGroupId") in db_groups
        and r.inputs.get("referencedSecurityGroupId") == group
        and r.inputs.get("fromPort") == 5432
        and r.inputs.get("toPort") == 5432
    ]
    if not admitted:
        problems.append("the database's security group does not admit the restore-check task")
    for rule in graph.of_type(EGRESS):
        if rule.inputs.get("securityGroupId") != group:
            continue
        port = rule.inputs.get("fromPort")
        to_db = rule.inputs.get("referencedSecurityGroupId") in db_groups and port == 5432
        to_https = port == 443 and rule.inputs.get("toPort") == 443
        if rule.inputs.get("ipProtocol") != "tcp" or not (to_db or to_https):
            problems.append(f"{rule.name}: restore-check egress beyond the database and HTTPS")
    if any(r.inputs.get("securityGroupId") == group for r in graph.of_type(INGRESS)):
        problems.append("the restore-check task accepts connections")
    return problems


def _log_group_problems(graph: ResourceGraph, outputs: dict[str, Any]) -> list[str]:
    group = next(
        (
            g
            for g in graph.of_type("aws:cloudwatch/logGroup:LogGroup")
            if g.inputs.get("name") == outputs["log_group_name"]
        ),
        None,
    )
    if group is None:
        return [f"no log group {outputs['log_group_name']}"]
    problems = []
    if not group.inputs.get("retentionInDays"):
        problems.append(f"{group.name}: kept forever")
    if group.inputs.get("kmsKeyId") != graph.outputs.get("kms_key_arn"):
        problems.append(f"{group.name}: not encrypted with the environment key")
    return problems


def _task_role_problems(graph: ResourceGraph) -> list[str]:
    policy = _one(graph, ROLE_POLICY, "restore-check-task")
    if policy is None:
        return ["no restore-check task role policy"]
    statements = _statements(policy)
    granted = {a for s in statements for a in _list(s.get("Action"))}
    problems = []
    if granted != TASK_ACTIONS:
        problems.append(
            f"restore-check task role: extra {sorted(granted - TASK_ACTIONS)}, "
            f"missing {sorted(TASK_ACTIONS - granted)}"
        )
    db_secret = graph.outputs.get("db_secret_arn")
    for statement in statements:
        actions, resources = _list(statement.get("Action")), _list(statement.get("Resource"))
        if "secretsmanager:GetSecretValue" in actions and resources != [db_secret]:
            problems.append(f"restore-check task role reads secrets {resources}")
        if {"rds:DeleteDBInstance", "rds:ModifyDBInstance"} & set(actions):
            instances = [r for r in resources if ":db:" in str(r)]
            if any(not str(r).endswith("-restore-*") for r in instances):
                problems.append(f"restore-check task role may change instances {instances}")
        if "cloudwatch:PutMetricData" in actions:
            namespace = statement.get("Condition", {}).get("StringEquals", {})
            if namespace.get("cloudwatch:namespace") != RESTORE_METRIC_NAMESPACE:
                problems.append("restore-check task role publishes beyond the restore metric")
    return problems


def _execution_role_problems(graph: ResourceGraph, outputs: dict[str, Any]) -> list[str]:
    policy = _one(graph, ROLE_POLICY, "restore-check-execution")
    repository = _one(graph, "aws:ecr/repository:Repository", "restore-check-image")
    if policy is None or repository is None:
        return ["no restore-check execution role policy or image repository"]
    problems = []
    for statement in _statements(policy):
        actions, resources = set(_list(statement.get("Action"))), _list(statement.get("Resource"))
        if not actions <= EXECUTION_ACTIONS:
            problems.append(
                f"restore-check execution role may {sorted(actions - EXECUTION_ACTIONS)}"
            )
        if "ecr:BatchGetImage" in actions and resources != [_arn(graph, repository)]:
            problems.append(f"restore-check execution role pulls from {resources}")
    return problems


def check_verify_role_runs_the_task(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    """RunTask on that family only, in that cluster; PassRole on its two roles only,
    to ECS tasks; DescribeTasks/StopTask in that cluster; nothing else of ECS."""
    outputs = _task_outputs(graph)
    if spec.ci is None or spec.database is None or not outputs:
        return []
    policy = _one(graph, ROLE_POLICY, "-verify-policy")
    if policy is None:
        return ["no verify role policy"]
    statements = _statements(policy)
    region = _region(graph)
    cluster = _one(graph, "aws:ecs/cluster:Cluster", "-cluster")
    cluster_arn = _arn(graph, cluster) if cluster else None
    family_arn = f"arn:aws:ecs:{region}:{ACCOUNT_ID}:task-definition/{outputs['task_family']}:*"
    roles = {
        _arn(graph, r)
        for r in graph.of_type(ROLE)
        if r.name.endswith(("restore-check-task", "restore-check-execution"))
    }
    problems = []
    seen: set[str] = set()
    for statement in statements:
        actions, resources = set(_list(statement.get("Action"))), _list(statement.get("Resource"))
        condition = statement.get("Condition", {})
        in_cluster = condition.get("ArnEquals", {}).get("ecs:cluster") == cluster_arn
        ecs = {a for a in actions if a.startswith("ecs:")}
        seen |= actions
        if ecs - {"ecs:RunTask", "ecs:DescribeTasks", "ecs:StopTask"}:
            problems.append(f"verify role may {sorted(ecs)}")
        if "ecs:RunTask" in actions and (resources != [family_arn] or not in_cluster):
            problems.append(f"verify role may run {resources} (cluster condition {in_cluster})")
        if {"ecs:DescribeTasks", "ecs:StopTask"} & actions:
            prefix = f"arn:aws:ecs:{region}:{ACCOUNT_ID}:task/{outputs['cluster_name']}/"
            if not in_cluster or any(not str(r).startswith(prefix) for r in resources):
                problems.append(f"verify role may watch or stop tasks {resources}")
        if "iam:PassRole" in actions:
            passed = condition.get("StringEquals", {}).get("iam:PassedToService")
            if set(resources) != roles or passed != "ecs-tasks.amazonaws.com":
                problems.append(f"verify role may pass {resources} to {passed}")
    if missing := DRIVER_ACTIONS - seen:
        problems.append(f"verify role cannot {sorted(missing)}")
    deploy = _one(graph, ROLE_POLICY, "-deploy")
    for statement in _statements(deploy) if deploy else []:
        if "iam:PassRole" in _list(statement.get("Action")) and roles & set(
            _list(statement.get("Resource"))
        ):
            problems.append("deploy role may pass the restore-check roles")
    return problems

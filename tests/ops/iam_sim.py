"""IAM for the services moto does not authorize by resource: each boto3 call is turned
into the requests AWS authorizes (action, resource ARN, condition keys, and the KMS
calls a service makes in the caller's name) and checked against the real policy.

moto, with IAM authorization on, checks a signed request's action against the role's
policies, but only S3 compares resources, and no service evaluates conditions: every
other call is checked against the resource "*". `EnforcingProvider` closes that gap:
before a call is sent, it is authorized here, and a denial comes back as the
AccessDenied ClientError AWS would send. A call this table does not know fails the
test, so a new AWS call in scaffold cannot slip past it.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: tuple[tuple[str, str], ...] = ()


def _list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value)


def _conditions_hold(conditions: Mapping[str, Mapping[str, Any]], context: dict[str, str]) -> bool:
    for operator, entries in conditions.items():
        for key, expected in entries.items():
            actual = context.get(key)
            if actual is None:
                return False  # a missing key fails every operator without IfExists
            values = [str(v) for v in _list(expected)]
            if operator == "Bool":
                ok = actual.lower() in [v.lower() for v in values]
            elif operator == "StringEquals":
                ok = actual in values
            elif operator in ("StringLike", "ArnLike", "ArnEquals"):
                ok = any(fnmatch.fnmatchcase(actual, v) for v in values)
            else:
                raise AssertionError(f"condition operator {operator} is not simulated")
            if not ok:
                return False
    return True


def allowed(policy: Mapping[str, Any], request: Request) -> bool:
    """Identity-policy evaluation: an explicit Deny wins, else any matching Allow."""
    context = dict(request.context)
    verdict = False
    for statement in policy["Statement"]:
        actions = [a.lower() for a in _list(statement["Action"])]
        if not any(fnmatch.fnmatchcase(request.action.lower(), a) for a in actions):
            continue
        if not any(fnmatch.fnmatchcase(request.resource, r) for r in _list(statement["Resource"])):
            continue
        if not _conditions_hold(statement.get("Condition", {}), context):
            continue
        if statement["Effect"] == "Deny":
            return False
        verdict = True
    return verdict


@dataclass
class Account:
    """What the authorization of a call depends on beyond its parameters."""

    account: str
    region: str
    # KMS key of each encrypted thing: bucket name, secret ARN, parameter name, snapshot id.
    keys: dict[str, str] = field(default_factory=dict)
    secret_arns: dict[str, str] = field(default_factory=dict)  # name or ARN -> ARN
    # task definition ARN -> the roles it passes (task and execution role)
    task_roles: dict[str, list[str]] = field(default_factory=dict)
    # task definition family -> its latest revision's ARN (RunTask given a family)
    task_families: dict[str, str] = field(default_factory=dict)
    cluster_arns: dict[str, str] = field(default_factory=dict)  # name or ARN -> ARN
    # ARN -> tags, for aws:ResourceTag/<key> conditions (ECR repositories).
    resource_tags: dict[str, dict[str, str]] = field(default_factory=dict)

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        return f"arn:aws:{service}:{self.region if region else ''}:{self.account}:{resource}"

    def kms(self, thing: str, action: str, **context: str) -> list[Request]:
        key = self.keys.get(thing)
        return [] if key is None else [Request(f"kms:{action}", key, tuple(context.items()))]


Rule = Callable[[Account, Params], list[Request]]


def _s3_object(action: str, kms_action: str | None) -> Rule:
    def rule(a: Account, p: Params) -> list[Request]:
        requests = [Request(action, f"arn:aws:s3:::{p['Bucket']}/{p['Key']}")]
        return requests + (a.kms(p["Bucket"], kms_action) if kms_action else [])

    return rule


def _secret(action: str, decrypt: bool) -> Rule:
    def rule(a: Account, p: Params) -> list[Request]:
        arn = a.secret_arns.get(p["SecretId"], p["SecretId"])
        return [Request(action, arn)] + (a.kms(arn, "Decrypt") if decrypt else [])

    return rule


def _rds(action: str, *resources: tuple[str, str]) -> Rule:
    """`resources`: (ARN kind, parameter holding the name) pairs; tags add AddTagsToResource."""

    def rule(a: Account, p: Params) -> list[Request]:
        arns = [a.arn("rds", f"{kind}:{p[param]}") for kind, param in resources if param in p]
        requests = [Request(action, arn) for arn in arns]
        if p.get("Tags"):
            requests.append(Request("rds:AddTagsToResource", arns[-1]))
        return requests

    return rule


def _restore(a: Account, p: Params) -> list[Request]:
    requests = _rds(
        "rds:RestoreDBInstanceFromDBSnapshot",
        ("snapshot", "DBSnapshotIdentifier"),
        ("subgrp", "DBSubnetGroupName"),
        ("db", "DBInstanceIdentifier"),
    )(a, p)
    # RDS creates a grant on the snapshot's key for the new instance, in the caller's name.
    snapshot = p["DBSnapshotIdentifier"]
    return [
        *requests,
        *a.kms(snapshot, "DescribeKey"),
        *a.kms(snapshot, "CreateGrant", **{"kms:GrantIsForAWSResource": "true"}),
    ]


def _listing(action: str, service: str, resource: str) -> Rule:
    return lambda a, p: [Request(action, a.arn(service, resource))]


def _describe_instances(a: Account, p: Params) -> list[Request]:
    name = p.get("DBInstanceIdentifier", "*")
    return [Request("rds:DescribeDBInstances", a.arn("rds", f"db:{name}"))]


def _describe_snapshots(a: Account, p: Params) -> list[Request]:
    name = p.get("DBSnapshotIdentifier", "*")
    return [Request("rds:DescribeDBSnapshots", a.arn("rds", f"snapshot:{name}"))]


def _ecs_services(action: str) -> Rule:
    def rule(a: Account, p: Params) -> list[Request]:
        cluster = a.cluster_arns.get(p["cluster"], p["cluster"]).rsplit("/", 1)[-1]
        names = p["services"] if "services" in p else [p["service"]]
        return [Request(action, a.arn("ecs", f"service/{cluster}/{n}")) for n in names]

    return rule


def _run_task(a: Account, p: Params) -> list[Request]:
    definition = a.task_families.get(p["taskDefinition"], p["taskDefinition"])
    cluster = a.cluster_arns.get(p["cluster"], p["cluster"])
    requests = [Request("ecs:RunTask", definition, (("ecs:cluster", cluster),))]
    passed = (("iam:PassedToService", "ecs-tasks.amazonaws.com"),)
    return requests + [Request("iam:PassRole", r, passed) for r in a.task_roles[definition]]


def _tasks(action: str) -> Rule:
    """DescribeTasks and StopTask: each task's ARN, with the cluster as `ecs:cluster`."""

    def rule(a: Account, p: Params) -> list[Request]:
        cluster = a.cluster_arns.get(p["cluster"], p["cluster"])
        tasks = p["tasks"] if "tasks" in p else [p["task"]]
        return [Request(action, t, (("ecs:cluster", cluster),)) for t in tasks]

    return rule


def _log_events(a: Account, p: Params) -> list[Request]:
    stream = f"log-group:{p['logGroupName']}:log-stream:{p['logStreamName']}"
    return [Request("logs:GetLogEvents", a.arn("logs", stream))]


def _ssm_parameter(a: Account, p: Params) -> list[Request]:
    requests = [Request("ssm:GetParameter", a.arn("ssm", f"parameter{p['Name']}"))]
    if p.get("WithDecryption"):
        requests += a.kms(p["Name"], "Decrypt")
    return requests


def _ecr(action: str) -> Rule:
    def rule(a: Account, p: Params) -> list[Request]:
        arn = a.arn("ecr", f"repository/{p['repositoryName']}")
        tags = a.resource_tags.get(arn, {})
        return [Request(action, arn, tuple((f"aws:ResourceTag/{k}", v) for k, v in tags.items()))]

    return rule


def _anywhere(action: str, **context_params: str) -> Rule:
    """Actions AWS does not scope to a resource; `context_params`: condition key -> param."""
    return lambda a, p: [
        Request(action, "*", tuple((k, str(p[v])) for k, v in context_params.items()))
    ]


RULES: dict[tuple[str, str], Rule] = {
    ("ssm", "GetParameter"): _ssm_parameter,
    ("s3", "GetObject"): _s3_object("s3:GetObject", "Decrypt"),
    ("s3", "HeadObject"): _s3_object("s3:GetObject", "Decrypt"),
    ("s3", "PutObject"): _s3_object("s3:PutObject", "GenerateDataKey"),
    ("s3", "ListObjectsV2"): lambda a, p: [Request("s3:ListBucket", f"arn:aws:s3:::{p['Bucket']}")],
    ("secretsmanager", "GetSecretValue"): _secret("secretsmanager:GetSecretValue", True),
    ("secretsmanager", "DescribeSecret"): _secret("secretsmanager:DescribeSecret", False),
    ("secretsmanager", "ListSecretVersionIds"): _secret(
        "secretsmanager:ListSecretVersionIds", False
    ),
    ("monitoring", "PutMetricData"): _anywhere(
        "cloudwatch:PutMetricData", **{"cloudwatch:namespace": "Namespace"}
    ),
    ("rds", "CreateDBSnapshot"): _rds(
        "rds:CreateDBSnapshot", ("db", "DBInstanceIdentifier"), ("snapshot", "DBSnapshotIdentifier")
    ),
    ("rds", "DescribeDBSnapshots"): _describe_snapshots,
    ("rds", "DescribeDBInstances"): _describe_instances,
    ("rds", "RestoreDBInstanceFromDBSnapshot"): _restore,
    ("rds", "ModifyDBInstance"): _rds("rds:ModifyDBInstance", ("db", "DBInstanceIdentifier")),
    ("rds", "DeleteDBInstance"): _rds("rds:DeleteDBInstance", ("db", "DBInstanceIdentifier")),
    ("ecs", "DescribeServices"): _ecs_services("ecs:DescribeServices"),
    ("ecs", "UpdateService"): _ecs_services("ecs:UpdateService"),
    ("ecs", "RunTask"): _run_task,
    ("ecs", "DescribeTasks"): _tasks("ecs:DescribeTasks"),
    ("ecs", "StopTask"): _tasks("ecs:StopTask"),
    ("logs", "GetLogEvents"): _log_events,
    ("ecs", "RegisterTaskDefinition"): _anywhere("ecs:RegisterTaskDefinition"),
    ("ecs", "DescribeTaskDefinition"): _anywhere("ecs:DescribeTaskDefinition"),
    ("elasticloadbalancing", "DescribeTargetHealth"): _anywhere(
        "elasticloadbalancing:DescribeTargetHealth"
    ),
    ("ecr", "GetAuthorizationToken"): _anywhere("ecr:GetAuthorizationToken"),
    ("ecr", "BatchCheckLayerAvailability"): _ecr("ecr:BatchCheckLayerAvailability"),
    ("ecr", "InitiateLayerUpload"): _ecr("ecr:InitiateLayerUpload"),
    ("ecr", "UploadLayerPart"): _ecr("ecr:UploadLayerPart"),
    ("ecr", "CompleteLayerUpload"): _ecr("ecr:CompleteLayerUpload"),
    ("ecr", "PutImage"): _ecr("ecr:PutImage"),
    ("ecr", "DescribeImages"): _ecr("ecr:DescribeImages"),
    ("ecr", "BatchGetImage"): _ecr("ecr:BatchGetImage"),
    ("ecr", "GetDownloadUrlForLayer"): _ecr("ecr:GetDownloadUrlForLayer"),
}


@dataclass
class Decision:
    service: str
    operation: str
    denied: list[Request]


class EnforcingProvider:
    """A ClientProvider whose clients carry the role's credentials to moto and are
    authorized against `policy` before each call (see the module docstring)."""

    def __init__(
        self,
        region: str,
        credentials: Mapping[str, str],
        policy: Mapping[str, Any],
        account: Account,
    ) -> None:
        self.region = region
        self.credentials = dict(credentials)
        self.policy = policy
        self.account = account
        self.decisions: list[Decision] = []
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        import boto3

        if service not in self._clients:
            client = boto3.client(service, region_name=self.region, **self.credentials)
            prefix = client.meta.service_model.signing_name
            client.meta.events.register("before-parameter-build", self._authorize(prefix))
            client.meta.events.register("before-call", self._deny)
            self._clients[service] = client
        return self._clients[service]

    def _authorize(self, prefix: str) -> Callable[..., None]:
        def handler(params: Params, model: Any, context: dict[str, Any], **_: Any) -> None:
            rule = RULES.get((prefix, model.name))
            assert rule is not None, f"{prefix}:{model.name} is not in tests/ops/iam_sim.RULES"
            denied = [r for r in rule(self.account, params) if not allowed(self.policy, r)]
            self.decisions.append(Decision(prefix, model.name, denied))
            context["iam_denied"] = denied

        return handler

    @staticmethod
    def _deny(context: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]] | None:
        from botocore.awsrequest import AWSResponse

        denied = context.get("iam_denied")
        if not denied:
            return None
        message = "; ".join(f"{r.action} on {r.resource}" for r in denied)
        error = {"Code": "AccessDenied", "Message": f"not authorized to perform {message}"}
        response = AWSResponse("https://127.0.0.1/", 403, {}, None)  # type: ignore[arg-type]
        return response, {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 403}}

    def denied(self) -> list[Decision]:
        return [d for d in self.decisions if d.denied]

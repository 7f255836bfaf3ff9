"""Checks over a whole mock resource graph, each returning the problems it found.

Each check states a requirement of docs/architecture.md, 'Environments' or the
security baseline, independently of how the spec was written: a spec (or a
component) that drops the requirement makes the check report a problem.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from scaffolder.environment.cost import budget_limit_usd
from scaffolder.models import (
    RESTORE_METRIC_NAME,
    RESTORE_METRIC_NAMESPACE,
    EnvironmentSpec,
    StackOutputs,
    outputs_parameter_name,
)
from scaffolder.provision.mockrun import ACCOUNT_ID, GraphResource, ResourceGraph, fake_arn
from tests.stacks.https_checks import check_https_only
from tests.stacks.log_checks import check_alb_access_logs, check_database_logs
from tests.stacks.restore_task_checks import check_restore_task, check_verify_role_runs_the_task
from tests.stacks.site_checks import check_static_sites

Check = Callable[[ResourceGraph, EnvironmentSpec], list[str]]

RDS = "aws:rds/instance:Instance"
BUCKET = "aws:s3/bucket:Bucket"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
ECS_SERVICE = "aws:ecs/service:Service"
RETENTION = {"dev": 1, "staging": 7, "prod": 30}


def _id(resource: GraphResource) -> str:
    return f"{resource.name}-id"


def _arn(graph: ResourceGraph, resource: GraphResource) -> str:
    return fake_arn(resource.type, resource.name, _region(graph))


def _region(graph: ResourceGraph) -> str:
    return str(graph.outputs.get("region", ""))


def _attached(graph: ResourceGraph, type_: str, bucket: GraphResource) -> list[GraphResource]:
    return [r for r in graph.of_type(type_) if r.inputs.get("bucket") == _id(bucket)]


def _policy(resource: GraphResource, key: str) -> dict[str, Any]:
    value = resource.inputs.get(key) or "{}"
    return value if isinstance(value, dict) else json.loads(value)


# -- nothing public that should not be ----------------------------------------


def check_database_private(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    return [
        f"{db.name}: publiclyAccessible is not False"
        for db in graph.of_type(RDS)
        if db.inputs.get("publiclyAccessible") is not False
    ]


def check_buckets_private(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    problems = []
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    for bucket in graph.of_type(BUCKET):
        blocks = _attached(graph, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket)
        if not blocks or not all(blocks[0].inputs.get(flag) is True for flag in flags):
            problems.append(f"{bucket.name}: public access is not fully blocked")
        owners = _attached(graph, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket)
        if not owners or owners[0].inputs["rule"]["objectOwnership"] != "BucketOwnerEnforced":
            problems.append(f"{bucket.name}: ACLs are not disabled")
        policies = _attached(graph, "aws:s3/bucketPolicy:BucketPolicy", bucket)
        statements = _policy(policies[0], "policy").get("Statement", []) if policies else []
        if not any(s.get("Sid") == "DenyInsecureTransport" for s in statements):
            problems.append(f"{bucket.name}: plain-HTTP requests are not denied")
        if any(s.get("Effect") == "Allow" and s.get("Principal") == "*" for s in statements):
            problems.append(f"{bucket.name}: policy allows everyone")
    return problems


def _security_group_of(graph: ResourceGraph, group_id: object) -> GraphResource | None:
    groups = graph.of_type("aws:ec2/securityGroup:SecurityGroup")
    return next((g for g in groups if _id(g) == group_id), None)


def check_database_reachable_only_from_service(
    graph: ResourceGraph, spec: EnvironmentSpec
) -> list[str]:
    problems = []
    service_groups = {
        g
        for svc in graph.of_type(ECS_SERVICE)
        for g in svc.inputs["networkConfiguration"].get("securityGroups", [])
    }
    # The restore-check task (stacks/restore_task.py) runs in a group of its own.
    service_groups |= set((graph.outputs.get("restore_task") or {}).get("security_group_ids", []))
    for db in graph.of_type(RDS):
        for group_id in db.inputs.get("vpcSecurityGroupIds", []):
            group = _security_group_of(graph, group_id)
            if group is None or group.inputs.get("ingress"):
                problems.append(f"{db.name}: security group {group_id} has inline ingress")
            rules = [
                r
                for r in graph.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                if r.inputs.get("securityGroupId") == group_id
            ]
            for rule in rules:
                source = rule.inputs.get("referencedSecurityGroupId")
                if rule.inputs.get("cidrIpv4") or rule.inputs.get("cidrIpv6"):
                    problems.append(f"{rule.name}: database open to a CIDR range")
                elif service_groups and source not in service_groups:
                    problems.append(f"{rule.name}: database open to {source}")
    return problems


# -- everything encrypted ------------------------------------------------------


def _key_arns(graph: ResourceGraph) -> set[str]:
    # The backup copies' key lives in the copy region, through its own provider.
    providers = graph.of_type("pulumi:providers:aws")
    regions = {_region(graph), *(str(p.inputs.get("region")) for p in providers)}
    return {fake_arn(k.type, k.name, r) for k in graph.of_type("aws:kms/key:Key") for r in regions}


def check_encryption(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    keys = _key_arns(graph)
    problems = []
    for db in graph.of_type(RDS):
        if db.inputs.get("storageEncrypted") is not True or db.inputs.get("kmsKeyId") not in keys:
            problems.append(f"{db.name}: storage not encrypted with the customer key")
    fields = {
        TOPIC: "kmsMasterKeyId",
        "aws:secretsmanager/secret:Secret": "kmsKeyId",
        "aws:backup/vault:Vault": "kmsKeyArn",
        "aws:cloudwatch/logGroup:LogGroup": "kmsKeyId",
    }
    for type_, field in fields.items():
        problems += [
            f"{r.name}: {field} is not the customer key"
            for r in graph.of_type(type_)
            if r.inputs.get(field) not in keys
        ]
    for bucket in graph.of_type(BUCKET):
        configs = _attached(
            graph,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            bucket,
        )
        if not configs or not configs[0].inputs.get("rules"):
            problems.append(f"{bucket.name}: no default encryption")
        versioning = _attached(graph, "aws:s3/bucketVersioning:BucketVersioning", bucket)
        if not versioning or versioning[0].inputs["versioningConfiguration"]["status"] != "Enabled":
            problems.append(f"{bucket.name}: not versioned")
    for key in graph.of_type("aws:kms/key:Key"):
        if key.inputs.get("enableKeyRotation") is not True:
            problems.append(f"{key.name}: key rotation off")
    return problems


def check_secrets_hold_no_values(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    problems = [
        f"{r.name}: a secret value in Pulumi state"
        for r in graph.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    ]
    for db in graph.of_type(RDS):
        if db.inputs.get("password") or db.inputs.get("manageMasterUserPassword") is not True:
            problems.append(f"{db.name}: master password not managed by RDS")
    return problems


# -- database settings per environment --------------------------------------


def check_database_settings(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    problems = []
    env = spec.environment
    for db in graph.of_type(RDS):
        i = db.inputs
        if env in ("staging", "prod"):
            if i.get("deletionProtection") is not True:
                problems.append(f"{db.name}: no deletion protection in {env}")
            if i.get("skipFinalSnapshot") is not False or not i.get("finalSnapshotIdentifier"):
                problems.append(f"{db.name}: no final snapshot in {env}")
        if env == "prod" and i.get("multiAz") is not True:
            problems.append(f"{db.name}: not Multi-AZ in prod")
        if (i.get("backupRetentionPeriod") or 0) < RETENTION[env]:
            problems.append(f"{db.name}: automated backups kept under {RETENTION[env]} days")
        if i.get("performanceInsightsEnabled") is not True:
            problems.append(f"{db.name}: Performance Insights off")
        if set(i.get("enabledCloudwatchLogsExports", [])) != {"postgresql", "upgrade"}:
            problems.append(f"{db.name}: postgresql/upgrade logs not exported")
        groups = [
            g
            for g in graph.of_type("aws:rds/parameterGroup:ParameterGroup")
            if g.inputs.get("name", g.name) == i.get("parameterGroupName")
        ]
        params = {p["name"]: p["value"] for g in groups for p in g.inputs.get("parameters", [])}
        if params.get("rds.force_ssl") != "1":
            problems.append(f"{db.name}: TLS not forced (rds.force_ssl)")
    return problems


# -- backups and restore testing -----------------------------------------------


def check_backups(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    problems = []
    env = spec.environment
    if not graph.outputs.get("backup_bucket_name"):
        problems.append("no backup bucket exported")
    for db in graph.of_type(RDS):
        db_arn = _arn(graph, db)
        plans = graph.of_type("aws:backup/plan:Plan")
        rules = [r for p in plans for r in p.inputs.get("rules", [])]
        daily = [r for r in rules if not r.get("enableContinuousBackup")]
        if not daily or daily[0].get("lifecycle", {}).get("deleteAfter") != RETENTION[env]:
            problems.append(f"{db.name}: no daily AWS Backup rule keeping {RETENTION[env]} days")
        if env == "prod" and not any(r.get("enableContinuousBackup") for r in rules):
            problems.append(f"{db.name}: no continuous backup (point in time) in prod")
        selections = graph.of_type("aws:backup/selection:Selection")
        if not any(db_arn in s.inputs.get("resources", []) for s in selections):
            problems.append(f"{db.name}: not selected by the backup plan")
        if env in ("staging", "prod"):
            testing = graph.of_type("aws:backup/restoreTestingPlan:RestoreTestingPlan")
            chosen = graph.of_type("aws:backup/restoreTestingSelection:RestoreTestingSelection")
            if not testing or not testing[0].inputs.get("scheduleExpression"):
                problems.append(f"{db.name}: no scheduled restore test")
            if not any(db_arn in s.inputs.get("protectedResourceArns", []) for s in chosen):
                problems.append(f"{db.name}: restore testing does not select the database")
    if env in ("staging", "prod"):
        watch = [
            a
            for a in graph.of_type(ALARM)
            if a.inputs.get("namespace") == RESTORE_METRIC_NAMESPACE
            and a.inputs.get("metricName") == RESTORE_METRIC_NAME
        ]
        if not watch or watch[0].inputs.get("treatMissingData") != "breaching":
            problems.append("no alarm for a missing verified restore")
        elif watch[0].inputs.get("dimensions") != {"Environment": env}:
            problems.append("the verified-restore alarm watches another environment")
    return problems


def check_restore_tests_in_environment_vpc(
    graph: ResourceGraph, spec: EnvironmentSpec
) -> list[str]:
    """AWS Backup's restore tests land in the environment's subnets and database group."""
    subnet_group = graph.outputs.get("db_subnet_group_name")
    security_group = graph.outputs.get("db_security_group_id")
    problems = []
    for selection in graph.of_type("aws:backup/restoreTestingSelection:RestoreTestingSelection"):
        raw = selection.inputs.get("restoreMetadataOverrides") or {}
        # AWS treats the override keys case-insensitively.
        overrides = {str(k).lower(): v for k, v in raw.items()}
        if overrides.get("dbsubnetgroupname") != subnet_group:
            problems.append(f"{selection.name}: restores outside the DB subnet group")
        groups = json.loads(overrides.get("vpcsecuritygroupids") or "[]")
        if groups != [security_group]:
            problems.append(f"{selection.name}: restores without the database security group")
    return problems


def event_pattern_matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """EventBridge matching for the subset the stacks use: exact values, nesting, `$or`."""
    for key, expected in pattern.items():
        if key == "$or":
            if not any(event_pattern_matches(branch, event) for branch in expected):
                return False
        elif isinstance(expected, dict):
            value = event.get(key)
            if not isinstance(value, dict) or not event_pattern_matches(expected, value):
                return False
        elif event.get(key) not in expected:
            return False
    return True


BACKUP_EVENTS = {
    # (detail-type, detail): should the alarm topic hear of it?
    ("Backup Job State Change", "state", "FAILED"): True,
    ("Backup Job State Change", "state", "EXPIRED"): True,
    ("Backup Job State Change", "state", "COMPLETED"): False,
    ("Restore Job State Change", "status", "FAILED"): True,
    ("Restore Job State Change", "status", "ABORTED"): True,
    ("Restore Job State Change", "status", "COMPLETED"): False,
}


def check_backup_failure_events(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    """A failed backup job (detail.state) and a failed restore job (detail.status) both notify."""
    if not graph.of_type("aws:backup/vault:Vault"):
        return []
    patterns = [
        _policy(rule, "eventPattern")
        for rule in graph.of_type("aws:cloudwatch/eventRule:EventRule")
        if "aws.backup" in _policy(rule, "eventPattern").get("source", [])
    ]
    problems = []
    for (kind, field, value), wanted in BACKUP_EVENTS.items():
        event = {"source": "aws.backup", "detail-type": kind, "detail": {field: value}}
        if any(event_pattern_matches(p, event) for p in patterns) != wanted:
            verb = "misses" if wanted else "reports"
            problems.append(f"the AWS Backup event rule {verb} {kind} {field}={value}")
    return problems


# -- alarms, deployments, CI ---------------------------------------------------


def check_alarms_notify_topic(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    topics = graph.of_type(TOPIC)
    if len(topics) != 1:
        return [f"expected one alarm topic, found {len(topics)}"]
    topic = _arn(graph, topics[0])
    problems = [
        f"{a.name}: does not notify the alarm topic"
        for a in graph.of_type(ALARM)
        if a.inputs.get("alarmActions") != [topic]
    ]
    # Rules that invoke a function are not notifications (check_rotation_redeploys).
    functions = {_arn(graph, f) for f in graph.of_type(LAMBDA)}
    problems += [
        f"{t.name}: event target is not the alarm topic"
        for t in graph.of_type("aws:cloudwatch/eventTarget:EventTarget")
        if t.inputs.get("arn") != topic and t.inputs.get("arn") not in functions
    ]
    if not graph.of_type(ALARM) and (graph.of_type(RDS) or graph.of_type(ECS_SERVICE)):
        problems.append("no alarms at all")
    emails = [
        s
        for s in graph.of_type("aws:sns/topicSubscription:TopicSubscription")
        if s.inputs.get("protocol") == "email"
    ]
    if spec.alarms.email and not emails:
        problems.append("alarm e-mail set but not subscribed")
    return problems


LAMBDA = "aws:lambda/function:Function"


def _rotation_event(secret_arn: str) -> dict[str, Any]:
    """Secrets Manager's event when RDS's managed rotation of `secret_arn` succeeds."""
    return {
        "source": "aws.secretsmanager",
        "detail-type": "AWS Service Event via CloudTrail",
        "detail": {
            "eventSource": "secretsmanager.amazonaws.com",
            "eventName": "RotationSucceeded",
            "additionalEventData": {"SecretId": secret_arn},
        },
    }


def _redeploy_problems(
    graph: ResourceGraph, rule: GraphResource, fn: GraphResource, secret: str
) -> list[str]:
    """What keeps `fn`, invoked by `rule`, from redeploying every service after a rotation."""
    services = graph.of_type(ECS_SERVICE)
    clusters = graph.of_type("aws:ecs/cluster:Cluster")
    env = fn.inputs.get("environment", {}).get("variables", {})
    wanted = {
        "SECRET_ARN": secret,
        "CLUSTER": clusters[0].inputs.get("name") if clusters else None,
        "SERVICES": sorted(s.inputs.get("name") for s in services),
    }
    got = {**env, "SERVICES": sorted(json.loads(env.get("SERVICES") or "[]"))}
    problems = [
        f"{fn.name}: {k} is {got.get(k)!r}, not {v!r}" for k, v in wanted.items() if got.get(k) != v
    ]
    if not any(
        p.inputs.get("principal") == "events.amazonaws.com"
        and p.inputs.get("function") == fn.inputs.get("name", fn.name)
        and p.inputs.get("sourceArn") == _arn(graph, rule)
        for p in graph.of_type("aws:lambda/permission:Permission")
    ):
        problems.append(f"{fn.name}: the rule may not invoke it")
    roles = [r for r in graph.of_type("aws:iam/role:Role") if _arn(graph, r) == fn.inputs["role"]]
    allowed = {
        resource
        for p in graph.of_type("aws:iam/rolePolicy:RolePolicy")
        if roles and p.inputs.get("role") == _id(roles[0])
        for st in _policy(p, "policy").get("Statement", [])
        if st.get("Effect") == "Allow" and "ecs:UpdateService" in st.get("Action", [])
        for resource in st.get("Resource", [])
    }
    if allowed != {_id(s) for s in services}:
        problems.append(f"{fn.name}: may update {sorted(allowed)}, not exactly the services")
    return problems


def check_rotation_redeploys(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    """A rotation of the RDS master secret redeploys every service started with the old one."""
    secret = graph.outputs.get("db_secret_arn")
    if not secret or not graph.of_type(ECS_SERVICE):
        return []
    functions = {_arn(graph, f): f for f in graph.of_type(LAMBDA)}
    invoked = [
        (rule, functions[t.inputs["arn"]])
        for rule in graph.of_type("aws:cloudwatch/eventRule:EventRule")
        if event_pattern_matches(_policy(rule, "eventPattern"), _rotation_event(str(secret)))
        for t in graph.of_type("aws:cloudwatch/eventTarget:EventTarget")
        if t.inputs.get("rule") == rule.inputs.get("name") and t.inputs.get("arn") in functions
    ]
    if not invoked:
        return ["no event rule runs a function when the RDS master secret rotates"]
    return [p for rule, fn in invoked for p in _redeploy_problems(graph, rule, fn, str(secret))]


BUDGETS = "budgets.amazonaws.com"


def _services_allowed(document: dict[str, Any], action: str) -> set[str]:
    allowed: set[str] = set()
    for statement in document.get("Statement", []):
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if statement.get("Effect") != "Allow" or not any(action in a for a in actions):
            continue
        services = statement.get("Principal", {}).get("Service", [])
        allowed.update([services] if isinstance(services, str) else services)
    return allowed


def _budget_problems(budget: GraphResource, topic: str, spec: EnvironmentSpec) -> list[str]:
    i = budget.inputs
    problems = []
    if (i.get("budgetType"), i.get("timeUnit"), i.get("limitUnit")) != ("COST", "MONTHLY", "USD"):
        problems.append(f"{budget.name}: not a monthly USD cost budget")
    if float(i.get("limitAmount") or 0) != budget_limit_usd(spec):
        problems.append(f"{budget.name}: limit is not {budget_limit_usd(spec)} USD")
    wanted = {(80.0, "ACTUAL"), (100.0, "FORECASTED")}
    for n in i.get("notifications", []):
        if n.get("thresholdType") != "PERCENTAGE" or n.get("subscriberSnsTopicArns") != [topic]:
            continue
        if spec.alarms.email and spec.alarms.email not in n.get("subscriberEmailAddresses", []):
            continue
        wanted.discard((float(n.get("threshold", 0)), str(n.get("notificationType"))))
    problems += [
        f"{budget.name}: no {kind} {threshold:g}% notification to the alarm topic"
        + (" and e-mail" if spec.alarms.email else "")
        for threshold, kind in sorted(wanted)
    ]
    return problems


def check_budget(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    """Every environment has a monthly cost budget that reaches the alarm topic."""
    budgets = graph.of_type("aws:budgets/budget:Budget")
    topics = graph.of_type(TOPIC)
    if len(budgets) != 1 or len(topics) != 1:
        return [f"expected one budget and one alarm topic, found {len(budgets)}, {len(topics)}"]
    problems = _budget_problems(budgets[0], _arn(graph, topics[0]), spec)
    policies = graph.of_type("aws:sns/topicPolicy:TopicPolicy")
    if not any(BUDGETS in _services_allowed(_policy(p, "policy"), "Publish") for p in policies):
        problems.append("the alarm topic's policy does not let AWS Budgets publish")
    keys = graph.of_type("aws:kms/key:Key")
    if not any(BUDGETS in _services_allowed(_policy(k, "policy"), "GenerateDataKey") for k in keys):
        problems.append("AWS Budgets cannot use the key that encrypts the alarm topic")
    return problems


def _container_problems(
    task: GraphResource, spec: EnvironmentSpec, app_secret: str, db_secret: str | None
) -> list[str]:
    (container,) = json.loads(task.inputs["containerDefinitions"])
    plain = {e["name"]: e["value"] for e in container.get("environment", [])}
    secret = {e["name"]: e["valueFrom"] for e in container.get("secrets", [])}
    problems = [
        f"{task.name}: {n} is both plain and secret" for n in sorted(set(plain) & set(secret))
    ]
    ports = [str(m["containerPort"]) for m in container.get("portMappings", [])]
    if [plain.get("PORT")] != ports:
        problems.append(f"{task.name}: PORT is not the container port")
    if plain.get("HOST") != "0.0.0.0" or plain.get("NODE_ENV") != "production":
        problems.append(f"{task.name}: HOST/NODE_ENV not set for production")
    from_app = {n for n, ref in secret.items() if ref.startswith(f"{app_secret}:")}
    for name in sorted(from_app & {"PORT", "HOST", "HOSTNAME", "NODE_ENV", "DATABASE_URL"}):
        if name != "DATABASE_URL" or spec.database is not None:
            problems.append(f"{task.name}: {name} read from the app secret")
    if spec.database is not None:
        if not {"DB_HOST", "DB_PORT", "DB_NAME"} <= set(plain):
            problems.append(f"{task.name}: DB_HOST/DB_PORT/DB_NAME missing")
        expected = {"DB_USER": "username", "DB_PASSWORD": "password"}
        for name, key in expected.items():
            if secret.get(name) != f"{db_secret}:{key}::":
                problems.append(f"{task.name}: {name} is not the RDS-managed secret's {key}")
    return problems


def check_task_environment(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    """The container contract of docs/provision.md ("How the app reaches its database")."""
    app_secret = graph.outputs.get("app_secret_arn")
    db_secret = graph.outputs.get("db_secret_arn")
    restore_family = (graph.outputs.get("restore_task") or {}).get("task_family")
    return [
        problem
        for task in graph.of_type("aws:ecs/taskDefinition:TaskDefinition")
        if task.inputs.get("family") != restore_family  # not an app: restore_task_checks
        for problem in _container_problems(task, spec, str(app_secret), db_secret)
    ]


def check_deployments_roll_back(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    alarm_names = {a.inputs.get("name") for a in graph.of_type(ALARM)}
    problems = []
    for svc in graph.of_type(ECS_SERVICE):
        breaker = svc.inputs.get("deploymentCircuitBreaker", {})
        if not (breaker.get("enable") and breaker.get("rollback")):
            problems.append(f"{svc.name}: circuit breaker rollback off")
        alarms = svc.inputs.get("alarms", {})
        names = alarms.get("alarmNames", [])
        if not (alarms.get("enable") and alarms.get("rollback") and names):
            problems.append(f"{svc.name}: no alarm-based rollback")
        problems += [
            f"{svc.name}: rollback alarm {n} does not exist" for n in names if n not in alarm_names
        ]
        if svc.inputs["networkConfiguration"].get("assignPublicIp"):
            problems.append(f"{svc.name}: tasks get public IPs")
    return problems


def _github_roles(graph: ResourceGraph) -> list[GraphResource]:
    return [
        r
        for r in graph.of_type("aws:iam/role:Role")
        if "AssumeRoleWithWebIdentity" in json.dumps(_policy(r, "assumeRolePolicy"))
    ]


def _trust_problems(
    role: GraphResource,
    spec: EnvironmentSpec,
    workflows: set[str],
    environment: str,
    any_branch: bool = False,
) -> list[str]:
    """Only `workflows` of the spec's repository, from its default branch (from any branch,
    by a StringLike on that one claim, for `any_branch`) and `environment`."""
    assert spec.ci is not None
    repo = spec.ci.github_repository
    branch = "*" if any_branch else spec.ci.default_branch
    expected = f"repo:{repo}:environment:{environment}"
    wanted = {f"{repo}/.github/workflows/{w}@refs/heads/{branch}" for w in workflows}
    ref_operator = "StringLike" if any_branch else "StringEquals"
    problems = []
    for statement in _policy(role, "assumeRolePolicy")["Statement"]:
        condition = statement.get("Condition", {})
        equals = condition.get("StringEquals", {})
        if equals.get("token.actions.githubusercontent.com:sub") != expected:
            problems.append(f"{role.name}: trust not limited to {expected}")
        if equals.get("token.actions.githubusercontent.com:aud") != "sts.amazonaws.com":
            problems.append(f"{role.name}: audience not sts.amazonaws.com")
        refs = condition.get(ref_operator, {}).get(
            "token.actions.githubusercontent.com:job_workflow_ref"
        )
        refs = {refs} if isinstance(refs, str) else set(refs or [])
        if refs != wanted:
            problems.append(f"{role.name}: workflow refs {sorted(refs)}, not {sorted(wanted)}")
        if set(condition) != {"StringEquals", ref_operator}:
            problems.append(f"{role.name}: conditions beyond the pinned claims (wildcards?)")
        like = condition.get("StringLike", {})
        if set(like) - {"token.actions.githubusercontent.com:job_workflow_ref"}:
            problems.append(f"{role.name}: a wildcard on a claim other than the workflow ref")
    return problems


def check_ci_trust(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    """Every GitHub-trusting role pins its workflows on the default branch: deploy.yml (the
    build job), deploy-environment.yml (the deploy jobs it calls: job_workflow_ref names the
    called file) and rollback.yml the deploy role, backup-verify.yml the verify role. dev's
    deploy role (`ci.branch_deploys`) pins the same files from any branch."""
    roles = _github_roles(graph)
    if spec.ci is None:
        return [f"{r.name}: trusts GitHub without ci in the spec" for r in roles]
    by_role = {
        "deploy": {"deploy.yml", "deploy-environment.yml", "rollback.yml"},
        "verify": {"backup-verify.yml"},
    }
    if not (spec.database or spec.external_database):
        by_role.pop("verify")
    found = {str(r.inputs.get("name", r.name)).rsplit("-", 1)[-1]: r for r in roles}
    if set(found) != set(by_role) or len(roles) != len(by_role):
        return [f"expected the roles {sorted(by_role)}, found {sorted(found)}"]
    # backup-verify.yml runs in its own GitHub environment, without prod's reviewers.
    environments = {"deploy": spec.environment, "verify": f"{spec.environment}-backup"}
    any_branch = {"deploy": spec.ci.branch_deploys, "verify": False}
    if spec.ci.branch_deploys and spec.environment != "dev":
        return [f"{spec.environment}: trusts deploys from any branch (only dev may)"]
    return [
        p
        for kind, role in found.items()
        for p in _trust_problems(role, spec, by_role[kind], environments[kind], any_branch[kind])
    ]


# Actions AWS cannot scope to a resource ARN; anything else on "*" is too broad.
UNSCOPABLE = {
    "ecr:GetAuthorizationToken",
    "ecs:RegisterTaskDefinition",
    "ecs:DescribeTaskDefinition",
    "ecs:DescribeTasks",
    "elasticloadbalancing:DescribeTargetHealth",
    "cloudwatch:PutMetricData",  # bounded by a cloudwatch:namespace condition instead
}


def check_iam_least_privilege(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    problems = []
    for policy in graph.of_type("aws:iam/rolePolicy:RolePolicy"):
        for statement in _policy(policy, "policy").get("Statement", []):
            actions = statement.get("Action", [])
            actions = [actions] if isinstance(actions, str) else actions
            resources = statement.get("Resource", [])
            resources = [resources] if isinstance(resources, str) else resources
            if any(a == "*" or a.endswith(":*") for a in actions):
                problems.append(f"{policy.name}: wildcard action {actions}")
            if "*" in resources and not set(actions) <= UNSCOPABLE:
                problems.append(f"{policy.name}: {actions} on every resource")
            if statement.get("Effect") == "Allow" and not resources:
                problems.append(f"{policy.name}: {actions} with no resource")
    return problems


PROMOTION_READS = {
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:DescribeImages",
    "ecr:GetDownloadUrlForLayer",
}


def check_promotion_reads_only_the_project(
    graph: ResourceGraph, spec: EnvironmentSpec
) -> list[str]:
    """Build once, promote by digest: with a server, the deploy role may read (never write)
    another environment's images, of this project (its tag) in this account only."""
    if spec.ci is None or not any(s.shape == "server" for s in spec.services):
        return []
    found = [s for s in _deploy_statements(graph) if s.get("Sid") == "EcrReadPromotedImages"]
    if len(found) != 1:
        return [f"expected one EcrReadPromotedImages statement, found {len(found)}"]
    statement, problems = found[0], []
    if set(_actions(statement)) != PROMOTION_READS:
        problems.append(f"promotion: {sorted(_actions(statement))}, not only image reads")
    tag = statement.get("Condition", {}).get("StringEquals", {})
    if tag != {"aws:ResourceTag/scaffold:project": spec.project}:
        problems.append(f"promotion: not bounded to the project's repositories: {tag}")
    for resource in _resources(statement):
        if not re.fullmatch(r"arn:aws:ecr:\*:\d{12}:repository/\*", resource):
            problems.append(f"promotion: {resource} is not this account's repositories")
    return problems


def _role_statements(graph: ResourceGraph, suffix: str) -> list[dict[str, Any]]:
    return [
        statement
        for policy in graph.of_type("aws:iam/rolePolicy:RolePolicy")
        if policy.name.endswith(suffix)
        for statement in _policy(policy, "policy").get("Statement", [])
    ]


def _deploy_statements(graph: ResourceGraph) -> list[dict[str, Any]]:
    return _role_statements(graph, "-deploy")


def _verify_statements(graph: ResourceGraph) -> list[dict[str, Any]]:
    return _role_statements(graph, "-verify-policy")


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement.get("Action", [])
    return [actions] if isinstance(actions, str) else list(actions)


def check_ci_can_verify_backups(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    """backup-verify.yml runs as the verify role: it must be able to do its job, and no
    more. With RDS the restore-check task's role reads the master secret and restores
    (tests/stacks/restore_task_checks.py); neither CI role does."""
    if spec.ci is None or not (spec.database or spec.external_database):
        return []
    statements = _verify_statements(graph)
    deploy = _deploy_statements(graph)
    problems = []
    metric = [s for s in statements if "cloudwatch:PutMetricData" in _actions(s)]
    namespace = {
        s.get("Condition", {}).get("StringEquals", {}).get("cloudwatch:namespace") for s in metric
    }
    # RDS: the task publishes the metric; external: the verify role, on the runner.
    if spec.database is None and namespace != {RESTORE_METRIC_NAMESPACE}:
        problems.append("verify role cannot publish the restore metric, or beyond its namespace")
    if spec.database is not None and metric:
        problems.append("verify role publishes the metric the restore-check task publishes")
    if any("cloudwatch:PutMetricData" in _actions(s) for s in deploy):
        problems.append("deploy role may publish the restore metric")
    # Releases: the verify role runs the restore task and pushes its image, never ships.
    writes = {"ecs:UpdateService", "cloudfront:UpdateDistribution", "ecs:RegisterTaskDefinition"}
    if granted := writes & {a for s in statements for a in _actions(s)}:
        problems.append(f"verify role may deploy: {sorted(granted)}")
    # The restore-check image's repository (by the name in its URL) is the only one to push to.
    image = str((graph.outputs.get("restore_task") or {}).get("image", ""))
    pushable = {
        _arn(graph, r)
        for r in graph.of_type("aws:ecr/repository:Repository")
        if image and image.rsplit(":", 1)[0].endswith("/" + str(r.inputs.get("name")))
    }
    for statement in statements:
        if "ecr:PutImage" in _actions(statement) and not set(_resources(statement)) <= pushable:
            problems.append(f"verify role may push images to {_resources(statement)}")
    if spec.database is None:
        return problems
    db_secret = str(graph.outputs.get("db_secret_arn"))
    for role, found in (("deploy", deploy), ("verify", statements)):
        readers = [s for s in found if "secretsmanager:GetSecretValue" in _actions(s)]
        if any(db_secret in _resources(s) for s in readers):
            problems.append(f"{role} role may read the RDS secret")
    if "rds:CreateDBSnapshot" not in {a for s in deploy for a in _actions(s)}:
        problems.append("deploy role cannot take the pre-migration snapshot")
    for name, found in (("deploy", deploy), ("verify", statements)):
        for statement in found:
            if {"rds:DeleteDBInstance", "rds:RestoreDBInstanceFromDBSnapshot"} & set(
                _actions(statement)
            ):
                problems.append(f"{name} role may restore or delete instances")
    return problems


def check_outputs_contract(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    try:
        outputs = StackOutputs.model_validate(graph.outputs)
    except ValueError as exc:
        return [f"stack outputs do not validate: {exc}"]
    if [s.name for s in outputs.services] != [s.name for s in spec.services]:
        return ["stack outputs do not list every service"]
    return []


SSM_PARAMETER = "aws:ssm/parameter:Parameter"
STANDARD_PARAMETER_BYTES = 4096
# Pulumi's marker of a secret value, as the mocks hand secret inputs over.
SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d"


def plain_value(value: Any) -> Any:
    if isinstance(value, dict) and SECRET_SIGNATURE in value:
        return value["value"]
    return value


def _resources(statement: dict[str, Any]) -> list[str]:
    resources = statement.get("Resource", [])
    return [resources] if isinstance(resources, str) else list(resources)


def check_outputs_published(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    """CI reads the outputs from SSM: a SecureString under the environment key holding
    exactly the stack outputs, which the deploy role may read at that ARN only."""
    name = outputs_parameter_name(spec.project, spec.environment)
    found = [p for p in graph.of_type(SSM_PARAMETER) if p.inputs.get("name") == name]
    if len(found) != 1:
        return [f"the stack outputs are not published in SSM as {name}"]
    parameter = found[0].inputs
    problems = []
    if parameter.get("type") != "SecureString" or parameter.get("keyId") not in _key_arns(graph):
        problems.append(f"{name}: not a SecureString under the environment key")
    value = str(plain_value(parameter.get("value")))
    standard = plain_value(parameter.get("tier")) == "Standard"
    limit = STANDARD_PARAMETER_BYTES * (1 if standard else 2)
    if len(value.encode()) > limit:
        problems.append(f"{name}: {len(value.encode())} bytes do not fit its tier")
    try:
        if StackOutputs.model_validate_json(value) != StackOutputs.model_validate(graph.outputs):
            problems.append(f"{name}: differs from the stack outputs")
    except ValueError:
        problems.append(f"{name}: not the stack outputs as JSON")
    if spec.ci is not None:
        arn = f"arn:aws:ssm:{spec.region}:{ACCOUNT_ID}:parameter{name}"
        readable = {
            r
            for s in _deploy_statements(graph)
            if "ssm:GetParameter" in _actions(s)
            for r in _resources(s)
        }
        if readable != {arn}:
            problems.append(f"the deploy role may read {sorted(readable)}, not just {arn}")
    return problems


ALL_CHECKS: list[Check] = [
    check_alb_access_logs,
    check_database_logs,
    check_ci_can_verify_backups,
    check_database_private,
    check_buckets_private,
    check_database_reachable_only_from_service,
    check_encryption,
    check_secrets_hold_no_values,
    check_database_settings,
    check_backups,
    check_restore_tests_in_environment_vpc,
    check_backup_failure_events,
    check_alarms_notify_topic,
    check_rotation_redeploys,
    check_budget,
    check_task_environment,
    check_deployments_roll_back,
    check_ci_trust,
    check_iam_least_privilege,
    check_promotion_reads_only_the_project,
    check_outputs_contract,
    check_outputs_published,
    check_static_sites,
    check_https_only,
    check_restore_task,
    check_verify_role_runs_the_task,
]


def problems(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    return [p for check in ALL_CHECKS for p in check(graph, spec)]

"""The graph checks are not vacuous: each known regression makes one of them fail."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from scaffolder.models import EnvironmentSpec
from scaffolder.provision.mockrun import GraphResource, ResourceGraph
from tests.stacks import graph_checks
from tests.stacks.graphs import graph_for
from tests.stacks.specs import server_spec, static_spec
from tests.stacks.test_https_only import CLOUDFRONT_REGRESSIONS

RESTORE_CHECK = "-restore-check-task"  # the restore-check task role's policy (RDS)


def _one(graph: ResourceGraph, type_: str) -> GraphResource:
    found = graph.of_type(type_)
    assert found, type_
    return found[0]


def _public_db(g: ResourceGraph) -> None:
    _one(g, graph_checks.RDS).inputs["publiclyAccessible"] = True


def _unencrypted_db(g: ResourceGraph) -> None:
    _one(g, graph_checks.RDS).inputs["storageEncrypted"] = False


def _bucket_acls_allowed(g: ResourceGraph) -> None:
    block = _one(g, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    block.inputs["restrictPublicBuckets"] = False


def _db_open_to_internet(g: ResourceGraph) -> None:
    db_sg = _one(g, graph_checks.RDS).inputs["vpcSecurityGroupIds"][0]
    g.resources.append(
        GraphResource(
            type="aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            name="oops",
            inputs={"securityGroupId": db_sg, "cidrIpv4": "0.0.0.0/0", "fromPort": 5432},
        )
    )


def _alarm_to_nowhere(g: ResourceGraph) -> None:
    _one(g, graph_checks.ALARM).inputs["alarmActions"] = []


def _no_rollback(g: ResourceGraph) -> None:
    _one(g, graph_checks.ECS_SERVICE).inputs["deploymentCircuitBreaker"]["rollback"] = False


def _wildcard_trust(g: ResourceGraph) -> None:
    role = next(
        r for r in g.of_type("aws:iam/role:Role") if "WebIdentity" in r.inputs["assumeRolePolicy"]
    )
    policy = json.loads(role.inputs["assumeRolePolicy"])
    cond = policy["Statement"][0]["Condition"]
    cond["StringLike"] = {"token.actions.githubusercontent.com:sub": "repo:acme/notes:*"}
    del cond["StringEquals"]["token.actions.githubusercontent.com:sub"]
    role.inputs["assumeRolePolicy"] = json.dumps(policy)


def _no_restore_testing(g: ResourceGraph) -> None:
    g.resources = [
        r
        for r in g.resources
        if r.type != "aws:backup/restoreTestingSelection:RestoreTestingSelection"
    ]


def _restore_alarm_ignores_silence(g: ResourceGraph) -> None:
    alarm = next(
        a for a in g.of_type(graph_checks.ALARM) if a.inputs.get("namespace") == "Scaffold/Backups"
    )
    alarm.inputs["treatMissingData"] = "notBreaching"


def _secret_value_in_state(g: ResourceGraph) -> None:
    g.resources.append(
        GraphResource(
            type="aws:secretsmanager/secretVersion:SecretVersion",
            name="v",
            inputs={"secretString": "{}"},
        )
    )


def _unversioned_bucket(g: ResourceGraph) -> None:
    _one(g, "aws:s3/bucketVersioning:BucketVersioning").inputs["versioningConfiguration"] = {
        "status": "Suspended"
    }


def _no_tls_forced(g: ResourceGraph) -> None:
    _one(g, "aws:rds/parameterGroup:ParameterGroup").inputs["parameters"] = []


def _deploy_role_on_everything(g: ResourceGraph) -> None:
    policy = next(p for p in g.of_type("aws:iam/rolePolicy:RolePolicy") if "deploy" in p.name)
    document = json.loads(policy.inputs["policy"])
    document["Statement"][0]["Resource"] = "*"
    policy.inputs["policy"] = json.dumps(document)


BUDGET = "aws:budgets/budget:Budget"


def _no_budget(g: ResourceGraph) -> None:
    g.resources = [r for r in g.resources if r.type != BUDGET]


def _budget_to_nowhere(g: ResourceGraph) -> None:
    for notification in _one(g, BUDGET).inputs["notifications"]:
        notification["subscriberSnsTopicArns"] = []


def _budget_without_forecast(g: ResourceGraph) -> None:
    budget = _one(g, BUDGET)
    budget.inputs["notifications"] = [
        n for n in budget.inputs["notifications"] if n["notificationType"] != "FORECASTED"
    ]


def _budgets_cannot_publish(g: ResourceGraph) -> None:
    policy = _one(g, "aws:sns/topicPolicy:TopicPolicy")
    document = json.loads(policy.inputs["policy"])
    for statement in document["Statement"]:
        services = statement.get("Principal", {}).get("Service")
        if isinstance(services, list):
            statement["Principal"]["Service"] = [s for s in services if "budgets" not in s]
    policy.inputs["policy"] = json.dumps(document)


TASK = "aws:ecs/taskDefinition:TaskDefinition"


def _edit_container(g: ResourceGraph, edit: Callable[[dict[str, Any]], None]) -> None:
    # The app's task, not the restore-check task (tests/stacks/restore_task_checks.py).
    task = next(t for t in g.of_type(TASK) if not t.name.endswith("restore-check-task"))
    (container,) = json.loads(task.inputs["containerDefinitions"])
    edit(container)
    task.inputs["containerDefinitions"] = json.dumps([container])


def _database_url_from_app_secret(g: ResourceGraph) -> None:
    app_secret = g.outputs["app_secret_arn"]
    _edit_container(
        g,
        lambda c: c["secrets"].append(
            {"name": "DATABASE_URL", "valueFrom": f"{app_secret}:DATABASE_URL::"}
        ),
    )


def _password_in_plain_sight(g: ResourceGraph) -> None:
    def edit(container: dict[str, Any]) -> None:
        container["secrets"] = [s for s in container["secrets"] if s["name"] != "DB_PASSWORD"]
        container["environment"].append({"name": "DB_PASSWORD", "value": "hunter2"})

    _edit_container(g, edit)


def _port_differs_from_container_port(g: ResourceGraph) -> None:
    _edit_container(g, lambda c: c["portMappings"][0].update(containerPort=8080))


def _edit_deploy_policy(
    g: ResourceGraph, edit: Callable[[list[dict[str, Any]]], None], suffix: str = "-deploy"
) -> None:
    """Edit the deploy role's policy (or with suffix "-verify-policy", the verify role's)."""
    policy = next(p for p in g.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith(suffix))
    document = json.loads(policy.inputs["policy"])
    edit(document["Statement"])
    policy.inputs["policy"] = json.dumps(document)


def _drop_deploy_statement(g: ResourceGraph, sid: str, suffix: str = "-deploy") -> None:
    _edit_deploy_policy(
        g,
        lambda statements: statements.remove(next(s for s in statements if s.get("Sid") == sid)),
        suffix,
    )


def _ci_cannot_restore(g: ResourceGraph) -> None:
    _drop_deploy_statement(g, "RestoreTests", RESTORE_CHECK)


def _ci_may_delete_the_database(g: ResourceGraph) -> None:
    def edit(statements: list[dict[str, Any]]) -> None:
        restore = next(s for s in statements if s.get("Sid") == "RestoreTests")
        restore["Resource"][0] = restore["Resource"][0].replace("-restore-*", "*")

    _edit_deploy_policy(g, edit, RESTORE_CHECK)


def _ci_metric_unbounded(g: ResourceGraph) -> None:
    def edit(statements: list[dict[str, Any]]) -> None:
        next(s for s in statements if s.get("Sid") == "RestoreVerifiedMetric").pop("Condition")

    _edit_deploy_policy(g, edit, RESTORE_CHECK)


RESTORE_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection"


def _restore_tests_in_default_vpc(g: ResourceGraph) -> None:
    _one(g, RESTORE_SELECTION).inputs.pop("restoreMetadataOverrides", None)


def _restore_tests_without_db_group(g: ResourceGraph) -> None:
    _one(g, RESTORE_SELECTION).inputs["restoreMetadataOverrides"]["vpcSecurityGroupIds"] = "[]"


def _backup_rule(g: ResourceGraph) -> GraphResource:
    return next(
        r
        for r in g.of_type("aws:cloudwatch/eventRule:EventRule")
        if "aws.backup" in r.inputs["eventPattern"]
    )


def _restore_failures_on_state(g: ResourceGraph) -> None:
    """The old pattern: both event kinds matched on detail.state."""
    _backup_rule(g).inputs["eventPattern"] = json.dumps(
        {
            "source": ["aws.backup"],
            "detail-type": ["Backup Job State Change", "Restore Job State Change"],
            "detail": {"state": ["FAILED", "ABORTED", "EXPIRED"]},
        }
    )


def _outputs_not_published(g: ResourceGraph) -> None:
    g.resources = [r for r in g.resources if r.type != graph_checks.SSM_PARAMETER]


def _outputs_in_plain_text(g: ResourceGraph) -> None:
    _one(g, graph_checks.SSM_PARAMETER).inputs["type"] = "String"


def _ci_cannot_read_outputs(g: ResourceGraph) -> None:
    _drop_deploy_statement(g, "ReadStackOutputs")


def _ci_reads_every_parameter(g: ResourceGraph) -> None:
    def edit(statements: list[dict[str, Any]]) -> None:
        read = next(s for s in statements if s.get("Sid") == "ReadStackOutputs")
        read["Resource"] = read["Resource"].rsplit("/", 2)[0] + "/*"

    _edit_deploy_policy(g, edit)


def _rotation_function(g: ResourceGraph) -> GraphResource:
    return _one(g, graph_checks.LAMBDA)


def _rotation_unwatched(g: ResourceGraph) -> None:
    g.resources = [
        r for r in g.resources if "RotationSucceeded" not in r.inputs.get("eventPattern", "")
    ]


def _rotation_redeploys_nothing(g: ResourceGraph) -> None:
    _rotation_function(g).inputs["environment"]["variables"]["SERVICES"] = "[]"


def _rotation_watches_another_secret(g: ResourceGraph) -> None:
    variables = _rotation_function(g).inputs["environment"]["variables"]
    variables["SECRET_ARN"] = variables["SECRET_ARN"] + "-other"


def _rotation_may_update_any_service(g: ResourceGraph) -> None:
    policy = next(
        p
        for p in g.of_type("aws:iam/rolePolicy:RolePolicy")
        if "UpdateService" in p.inputs["policy"]
    )
    document = json.loads(policy.inputs["policy"])
    document["Statement"][0]["Resource"] = ["arn:aws:ecs:us-east-1:123456789012:service/*"]
    policy.inputs["policy"] = json.dumps(document)


def _rotation_not_invokable(g: ResourceGraph) -> None:
    g.resources = [r for r in g.resources if r.type != "aws:lambda/permission:Permission"]


GRAPH_REGRESSIONS: dict[str, Callable[[ResourceGraph], None]] = {
    "rotation-unwatched": _rotation_unwatched,
    "rotation-redeploys-nothing": _rotation_redeploys_nothing,
    "rotation-watches-another-secret": _rotation_watches_another_secret,
    "rotation-may-update-any-service": _rotation_may_update_any_service,
    "rotation-not-invokable": _rotation_not_invokable,
    "outputs-not-published": _outputs_not_published,
    "outputs-in-plain-text": _outputs_in_plain_text,
    "ci-cannot-read-outputs": _ci_cannot_read_outputs,
    "ci-reads-every-parameter": _ci_reads_every_parameter,
    "restore-tests-in-default-vpc": _restore_tests_in_default_vpc,
    "restore-tests-without-db-group": _restore_tests_without_db_group,
    "restore-failures-on-state": _restore_failures_on_state,
    "ci-cannot-restore": _ci_cannot_restore,
    "ci-may-delete-the-database": _ci_may_delete_the_database,
    "ci-metric-unbounded": _ci_metric_unbounded,
    "database-url-from-app-secret": _database_url_from_app_secret,
    "password-in-plain-sight": _password_in_plain_sight,
    "port-differs-from-container-port": _port_differs_from_container_port,
    "no-budget": _no_budget,
    "budget-to-nowhere": _budget_to_nowhere,
    "budget-without-forecast": _budget_without_forecast,
    "budgets-cannot-publish": _budgets_cannot_publish,
    "public-db": _public_db,
    "unencrypted-db": _unencrypted_db,
    "bucket-public": _bucket_acls_allowed,
    "db-open-to-internet": _db_open_to_internet,
    "alarm-to-nowhere": _alarm_to_nowhere,
    "no-rollback": _no_rollback,
    "wildcard-trust": _wildcard_trust,
    "no-restore-testing": _no_restore_testing,
    "restore-alarm-ignores-silence": _restore_alarm_ignores_silence,
    "secret-value-in-state": _secret_value_in_state,
    "unversioned-bucket": _unversioned_bucket,
    "no-tls-forced": _no_tls_forced,
    "deploy-role-on-everything": _deploy_role_on_everything,
    # HTTPS only without a domain (the domain's regressions: test_https_only.py).
    **{f"https-{name}": mutate for name, mutate in CLOUDFRONT_REGRESSIONS.items()},
}


@pytest.mark.parametrize("name", sorted(GRAPH_REGRESSIONS))
def test_a_mutated_graph_fails_the_checks(name: str) -> None:
    spec = server_spec("prod")
    graph = graph_for(spec)
    assert graph_checks.problems(graph, spec) == []
    GRAPH_REGRESSIONS[name](graph)
    assert graph_checks.problems(graph, spec) != []


def _prod_without_protection(spec: EnvironmentSpec) -> EnvironmentSpec:
    assert spec.database is not None
    db = spec.database.model_copy(
        update={"deletion_protection": False, "final_snapshot": False, "multi_az": False}
    )
    return spec.model_copy(update={"database": db})


def _prod_with_short_backups(spec: EnvironmentSpec) -> EnvironmentSpec:
    backups = spec.backups.model_copy(update={"retention_days": 3})
    return spec.model_copy(update={"backups": backups})


def _prod_without_restore_tests(spec: EnvironmentSpec) -> EnvironmentSpec:
    backups = spec.backups.model_copy(
        update={"restore_test_schedule": None, "verify_window_days": None}
    )
    return spec.model_copy(update={"backups": backups})


def _prod_role_trusting_staging(spec: EnvironmentSpec) -> EnvironmentSpec:
    assert spec.ci is not None
    return spec.model_copy(
        update={"ci": spec.ci.model_copy(update={"github_environment": "staging"})}
    )


@pytest.mark.parametrize(
    "mutate",
    [
        _prod_without_protection,
        _prod_with_short_backups,
        _prod_without_restore_tests,
        _prod_role_trusting_staging,
    ],
)
def test_a_weakened_prod_spec_fails_the_checks(
    mutate: Callable[[EnvironmentSpec], EnvironmentSpec],
) -> None:
    spec = mutate(server_spec("prod"))
    found = graph_checks.problems(graph_for(spec), spec)
    assert found != []


def test_a_static_site_served_over_http_fails() -> None:
    spec = static_spec("prod")
    graph = graph_for(spec)
    _one(graph, "aws:cloudfront/distribution:Distribution").inputs["defaultCacheBehavior"][
        "viewerProtocolPolicy"
    ] = "allow-all"
    assert graph_checks.check_static_sites(graph, spec) != []


@pytest.mark.parametrize("make", [server_spec, static_spec], ids=["server-rds", "static-supabase"])
def test_every_environment_fails_without_its_budget(
    make: Callable[[str], EnvironmentSpec],
) -> None:
    for env in ("dev", "staging", "prod"):
        spec = make(env)
        graph = graph_for(spec)
        assert graph_checks.check_budget(graph, spec) == []
        _no_budget(graph)
        assert graph_checks.check_budget(graph, spec) != []


def test_a_budget_other_than_the_specs_fails() -> None:
    spec = server_spec("staging")
    graph = graph_for(spec)
    assert graph_checks.check_budget(graph, spec.model_copy(update={"monthly_budget_usd": 999}))

"""Every environment's whole mock resource graph passes every graph check."""

from __future__ import annotations

import pytest

from scaffolder.models import ENV_NAMES, EnvName, StackOutputs
from scaffolder.provision.mockrun import GraphResource, ResourceGraph
from tests.stacks import graph_checks
from tests.stacks.graphs import graph_for
from tests.stacks.specs import server_spec, static_spec


@pytest.mark.parametrize("env", ENV_NAMES)
@pytest.mark.parametrize("make", [server_spec, static_spec], ids=["server-rds", "static-supabase"])
def test_graph_passes_every_check(make: object, env: EnvName) -> None:
    spec = make(env)  # type: ignore[operator]
    graph = graph_for(spec)
    assert graph_checks.problems(graph, spec) == []


@pytest.mark.parametrize("env", ENV_NAMES)
def test_server_graph_has_the_expected_shape(env: EnvName) -> None:
    spec = server_spec(env)
    graph = graph_for(spec)
    assert len(graph.of_type("aws:rds/instance:Instance")) == 1
    assert len(graph.of_type("aws:ec2/natGateway:NatGateway")) == spec.nat_gateways
    assert len(graph.of_type("aws:ecs/service:Service")) == 1
    subnets = graph.of_type("aws:ec2/subnet:Subnet")
    assert {s.inputs["availabilityZone"] for s in subnets} == {"us-east-1a", "us-east-1b"}
    assert not any(s.inputs.get("mapPublicIpOnLaunch") for s in subnets)
    outputs = StackOutputs.model_validate(graph.outputs)
    assert outputs.db_secret_arn and outputs.backup_vault_name and outputs.deploy_role_arn


def test_static_supabase_graph_has_no_vpc_or_database() -> None:
    graph = graph_for(static_spec("prod"))
    assert graph.of_type("aws:ec2/vpc:Vpc") == []
    assert graph.of_type("aws:rds/instance:Instance") == []
    assert graph.of_type("aws:backup/vault:Vault") == []
    # Dump-based backups of Supabase still alarm when no restore was verified.
    names = [a.inputs["name"] for a in graph.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")]
    assert names == ["spa-prod-no-verified-restore"]


def test_task_definition_injects_secrets_by_reference_only() -> None:
    import json

    spec = server_spec("staging")
    graph = graph_for(spec)
    (task,) = app_tasks(graph)
    (container,) = json.loads(task.inputs["containerDefinitions"])
    injected = {s["name"]: s["valueFrom"] for s in container["secrets"]}
    assert set(spec.secret_names) <= set(injected)
    assert all(v.startswith("arn:aws:secretsmanager:") for v in injected.values())
    assert {e["name"] for e in container["environment"]}.isdisjoint(spec.secret_names)
    (tg,) = graph.of_type("aws:lb/targetGroup:TargetGroup")
    assert tg.inputs["healthCheck"]["path"] == "/health"


def app_tasks(graph: ResourceGraph) -> list[GraphResource]:
    """The services' task definitions (not the restore-check task's)."""
    return [
        t
        for t in graph.of_type("aws:ecs/taskDefinition:TaskDefinition")
        if not t.name.endswith("-restore-check-task")
    ]


def test_secret_names_are_recorded_on_the_secret() -> None:
    graph = graph_for(server_spec("dev"))
    (secret,) = graph.of_type("aws:secretsmanager/secret:Secret")
    assert secret.inputs["tags"]["scaffold:secret-names"] == "SESSION_SECRET STRIPE_KEY"
    assert secret.inputs["name"] == "notes/dev/app"


def test_budget_limit_is_the_specs_or_one_and_a_half_times_the_estimate() -> None:
    from scaffolder.environment.cost import estimate_spec_cost, total

    spec = server_spec("prod")
    (budget,) = graph_for(spec).of_type("aws:budgets/budget:Budget")
    estimate = total(estimate_spec_cost(spec))
    limit = float(budget.inputs["limitAmount"])
    assert limit % 10 == 0 and 1.5 * estimate <= limit < 1.5 * estimate + 10
    assert budget.inputs["costFilters"] == [
        {"name": "TagKeyValue", "values": ["user:scaffold:stack$notes-prod"]}
    ]
    chosen = spec.model_copy(update={"monthly_budget_usd": 120.0})
    (budget,) = graph_for(chosen).of_type("aws:budgets/budget:Budget")
    assert budget.inputs["limitAmount"] == "120.00"
    # the filter only counts resources that carry the tag: every tagged resource must
    tagged = [r for r in graph_for(spec).resources if isinstance(r.inputs.get("tags"), dict)]
    assert tagged and all(r.inputs["tags"].get("scaffold:stack") == "notes-prod" for r in tagged)


def test_platform_names_in_secret_names_are_not_read_from_the_app_secret() -> None:
    import json

    names = ["DATABASE_URL", "DB_PASSWORD", "NODE_ENV", "PORT", "SESSION_SECRET", "HOSTNAME"]
    spec = server_spec("prod").model_copy(update={"secret_names": names})
    graph = graph_for(spec)
    assert graph_checks.problems(graph, spec) == []
    (task,) = app_tasks(graph)
    (container,) = json.loads(task.inputs["containerDefinitions"])
    from_app = sorted(
        s["name"]
        for s in container["secrets"]
        if s["valueFrom"].startswith(graph.outputs["app_secret_arn"])
    )
    assert from_app == ["SESSION_SECRET"]
    plain = {e["name"]: e["value"] for e in container["environment"]}
    assert plain["PORT"] == "3000" and plain["NODE_ENV"] == "production"
    (secret,) = graph.of_type("aws:secretsmanager/secret:Secret")
    assert secret.inputs["tags"]["scaffold:secret-names"] == "SESSION_SECRET"


def test_without_rds_database_url_comes_from_the_app_secret() -> None:
    from scaffolder.environment import catalog

    spec = static_spec("prod").model_copy(update={"secret_names": ["DATABASE_URL", "PORT"]})
    assert catalog.injected_secret_names(spec) == ["DATABASE_URL"]
    rds = server_spec("prod").model_copy(update={"secret_names": ["DATABASE_URL", "PORT"]})
    assert catalog.injected_secret_names(rds) == []


@pytest.mark.parametrize("make", [server_spec, static_spec], ids=["server-rds", "static-supabase"])
def test_every_priced_resource_carries_the_tag_the_budget_counts(make: object) -> None:
    from scaffolder.provision.plan import SIMPLE_PRICES

    spec = make("prod")  # type: ignore[operator]
    billed = set(SIMPLE_PRICES) | {
        "aws:rds/instance:Instance",
        "aws:ecs/service:Service",
        "aws:ec2/eip:Eip",
        "aws:cloudfront/distribution:Distribution",
        "aws:cloudwatch/logGroup:LogGroup",
    }
    resources = [r for r in graph_for(spec).resources if r.custom and r.type in billed]
    assert resources
    untagged = [
        r.name
        for r in resources
        if (r.inputs.get("tags") or {}).get("scaffold:stack") != f"{spec.project}-prod"
    ]
    assert untagged == []


@pytest.mark.parametrize(("services", "tier"), [(3, "Standard"), (6, "Advanced")])
def test_the_outputs_parameter_takes_the_tier_its_size_needs(services: int, tier: str) -> None:
    """A 40-character project: three services fit SSM's 4 KB standard tier, six do not."""
    from scaffolder.models import ServiceSpec

    spec = server_spec("prod").model_copy(
        update={
            "project": "a-rather-long-project-name-for-a-startup",
            "services": [
                ServiceSpec(name=f"service-number-{n}", shape="server", port=3000 + n)
                for n in range(services)
            ],
        }
    )
    graph = graph_for(spec)
    (parameter,) = graph.of_type(graph_checks.SSM_PARAMETER)
    assert graph_checks.plain_value(parameter.inputs["tier"]) == tier
    assert graph_checks.check_outputs_published(graph, spec) == []

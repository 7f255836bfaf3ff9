"""`scaffold plan`: the environment's resources and their monthly cost, offline.

Runs the same Pulumi program `scaffold up` runs, under Pulumi's mocks (no
cloud account, no Pulumi CLI), and prices the resulting resource graph with
the dated price table `estimate_spec_cost` uses.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import Field

from scaffolder.aws_rules.naming import physical_name_of
from scaffolder.environment import catalog, cost
from scaffolder.environment.spec import load_spec
from scaffolder.models import CostLine, EnvironmentSpec, Model
from scaffolder.provision.mockrun import (
    GraphResource,
    ResourceGraph,
    fake_arn,
    run_environment,
    secret_value,
)

RDS = "aws:rds/instance:Instance"
SECRET = "[secret]"
# Inputs that hold a secret even when the program forgot to mark it as one.
SECRET_INPUTS = frozenset({"password", "masterPassword", "secretString", "secretBinary"})


class PlannedResource(Model):
    type: str
    name: str  # the Pulumi logical name
    monthly_usd: float = 0.0
    cost_lines: list[CostLine] = Field(default_factory=list)
    # The name AWS receives; an autonamed one ends in "-xxxxxxx" (Pulumi's random part).
    physical_name: str | None = None
    # The inputs as passed to Pulumi (engine names), secret values as "[secret]".
    inputs: dict[str, Any] = Field(default_factory=dict)


class Plan(Model):
    project: str
    environment: str
    region: str
    prices_as_of: str
    prices_region: str
    resources: list[PlannedResource]
    monthly_total_usd: float
    notes: list[str] = Field(default_factory=list)
    # Each service's public URL, as `scaffold outputs` will show it (https only).
    endpoints: list[str] = Field(default_factory=list)


def redact(value: Any) -> Any:
    """`value` with every Pulumi secret, and every known secret input, as "[secret]"."""
    if secret_value(value) is not None:
        return SECRET
    if isinstance(value, dict):
        return {k: SECRET if k in SECRET_INPUTS else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    # Pulumi assets and archives (a Lambda's code): named, not serialised.
    return f"<{type(value).__name__}>"


def planned_inputs(resource: GraphResource) -> dict[str, Any]:
    inputs: dict[str, Any] = redact(resource.inputs)
    if resource.type == "aws:ssm/parameter:Parameter" and inputs.get("type") == "SecureString":
        inputs["value"] = SECRET  # a SecureString is secret whatever the program marked
    return inputs


# The settings `scaffold plan --details` shows per resource type (engine names).
KEY_SETTINGS: dict[str, tuple[str, ...]] = {
    "aws:rds/instance:Instance": (
        "instanceClass",
        "engineVersion",
        "allocatedStorage",
        "multiAz",
        "backupRetentionPeriod",
        "deletionProtection",
    ),
    "aws:ecs/taskDefinition:TaskDefinition": ("cpu", "memory"),
    "aws:ecs/service:Service": ("desiredCount", "launchType"),
    "aws:appautoscaling/target:Target": ("minCapacity", "maxCapacity"),
    "aws:ec2/vpc:Vpc": ("cidrBlock",),
    "aws:ec2/subnet:Subnet": ("cidrBlock", "availabilityZone"),
    "aws:lb/loadBalancer:LoadBalancer": ("internal", "enableDeletionProtection"),
    "aws:lb/targetGroup:TargetGroup": ("port", "protocol"),
    "aws:lb/listener:Listener": ("port", "protocol"),
    "aws:cloudwatch/logGroup:LogGroup": ("retentionInDays",),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("metricName", "comparisonOperator", "threshold"),
    "aws:budgets/budget:Budget": ("limitAmount", "timeUnit"),
    "aws:kms/key:Key": ("enableKeyRotation", "deletionWindowInDays"),
    "aws:secretsmanager/secret:Secret": ("recoveryWindowInDays",),
    "aws:s3/bucket:Bucket": ("forceDestroy",),
    "aws:ssm/parameter:Parameter": ("type", "tier"),
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": ("scheduleExpression",),
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": (
        "minRetentionDays",
        "maxRetentionDays",
        "changeableForDays",
    ),
    "aws:ec2/instance:Instance": ("instanceType", "sourceDestCheck"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("serviceName", "vpcEndpointType", "privateDnsEnabled"),
    "pulumi:providers:aws": ("region",),
}


def key_settings(resource: PlannedResource) -> dict[str, Any]:
    keys = KEY_SETTINGS.get(resource.type, ())
    return {k: resource.inputs[k] for k in keys if resource.inputs.get(k) is not None}


def _number(value: object, default: float = 0.0) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


def _task_definition(graph: ResourceGraph, arn: object, region: str) -> GraphResource | None:
    for task in graph.of_type("aws:ecs/taskDefinition:TaskDefinition"):
        if fake_arn(task.type, task.name, region) == arn:
            return task
    return None


SIMPLE_PRICES: dict[str, Callable[[cost.PriceTable, str], CostLine]] = {
    "aws:kms/key:Key": cost.kms_key,
    "aws:ec2/natGateway:NatGateway": cost.nat_gateway,
    "aws:lb/loadBalancer:LoadBalancer": cost.load_balancer,
    "aws:ecr/repository:Repository": cost.ecr_repository,
    "aws:s3/bucket:Bucket": cost.bucket,
    "aws:secretsmanager/secret:Secret": cost.secret,
    "aws:cloudwatch/metricAlarm:MetricAlarm": cost.alarm,
    "aws:budgets/budget:Budget": cost.budget,
}


def _price_database(resource: GraphResource, p: cost.PriceTable) -> list[CostLine]:
    i, name = resource.inputs, resource.name
    storage, multi_az = _number(i.get("allocatedStorage")), bool(i.get("multiAz"))
    lines = [
        cost.db_instance(p, name, str(i.get("instanceClass")), multi_az),
        cost.db_storage(p, name, storage, multi_az),
        cost.db_backup_storage(p, name, storage),
    ]
    if i.get("manageMasterUserPassword"):
        lines.append(cost.secret(p, f"{name} master password"))  # RDS creates it
    return lines


def _price_backup_plan(
    resource: GraphResource, graph: ResourceGraph, p: cost.PriceTable
) -> list[CostLine]:
    """Copies to another region: as large as the databases the plan backs up."""
    regions = {
        str(action.get("destinationVaultArn", "")).split(":")[3]
        for rule in resource.inputs.get("rules", [])
        for action in rule.get("copyActions") or []
    }
    if not regions:
        return []
    storage = sum(_number(db.inputs.get("allocatedStorage")) for db in graph.of_type(RDS))
    return [
        line for r in sorted(regions) for line in cost.backup_copies(p, resource.name, storage, r)
    ]


def _price_network(resource: GraphResource, p: cost.PriceTable) -> list[CostLine]:
    """A NAT instance, or an interface endpoint (billed per zone); gateway endpoints are free."""
    i = resource.inputs
    if resource.type == "aws:ec2/instance:Instance":
        volume = _number((i.get("rootBlockDevice") or {}).get("volumeSize"), 8)
        return [cost.nat_instance(p, resource.name, str(i.get("instanceType")), volume)]
    if i.get("vpcEndpointType") == "Interface":
        return [cost.interface_endpoint(p, resource.name, len(i.get("subnetIds") or []))]
    return []


def _price_service(
    resource: GraphResource, graph: ResourceGraph, p: cost.PriceTable, region: str
) -> list[CostLine]:
    task = _task_definition(graph, resource.inputs.get("taskDefinition"), region)
    if task is None:
        return []
    cpu, memory = _number(task.inputs.get("cpu")), _number(task.inputs.get("memory"))
    count = _number(resource.inputs.get("desiredCount"), 1)
    return [cost.fargate(p, resource.name, cpu, memory, count)]


def price_resource(
    resource: GraphResource, graph: ResourceGraph, p: cost.PriceTable, region: str
) -> list[CostLine]:
    """The cost lines of one resource of the graph (none for free resources)."""
    simple = SIMPLE_PRICES.get(resource.type)
    if simple is not None:
        return [simple(p, resource.name)]
    if resource.type == RDS:
        return _price_database(resource, p)
    if resource.type == "aws:backup/plan:Plan":
        return _price_backup_plan(resource, graph, p)
    if resource.type in ("aws:ec2/instance:Instance", "aws:ec2/vpcEndpoint:VpcEndpoint"):
        return _price_network(resource, p)
    if resource.type == "aws:ecs/service:Service":
        return _price_service(resource, graph, p, region)
    return []


def price_graph(graph: ResourceGraph, spec: EnvironmentSpec, p: cost.PriceTable) -> Plan:
    planned = []
    for resource in graph.resources:
        if not resource.custom:
            continue
        lines = price_resource(resource, graph, p, spec.region)
        inputs = planned_inputs(resource)
        planned.append(
            PlannedResource(
                type=resource.type,
                name=resource.name,
                monthly_usd=cost.total(lines),
                cost_lines=lines,
                physical_name=physical_name_of(resource.type, resource.name, inputs),
                inputs=inputs,
            )
        )
    notes = [
        "Usage-driven charges (traffic, CloudFront requests and functions, log ingestion, "
        "extra ALB capacity) are not included.",
        *catalog.origin_notes(spec),
    ]
    limit = cost.budget_limit_usd(spec, p)
    notes.append(
        f"AWS Budgets alerts at 80% of ${limit:,.2f} spent and at a forecast above it "
        "(set monthly_budget_usd to change the limit)."
    )
    if spec.region != p.region:
        notes.append(f"Prices are {p.region} list prices; {spec.region} differs slightly.")
    return Plan(
        project=spec.project,
        environment=spec.environment,
        region=spec.region,
        prices_as_of=p.as_of,
        prices_region=p.region,
        resources=planned,
        monthly_total_usd=cost.total([line for r in planned for line in r.cost_lines]),
        notes=notes,
        # An SPA and its API on one origin share one URL: shown once.
        endpoints=list(dict.fromkeys(str(s.get("url")) for s in graph.outputs.get("services", []))),
    )


def plan_spec(spec: EnvironmentSpec) -> Plan:
    return price_graph(run_environment(spec), spec, cost.load_prices())


def plan_environment(infra_dir: Path, env: str) -> Plan:
    """Read infra/Pulumi.<env>.yaml and plan it."""
    return plan_spec(load_spec(infra_dir, env))

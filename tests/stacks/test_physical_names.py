"""Every name the environment sends AWS is within the limits AWS's API models declare.

The mocks accept any name; AWS does not. Each spec runs under the mocks and each
physical name (the explicit input, or Pulumi's logical name + 8 characters when
the input is left to autonaming) is held to tests/stacks/aws_name_limits.py.
"""

from __future__ import annotations

import pytest

from scaffolder.environment.spec import default_spec
from scaffolder.models import ENV_NAMES, EnvironmentSpec, EnvName, ServiceSpec, SiteApiSpec
from scaffolder.provision.mockrun import ResourceGraph
from tests.stacks import aws_name_limits as aws_limits
from tests.stacks.graphs import graph_for
from tests.stacks.specs import server_spec, static_spec

LONG_PROJECT = "acme-customer-onboarding-portal-prototype-v2"  # 44 characters
NON_ASCII_PROJECT = "café-ünïcode-笔记本"


def full_spec(project: str, env: EnvName, repository: str) -> EnvironmentSpec:
    """A server app on RDS, a worker and a static site: every kind of resource."""
    return default_spec(
        project=project,
        env=env,
        region="ap-southeast-2",
        services=[
            ServiceSpec(name="api", shape="server", port=3000, health_path="/health"),
            ServiceSpec(name="background-worker", shape="server", port=8080),
            ServiceSpec(name="web", shape="static"),
        ],
        secret_names=["SESSION_SECRET"],
        self_hosted_postgres=True,
        alarm_email="ops@example.com",
        github_repository=repository,
    )


def one_origin_spec(env: EnvName) -> EnvironmentSpec:
    """The long project's site and API behind one distribution, with a domain (us-east-1 cert)."""
    spec = full_spec(LONG_PROJECT, env, "acme/" + LONG_PROJECT)
    web_first = [spec.services[2], spec.services[0]]  # one server: the domain names it
    pair = SiteApiSpec(site="web", api="api", path="/api")
    return EnvironmentSpec.model_validate(
        spec.model_dump()
        | {"services": [s.model_dump() for s in web_first], "site_api": pair.model_dump()}
        | {"domain": "onboarding.example.com"}
    )


SPECS = {
    "server-rds": server_spec,
    "static-supabase": static_spec,
    "long-project": lambda env: full_spec(LONG_PROJECT, env, "acme/" + LONG_PROJECT),
    "non-ascii-project": lambda env: full_spec(NON_ASCII_PROJECT, env, "acme/caf-nicode-"),
    "long-project-one-origin": one_origin_spec,
}


def name_problems(graph: ResourceGraph) -> list[str]:
    table = aws_limits.limits()
    named_types = {type_ for type_, _ in table}
    problems = []
    for resource in graph.resources:
        if not resource.custom:
            continue
        if resource.type not in named_types and resource.type not in aws_limits.UNNAMED:
            problems.append(f"{resource.type}: no AWS name limit in aws_name_limits.py")
        for (type_, prop), entry in table.items():
            if type_ != resource.type:
                continue
            value = resource.inputs.get(prop)
            if not value and (type_, prop) in aws_limits.PROVIDER_DEFAULTED:
                continue
            # Left to Pulumi: the logical name plus "-" and 7 random characters.
            name = str(value) if value else resource.name + "-" + "x" * 7
            limit = aws_limits.limit_of(entry)
            problems += [
                f"{resource.name}: {prop} {name!r}: {found} ({limit.source})"
                for found in limit.problems(name)
            ]
    return problems


@pytest.mark.parametrize("env", ENV_NAMES)
@pytest.mark.parametrize("make", list(SPECS.values()), ids=list(SPECS))
def test_every_physical_name_is_within_aws_limits(make: object, env: EnvName) -> None:
    spec = make(env)  # type: ignore[operator]
    assert name_problems(graph_for(spec)) == []


@pytest.mark.parametrize(
    "entry", [e for e in aws_limits.limits().values() if isinstance(e, aws_limits.Documented)]
)
def test_documented_limits_are_still_what_the_model_documents(
    entry: aws_limits.Documented,
) -> None:
    """A limit copied from the API documentation must still be written there."""
    text = " ".join(aws_limits.documentation(entry.limit.source).split())
    assert entry.evidence in text, entry.limit.source


def test_the_limits_table_catches_what_aws_rejects() -> None:
    """The table is not vacuous: the names the stacks used to send fail it."""
    table = aws_limits.limits()

    def problems(type_: str, prop: str, name: str) -> list[str]:
        return aws_limits.limit_of(table[(type_, prop)]).problems(name)

    long_prefix = f"{LONG_PROJECT}-staging"
    assert problems("aws:lb/loadBalancer:LoadBalancer", "name", f"{long_prefix}-api-alb-1234567")
    assert problems("aws:iam/role:Role", "name", f"{long_prefix}-api-execution-1234567")
    assert problems("aws:s3/bucket:Bucket", "bucket", f"{long_prefix}-artifacts-1234567")
    assert problems("aws:s3/bucket:Bucket", "bucket", "Notes-prod-artifacts")
    assert problems(
        "aws:backup/restoreTestingPlan:RestoreTestingPlan", "name", "notes-prod-restore"
    )
    assert problems("aws:rds/instance:Instance", "identifier", "3d-viewer-prod-db")
    assert problems("aws:kms/alias:Alias", "name", "alias/café-prod-key")
    assert problems("aws:iam/role:Role", "description", "deploys of acme/笔记")
    assert not problems("aws:budgets/budget:Budget", "name", "notes-prod-monthly-cost")
    assert problems("aws:budgets/budget:Budget", "name", "notes:prod")

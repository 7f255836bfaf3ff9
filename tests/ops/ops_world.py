"""A provisioned environment in moto for the ops tests: buckets, key, app secret,
an ECS service with three task definition revisions, a CloudFront distribution
serving a static site, and a release ledger. Shared by the rollback, status and
secrets tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.stub import Stubber

from scaffolder.models import ReleaseRecord, ServiceOutputs, StackOutputs
from scaffolder.ops.context import OpsContext
from scaffolder.ops.releases import write_record
from scaffolder.ops.retry import Retry
from tests.ops.conftest import Clock, MotoProvider, provision_outputs

START = datetime(2026, 1, 22, 3, 0, tzinfo=UTC)


@dataclass
class World:
    ctx: OpsContext
    task_definitions: list[str] = field(default_factory=list)  # revisions 1..3
    distribution_id: str = ""
    clock: Clock = field(default_factory=Clock)
    slept: list[float] = field(default_factory=list)


def _env_outputs(aws: MotoProvider, services: list[ServiceOutputs]) -> StackOutputs:
    # The app secret starts with no value at all, as a freshly provisioned one does.
    buckets = ("demo-staging-backups", "demo-staging-artifacts", "demo-staging-site")
    return provision_outputs(aws, buckets=buckets, secret_string=None, services=services)


def _ecs(aws: MotoProvider) -> list[str]:
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="demo-staging")
    arns = [
        ecs.register_task_definition(
            family="demo-staging-web",
            containerDefinitions=[
                {"name": "web", "image": f"repo/web@sha256:{n:064d}", "memory": 512}
            ],
        )["taskDefinition"]["taskDefinitionArn"]
        for n in (1, 2, 3)
    ]
    ecs.create_service(
        cluster="demo-staging",
        serviceName="demo-staging-web",
        taskDefinition=arns[2],
        desiredCount=1,
    )
    return arns


def _distribution(aws: MotoProvider, origin_path: str) -> str:
    config = {
        "CallerReference": "demo-staging-site",
        "Comment": "site",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "site",
                    "DomainName": "demo-staging-site.s3.us-east-1.amazonaws.com",
                    "OriginPath": origin_path,
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "site",
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
        },
    }
    created = aws.client("cloudfront").create_distribution(DistributionConfig=config)
    return str(created["Distribution"]["Id"])


def record(
    release_id: str,
    service: str,
    *,
    hours: int,
    status: str = "healthy",
    task_definition: str | None = None,
    head: str | None = None,
) -> ReleaseRecord:
    return ReleaseRecord.model_validate(
        {
            "release_id": release_id,
            "environment": "staging",
            "service": service,
            "created_at": (START + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "git_sha": release_id.split("-", maxsplit=1)[0] * 5,
            "image_digest": f"sha256:{release_id}" if task_definition else None,
            "task_definition_arn": task_definition,
            "site_prefix": None if task_definition else f"releases/{release_id}",
            "migration_head": head,
            "status": status,
        }
    )


def build_world(aws: MotoProvider, monkeypatch: pytest.MonkeyPatch) -> World:
    """web (server) runs revision 3 = release c-3; site (static) serves s-3."""
    # moto reports a service's deployment as completed only with this many running tasks.
    monkeypatch.setenv("MOTO_ECS_SERVICE_RUNNING", "1")
    arns = _ecs(aws)
    dist = _distribution(aws, "/releases/s-3")
    services = [
        ServiceOutputs(
            name="web",
            shape="server",
            url="https://web",
            health_url="https://web/healthz",
            cluster_name="demo-staging",
            service_name="demo-staging-web",
            task_family="demo-staging-web",
        ),
        ServiceOutputs(
            name="site",
            shape="static",
            url="https://site",
            health_url="https://site/",
            site_bucket_name="demo-staging-site",
            distribution_id=dist,
        ),
    ]
    clock = Clock(START + timedelta(days=1))
    world = World(ctx=OpsContext(outputs=_env_outputs(aws, services), clients=aws), clock=clock)
    world.ctx.clock = clock
    world.ctx.sleep = clock.sleep
    world.ctx.retry = Retry(sleep=world.slept.append, jitter=lambda: 1.0)
    world.task_definitions = arns
    world.distribution_id = dist
    return world


def write_ledger(world: World, records: list[ReleaseRecord]) -> None:
    for item in records:
        write_record(world.ctx, item)


def standard_ledger(world: World, *, heads: tuple[str | None, ...] = ("1", "1", "1")) -> None:
    """Three releases of each service; the newest of web (c-3) failed its smoke test."""
    td = world.task_definitions
    write_ledger(
        world,
        [
            record("a-1", "web", hours=1, task_definition=td[0], head=heads[0]),
            record("b-2", "web", hours=2, task_definition=td[1], head=heads[1]),
            record("c-3", "web", hours=3, task_definition=td[2], head=heads[2], status="failed"),
            record("s-1", "site", hours=1),
            record("s-2", "site", hours=2),
            record("s-3", "site", hours=3, status="deployed"),
        ],
    )


class StubProvider:
    """One real botocore client per service with a Stubber on it: AWS answers as scripted."""

    region = "us-east-1"

    def __init__(self) -> None:

        self.clients: dict[str, Any] = {}
        self.stubs: dict[str, Stubber] = {}
        for service in ("secretsmanager", "s3", "ecs", "cloudwatch", "cloudfront", "elbv2"):
            self.stubs[service] = self.stub(service)

    def stub(self, service: str) -> Stubber:
        """A stubbed client for `service` (created and activated)."""
        import boto3

        client = boto3.client(
            service, region_name=self.region, aws_access_key_id="x", aws_secret_access_key="x"
        )
        self.clients[service] = client
        stubber = Stubber(client)
        stubber.activate()
        return stubber

    def client(self, service: str) -> Any:
        return self.clients[service]

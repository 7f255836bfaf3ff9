"""Put a recorded release back in front of users: the mechanics of a rollback.

ECS: update the service to the release's task definition and wait (injected
clock and sleep, bounded) until one deployment remains, it has completed, and
the load balancer's targets are healthy. Static: point CloudFront's site
origin at the release's prefix and invalidate the cache.
"""

from __future__ import annotations

from typing import Any

from scaffolder.errors import CloudError
from scaffolder.models import ReleaseRecord, ServiceOutputs
from scaffolder.ops.context import OpsContext
from scaffolder.ops.releases import site_origin

POLL_S = 15.0


def _targets_healthy(ctx: OpsContext, service: dict[str, Any]) -> bool:
    elbv2 = ctx.clients.client("elbv2")
    for lb in service.get("loadBalancers", []):
        arn = lb.get("targetGroupArn")
        if not arn:
            continue
        health = ctx.retry.call(
            "read the target group's health",
            lambda a=arn: elbv2.describe_target_health(TargetGroupArn=a),  # type: ignore[misc]
        )
        states = [d["TargetHealth"]["State"] for d in health.get("TargetHealthDescriptions", [])]
        if not states or any(state != "healthy" for state in states):
            return False
    return True


def _stable(ctx: OpsContext, service: dict[str, Any], task_definition: str) -> bool:
    if service.get("taskDefinition") != task_definition:
        return False
    deployments = service.get("deployments", [])
    if len(deployments) != 1:
        return False  # the old deployment is still draining
    primary = deployments[0]
    if primary.get("rolloutState") == "FAILED":
        raise CloudError(
            f"ECS could not start the tasks of {task_definition}: "
            f"{primary.get('rolloutStateReason', 'the deployment failed')}."
        )
    if primary.get("rolloutState", "COMPLETED") != "COMPLETED":
        return False
    if service.get("runningCount", 0) < service.get("desiredCount", 0):
        return False
    return _targets_healthy(ctx, service)


def update_ecs_service(
    ctx: OpsContext, svc: ServiceOutputs, target: ReleaseRecord, *, timeout_s: float
) -> None:
    arn = str(target.task_definition_arn)
    ecs = ctx.clients.client("ecs")
    ctx.retry.call(
        f"update the ECS service {svc.service_name} to {arn}",
        lambda: ecs.update_service(
            cluster=svc.cluster_name, service=svc.service_name, taskDefinition=arn
        ),
        hint="The service was not changed; run the rollback again in a minute.",
    )
    deadline = ctx.clock().timestamp() + timeout_s
    while True:
        found = ctx.retry.call(
            f"describe the ECS service {svc.service_name}",
            lambda: ecs.describe_services(cluster=svc.cluster_name, services=[svc.service_name]),
        ).get("services", [])
        if found and _stable(ctx, found[0], arn):
            return
        if ctx.clock().timestamp() >= deadline:
            raise CloudError(
                f"The ECS service {svc.service_name} did not become stable on "
                f"{target.release_id} within {timeout_s / 60:.0f} minutes (it is still deploying)."
            )
        ctx.sleep(POLL_S)


def point_site_at(ctx: OpsContext, svc: ServiceOutputs, target: ReleaseRecord) -> None:
    dist = str(svc.distribution_id)
    path = "/" + str(target.site_prefix).strip("/")
    cf = ctx.clients.client("cloudfront")
    current = ctx.retry.call(
        f"read the CloudFront distribution {dist}", lambda: cf.get_distribution_config(Id=dist)
    )
    config = current["DistributionConfig"]
    origin = site_origin(config, svc.site_bucket_name)
    if origin.get("OriginPath") != path:
        origin["OriginPath"] = path
        ctx.retry.call(
            f"point the CloudFront distribution {dist} at {path}",
            lambda: cf.update_distribution(
                Id=dist, IfMatch=current["ETag"], DistributionConfig=config
            ),
            hint="The distribution was not changed; run the rollback again in a minute.",
        )
    reference = f"scaffold-rollback-{target.release_id}-{int(ctx.clock().timestamp())}"
    ctx.retry.call(
        f"invalidate the CloudFront cache of {dist}",
        lambda: cf.create_invalidation(
            DistributionId=dist,
            InvalidationBatch={
                "Paths": {"Quantity": 1, "Items": ["/*"]},
                "CallerReference": reference,
            },
        ),
        hint=f"The site already points at {path}; browsers may see the old release until "
        "the cache expires. Invalidate /* in the CloudFront console.",
    )

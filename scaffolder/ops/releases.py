"""The release ledger: one ReleaseRecord JSON per release and service at
s3://<artifacts bucket>/releases/<env>/<release_id>.json, written by the deploy job
(`write_release` in deploy-environment.yml, which deploy.yml calls per environment) and
by `scaffold rollback` when it marks a release. A server's record holds the image digest
and the task definition that runs `<repository>@<digest>`: rolling back reuses it, and
never rebuilds (docs/architecture.md).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from scaffolder.models import RELEASES_PREFIX, Model, ReleaseRecord, ServiceOutputs
from scaffolder.ops.context import OpsContext


class Ledger(Model):
    records: list[ReleaseRecord]  # oldest first
    skipped: list[str] = []  # keys that did not hold a valid record

    def for_service(self, service: str) -> list[ReleaseRecord]:
        return [r for r in self.records if r.service == service]

    def services(self) -> list[str]:
        return sorted({r.service for r in self.records})


def record_key(record: ReleaseRecord) -> str:
    return f"{RELEASES_PREFIX}/{record.environment}/{record.release_id}.json"


def _keys(ctx: OpsContext) -> list[str]:
    s3 = ctx.clients.client("s3")
    bucket = ctx.outputs.artifacts_bucket_name
    prefix = f"{RELEASES_PREFIX}/{ctx.env}/"
    keys: list[str] = []

    def list_all() -> None:
        page: dict[str, Any]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys.extend(str(item["Key"]) for item in page.get("Contents", []))

    ctx.retry.call(f"list the release ledger s3://{bucket}/{prefix}", list_all)
    return [k for k in keys if k.endswith(".json")]


def read_ledger(ctx: OpsContext) -> Ledger:
    """Every release of the environment, oldest first (by created_at, then id)."""
    s3 = ctx.clients.client("s3")
    bucket = ctx.outputs.artifacts_bucket_name
    records: list[ReleaseRecord] = []
    skipped: list[str] = []
    for key in _keys(ctx):
        body = ctx.retry.call(
            f"read s3://{bucket}/{key}",
            lambda k=key: s3.get_object(Bucket=bucket, Key=k)["Body"].read(),  # type: ignore[misc]
        )
        try:
            record = ReleaseRecord.model_validate_json(body)
        except ValidationError:
            # A damaged record must not block a rollback in an emergency: skip it, say so.
            skipped.append(key)
            continue
        if record.environment == ctx.env:
            records.append(record)
    records.sort(key=lambda r: (r.created_at, r.release_id))
    return Ledger(records=records, skipped=skipped)


def write_record(ctx: OpsContext, record: ReleaseRecord, *, hint: str | None = None) -> str:
    s3 = ctx.clients.client("s3")
    bucket = ctx.outputs.artifacts_bucket_name
    key = record_key(record)
    body = record.model_dump_json(indent=2).encode()
    ctx.retry.call(
        f"write s3://{bucket}/{key}",
        lambda: s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json"),
        hint=hint,
    )
    return f"s3://{bucket}/{key}"


# --------------------------------------------------------------------------
# What is live: the ECS service's task definition, or CloudFront's origin path
# --------------------------------------------------------------------------


def site_origin(config: dict[str, Any], bucket: str | None) -> dict[str, Any]:
    """The distribution's origin that serves the site bucket (the first one otherwise)."""
    items: list[dict[str, Any]] = config.get("Origins", {}).get("Items", [])
    if not items:
        from scaffolder.errors import CloudError

        raise CloudError(
            "The CloudFront distribution has no origin to point at a release.",
            hint="Run `scaffold up ENV` to restore the site's distribution.",
        )
    for origin in items:
        if bucket and str(origin.get("DomainName", "")).startswith(f"{bucket}."):
            return origin
    return items[0]


def live_ref(ctx: OpsContext, service: ServiceOutputs) -> str | None:
    """The task definition ARN (server) or origin path (static) serving traffic now."""
    if service.shape == "server":
        if not (service.cluster_name and service.service_name):
            return None
        ecs = ctx.clients.client("ecs")
        response = ctx.retry.call(
            f"describe the ECS service {service.service_name}",
            lambda: ecs.describe_services(
                cluster=service.cluster_name, services=[service.service_name]
            ),
        )
        found = response.get("services", [])
        return str(found[0]["taskDefinition"]) if found else None
    if not service.distribution_id:
        return None
    cf = ctx.clients.client("cloudfront")
    response = ctx.retry.call(
        f"read the CloudFront distribution {service.distribution_id}",
        lambda: cf.get_distribution_config(Id=service.distribution_id),
    )
    origin = site_origin(response["DistributionConfig"], service.site_bucket_name)
    return str(origin.get("OriginPath", ""))


def matches(record: ReleaseRecord, ref: str | None) -> bool:
    """Whether `record` is what `live_ref` sees serving traffic."""
    if not ref:
        return False
    if record.task_definition_arn:
        return record.task_definition_arn == ref
    prefix = record.site_prefix
    return prefix is not None and f"/{prefix.strip('/')}" == ref.rstrip("/")

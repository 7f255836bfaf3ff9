"""Where backups live in the encrypted backup bucket, and how they get there.

  dumps/<env>/<timestamp>.dump                logical dumps (external Postgres)
  dumps/<env>/<timestamp>.manifest.json       their manifests
  snapshots/<env>/<timestamp>-<snapshot-id>.manifest.json  manifests of RDS snapshots
  verifications/<env>/<timestamp>.json        verification reports

Everything is written with SSE-KMS under the environment's key.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scaffolder.errors import InputError
from scaffolder.models import StackOutputs
from scaffolder.ops.backup.models import BackupManifest, BackupRunResult
from scaffolder.ops.clients import ClientProvider, aws_errors

MANIFEST_SUFFIX = ".manifest.json"


def stamp(moment: datetime) -> str:
    """A UTC timestamp that sorts lexicographically: 20260122T030000Z."""
    return moment.strftime("%Y%m%dT%H%M%SZ")


def s3_uri(bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}"


def _sse(outputs: StackOutputs) -> dict[str, str]:
    return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": outputs.kms_key_arn}


def put_json(clients: ClientProvider, outputs: StackOutputs, key: str, body: str) -> str:
    bucket = outputs.backup_bucket_name
    with aws_errors(f"write s3://{bucket}/{key}"):
        clients.client("s3").put_object(
            Bucket=bucket,
            Key=key,
            Body=body.encode(),
            ContentType="application/json",
            **_sse(outputs),
        )
    return s3_uri(bucket, key)


def record_backup(
    clients: ClientProvider,
    outputs: StackOutputs,
    manifest: BackupManifest,
    *,
    key: str,
    location: str,
) -> BackupRunResult:
    """Store the manifest of a backup that is complete, and say what was taken.

    The manifest goes last: a manifest in the bucket means its backup is whole.
    """
    manifest_uri = put_json(clients, outputs, key, manifest.model_dump_json(indent=2))
    tables = manifest.facts.tables
    return BackupRunResult(
        project=manifest.project,
        environment=manifest.environment,
        kind=manifest.kind,
        location=location,
        manifest_uri=manifest_uri,
        created_at=manifest.created_at,
        size_bytes=manifest.dump_size,
        tables=len(tables),
        total_rows=sum(t.rows for t in tables),
    )


def upload_file(clients: ClientProvider, outputs: StackOutputs, path: Path, key: str) -> str:
    bucket = outputs.backup_bucket_name
    with aws_errors(f"upload the dump to s3://{bucket}/{key}"):
        clients.client("s3").upload_file(str(path), bucket, key, ExtraArgs=_sse(outputs))
    return s3_uri(bucket, key)


def download_file(clients: ClientProvider, outputs: StackOutputs, key: str, path: Path) -> None:
    bucket = outputs.backup_bucket_name
    with aws_errors(f"download s3://{bucket}/{key}"):
        clients.client("s3").download_file(bucket, key, str(path))


def read_manifest(clients: ClientProvider, outputs: StackOutputs, key: str) -> BackupManifest:
    bucket = outputs.backup_bucket_name
    with aws_errors(f"read s3://{bucket}/{key}"):
        body = clients.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    try:
        return BackupManifest.model_validate_json(body)
    except ValidationError as exc:
        raise InputError(
            f"The backup manifest s3://{bucket}/{key} is not valid: {exc.errors()[0]['msg']}.",
            hint="Take a fresh backup with `scaffold backup run`.",
        ) from exc


def list_keys(clients: ClientProvider, outputs: StackOutputs, prefix: str) -> list[str]:
    bucket = outputs.backup_bucket_name
    keys: list[str] = []
    with aws_errors(f"list s3://{bucket}/{prefix}"):
        paginator = clients.client("s3").get_paginator("list_objects_v2")
        page: dict[str, Any]
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            keys.extend(str(item["Key"]) for item in page.get("Contents", []))
    return sorted(keys)


def latest_manifest_key(clients: ClientProvider, outputs: StackOutputs, prefix: str) -> str | None:
    """The newest manifest under `prefix`: keys start with a timestamp, so they sort by time."""
    keys = [k for k in list_keys(clients, outputs, prefix) if k.endswith(MANIFEST_SUFFIX)]
    return keys[-1] if keys else None

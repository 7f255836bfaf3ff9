"""Find and delete restore-test instances left behind (a killed runner, a lost
network): every one is tagged with its environment and an expiry time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scaffolder.ops.backup.models import SweepResult
from scaffolder.ops.clients import ClientProvider, aws_errors

TAG_PURPOSE = "scaffold:purpose"
TAG_ENVIRONMENT = "scaffold:environment"
TAG_PROJECT = "scaffold:project"
TAG_EXPIRES = "scaffold:expires-at"
RESTORE_TEST = "restore-test"


def tags_of(resource: dict[str, Any]) -> dict[str, str]:
    return {str(t["Key"]): str(t["Value"]) for t in resource.get("TagList", [])}


def delete_instance(rds: Any, identifier: str) -> None:
    """Delete a throwaway instance now: no final snapshot, no retained backups."""
    rds.delete_db_instance(
        DBInstanceIdentifier=identifier, SkipFinalSnapshot=True, DeleteAutomatedBackups=True
    )


def sweep_restore_instances(
    clients: ClientProvider, *, project: str, environment: str, now: datetime
) -> SweepResult:
    """Delete this environment's restore-test instances whose expires-at has passed."""
    rds = clients.client("rds")
    result = SweepResult()
    with aws_errors("list RDS instances to sweep leftover restore tests"):
        pages = list(rds.get_paginator("describe_db_instances").paginate())
    for page in pages:
        for instance in page.get("DBInstances", []):
            tags = tags_of(instance)
            if tags.get(TAG_PURPOSE) != RESTORE_TEST or tags.get(TAG_ENVIRONMENT) != environment:
                continue
            if tags.get(TAG_PROJECT, project) != project:
                continue
            identifier = str(instance["DBInstanceIdentifier"])
            if instance.get("DBInstanceStatus") == "deleting" or not _expired(tags, now):
                result.kept.append(identifier)
                continue
            with aws_errors(f"delete the leftover restore-test instance {identifier}"):
                delete_instance(rds, identifier)
            result.deleted.append(identifier)
    return result


def _expired(tags: dict[str, str], now: datetime) -> bool:
    try:
        expires = datetime.fromisoformat(tags.get(TAG_EXPIRES, ""))
    except ValueError:
        return True  # a restore-test instance with no readable expiry is a leftover
    return expires <= now


def remove_restore_instance(rds: Any, temp_id: str) -> str:
    """Delete the temporary instance; never raise over the error already in flight."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        delete_instance(rds, temp_id)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in {"DBInstanceNotFound", "DBInstanceNotFoundFault"}:
            return f"{temp_id} was never created; nothing to delete"
        return (
            f"could not delete {temp_id} ({code}); the next verify sweeps it after its "
            "expires-at tag"
        )
    except BotoCoreError as exc:
        return f"could not delete {temp_id} ({exc}); the next verify sweeps it"
    return f"deleted {temp_id} (no final snapshot)"

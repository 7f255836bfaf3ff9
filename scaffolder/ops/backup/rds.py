"""RDS building blocks: credentials, endpoints, snapshots, restores, bounded waits."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from scaffolder.errors import CloudError, InputError
from scaffolder.models import StackOutputs
from scaffolder.ops.backup.sweep import (
    RESTORE_TEST,
    TAG_ENVIRONMENT,
    TAG_EXPIRES,
    TAG_PROJECT,
    TAG_PURPOSE,
)
from scaffolder.ops.clients import ClientProvider, aws_errors
from scaffolder.ops.retry import Retry

Clock = Callable[[], datetime]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Waiting:
    """How long to wait for RDS, and how often to look (injected in tests)."""

    clock: Clock
    sleep: Sleep
    timeout_s: float = 3600.0
    interval_s: float = 30.0
    # Throttled polls back off and try again instead of ending an hour-long wait.
    retry: Retry | None = None

    def policy(self) -> Retry:
        return self.retry or Retry(sleep=self.sleep)


def require_rds(outputs: StackOutputs) -> str:
    if not outputs.db_instance_identifier or not outputs.db_secret_arn:
        raise InputError(
            f"The {outputs.environment} stack outputs name no RDS instance and master secret.",
            hint="Run `scaffold up` for this environment, or use the dump flow for an "
            "external database.",
        )
    return outputs.db_instance_identifier


def master_credentials(clients: ClientProvider, secret_arn: str) -> tuple[str, str]:
    """(username, password) from the RDS-managed master user secret. Never printed."""
    with aws_errors("read the database master user secret"):
        value = clients.client("secretsmanager").get_secret_value(SecretId=secret_arn)
    try:
        data = json.loads(value["SecretString"])
        return str(data["username"]), str(data["password"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(
            "The database master user secret does not hold a username and password.",
            hint="RDS manages that secret: check the instance's master user secret in the RDS "
            "console, or run `scaffold up ENV` to restore it.",
        ) from exc


def describe_instance(rds: Any, identifier: str) -> dict[str, Any]:
    with aws_errors(f"describe the RDS instance {identifier}"):
        found: dict[str, Any] = rds.describe_db_instances(DBInstanceIdentifier=identifier)[
            "DBInstances"
        ][0]
    return found


def conninfo_for(instance: dict[str, Any], user: str, password: str, dbname: str) -> dict[str, str]:
    """Connection parameters for an RDS instance; SSL is required, never optional."""
    endpoint = instance.get("Endpoint") or {}
    if not endpoint.get("Address"):
        raise CloudError(
            f"The RDS instance {instance['DBInstanceIdentifier']} has no endpoint.",
            hint="It may still be creating or modifying: wait until it is available, then "
            "run the command again.",
        )
    return {
        "host": str(endpoint["Address"]),
        "port": str(endpoint.get("Port", 5432)),
        "user": user,
        "password": password,
        "dbname": dbname,
        "sslmode": "require",
    }


def wait_for(
    probe: Callable[[], dict[str, Any]],
    ready: Callable[[dict[str, Any]], bool],
    waiting: Waiting,
    *,
    action: str = "check on RDS",
) -> tuple[bool, dict[str, Any]]:
    """Poll `probe` until `ready`, or until the timeout: (ready?, last state).

    `action` completes "could not ..." when AWS keeps throttling the polls.
    """
    deadline = waiting.clock() + timedelta(seconds=waiting.timeout_s)
    policy = waiting.policy()
    while True:
        state = policy.call(action, probe)
        if ready(state):
            return True, state
        if waiting.clock() >= deadline:
            return False, state
        waiting.sleep(waiting.interval_s)


def latest_snapshot(rds: Any, instance_id: str, prefer: set[str]) -> dict[str, Any]:
    """The newest available snapshot of `instance_id`, preferring ids in `prefer`."""
    with aws_errors(f"list the snapshots of {instance_id}"):
        pages = list(
            rds.get_paginator("describe_db_snapshots").paginate(DBInstanceIdentifier=instance_id)
        )
    snapshots = [
        s for page in pages for s in page.get("DBSnapshots", []) if s.get("Status") == "available"
    ]
    if not snapshots:
        raise CloudError(
            f"The RDS instance {instance_id} has no available snapshot to verify.",
            hint="Take one with `scaffold backup run ENV`.",
        )
    preferred = [s for s in snapshots if s["DBSnapshotIdentifier"] in prefer] or snapshots
    return max(preferred, key=lambda s: str(s.get("SnapshotCreateTime", "")))


def restore_test_id(project: str, environment: str, stamp: str) -> str:
    """`<restore prefix>-<stamp>`: a valid RDS identifier the deploy role may create and delete.

    The prefix comes from the same naming function the role's policy is built from,
    so however long the project name, the instance stays inside `<prefix>-*`.
    """
    from scaffolder.aws_rules.naming import restore_instance_prefix

    suffix = re.sub(r"[^a-z0-9]+", "-", stamp.lower()).strip("-")
    return f"{restore_instance_prefix(f'{project}-{environment}')}-{suffix}"


def restore_tags(outputs: StackOutputs, expires: datetime) -> list[dict[str, str]]:
    return [
        {"Key": TAG_PURPOSE, "Value": RESTORE_TEST},
        {"Key": TAG_ENVIRONMENT, "Value": outputs.environment},
        {"Key": TAG_PROJECT, "Value": outputs.project},
        {"Key": TAG_EXPIRES, "Value": expires.isoformat()},
    ]


def start_restore(
    rds: Any,
    outputs: StackOutputs,
    *,
    snapshot_id: str,
    instance_id: str,
    instance_class: str,
    tags: list[dict[str, str]],
) -> None:
    """A private, single-AZ copy in the environment's own subnet group and security group."""
    params: dict[str, Any] = {
        "DBInstanceIdentifier": instance_id,
        "DBSnapshotIdentifier": snapshot_id,
        "DBInstanceClass": instance_class,
        "PubliclyAccessible": False,
        "MultiAZ": False,
        "DeletionProtection": False,
        "AutoMinorVersionUpgrade": False,
        "Tags": tags,
    }
    if outputs.db_subnet_group_name:
        params["DBSubnetGroupName"] = outputs.db_subnet_group_name
    if outputs.db_security_group_id:
        params["VpcSecurityGroupIds"] = [outputs.db_security_group_id]
    with aws_errors(f"restore snapshot {snapshot_id} into {instance_id}"):
        rds.restore_db_instance_from_db_snapshot(**params)


def reset_master_password(rds: Any, instance_id: str, password: str, waiting: Waiting) -> bool:
    """Give the restored copy the secret's current password.

    The snapshot carries the password of its day; the managed secret rotates, so
    the copy is set to what the secret holds now.
    """
    with aws_errors(f"set the master password of {instance_id}"):
        rds.modify_db_instance(
            DBInstanceIdentifier=instance_id, MasterUserPassword=password, ApplyImmediately=True
        )
    waiting.sleep(waiting.interval_s)  # the status change is not immediate
    ready, _ = wait_for(
        lambda: describe_instance(rds, instance_id),
        lambda s: (
            s.get("DBInstanceStatus") == "available"
            and "MasterUserPassword" not in (s.get("PendingModifiedValues") or {})
        ),
        waiting,
        action=f"check the RDS instance {instance_id}",
    )
    return ready

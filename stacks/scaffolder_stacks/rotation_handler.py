"""Lambda handler: after RDS rotates the master password, redeploy the services using it.

ECS reads a task's secrets once, when the task starts, so after a rotation every
running task still holds the old password and each connection it opens from then
on is refused. A new deployment replaces the tasks, which start with the new one.

This file is the Lambda's whole code (scaffolder_stacks/rotation.py ships it as is): the
standard library and the boto3 of the Lambda runtime only. The tests call
`redeploy` with an ECS client built on moto.
"""

from __future__ import annotations

import json
import os
from typing import Any


def _secret_ids(event: dict[str, Any]) -> set[str]:
    """Where the rotated secret is named in a RotationSucceeded event.

    RDS's managed rotation sends it as a CloudTrail service event with the ARN in
    detail.additionalEventData.SecretId; other rotations have used
    responseElements.arn (or "aRN", before 2024) and the event's resources.
    """
    detail = event.get("detail") or {}
    found = {str(r) for r in event.get("resources") or []}
    for holder in (detail.get("additionalEventData"), detail.get("responseElements"), detail):
        if isinstance(holder, dict):
            found |= {
                str(holder[k]) for k in ("SecretId", "secretId", "arn", "aRN") if holder.get(k)
            }
    return found


def _same_secret(candidate: str, secret_arn: str) -> bool:
    """An ARN matches exactly; a name matches the ARN's name (less its 6-character suffix)."""
    if candidate.startswith("arn:"):
        return candidate == secret_arn
    name = secret_arn.split(":secret:", 1)[-1]
    return candidate in (name, name.rsplit("-", 1)[0])


def redeploy(
    event: dict[str, Any], *, ecs: Any, cluster: str, services: list[str], secret_arn: str
) -> list[str]:
    """Force a new deployment of each service if `event` is about `secret_arn`.

    Returns the services redeployed. One service failing does not stop the
    others; the failures are raised together afterwards, so the invocation
    counts as an error (the stack alarms on it) and Lambda retries it (an
    asynchronous invocation is retried twice).
    """
    if not any(_same_secret(s, secret_arn) for s in _secret_ids(event)):
        return []
    done: list[str] = []
    failed: list[str] = []
    for service in services:
        try:
            ecs.update_service(cluster=cluster, service=service, forceNewDeployment=True)
            done.append(service)
        except Exception as exc:  # each service gets its chance; reported below
            failed.append(f"{service}: {exc}")
    if failed:
        raise RuntimeError("could not redeploy " + "; ".join(failed))
    return done


def handler(event: dict[str, Any], context: Any) -> dict[str, list[str]]:
    import boto3

    done = redeploy(
        event,
        ecs=boto3.client("ecs"),
        cluster=os.environ["CLUSTER"],
        services=json.loads(os.environ["SERVICES"]),
        secret_arn=os.environ["SECRET_ARN"],
    )
    # Names only: the event and the secret's value are never logged.
    print(json.dumps({"redeployed": done}))
    return {"redeployed": done}

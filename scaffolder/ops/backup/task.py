"""`scaffold backup run|verify ENV --in-task`: the same RDS backup and restore check,
run inside the environment's VPC as a one-off ECS task (stacks/restore_task.py).

RDS and the temporary instance a check restores are private: a GitHub-hosted
runner or a laptop cannot connect to them. So this starts the restore-check task
in the private subnets with the command to run, waits for it to stop (bounded),
reads the container's exit code and, for `verify`, the report the task published
to the backup bucket under a key chosen here. An interrupt, an AWS error while
waiting, or the timeout stops the task; ECS then sends it SIGTERM, on which the
check deletes its temporary instance (docs/architecture.md, "Operations").
"""

from __future__ import annotations

import secrets
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from scaffolder.errors import CheckFailed, CloudError, InputError
from scaffolder.models import RestoreTaskOutputs, StackOutputs
from scaffolder.ops.backup import store
from scaffolder.ops.backup.models import VerificationReport
from scaffolder.ops.backup.rds import Waiting, wait_for
from scaffolder.ops.clients import ClientProvider, aws_errors

STARTED_BY = "scaffold-backup"
LOG_TAIL_LINES = 30
# What the task's scaffold exits with (docs/exit-codes.md), for the error sentence.
EXIT_MEANINGS = {
    1: "the check failed",
    2: "usage error",
    3: "bad input",
    5: "a tool is missing from the image",
    6: "AWS refused the task role a permission",
    7: "AWS or the database failed an operation",
    70: "scaffold crashed",
    130: "interrupted",
    137: "killed",
}


@dataclass(frozen=True)
class TaskOutcome:
    """How one restore-check task ended."""

    task_arn: str
    exit_code: int | None  # None: the container never ran (image pull, network setup)
    stop_code: str
    stopped_reason: str
    log_group: str
    log_stream: str
    report: VerificationReport | None = None
    log_tail: list[str] = field(default_factory=list)

    @property
    def task_id(self) -> str:
        return self.task_arn.rsplit("/", 1)[-1]

    @property
    def succeeded(self) -> bool:
        return self.exit_code == 0


def require_task(outputs: StackOutputs) -> RestoreTaskOutputs:
    if outputs.restore_task is None:
        raise InputError(
            f"The {outputs.environment} stack outputs name no restore-check task.",
            hint=f"Run `scaffold up {outputs.environment}` with this version of scaffold: it "
            "creates the task (RDS environments only).",
        )
    return outputs.restore_task


def report_key(environment: str, moment_stamp: str) -> str:
    """Where the task publishes this run's report: sortable, and unique to the run."""
    return f"verifications/{environment}/{moment_stamp}-{secrets.token_hex(4)}.json"


def start_task(ecs: Any, task: RestoreTaskOutputs, command: list[str]) -> str:
    """RunTask in the private subnets, no public IP; a clear error when ECS refuses."""
    with aws_errors(f"start the restore-check task {task.task_family}"):
        response = ecs.run_task(
            cluster=task.cluster_name,
            taskDefinition=task.task_family,
            launchType="FARGATE",
            count=1,
            startedBy=STARTED_BY,
            networkConfiguration={
                "awsvpcConfiguration": {
                    "subnets": task.subnet_ids,
                    "securityGroups": task.security_group_ids,
                    "assignPublicIp": "DISABLED",
                }
            },
            overrides={"containerOverrides": [{"name": task.container_name, "command": command}]},
        )
    tasks = response.get("tasks") or []
    if tasks:
        return str(tasks[0]["taskArn"])
    reasons = "; ".join(
        " ".join(str(f.get(k)) for k in ("reason", "detail") if f.get(k))
        for f in response.get("failures") or []
    )
    raise CloudError(
        f"ECS did not start the restore-check task in {task.cluster_name}: "
        f"{reasons or 'no task and no reason given'}.",
        hint="RESOURCE:FARGATE or capacity reasons pass: run the command again in a few "
        "minutes. Others name what to fix (a missing task definition: `scaffold up ENV`).",
    )


def _describe(ecs: Any, cluster: str, task_arn: str) -> dict[str, Any]:
    with aws_errors(f"check the restore-check task {task_arn}"):
        response = ecs.describe_tasks(cluster=cluster, tasks=[task_arn])
    found: list[dict[str, Any]] = response.get("tasks") or []
    if not found:
        raise CloudError(
            f"ECS no longer knows the restore-check task {task_arn}.",
            hint="Stopped tasks stay visible for about an hour; run the command again.",
        )
    return found[0]


def stop_task(ecs: Any, cluster: str, task_arn: str, reason: str) -> None:
    """Best effort: the task deletes its temporary instance on the SIGTERM this sends."""
    from botocore.exceptions import BotoCoreError, ClientError

    # Already stopped, or AWS unreachable: the next verify sweeps leftovers.
    with suppress(BotoCoreError, ClientError):
        ecs.stop_task(cluster=cluster, task=task_arn, reason=reason[:255])


def run_in_task(
    clients: ClientProvider,
    outputs: StackOutputs,
    command: list[str],
    waiting: Waiting,
    *,
    report_key: str | None = None,
) -> TaskOutcome:
    """Start the restore-check task with `command`, wait for it to stop, read its result."""
    task = require_task(outputs)
    ecs = clients.client("ecs")
    task_arn = start_task(ecs, task, command)
    try:
        stopped, state = wait_for(
            lambda: _describe(ecs, task.cluster_name, task_arn),
            lambda s: s.get("lastStatus") == "STOPPED",
            waiting,
            action=f"check the restore-check task {task_arn}",
        )
    except BaseException:  # Ctrl-C, SIGTERM (a cancelled job), AWS failing mid-wait
        stop_task(ecs, task.cluster_name, task_arn, "scaffold stopped waiting (interrupted)")
        raise
    task_id = task_arn.rsplit("/", 1)[-1]
    if not stopped:
        stop_task(ecs, task.cluster_name, task_arn, "scaffold's wait timed out")
        raise CloudError(
            f"The restore-check task {task_id} did not finish within "
            f"{waiting.timeout_s / 60:.0f} minutes (last status {state.get('lastStatus')}); "
            "scaffold stopped it.",
            hint="On stopping it deletes its temporary instance (the next verify sweeps any "
            f"leftover). Its log: {task.log_group_name}, stream "
            f"{_stream(task, task_id)}. Raise --timeout-minutes if restores take longer.",
        )
    containers = [c for c in state.get("containers") or [] if c.get("name") == task.container_name]
    exit_code = containers[0].get("exitCode") if containers else None
    outcome = TaskOutcome(
        task_arn=task_arn,
        exit_code=int(exit_code) if exit_code is not None else None,
        stop_code=str(state.get("stopCode", "")),
        stopped_reason=str(
            state.get("stoppedReason") or (containers[0].get("reason") if containers else "")
        ),
        log_group=task.log_group_name,
        log_stream=_stream(task, task_id),
        report=_read_report(clients, outputs, report_key) if report_key else None,
    )
    if outcome.succeeded:
        return outcome
    return TaskOutcome(**{**outcome.__dict__, "log_tail": _log_tail(clients, outcome)})


def _stream(task: RestoreTaskOutputs, task_id: str) -> str:
    # awslogs-stream-prefix / container name / task id (stacks/restore_task.py).
    return f"{task.container_name}/{task.container_name}/{task_id}"


def _read_report(
    clients: ClientProvider, outputs: StackOutputs, key: str
) -> VerificationReport | None:
    """The report the task published, or None when it never got that far."""
    from botocore.exceptions import ClientError

    bucket = outputs.backup_bucket_name
    with aws_errors(f"read the verification report {store.s3_uri(bucket, key)}"):
        try:
            body = clients.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                return None
            raise
    try:
        return VerificationReport.model_validate_json(body)
    except ValueError:
        return None


def _log_tail(clients: ClientProvider, outcome: TaskOutcome) -> list[str]:
    """The last lines the task logged, to show why it failed (best effort)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        events = clients.client("logs").get_log_events(
            logGroupName=outcome.log_group,
            logStreamName=outcome.log_stream,
            limit=LOG_TAIL_LINES,
            startFromHead=False,
        )["events"]
    except (BotoCoreError, ClientError):
        return []
    return [str(e.get("message", "")).rstrip() for e in events]


def raise_if_task_failed(outcome: TaskOutcome) -> None:
    """Exit 1 when the check ran and failed; exit 7 when the task itself failed."""
    where = f"Its log: {outcome.log_group}, stream {outcome.log_stream}."
    if outcome.succeeded:
        return
    if outcome.exit_code is None:
        image = "CannotPull" in outcome.stopped_reason or "image" in outcome.stopped_reason
        raise CloudError(
            f"The restore-check task {outcome.task_id} stopped before scaffold ran "
            f"({outcome.stop_code}: {outcome.stopped_reason or 'no reason given'}).",
            hint="Build and push the restore-check image (backup-verify.yml does, from "
            "infra/restore-check/Dockerfile), then run the command again."
            if image
            else where,
        )
    if outcome.exit_code == 1 and outcome.report is not None:
        from scaffolder.ops.backup.api import raise_if_failed

        raise_if_failed(outcome.report)
    meaning = EXIT_MEANINGS.get(outcome.exit_code, "an unexpected exit")
    message = (
        f"The restore-check task {outcome.task_id} stopped with exit code "
        f"{outcome.exit_code} ({meaning})."
    )
    if outcome.exit_code == 1:
        raise CheckFailed(message, hint=where)
    raise CloudError(message, hint=where)

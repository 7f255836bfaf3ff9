"""`backup run|verify --in-task`: start the restore-check task, wait, read its result.

ECS is moto's (cluster, the task definition, RunTask with the awsvpc network, tasks
that move to STOPPED as they are described, StopTask); S3, CloudWatch Logs and KMS
too. What moto cannot do, run the container, is played by tests/ops/ecs_seam.py.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from scaffolder.errors import CheckFailed, CloudError, InputError
from scaffolder.models import RestoreTaskOutputs, StackOutputs
from scaffolder.ops.backup.api import BackupContext, backup_in_task, verify_in_task
from scaffolder.ops.backup.models import CheckResult, VerificationReport
from scaffolder.ops.backup.report import finish, publish
from scaffolder.ops.backup.task import raise_if_task_failed
from scaffolder.ops.retry import Retry
from tests.ops.conftest import REGION, Clock, MotoProvider
from tests.ops.ecs_seam import Container, ScriptedEcs, TaskProvider

CLUSTER = "demo-staging"
FAMILY = "demo-staging-restore-check"
CONTAINER = "restore-check"
LOG_GROUP = "/scaffold/demo-staging/restore-check"


@pytest.fixture
def task_outputs(aws: MotoProvider, outputs: StackOutputs) -> StackOutputs:
    """A staging with RDS and its restore-check task: cluster, family, private network."""
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    # As the stack's VPC (stacks/network.py); moto's awsvpc tasks need it too.
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="task", Description="task", VpcId=vpc)["GroupId"]
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName=CLUSTER)
    ecs.register_task_definition(
        family=FAMILY,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": CONTAINER, "image": "repo:scaffold-1.0.0", "memory": 512}],
    )
    return outputs.model_copy(
        update={
            "db_instance_identifier": "demo-staging-db",
            "db_secret_arn": f"arn:aws:secretsmanager:{REGION}:123456789012:secret:rds-db",
            "restore_task": RestoreTaskOutputs(
                cluster_name=CLUSTER,
                task_family=FAMILY,
                container_name=CONTAINER,
                subnet_ids=[subnet],
                security_group_ids=[group],
                image="repo:scaffold-1.0.0",
                log_group_name=LOG_GROUP,
            ),
        }
    )


def _context(provider: Any, outputs: StackOutputs, clock: Clock) -> BackupContext:
    return BackupContext(
        outputs=outputs,
        clients=provider,
        clock=clock,
        sleep=clock.sleep,
        retry=Retry(sleep=lambda _: None, jitter=lambda: 1.0),
    )


def _flag(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def publishing(aws: MotoProvider, outputs: StackOutputs, *, passed: bool, code: int) -> Container:
    """A container that publishes a report under --report-key, as the real check does."""

    def container(command: list[str]) -> int:
        report = VerificationReport(
            project="demo",
            environment="staging",
            kind="snapshot",
            source="demo-staging-db-scaffold-1",
            restore_target="demo-staging-restore-1",
            started_at=datetime(2026, 1, 22, tzinfo=UTC).isoformat(),
            checks=[CheckResult(name="row counts", passed=passed, detail="users 3 of 3")],
        )
        finish(report, datetime(2026, 1, 22, 1, tzinfo=UTC))
        now = datetime(2026, 1, 22, 1, tzinfo=UTC)
        key = _flag(command, "--report-key")
        publish(report, outputs=outputs, clients=aws, now=now, key=key)
        return code

    return container


def test_verify_starts_the_task_in_the_private_network_and_reads_its_report(
    aws: MotoProvider, task_outputs: StackOutputs, clock: Clock
) -> None:
    ecs = ScriptedEcs(aws.client("ecs"), publishing(aws, task_outputs, passed=True, code=0))
    outcome = verify_in_task(
        _context(TaskProvider(aws, ecs), task_outputs, clock), probe_sql="SELECT 1 FROM users"
    )
    raise_if_task_failed(outcome)
    assert outcome.succeeded and outcome.report is not None and outcome.report.passed
    assert outcome.report.report_uri is not None
    assert outcome.report.report_uri.startswith("s3://demo-staging-backups/verifications/staging/")
    (run,) = ecs.runs
    assert run["cluster"] == CLUSTER and run["taskDefinition"] == FAMILY
    assert run["launchType"] == "FARGATE"
    assert run["networkConfiguration"]["awsvpcConfiguration"] == {
        "subnets": task_outputs.restore_task.subnet_ids,  # type: ignore[union-attr]
        "securityGroups": task_outputs.restore_task.security_group_ids,  # type: ignore[union-attr]
        "assignPublicIp": "DISABLED",
    }
    (override,) = run["overrides"]["containerOverrides"]
    command = override["command"]
    assert override["name"] == CONTAINER and command[:3] == ["backup", "verify", "staging"]
    assert _flag(command, "--probe") == "SELECT 1 FROM users"
    assert _flag(command, "--instance-class") == "db.t4g.micro"
    assert ecs.stops == []
    assert outcome.log_stream == f"{CONTAINER}/{CONTAINER}/{outcome.task_id}"


def test_a_failed_check_in_the_task_exits_1_naming_the_failed_checks(
    aws: MotoProvider, task_outputs: StackOutputs, clock: Clock
) -> None:
    ecs = ScriptedEcs(aws.client("ecs"), publishing(aws, task_outputs, passed=False, code=1))
    outcome = verify_in_task(_context(TaskProvider(aws, ecs), task_outputs, clock))
    assert outcome.report is not None and not outcome.report.passed
    with pytest.raises(CheckFailed) as caught:
        raise_if_task_failed(outcome)
    assert caught.value.exit_code == 1
    assert "row counts" in caught.value.message


def test_a_task_that_fails_without_a_report_is_a_cloud_error_with_its_log(
    aws: MotoProvider, task_outputs: StackOutputs, clock: Clock
) -> None:
    ecs = ScriptedEcs(aws.client("ecs"), lambda command: 6)
    logs = aws.client("logs")
    logs.create_log_group(logGroupName=LOG_GROUP)
    context = _context(TaskProvider(aws, ecs), task_outputs, clock)

    def container(command: list[str]) -> int:
        # What the task logged before it exited, in the stream ECS names after it.
        stream = f"{CONTAINER}/{CONTAINER}/{_last_task(ecs)}"
        logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName=stream)
        logs.put_log_events(
            logGroupName=LOG_GROUP,
            logStreamName=stream,
            # CloudWatch refuses events older than 14 days: stamped now.
            logEvents=[{"timestamp": int(time.time() * 1000), "message": DENIED}],
        )
        return 6

    ecs.container = container
    outcome = verify_in_task(context)
    assert outcome.exit_code == 6 and outcome.report is None
    assert outcome.log_tail == [DENIED]
    with pytest.raises(CloudError) as caught:
        raise_if_task_failed(outcome)
    assert caught.value.exit_code == 7
    assert "exit code 6" in caught.value.message
    assert outcome.log_stream in caught.value.hint


DENIED = "Error: AWS denied permission (AccessDenied)."


def _last_task(ecs: ScriptedEcs) -> str:
    arns = ecs.real.list_tasks(cluster=CLUSTER)["taskArns"]
    return str(arns[-1]).rsplit("/", 1)[-1]


def test_a_container_that_never_ran_says_to_build_the_image(
    aws: MotoProvider, task_outputs: StackOutputs, clock: Clock
) -> None:
    ecs = ScriptedEcs(
        aws.client("ecs"),
        lambda command: None,
        stopped_reason="CannotPullContainerError: repo:scaffold-1.0.0 not found",
    )
    outcome = backup_in_task(_context(TaskProvider(aws, ecs), task_outputs, clock))
    assert outcome.exit_code is None
    with pytest.raises(CloudError) as caught:
        raise_if_task_failed(outcome)
    assert "CannotPullContainerError" in caught.value.message
    assert "infra/restore-check/Dockerfile" in caught.value.hint
    (run,) = ecs.runs
    assert run["overrides"]["containerOverrides"][0]["command"] == ["backup", "run", "staging"]


def test_no_capacity_is_a_clear_error_and_nothing_is_waited_for(
    aws: MotoProvider, task_outputs: StackOutputs, clock: Clock
) -> None:
    ecs = ScriptedEcs(
        aws.client("ecs"),
        lambda command: 0,
        start_failures=[{"reason": "RESOURCE:FARGATE", "detail": "no capacity in us-east-1a"}],
    )
    with pytest.raises(CloudError) as caught:
        verify_in_task(_context(TaskProvider(aws, ecs), task_outputs, clock))
    assert caught.value.exit_code == 7
    assert "RESOURCE:FARGATE" in caught.value.message
    assert clock.slept == []


def test_a_missing_task_definition_fails_to_start(
    aws: MotoProvider, task_outputs: StackOutputs, clock: Clock
) -> None:
    assert task_outputs.restore_task is not None
    stale = task_outputs.model_copy(
        update={
            "restore_task": task_outputs.restore_task.model_copy(update={"task_family": "gone"})
        }
    )
    with pytest.raises(CloudError) as caught:
        verify_in_task(_context(aws, stale, clock))
    assert "start the restore-check task gone" in caught.value.message


def test_outputs_without_the_task_are_bad_input_before_any_aws_call(
    aws: MotoProvider, task_outputs: StackOutputs, clock: Clock
) -> None:
    ecs = ScriptedEcs(aws.client("ecs"), lambda command: 0)
    old = task_outputs.model_copy(update={"restore_task": None})
    with pytest.raises(InputError) as caught:
        verify_in_task(_context(TaskProvider(aws, ecs), old, clock))
    assert caught.value.exit_code == 3
    assert "scaffold up staging" in caught.value.hint
    assert ecs.runs == []


def test_a_task_that_outlives_the_timeout_is_stopped(
    aws: MotoProvider, task_outputs: StackOutputs, clock: Clock
) -> None:
    ecs = ScriptedEcs(aws.client("ecs"), lambda command: 0, never_stops=True)
    with pytest.raises(CloudError) as caught:
        verify_in_task(_context(TaskProvider(aws, ecs), task_outputs, clock), timeout_s=60)
    assert "did not finish" in caught.value.message
    assert len(ecs.stops) == 1
    (task,) = aws.client("ecs").describe_tasks(cluster=CLUSTER, tasks=ecs.stops)["tasks"]
    assert task["desiredStatus"] == "STOPPED"


def test_an_interrupt_while_waiting_stops_the_task(
    aws: MotoProvider, task_outputs: StackOutputs, clock: Clock
) -> None:
    ecs = ScriptedEcs(aws.client("ecs"), lambda command: 0, never_stops=True)
    context = _context(TaskProvider(aws, ecs), task_outputs, clock)

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    context.sleep = interrupted
    with pytest.raises(KeyboardInterrupt):
        verify_in_task(context)
    assert len(ecs.stops) == 1

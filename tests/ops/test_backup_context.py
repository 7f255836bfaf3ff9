"""Backups on the shared ops seams: the OpsContext they extend, the retry policy
their RDS polls go through, and what a verify says when the restored private
instance cannot be reached from where it runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from scaffolder.errors import CheckFailed, CloudError, InputError
from scaffolder.models import StackOutputs
from scaffolder.ops.backup import BackupContext, CheckResult, VerificationReport, raise_if_failed
from scaffolder.ops.backup.checks import CONNECT_CHECK, unreachable_detail
from scaffolder.ops.backup.rds import Waiting, wait_for
from scaffolder.ops.clients import aws_errors
from scaffolder.ops.context import OpsContext, resolve_context
from scaffolder.ops.retry import Retry
from tests.ops.conftest import Clock, MotoProvider


def _error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, "DescribeDBInstances")


class FlakyProbe:
    """Answers with the scripted errors first, then `available`."""

    def __init__(self, *codes: str) -> None:
        self.codes = list(codes)
        self.calls = 0

    def __call__(self) -> dict[str, Any]:
        self.calls += 1
        with aws_errors("describe the RDS instance demo-restore"):
            if self.codes:
                raise _error(self.codes.pop(0))
        return {"DBInstanceStatus": "available"}


def _waiting(clock: Clock, slept: list[float]) -> Waiting:
    retry = Retry(sleep=slept.append, jitter=lambda: 1.0)
    return Waiting(clock=clock, sleep=clock.sleep, timeout_s=600, interval_s=15, retry=retry)


def test_a_throttled_poll_backs_off_and_the_wait_goes_on() -> None:
    slept: list[float] = []
    probe = FlakyProbe("Throttling", "ThrottlingException")

    ready, state = wait_for(
        probe, lambda s: s["DBInstanceStatus"] == "available", _waiting(Clock(), slept)
    )

    assert ready and state == {"DBInstanceStatus": "available"}
    assert probe.calls == 3
    assert slept == [0.5, 1.0]


def test_other_errors_end_the_wait_at_once() -> None:
    slept: list[float] = []
    probe = FlakyProbe("DBInstanceNotFound")

    with pytest.raises(CloudError, match="DBInstanceNotFound"):
        wait_for(probe, lambda s: True, _waiting(Clock(), slept))

    assert probe.calls == 1 and slept == []


def test_endless_throttling_names_what_was_being_waited_for() -> None:
    slept: list[float] = []
    probe = FlakyProbe(*["Throttling"] * 10)

    with pytest.raises(CloudError, match="check the snapshot s-1 \\(5 attempts\\)"):
        wait_for(probe, lambda s: True, _waiting(Clock(), slept), action="check the snapshot s-1")

    assert probe.calls == 5


def test_backup_context_is_the_resolved_ops_context_plus_postgres(
    outputs: StackOutputs, clock: Clock
) -> None:
    retry = Retry(sleep=clock.sleep)
    ops = OpsContext(outputs=outputs, clients=object(), clock=clock, retry=retry)  # type: ignore[arg-type]

    ctx = BackupContext.of(ops)

    assert isinstance(ctx, OpsContext)
    assert (ctx.outputs, ctx.clients, ctx.clock, ctx.retry) == (
        ops.outputs,
        ops.clients,
        clock,
        retry,
    )
    assert ctx.waiting(timeout_s=60).retry is retry
    assert not ctx.is_rds


def _report(*checks: CheckResult) -> VerificationReport:
    return VerificationReport(
        project="demo",
        environment="prod",
        kind="snapshot",
        source="demo-prod-db-scaffold-1",
        restore_target="demo-prod-restore-1",
        started_at="2026-01-22T03:00:00+00:00",
        checks=list(checks),
        report_uri="s3://demo-prod-backups/verifications/prod/1.json",
    )


def test_an_unreachable_restore_says_to_run_verify_inside_the_vpc() -> None:
    connect = CheckResult(
        name=CONNECT_CHECK,
        passed=False,
        detail=unreachable_detail("Could not connect to Postgres at demo: timeout expired"),
    )
    ok = CheckResult(name="restore completed", passed=True, detail="available")

    with pytest.raises(CheckFailed) as failed:
        raise_if_failed(_report(ok, connect))

    assert "1 of 2 checks failed (connect)" in failed.value.message
    hint = failed.value.hint
    assert "`scaffold backup verify prod --in-task`" in hint and "inside the VPC" in hint
    assert "GitHub-hosted runner" in hint
    assert hint.endswith("The report is at s3://demo-prod-backups/verifications/prod/1.json.")
    assert "private subnets" in connect.detail


def test_other_failed_checks_keep_the_general_hint() -> None:
    probe = CheckResult(name="probe", passed=False, detail="no row")

    with pytest.raises(CheckFailed) as failed:
        raise_if_failed(_report(probe))

    assert failed.value.hint.startswith("Read each failed check's detail above")
    assert "VPC" not in failed.value.hint


def test_a_required_spec_is_read_before_the_stack(tmp_path: Path) -> None:
    # Without --outputs, scaffold backup finds the stack through infra/Pulumi.<env>.yaml.
    with pytest.raises(InputError) as caught:
        resolve_context("staging", project=tmp_path, spec_required=True)

    assert caught.value.exit_code == 3
    assert "is not a scaffold project (no infra/Pulumi.staging.yaml)" in caught.value.message
    assert "scaffold init" in caught.value.hint


def test_an_optional_spec_may_be_missing_with_an_outputs_file(
    tmp_path: Path, outputs: StackOutputs
) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(outputs.model_dump_json())

    ctx = resolve_context(
        "staging", project=tmp_path, outputs_file=path, clients=MotoProvider, with_spec=True
    )

    assert ctx.spec is None and ctx.outputs == outputs

"""Retry with backoff on throttling, through real botocore clients answered by a
Stubber: throttled then fine, throttled for good, and errors that must not be
retried (access denied, a plain refusal)."""

from __future__ import annotations

from typing import Any

import pytest

from scaffolder.errors import CloudError, CredentialsError
from scaffolder.models import StackOutputs
from scaffolder.ops.context import OpsContext
from scaffolder.ops.releases import read_ledger
from scaffolder.ops.retry import Retry, is_throttling
from tests.ops.ops_world import StubProvider

BUCKET = "demo-staging-artifacts"
LIST = {"Bucket": BUCKET, "Prefix": "releases/staging/"}


def _throttle(stub: StubProvider, method: str = "list_objects_v2", code: str = "SlowDown") -> None:
    stub.stubs["s3"].add_client_error(method, service_error_code=code, http_status_code=503)


def _ctx(stub: StubProvider, outputs: StackOutputs, retry: Retry) -> OpsContext:
    return OpsContext(outputs=outputs, clients=stub, retry=retry)


def test_delays_grow_exponentially_up_to_the_cap() -> None:
    retry = Retry(base_s=0.5, cap_s=4.0, jitter=lambda: 1.0)
    assert [retry.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    # Full jitter: the wait is a random fraction of the exponential ceiling.
    assert Retry(base_s=1.0, jitter=lambda: 0.25).delay(3) == 1.0


def test_throttled_then_succeeds(outputs: StackOutputs) -> None:
    stub = StubProvider()
    _throttle(stub)
    _throttle(stub, code="ThrottlingException")
    stub.stubs["s3"].add_response("list_objects_v2", {"KeyCount": 0}, LIST)
    slept: list[float] = []
    ctx = _ctx(stub, outputs, Retry(sleep=slept.append, jitter=lambda: 1.0))
    assert read_ledger(ctx).records == []
    assert slept == [0.5, 1.0]
    stub.stubs["s3"].assert_no_pending_responses()


def test_throttled_for_good_is_a_clear_cloud_error(outputs: StackOutputs) -> None:
    stub = StubProvider()
    for _ in range(3):
        _throttle(stub)
    slept: list[float] = []
    ctx = _ctx(stub, outputs, Retry(sleep=slept.append, attempts=3, jitter=lambda: 1.0))
    with pytest.raises(CloudError) as caught:
        read_ledger(ctx)
    assert caught.value.exit_code == 7
    assert caught.value.message == (
        f"AWS kept throttling requests while trying to list the release ledger "
        f"s3://{BUCKET}/releases/staging/ (3 attempts)."
    )
    assert "nothing was changed" in caught.value.hint
    assert len(slept) == 2  # no pointless wait after the last attempt
    stub.stubs["s3"].assert_no_pending_responses()


@pytest.mark.parametrize("code", ["AccessDenied", "ExpiredToken"])
def test_credential_errors_are_not_retried(outputs: StackOutputs, code: str) -> None:
    stub = StubProvider()
    _throttle(stub, code=code)
    slept: list[float] = []
    with pytest.raises(CredentialsError) as caught:
        read_ledger(_ctx(stub, outputs, Retry(sleep=slept.append)))
    assert caught.value.exit_code == 6
    assert slept == []


def test_other_refusals_are_not_retried() -> None:
    calls: list[int] = []

    def refuse() -> Any:
        from botocore.exceptions import ClientError

        calls.append(1)
        raise ClientError({"Error": {"Code": "InvalidParameterException", "Message": "bad"}}, "X")

    with pytest.raises(CloudError) as caught:
        Retry(sleep=lambda _s: None).call("do the thing", refuse)
    assert calls == [1]
    assert not is_throttling(caught.value)
    assert "InvalidParameterException: bad" in caught.value.message


def test_the_callers_hint_is_kept(outputs: StackOutputs) -> None:
    def throttled() -> Any:
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": "TooManyRequestsException"}}, "X")

    with pytest.raises(CloudError) as caught:
        Retry(sleep=lambda _s: None, attempts=2).call("x", throttled, hint="Re-run with --to b-2.")
    assert caught.value.hint == "Re-run with --to b-2."

"""Retry AWS calls that were throttled, with exponential backoff and full jitter.

botocore already retries inside one call; this layer covers the throttling that
survives it (account-wide API rate limits during a busy deploy) and turns the
final failure into one clear CloudError. Sleep and randomness are injected so
that tests run instantly and deterministically.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from scaffolder.errors import CloudError
from scaffolder.ops.clients import THROTTLING_CODES, aws_errors

T = TypeVar("T")

DEFAULT_HINT = "Wait a minute and run the command again; nothing was changed by this step."


def is_throttling(exc: BaseException) -> bool:
    """True when `exc` (or the AWS error behind it) is a throttling error."""
    from botocore.exceptions import ClientError

    cause = exc if isinstance(exc, ClientError) else exc.__cause__
    if not isinstance(cause, ClientError):
        return False
    return cause.response.get("Error", {}).get("Code", "") in THROTTLING_CODES


@dataclass(frozen=True)
class Retry:
    """How hard to try: `attempts` calls in all, delays capped at `cap_s`."""

    sleep: Callable[[float], None] = time.sleep
    attempts: int = 5
    base_s: float = 0.5
    cap_s: float = 20.0
    # Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
    # spreads the retries of many clients instead of synchronising them.
    jitter: Callable[[], float] = field(default=random.random)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after the `attempt`-th failed call (1-based)."""
        return float(min(self.cap_s, self.base_s * 2 ** (attempt - 1)) * self.jitter())

    def call(self, action: str, fn: Callable[[], T], *, hint: str | None = None) -> T:
        """Run `fn`, translating AWS errors; retry only throttling.

        `action` completes the sentence "could not ...". `hint` says what to do
        when the retries run out (what state the operation was left in).
        """
        for attempt in range(1, self.attempts + 1):
            try:
                with aws_errors(action):
                    return fn()
            except CloudError as exc:
                if not is_throttling(exc):
                    raise
                if attempt == self.attempts:
                    raise CloudError(
                        f"AWS kept throttling requests while trying to {action} "
                        f"({self.attempts} attempts).",
                        hint=hint or DEFAULT_HINT,
                    ) from exc.__cause__
                self.sleep(self.delay(attempt))
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

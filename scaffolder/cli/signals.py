"""SIGTERM and SIGHUP stop scaffold the way Ctrl-C does.

Python's default for SIGTERM and SIGHUP is to die on the spot: no `finally`
runs, so a cancelled CI job or a closed terminal left a scratch Postgres
running with restored data in it, and a temporary RDS instance billing. Here
each becomes a KeyboardInterrupt raised in the main thread, so every cleanup
that already handles Ctrl-C (stop the cluster, drop the scratch database,
delete the temporary instance, remove temp dirs) runs for them too.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

# SIGHUP does not exist on Windows.
HANDLED: tuple[signal.Signals, ...] = tuple(
    sig for sig in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if sig
)


class Terminated(KeyboardInterrupt):
    """A SIGTERM or SIGHUP, delivered as an interrupt so cleanup runs."""

    def __init__(self, signum: int) -> None:
        self.signal_name = signal.Signals(signum).name
        super().__init__(self.signal_name)


def _ignore(signum: int, frame: FrameType | None) -> None:
    """Later signals must not interrupt the cleanup the first one started.

    A Python handler rather than SIG_IGN: SIG_IGN would be inherited by the
    tools cleanup runs (pg_ctl), and by a postgres started meanwhile.
    """


@contextmanager
def signals_as_interrupts() -> Iterator[list[str]]:
    """While inside, SIGTERM/SIGHUP raise Terminated (a KeyboardInterrupt) in the main thread.

    Yields the names of the signals received: Typer turns a KeyboardInterrupt into a
    silent exit 130, so the caller learns here which signal it was.
    """
    received: list[str] = []
    if threading.current_thread() is not threading.main_thread():
        yield received  # signal handlers can only be set from the main thread
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        for sig in HANDLED:
            signal.signal(sig, _ignore)
        received.append(signal.Signals(signum).name)
        raise Terminated(signum)

    previous: dict[signal.Signals, Any] = {sig: signal.getsignal(sig) for sig in HANDLED}
    for sig in HANDLED:
        signal.signal(sig, interrupt)
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

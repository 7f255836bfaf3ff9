"""Run one pure function in a forked child while this process goes on.

The audit is single-threaded Python (docs/architecture.md, inspection), and
the history scan needs nothing from the working-tree detectors: on a machine
with two cores a forked child scans the history while the parent walks and
inspects the tree. The child sends its result back pickled through a pipe and
leaves with os._exit (no atexit handlers, no flush of buffers it inherited).
When the child cannot be had or fails, `result()` runs the function here, so
the answer, or the exception, is the one an in-process call would give.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """`fn()` computed in a forked child (where possible); `result()` waits for it."""

    def __init__(self, fn: Callable[[], T]) -> None:
        self._fn = fn
        self._pid = 0
        self._read = -1
        if hasattr(os, "fork") and (os.cpu_count() or 1) >= 2:
            self._start()

    def _start(self) -> None:
        try:
            read, write = os.pipe()
        except OSError:
            return
        sys.stdout.flush()  # nothing buffered may be written twice (by both processes)
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child
            os.close(read)
            _child(self._fn, write)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> T:
        """The child's answer, or `fn()` run here when there is none."""
        if self._pid:
            answer = self._collect()
            if answer is not None:
                value: T = answer[0]
                return value
        return self._fn()

    def cancel(self) -> None:
        """Stop the child (the caller gave up: an interrupt, an error)."""
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            self._collect()

    def _collect(self) -> tuple[T] | None:
        chunks = []
        try:
            while chunk := os.read(self._read, 1 << 20):
                chunks.append(chunk)
        except OSError:
            chunks = []
        finally:
            os.close(self._read)
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
        if status != 0 or not chunks:
            return None
        try:
            # Our own child's bytes, through a pipe only it and we hold.
            answer: tuple[T] = pickle.loads(b"".join(chunks))  # noqa: S301
        except Exception:  # a result that did not survive the pipe: compute it here
            return None
        return answer


def _child(fn: Callable[[], T], write: int) -> None:
    code = 1
    try:
        data = pickle.dumps((fn(),), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as out:
            out.write(data)
        code = 0
    except BaseException:  # noqa: S110 (the parent computes it again and sees why)
        pass
    finally:
        os._exit(code)

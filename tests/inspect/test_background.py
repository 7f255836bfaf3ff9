"""scaffolder.inspect.background: a function's answer from a forked child, or from here."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from scaffolder.inspect.background import Background


def test_the_answer_comes_from_the_child() -> None:
    parent = os.getpid()
    job = Background(lambda: (os.getpid(), [1, 2, 3]))
    pid, value = job.result()
    assert value == [1, 2, 3]
    assert pid != parent  # computed in the child (the test machine can fork, 2+ cores)


def test_a_failing_child_leaves_the_call_and_its_exception_to_the_parent(tmp_path: Path) -> None:
    marker = tmp_path / "calls"

    def flaky() -> int:
        with marker.open("a") as calls:
            calls.write(f"{os.getpid()}\n")
        raise ValueError("no luck")

    job = Background(flaky)
    with pytest.raises(ValueError, match="no luck"):
        job.result()
    callers = marker.read_text().split()
    assert len(callers) == 2 and callers[-1] == str(os.getpid())


def test_an_answer_that_cannot_be_pickled_is_computed_here() -> None:
    job = Background(lambda: (os.getpid(), lambda: None))
    pid, _ = job.result()
    assert pid == os.getpid()


def test_cancel_stops_a_running_child(tmp_path: Path) -> None:
    done = tmp_path / "done"

    def slow() -> None:
        time.sleep(30)
        done.write_text("finished")

    job = Background(slow)
    started = time.monotonic()
    job.cancel()
    assert time.monotonic() - started < 10
    assert not done.exists()

"""Run one command as a step: timed, its exit code and first error line recorded
(scaffolder/smoke/host.py, which `scaffold smoke --ci` shares)."""

from __future__ import annotations

import contextlib
import fcntl
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from scaffolder.smoke.host import first_error, kill_group, run_command
from tests.run_contract.models import Step

__all__ = ["first_error", "kill_group", "machine_lock", "run_step", "without_pip_cache_flag"]


def run_step(
    phase: str,
    name: str,
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    *,
    timeout: float = 900,
    blocking: bool = True,
    shown: str | None = None,
) -> Step:
    """Run `argv` in its own process group; the whole group is killed on a timeout."""
    run = run_command(argv, cwd, env, timeout=timeout)
    command = shown if shown is not None else " ".join(argv)
    error = "" if run.exit_code == 0 else first_error(run.output)
    return Step(phase, name, command, run.exit_code, run.seconds, error, blocking)


@contextlib.contextmanager
def machine_lock(name: str) -> Iterator[None]:
    """Hold a lock shared by every harness process on this machine (pytest-xdist workers):
    two fixtures' apps may listen on the same fixed port (3000, 5000...), so starting an
    app and running its tests hold its port's lock; the rest runs side by side."""
    path = Path(tempfile.gettempdir()) / f"scaffold-run-contract-{name}.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def without_pip_cache_flag(command: str) -> str:
    """The image's `pip install --no-cache-dir` keeps pip's cache out of the layer; on the
    host the harness shares one warm cache across fixtures (the same packages install)."""
    return re.sub(r"\s--no-cache-dir\b", "", command)

"""Run one command as a step: timed, its exit code and first error line recorded."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.run_contract.models import Step

# npm's bookkeeping lines ("npm error code EUSAGE") say less than the line after them.
_NOISE = re.compile(
    r"^npm (error|ERR!) (code|errno|path|syscall|command|A complete log)\b"
    r"|^x Build failed in [\d.]+m?s$|^error during build:$"  # vite's, before its real error
)
_ERROR_WORDS = ("error", "err!", "failed", "cannot", "not found", "exception", "traceback")


def first_error(text: str) -> str:
    """The first line that reads like an error, else the last non-empty line."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # colours
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [
        line for line in lines if not _NOISE.match(line) and line not in {"npm error", "npm ERR!"}
    ]
    if "Traceback (most recent call last)" in text:  # a Python traceback: what was raised
        tail = text.rsplit("Traceback (most recent call last)", 1)[1].splitlines()
        raised = [line for line in tail if re.match(r"^[A-Za-z_][\w.]*(:|$)", line)]
        if raised:
            return raised[-1].strip()[:300]
    for line in lines:
        if any(word in line.lower() for word in _ERROR_WORDS):
            return line[:300]
    return lines[-1][:300] if lines else ""


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
    start = time.monotonic()
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        kill_group(proc)
        out, code = f"timed out after {timeout:.0f}s", None
    finally:
        kill_group(proc)
    seconds = time.monotonic() - start
    command = shown if shown is not None else " ".join(argv)
    error = "" if code == 0 else first_error(out or "")
    return Step(phase, name, command, code, seconds, error, blocking)


def kill_group(proc: subprocess.Popen[str]) -> None:
    """SIGTERM the process group, then SIGKILL what is left; reap the leader."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            break
        try:
            proc.wait(timeout=5)
            if sig == signal.SIGTERM:
                time.sleep(0.2)  # children of the leader get a moment, then SIGKILL
        except subprocess.TimeoutExpired:
            continue
    if proc.poll() is None:
        proc.wait(timeout=5)


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

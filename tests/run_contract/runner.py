"""Run one command as a step: timed, its exit code and first error line recorded."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

from tests.run_contract.models import Step

# npm's bookkeeping lines ("npm error code EUSAGE") say less than the line after them.
_NOISE = re.compile(r"^npm (error|ERR!) (code|errno|path|syscall|command|A complete log)\b")
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

"""Run one command on the host, bounded in time, and read its first error line.

Shared by `scaffold smoke --ci` (ci_replay.py) and the run-contract harness
(tests/run_contract/), so a failure reads the same in a record, a finding and a benchmark.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# npm's bookkeeping lines ("npm error code EUSAGE") say less than the line after them.
_NOISE = re.compile(
    r"^npm (error|ERR!) (code|errno|path|syscall|command|A complete log)\b"
    r"|^[x✗] Build failed in [\d.]+m?s$|^error during build:$"  # vite's, before its real error
    # esbuild's and pnpm's warnings name a missing file without failing the build (an
    # unseen SvelteKit prototype's real error came after "[WARNING] Cannot find base config")
    r"|^▲ \[WARNING\]|^WARN\b"
)
_ERROR_WORDS = ("error", "err!", "failed", "cannot", "not found", "exception", "traceback")
_COLOURS = re.compile(r"\x1b\[[0-9;]*m")
_RAISED = re.compile(r"^[A-Za-z_][\w.]*(:|$)")
MAX_LINE = 300
# Test runners' own summary of a failed test, clearer than the first line with "error":
# pytest's short summary, unittest's (Django's manage.py test) header.
_TEST_SUMMARY = re.compile(r"^(?:FAILED|ERROR) \S+\.py(?:::\S+)?(?: - |$)|^(?:FAIL|ERROR): \w+ \(")
# node --test's TAP ("not ok 1 - adds"), jest's "● suite > test": the line after says why.
# jest's "● Console" block is the tests' own logging, not a failure.
_TEST_NAMED = re.compile(r"^(?:not ok \d+ - |● (?!Console$))")
_TAP_NOISE = re.compile(r"^(?:---|duration_ms:|location:|failureType:|error: \|-?|# Subtest)")


def _test_failure(lines: list[str]) -> str | None:
    """The failed test and what it says, from a test runner's output; None if none."""
    for line in lines:
        if _TEST_SUMMARY.match(line):
            return line
    for i, line in enumerate(lines):
        if _TEST_NAMED.match(line):
            why = next((n for n in lines[i + 1 : i + 8] if not _TAP_NOISE.match(n)), "")
            why = why.removeprefix("error: ")
            if len(why) > 1 and why[0] == why[-1] and why[0] in "'\"":
                why = why[1:-1]  # TAP quotes a one-line message
            return f"{line}: {why}" if why else line
    return None


def first_error(text: str) -> str:
    """The first line that reads like an error, else the last non-empty line.

    For a Python traceback, the last line naming what was raised ("ImportError: ...").
    """
    text = _COLOURS.sub("", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [
        line for line in lines if not _NOISE.match(line) and line not in {"npm error", "npm ERR!"}
    ]
    if "Traceback (most recent call last)" in text:
        tail = text.rsplit("Traceback (most recent call last)", 1)[1].splitlines()
        raised = [line for line in tail if _RAISED.match(line)]
        if raised:
            return raised[-1].strip()[:MAX_LINE]
    test = _test_failure(lines)
    if test is not None:
        return test[:MAX_LINE]
    for line in lines:
        if any(word in line.lower() for word in _ERROR_WORDS):
            return line[:MAX_LINE]
    return lines[-1][:MAX_LINE] if lines else ""


@dataclass(frozen=True)
class CommandRun:
    exit_code: int | None  # None: timed out, or could not start
    output: str  # stdout and stderr, interleaved
    seconds: float


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


def run_command(
    argv: list[str], cwd: Path, env: Mapping[str, str], *, timeout: float
) -> CommandRun:
    """Run `argv` in its own process group; the whole group is killed on a timeout, and
    on an interrupt (the group goes down with scaffold, then the interrupt goes on)."""
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
            start_new_session=True,
        )
    except OSError as exc:
        return CommandRun(None, f"cannot start {argv[0]}: {exc.strerror or exc}", 0.0)
    try:
        out, _ = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        kill_group(proc)
        out, code = f"timed out after {timeout:.0f}s", None
    finally:
        kill_group(proc)
    return CommandRun(code, out or "", time.monotonic() - start)

"""The git processes the history scan runs: plain, piped, begun in the background, or
begun only when needed (inspect/history_secrets.py)."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from typing import IO

from scaffolder.inspect.git import READ_ONLY, run_read_only


class HistoryGit:
    def __init__(self, root: Path, executable: str) -> None:
        self.root = root
        # `git log --raw` names paths: unquoted, as the tree holds them.
        self.argv = [*READ_ONLY.argv(executable), "-c", "core.quotePath=false"]
        self.env = READ_ONLY.env()

    def run(self, args: list[str], stdin: bytes | None = None) -> tuple[int, bytes]:
        return run_read_only([*self.argv, *args], self.root, timeout=600, stdin=stdin)

    def pipe(self, first: list[str], second: list[str]) -> tuple[int, bytes]:
        """`git FIRST | git SECOND`, both running at once: the first non-zero exit code
        (FIRST's before SECOND's) and SECOND's output, as two `run` calls would give."""
        started: list[subprocess.Popen[bytes]] = []
        try:
            feeder = self._popen(first, stdin=subprocess.DEVNULL)
            started.append(feeder)
            assert feeder.stdout is not None
            with feeder.stdout:
                reader = self._popen(second, stdin=feeder.stdout)
                started.append(reader)
            out, _ = reader.communicate(timeout=600)
            feeder.wait(timeout=600)
        except (OSError, subprocess.SubprocessError):
            for proc in started:
                proc.kill()
                proc.wait()
            return 127, b""
        return (feeder.returncode or reader.returncode), out

    def _popen(self, args: list[str], stdin: IO[bytes] | int) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*self.argv, *args],
            cwd=self.root,
            env=self.env,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def start(self, args: list[str]) -> Started:
        """`run(args)` begun now, in the background, for its answer later."""
        return Started(self, args)

    def stream(self, args: list[str]) -> subprocess.Popen[bytes]:
        return self._popen(args, stdin=subprocess.PIPE)


class Started:
    """A git command that runs while the scan goes on (git's own work is half the time on
    a long history): a thread reads its output, `result()` answers as `HistoryGit.run` would."""

    def __init__(self, git: HistoryGit, args: list[str]) -> None:
        self._answer: tuple[int, bytes] = (127, b"")
        self._thread = threading.Thread(target=self._run, args=(git, args), daemon=True)
        self._thread.start()

    def _run(self, git: HistoryGit, args: list[str]) -> None:
        self._answer = git.run(args)

    def result(self) -> tuple[int, bytes]:
        self._thread.join()
        return self._answer


class WhenNeeded:
    """A git command that only a hit needs (which commit introduced it, in what order):
    begun at the first `start()`, so a history that holds no secret never runs it."""

    def __init__(self, git: HistoryGit, args: list[str]) -> None:
        self._git, self._args = git, args
        self._started: Started | None = None

    def start(self) -> None:
        if self._started is None:
            self._started = self._git.start(self._args)

    def result(self) -> tuple[int, bytes]:
        self.start()
        assert self._started is not None
        return self._started.result()

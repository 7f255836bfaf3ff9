"""A small, isolated `git` runner for the init engine.

Every call runs with the user's global and system git config switched off and
a fixed identity, so that hooks, `commit.gpgsign`, `core.autocrlf` or a missing
`user.email` on a CI machine cannot change what the engine reads or writes.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from scaffolder.errors import MissingToolError

# Fixed identity and dates: commits of the template history are reproducible.
IDENTITY = {
    "GIT_AUTHOR_NAME": "scaffold",
    "GIT_AUTHOR_EMAIL": "scaffold@localhost",
    "GIT_COMMITTER_NAME": "scaffold",
    "GIT_COMMITTER_EMAIL": "scaffold@localhost",
}
FIXED_DATE = "2000-01-01T00:00:00Z"


def isolated_env(*, fixed_date: bool = False) -> dict[str, str]:
    """The environment for git: the caller's, minus its git configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(IDENTITY)
    env["GIT_CONFIG_GLOBAL"] = os.devnull
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["GIT_TERMINAL_PROMPT"] = "0"
    if fixed_date:
        env["GIT_AUTHOR_DATE"] = FIXED_DATE
        env["GIT_COMMITTER_DATE"] = FIXED_DATE
    return env


class GitCommandError(Exception):
    """A git command exited non-zero (callers translate it into a ScaffoldError)."""

    def __init__(self, args: list[str], stderr: str) -> None:
        super().__init__(f"git {' '.join(args)}: {stderr.strip()}")
        self.stderr = stderr


def git(
    cwd: Path,
    *args: str,
    check: bool = True,
    fixed_date: bool = False,
    input_bytes: bytes | None = None,
    extra_env: dict[str, str] | None = None,
    isolated: bool = True,
) -> str:
    """Run `git args` in `cwd` and return its stdout (text).

    `isolated=False` is for reading the user's own repository: their config
    (safe.directory, core.excludesFile) decides what git sees there.
    """
    env = isolated_env(fixed_date=fixed_date) if isolated else {**os.environ}
    env["GIT_TERMINAL_PROMPT"] = "0"
    if extra_env:
        env.update(extra_env)
    try:
        proc = subprocess.run(
            ["git", "-c", "core.autocrlf=false", "-c", "commit.gpgsign=false", *args],
            cwd=cwd,
            env=env,
            input=input_bytes,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError as exc:
        raise MissingToolError(
            "git is not installed.", hint="Install git; scaffold init needs it."
        ) from exc
    if check and proc.returncode != 0:
        raise GitCommandError(list(args), proc.stderr.decode("utf-8", "replace"))
    return proc.stdout.decode("utf-8", "surrogateescape")


def is_work_tree(path: Path) -> bool:
    """True when `path` is inside a git working tree."""
    out = git(path, "rev-parse", "--is-inside-work-tree", check=False, isolated=False)
    return out.strip() == "true"


def status_lines(path: Path) -> list[str]:
    """`git status --porcelain` entries (untracked included, ignored excluded)."""
    out = git(
        path, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".", isolated=False
    )
    return [entry for entry in out.split("\0") if entry]


def listed_files(path: Path) -> list[str]:
    """Tracked plus untracked-but-not-ignored files under `path`, relative to it."""
    out = git(
        path,
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
        "--",
        ".",
        isolated=False,
    )
    return sorted({entry for entry in out.split("\0") if entry})

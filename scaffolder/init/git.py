"""A small, isolated `git` runner for the init engine.

Every call runs with the user's global and system git config switched off and
a fixed identity, so that hooks, `commit.gpgsign`, `core.autocrlf` or a missing
`user.email` on a CI machine cannot change what the engine reads or writes.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from scaffolder.errors import GitStateError, MissingToolError

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
    if not isolated:
        # Reads of the user's repository never refresh or lock its index: --pretend
        # writes nothing, and a read-only repository can still be read.
        env["GIT_OPTIONAL_LOCKS"] = "0"
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


CORRUPT_HINT = (
    "Run `git fsck` to see what is damaged, then repair .git or restore it from a clone or backup."
)


def corrupt(stderr: str) -> GitStateError:
    """git's own last word (its `fatal:` line) on a repository it cannot read."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith("fatal:")]
    detail = (fatal or lines or ["git cannot read it"])[-1].removeprefix("fatal:").strip()
    if "dubious ownership" in detail:
        return GitStateError(
            f"git refuses to read the repository: {detail.rstrip('.')}.",
            "If you trust it, run `git config --global --add safe.directory <path>` and run again.",
        )
    return GitStateError(f"The repository is corrupt: {detail.rstrip('.')}.", CORRUPT_HINT)


def is_work_tree(path: Path) -> bool:
    """True inside a git working tree, False outside any; a damaged `.git` is an error.

    git skips a `.git` it cannot read and reports "not a git repository", so a
    corrupt repository would pass for a plain folder (and get everything
    written without a way to review it): a `.git` on the way up means corrupt.
    """
    try:
        out = git(path, "rev-parse", "--is-inside-work-tree", isolated=False)
    except GitCommandError as exc:
        if "not a git repository" not in exc.stderr:
            raise corrupt(exc.stderr) from exc
        for folder in (path, *path.parents):
            if (folder / ".git").exists():
                raise GitStateError(
                    f"The repository is corrupt: git does not recognise {folder / '.git'}.",
                    CORRUPT_HINT,
                ) from exc
        return False
    return out.strip() == "true"


def _read(path: Path, *args: str) -> list[str]:
    try:
        out = git(path, *args, "--", ".", isolated=False)
    except GitCommandError as exc:
        raise corrupt(exc.stderr) from exc
    return [entry for entry in out.split("\0") if entry]


def status_lines(path: Path) -> list[str]:
    """`git status --porcelain` entries (untracked included, ignored excluded)."""
    return _read(path, "status", "--porcelain=v1", "-z", "--untracked-files=all")


def listed_files(path: Path) -> list[str]:
    """Tracked plus untracked-but-not-ignored files under `path`, relative to it."""
    return sorted(set(_read(path, "ls-files", "-z", "--cached", "--others", "--exclude-standard")))

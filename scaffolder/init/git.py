"""The init engine's `git` runner, under scaffolder/git.py's two policies.

Calls run isolated by default (a repository scaffold owns: no user config, a fixed
identity); `isolated=False` reads the user's own repository, read only.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from scaffolder.errors import GitStateError, MissingToolError
from scaffolder.git import ISOLATED, users_repository

# Init refuses a repository git does not trust (it writes there next): git says why.
USERS_REPOSITORY = users_repository(trust_any_owner=False)


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
    policy = ISOLATED if isolated else USERS_REPOSITORY
    env = policy.env(fixed_date=fixed_date)
    if extra_env:
        env.update(extra_env)
    try:
        proc = subprocess.run(
            [*policy.argv(), *args],
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

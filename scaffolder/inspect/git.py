"""What git knows about the repository: tracked paths, HEAD, the GitHub remote."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scaffolder.git import users_repository
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.models import ScanWarning, WarningKind

# (args, cwd) -> (returncode, stdout bytes); tests inject a fake to simulate a missing git.
GitRunner = Callable[[list[str], Path], tuple[int, bytes]]

_GITHUB_REMOTE = lazy_regex(
    r"^(?:https?://(?:[^@/]+@)?github\.com/|git@github\.com:|ssh://git@github\.com(?::\d+)?/)"
    r"(?P<owner>[A-Za-z0-9_.-]+)/(?P<name>[A-Za-z0-9_.-]+?)(?:\.git)?/?$"
)


# The audit reads whatever folder it is pointed at, even one another user owns.
READ_ONLY = users_repository(trust_any_owner=True)


def run_git(args: list[str], cwd: Path) -> tuple[int, bytes]:
    return run_read_only([*READ_ONLY.argv(), *args], cwd, timeout=120)


def run_read_only(
    argv: list[str], cwd: Path, *, timeout: float, stdin: bytes | None = None
) -> tuple[int, bytes]:
    """(exit code, stdout) of a git command line under READ_ONLY's environment; 127 when
    git cannot be started or does not finish in time."""
    try:
        proc = subprocess.run(
            argv,
            cwd=cwd,
            env=READ_ONLY.env(),
            input=stdin,
            capture_output=True,
            check=False,
            timeout=timeout,
        )
    except (OSError, subprocess.SubprocessError):
        return 127, b""
    return proc.returncode, proc.stdout


# One rev-parse answers four questions, a line each, in this order: inside a work tree,
# this folder's path in it (an empty line at the top), shallow clone, HEAD's commit (the
# last line is missing, and the exit code 1, in a repository with no commit yet). One git
# process instead of four: each costs a few ms, which is much of a small audit.
STATE_QUERY = [
    "rev-parse",
    "--is-inside-work-tree",
    "--show-prefix",
    "--is-shallow-repository",
    "--verify",
    "-q",
    "HEAD",
]


@dataclass(frozen=True)
class RepoState:
    prefix: str  # the folder's path from the top of the work tree, "" or ending in "/"
    shallow: bool
    head: str | None  # None before the first commit


@dataclass
class GitInfo:
    state: RepoState | None = None  # STATE_QUERY's answer; None outside a work tree
    remote: str | None = None  # owner/name on GitHub
    tracked: list[str] = field(default_factory=list)
    warnings: list[ScanWarning] = field(default_factory=list)

    @property
    def is_git(self) -> bool:
        return self.state is not None

    @property
    def head_commit(self) -> str | None:
        return self.state.head if self.state is not None else None


def github_slug(url: str) -> str | None:
    """owner/name from a GitHub remote URL, None for any other host."""
    match = _GITHUB_REMOTE.match(url.strip())
    if match is None:
        return None
    return f"{match['owner']}/{match['name']}"


def parse_state(code: int, out: bytes) -> RepoState | None:
    """The answer to STATE_QUERY; None outside a work tree (or without git)."""
    first, _, rest = out.decode("utf-8", "replace").partition("\n")
    if code not in (0, 1) or first != "true" or not rest.endswith("\n"):
        return None
    # The prefix is a path and may hold anything, so the fixed lines are taken from the end.
    parts = rest[:-1].rsplit("\n", 2 if code == 0 else 1)
    if len(parts) != (3 if code == 0 else 2):
        return None
    head = parts[2].strip() if code == 0 else ""
    return RepoState(prefix=parts[0], shallow=parts[1] == "true", head=head or None)


def read_git_info(root: Path, runner: GitRunner = run_git) -> GitInfo:
    code, out = runner(STATE_QUERY, root)
    state = parse_state(code, out)
    if state is None:
        message = (
            "git is not installed; scanned the folder as it is"
            if code == 127
            else "not a git repository; scanned the folder as it is, history not checked"
        )
        return GitInfo(warnings=[ScanWarning(kind=WarningKind.NOT_GIT, path=None, message=message)])
    info = GitInfo(state=state)
    (code, out), remote = _at_once(
        runner, root, ["ls-files", "-z", "--full-name"], ["config", "--get", "remote.origin.url"]
    )
    if code == 0:
        names = (p.decode("utf-8", "replace") for p in out.split(b"\0") if p)
        # --full-name paths start at the top of the work tree; make them relative to root.
        strip = state.prefix
        info.tracked = sorted(n[len(strip) :] for n in names if n.startswith(strip))
    code, out = remote
    if code == 0 and out.strip():
        info.remote = github_slug(out.decode("utf-8", "replace"))
    return info


def _at_once(runner: GitRunner, root: Path, *commands: list[str]) -> list[tuple[int, bytes]]:
    """Each command's answer; they run side by side (a git start-up is a few ms each)."""
    answers: list[tuple[int, bytes]] = [(127, b"")] * len(commands)

    def run(i: int) -> None:
        answers[i] = runner(commands[i], root)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(1, len(commands))]
    for thread in threads:
        thread.start()
    run(0)
    for thread in threads:
        thread.join()
    return answers


def committed_dirs_named(tracked: list[str], name: str) -> list[str]:
    """Folders called `name` (e.g. node_modules) that have committed files, outermost only."""
    found: set[str] = set()
    for path in tracked:
        parts = path.split("/")
        if name in parts[:-1]:
            found.add("/".join(parts[: parts.index(name) + 1]))
    return sorted(found)

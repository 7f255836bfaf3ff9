"""What git knows about the repository: tracked paths, HEAD, the GitHub remote."""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scaffolder.git import users_repository
from scaffolder.models import ScanWarning, WarningKind

# (args, cwd) -> (returncode, stdout bytes); tests inject a fake to simulate a missing git.
GitRunner = Callable[[list[str], Path], tuple[int, bytes]]

_GITHUB_REMOTE = re.compile(
    r"^(?:https?://(?:[^@/]+@)?github\.com/|git@github\.com:|ssh://git@github\.com(?::\d+)?/)"
    r"(?P<owner>[A-Za-z0-9_.-]+)/(?P<name>[A-Za-z0-9_.-]+?)(?:\.git)?/?$"
)


# The audit reads whatever folder it is pointed at, even one another user owns.
READ_ONLY = users_repository(trust_any_owner=True)


def run_git(args: list[str], cwd: Path) -> tuple[int, bytes]:
    try:
        proc = subprocess.run(
            [*READ_ONLY.argv(), *args],
            cwd=cwd,
            env=READ_ONLY.env(),
            capture_output=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return 127, b""
    return proc.returncode, proc.stdout


@dataclass
class GitInfo:
    is_git: bool = False
    head_commit: str | None = None
    remote: str | None = None  # owner/name on GitHub
    tracked: list[str] = field(default_factory=list)
    warnings: list[ScanWarning] = field(default_factory=list)


def github_slug(url: str) -> str | None:
    """owner/name from a GitHub remote URL, None for any other host."""
    match = _GITHUB_REMOTE.match(url.strip())
    if match is None:
        return None
    return f"{match['owner']}/{match['name']}"


def read_git_info(root: Path, runner: GitRunner = run_git) -> GitInfo:
    code, out = runner(["rev-parse", "--is-inside-work-tree"], root)
    if code != 0 or out.strip() != b"true":
        message = (
            "git is not installed; scanned the folder as it is"
            if code == 127
            else "not a git repository; scanned the folder as it is, history not checked"
        )
        return GitInfo(warnings=[ScanWarning(kind=WarningKind.NOT_GIT, path=None, message=message)])
    info = GitInfo(is_git=True)
    (code, out), (prefix_code, prefix), head, remote = _at_once(
        runner,
        root,
        ["ls-files", "-z", "--full-name"],
        ["rev-parse", "--show-prefix"],
        ["rev-parse", "--verify", "-q", "HEAD"],
        ["config", "--get", "remote.origin.url"],
    )
    strip = prefix.decode("utf-8", "replace").strip() if prefix_code == 0 else ""
    if code == 0:
        names = (p.decode("utf-8", "replace") for p in out.split(b"\0") if p)
        # --full-name paths start at the top of the work tree; make them relative to root.
        info.tracked = sorted(n[len(strip) :] for n in names if n.startswith(strip))
    code, out = head
    if code == 0 and out.strip():
        info.head_commit = out.decode().strip()
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

"""The first steps of an inspection: check the folder, ask git, fork the history scan.

They need only this module's imports (git, the secret detectors, the models), not the
other detectors, the audit's rules or its cost model. `scaffold audit` takes them before
importing those (cli/audit_run.py), so the history child scans while the parent imports
the rest (~50 ms of a small audit) instead of starting after it. Nothing is imported
twice: what the child needs is loaded before it is forked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scaffolder.errors import InputError
from scaffolder.inspect.background import Background
from scaffolder.inspect.git import GitInfo, GitRunner, read_git_info, run_git
from scaffolder.inspect.history_secrets import scan_history_secrets
from scaffolder.models import ScanWarning, SecretFinding

History = Background[tuple[list[SecretFinding], list[ScanWarning]]]


@dataclass
class Opening:
    """A checked root, what git said of it, and the history scan under way (or None)."""

    root: Path
    git: GitInfo
    history: History | None

    def cancel(self) -> None:
        """Stop the history child (a no-op once its result was read)."""
        if self.history is not None:
            self.history.cancel()


def open_inspection(root: Path, *, scan_history: bool, git_runner: GitRunner = run_git) -> Opening:
    root = check_root(Path(root))
    git = read_git_info(root, git_runner)
    history = _start_history(root, git) if scan_history and git.is_git else None
    return Opening(root=root, git=git, history=history)


def check_root(root: Path) -> Path:
    if not root.exists():
        raise InputError(
            f"{root} does not exist.", hint="Pass the path of the repository to inspect."
        )
    if not root.is_dir():
        raise InputError(f"{root} is not a folder.", hint="Pass the repository's top folder.")
    try:
        os.listdir(root)  # an unreadable folder is the caller's to fix, like a missing one
    except OSError as exc:
        raise InputError(
            f"Cannot read {root}: {exc.strerror or exc}.",
            hint="Run scaffold as a user who can read the repository, or fix its permissions.",
        ) from exc
    return root.resolve()


def _start_history(root: Path, git: GitInfo) -> History:
    """The history scan, started in a second process while the tree is inspected.

    It runs without the tree's findings: a value the tree holds is dropped from the
    history's findings afterwards (repository.py, `_history`), which leaves what a scan
    told to skip those values would find (each value is placed on its own).
    """
    # What git told read_git_info, so the child does not ask again.
    return Background(lambda: scan_history_secrets(root, set(), state=git.state))

"""The first steps of an inspection: check the folder, ask git, fork the history scan,
start zizmor on the repository's workflows.

They need only this module's imports (git, the secret detectors, the models), not the
other detectors, the audit's rules or its cost model. `scaffold audit` takes them before
importing those (cli/audit_run.py), so the history child scans, and zizmor (~150 ms of
its own start-up) runs, while the parent imports the rest (~50 ms of a small audit) and
walks the tree, instead of after. Nothing is imported twice: what the child needs is
loaded before it is forked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scaffolder.errors import InputError
from scaffolder.inspect.background import Background
from scaffolder.inspect.git import GitInfo, GitRunner, read_git_info, run_git
from scaffolder.inspect.history_secrets import scan_history_secrets
from scaffolder.inspect.workflow_audit import ListedWorkflows, start_listed_workflows
from scaffolder.models import ScanWarning, SecretFinding

History = Background[tuple[list[SecretFinding], list[ScanWarning]]]


@dataclass
class Opening:
    """A checked root, what git said of it, the history scan under way (or None), and
    zizmor under way on the workflows."""

    root: Path
    git: GitInfo
    history: History | None
    workflows: ListedWorkflows

    def cancel(self) -> None:
        """Stop the history child (a no-op once its result was read)."""
        if self.history is not None:
            self.history.cancel()


def open_inspection(
    root: Path,
    *,
    scan_history: bool,
    git_runner: GitRunner = run_git,
    workflows: ListedWorkflows | None = None,
) -> Opening:
    """`workflows`: zizmor, when the caller started it already (start_listed_workflows)."""
    root = check_root(Path(root))
    git = read_git_info(root, git_runner)
    history = _start_history(root, git) if scan_history and git.is_git else None
    workflows = workflows or start_listed_workflows(root)
    return Opening(root=root, git=git, history=history, workflows=workflows)


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

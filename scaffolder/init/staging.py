"""The staging copy: Copier works on a throwaway git repository, never on the user's files.

The repository's files are copied into a temporary folder and committed there
as a baseline; Copier copies or updates that folder; the difference to the
baseline is the change set that `transaction.apply_changes` writes back in one step.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from scaffolder.init.git import git, listed_files

# Never copied into the staging area: VCS data and dependency or build caches the
# template never writes into (a template output that exists is copied regardless).
SKIP_DIRS = frozenset(
    {
        ".git",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".next",
        ".nuxt",
        ".svelte-kit",
        ".turbo",
        ".cache",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)
BASELINE = "refs/scaffold/baseline"
CONFLICT_MARKERS = (b"<<<<<<< before updating", b">>>>>>> after updating")


@dataclass(frozen=True)
class Change:
    path: str  # POSIX, relative to the repository root
    kind: Literal["A", "M", "D"]


def source_files(root: Path, *, is_git: bool) -> list[str]:
    """The repository's own files: tracked plus untracked-not-ignored, or a walk without git."""
    if is_git:
        return [p for p in listed_files(root) if not _skipped(p)]
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        rel = Path(folder).relative_to(root).as_posix()
        dirs[:] = [d for d in dirs if not _skipped(d if rel == "." else f"{rel}/{d}")]
        found.extend(f if rel == "." else f"{rel}/{f}" for f in files)
    return sorted(found)


def _skipped(path: str) -> bool:
    parts = path.split("/")
    return any(part in SKIP_DIRS for part in parts) or path.startswith(".scaffold/tmp/")


def build_stage(root: Path, stage: Path, files: Iterable[str]) -> list[str]:
    """Copy `files` from `root` into `stage` and commit them; return what was copied."""
    stage.mkdir(parents=True, exist_ok=True)
    copied: list[str] = []
    for rel in sorted(set(files)):
        source = root / rel
        if not (source.is_file() or source.is_symlink()) or source.is_dir():
            continue  # a submodule or a path that vanished
        target = stage / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
        copied.append(rel)
    git(stage, "init", "-q", "-b", "main")
    commit_all(stage, "baseline")
    git(stage, "update-ref", BASELINE, "HEAD")
    return copied


def commit_all(stage: Path, message: str) -> None:
    git(stage, "add", "-A", "-f", ".")
    git(stage, "commit", "-q", "--allow-empty", "--no-verify", "-m", message)


def stage_changes(stage: Path) -> list[Change]:
    """What differs in `stage` from its baseline commit."""
    git(stage, "add", "-A", "-f", ".")
    out = git(stage, "diff", "--cached", "--name-status", "--no-renames", "-z", BASELINE)
    fields = [f for f in out.split("\0") if f]
    changes: list[Change] = []
    for status, path in zip(fields[::2], fields[1::2], strict=True):
        kind = status[0]
        if kind == "T":
            kind = "M"
        if kind in ("A", "M", "D"):
            changes.append(Change(path=path, kind=kind))  # type: ignore[arg-type]
    return changes


def conflicted(stage: Path, changes: Iterable[Change]) -> list[str]:
    """Changed files that Copier left with inline conflict markers."""
    found: list[str] = []
    for change in changes:
        if change.kind == "D":
            continue
        with (stage / change.path).open("rb") as handle:
            lines = {line.rstrip() for line in handle}
        if any(marker in lines for marker in CONFLICT_MARKERS):
            found.append(change.path)
    return found


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (relative POSIX path -> content)."""
    result: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not rel.startswith(".git/"):
            result[rel] = path.read_bytes()
    return result


def read_files(folder: Path, paths: Iterable[str]) -> dict[str, bytes]:
    """The content of those `paths` that are files under `folder`."""
    return {p: (folder / p).read_bytes() for p in sorted(set(paths)) if (folder / p).is_file()}

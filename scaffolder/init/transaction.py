"""Write a change set into the repository in one step, or not at all.

Each original is backed up before it is replaced; if anything fails half way
(an error, a full disk, Ctrl-C), every file already written is put back and
every file or folder created is removed, then the exception continues.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scaffolder.errors import GitStateError, SafetyRefusal
from scaffolder.init.staging import Change

Checkpoint = Callable[[str], None]


@dataclass
class _Applied:
    target: Path
    backup: Path | None  # None: the file did not exist before
    created_dirs: list[Path] = field(default_factory=list)


def apply_changes(
    root: Path,
    stage: Path,
    changes: Sequence[Change],
    checkpoint: Checkpoint = lambda _stage: None,
) -> None:
    """Copy `changes` from `stage` into `root`; on any failure restore `root` exactly."""
    real_root = root.resolve()
    applied: list[_Applied] = []
    backups = Path(tempfile.mkdtemp(prefix="scaffold-backup-"))
    try:
        for number, change in enumerate(changes):
            target = root / change.path
            _check_inside(real_root, target, change.path)
            exists = target.exists() or target.is_symlink()
            if change.kind == "A" and exists:
                raise GitStateError(
                    f"{change.path} appeared while scaffold was running; nothing was changed.",
                    hint="Run scaffold init again.",
                )
            record = _Applied(target=target, backup=None)
            if exists:
                record.backup = backups / str(number)
                shutil.copy2(target, record.backup, follow_symlinks=False)
            record.created_dirs = _make_parents(target.parent, real_root)
            applied.append(record)
            if change.kind == "D":
                target.unlink()
            else:
                _replace(stage / change.path, target)
            checkpoint(f"applied {change.path}")
    except BaseException:
        _rollback(applied)
        raise
    finally:
        shutil.rmtree(backups, ignore_errors=True)


def _check_inside(real_root: Path, target: Path, rel: str) -> None:
    parent = target.parent.resolve()
    if parent != real_root and real_root not in parent.parents:
        raise SafetyRefusal(
            f"{rel} resolves outside the repository (through a symlink); nothing was changed.",
            hint="Replace the symlinked folder with a real one, or remove it.",
        )


def _make_parents(folder: Path, real_root: Path) -> list[Path]:
    missing: list[Path] = []
    current = folder
    while not current.exists() and current.resolve() != real_root:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        path.mkdir()
    return missing  # deepest first: the order to remove them in


def _replace(source: Path, target: Path) -> None:
    """Write `source` over `target` atomically (a temporary file in the same folder)."""
    handle, temp = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".scaffold", dir=target.parent
    )
    os.close(handle)
    try:
        shutil.copy2(source, temp)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _rollback(applied: list[_Applied]) -> None:
    for record in reversed(applied):
        if record.backup is not None:
            if record.target.is_symlink() or record.target.exists():
                record.target.unlink()
            shutil.copy2(record.backup, record.target, follow_symlinks=False)
        else:
            record.target.unlink(missing_ok=True)
        for folder in record.created_dirs:
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()

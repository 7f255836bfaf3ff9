"""Write a change set into the repository in one step, or not at all, even across a kill.

Everything is prepared before the first file changes: backups of the files to
replace or delete and the new contents sit in the journal folder, and the
journal is fsynced (`journal.py`). Each write is then one rename, scaffold's
own `.scaffold/context.json` and `answers.yml` last. On an error or Ctrl-C
the files already written are put back at once; on SIGKILL or a power cut the
next run puts them back (`recover`). Either way the repository ends as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError

from scaffolder.errors import GitStateError, InputError
from scaffolder.init import links
from scaffolder.init.journal import (
    JOURNAL_DIR,
    Journal,
    JournalEntry,
    discard,
    fsync_dir,
    fsync_file,
    held,
    in_use,
    leftover,
    move_into,
    read_journal,
    roll_back,
    sha256_of,
    write_journal,
)
from scaffolder.init.staging import Change

Checkpoint = Callable[[str], None]

# Written last, in this order: a run that stops before them is not mistaken for a finished one.
LAST = (".scaffold/template.bundle", ".scaffold/context.json", ".scaffold/answers.yml")
READ_ONLY_HINT = "Make the repository writable (check its permissions and mount), then run again."


def ordered(changes: Sequence[Change]) -> list[Change]:
    rank = {path: number for number, path in enumerate(LAST, start=1)}
    return sorted(changes, key=lambda c: rank.get(c.path, 0))


def apply_changes(
    root: Path,
    stage: Path,
    changes: Sequence[Change],
    checkpoint: Checkpoint = lambda _stage: None,
) -> None:
    """Copy `changes` from `stage` into `root`; on any failure restore `root` exactly."""
    todo = ordered(changes)
    links.check_paths(root, [c.path for c in todo])  # no link on any path written
    folder = root / JOURNAL_DIR
    try:
        journal = _prepare(root, stage, folder, todo, checkpoint)
    except BaseException as exc:
        discard(root, folder)
        _reraise(root, exc)
    checkpoint("journaled")
    with held(folder):  # another run must not take this live journal for a killed one
        try:
            for entry in journal.entries:
                _apply(root, folder, entry)
                checkpoint(f"applied {entry.path}")
            for parent in sorted({(root / e.path).parent for e in journal.entries}):
                if parent.is_dir():
                    fsync_dir(parent)  # the renames are durable before the journal goes
        except BaseException as exc:
            roll_back(root, folder, journal)
            discard(root, folder)
            _reraise(root, exc)
        discard(root, folder)


def recover(root: Path) -> str | None:
    """Roll back a run that was killed while writing; a sentence saying what was done."""
    folder = leftover(root)
    if folder is None:
        return None
    try:
        journal = read_journal(folder)
    except (ValidationError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{JOURNAL_DIR}/journal.json (left by an interrupted scaffold init) is malformed.",
            hint=f"Restore your files with git (git status, git checkout); delete {JOURNAL_DIR}.",
        ) from exc
    if journal is not None and in_use(folder):
        raise GitStateError(
            "Another scaffold init is writing to this repository right now.",
            hint="Wait for it to finish, then run scaffold init again.",
        )
    if journal is None:  # killed before its first write, or after its last: nothing to undo
        discard(root, folder)
        return None
    links.check_paths(root, [e.path for e in journal.entries])  # a journal is input too
    restored, left = roll_back(root, folder, journal)
    discard(root, folder)
    message = (
        f"An interrupted scaffold init was rolled back: {restored} file(s) put back as they "
        "were before it"
        if restored
        else "An interrupted scaffold init was cleared up; it had not changed any file"
    )
    if left:
        message += f"; left alone because they changed since: {', '.join(left)}"
    return message + "."


def _prepare(
    root: Path, stage: Path, folder: Path, todo: Sequence[Change], checkpoint: Checkpoint
) -> Journal:
    """Back up, stage the new contents and write the journal; the repository is untouched."""
    journal = Journal(created_dirs=_missing_dirs(root, todo))
    for rel in journal.created_dirs:
        _check_writable(root, root / rel)
    (folder / "backup").mkdir(parents=True, exist_ok=True)
    (folder / "new").mkdir(exist_ok=True)
    for number, change in enumerate(todo):
        target = root / change.path
        exists = target.exists() or target.is_symlink()
        if change.kind == "A" and exists:
            raise GitStateError(
                f"{change.path} appeared while scaffold was running; nothing was changed.",
                hint="Run scaffold init again.",
            )
        _check_writable(root, target.parent)
        entry = JournalEntry(path=change.path, kind=change.kind, old_sha256=sha256_of(target))
        if exists:
            entry.backup = f"backup/{number}"
            shutil.copy2(target, folder / entry.backup, follow_symlinks=False)
            fsync_file(folder / entry.backup)
        if change.kind != "D":
            entry.new = f"new/{number}"
            shutil.copy2(stage / change.path, folder / entry.new)
            fsync_file(folder / entry.new)
            entry.new_sha256 = sha256_of(folder / entry.new)
        journal.entries.append(entry)
        checkpoint(f"prepared {change.path}")
    fsync_dir(folder / "backup")
    fsync_dir(folder / "new")
    write_journal(folder, journal)
    return journal


def _apply(root: Path, folder: Path, entry: JournalEntry) -> None:
    target = root / entry.path
    if entry.kind == "D":
        target.unlink()
        return
    if entry.kind == "A" and (target.exists() or target.is_symlink()):
        raise GitStateError(
            f"{entry.path} appeared while scaffold was running; nothing was changed.",
            hint="Run scaffold init again.",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    assert entry.new is not None  # every A and M entry carries its new content
    move_into(folder / entry.new, target)


def _missing_dirs(root: Path, todo: Sequence[Change]) -> list[str]:
    """Folders that do not exist yet and will be created, deepest first."""
    missing: set[str] = set()
    for change in todo:
        if change.kind == "D":
            continue
        parent = Path(change.path).parent
        while parent != Path(".") and not (root / parent).exists():
            missing.add(parent.as_posix())
            parent = parent.parent
    return sorted(missing, key=lambda p: (-p.count("/"), p))


def _check_writable(root: Path, folder: Path) -> None:
    """Refuse before writing anything when a folder that would change is read-only."""
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not os.access(existing, os.W_OK):
        raise _read_only(root, existing, "permission denied")


def _read_only(root: Path, path: Path, why: str) -> InputError:
    try:
        shown = path.relative_to(root).as_posix() or "."
    except ValueError:
        shown = str(path)
    return InputError(f"{shown} cannot be written ({why}); nothing was changed.", READ_ONLY_HINT)


def _reraise(root: Path, exc: BaseException) -> NoReturn:
    """A file system refusal becomes an InputError naming the path; anything else goes on."""
    unwritable = (errno.EACCES, errno.EPERM, errno.EROFS)
    if isinstance(exc, OSError) and exc.errno in unwritable:
        where = exc.filename2 or exc.filename
        if where:
            raise _read_only(root, Path(where), exc.strerror or "permission denied") from exc
    raise exc

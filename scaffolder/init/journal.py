"""The write-ahead journal of `scaffold init`: a killed run is rolled back by the next one.

Before the first file of the repository changes, the apply step puts under
`.scaffold/tmp/init-journal/` a backup of every file it will replace or
delete, the new content of every file it will write, and `journal.json`
listing each target with the hashes of its old and new content (all fsynced).
Every write is then a rename of a prepared file. Removing `journal.json` is
the commit point.

A run that finds a journal (the last one was killed, or the machine stopped)
rolls the repository back to the state before that run, then does its work as
usual. Rolling back rather than forward: the killed run's answers, template
version and view of the repository may no longer hold, the user's repository
returns to the state they committed (what Ctrl-C already guarantees), and the
new run regenerates everything from that state anyway. Like git's
`index.lock`, the journal marks an unfinished operation; unlike it, scaffold
clears it itself, because the backups make that safe.

Recovery only undoes what the journal proves scaffold wrote: a file is put
back only when it holds exactly the new content (or is missing where scaffold
deleted it); anything else is left alone and reported.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from pydantic import Field

from scaffolder.models import Model

JOURNAL_DIR = ".scaffold/tmp/init-journal"
JOURNAL_FILE = "journal.json"


class JournalEntry(Model):
    path: str  # POSIX, relative to the repository root
    kind: Literal["A", "M", "D"]
    old_sha256: str | None = None  # None: the file did not exist
    new_sha256: str | None = None  # None: the file is deleted
    backup: str | None = None  # relative to the journal folder
    new: str | None = None  # relative to the journal folder


class Journal(Model):
    format: Literal[1] = 1
    entries: list[JournalEntry] = Field(default_factory=list)
    # Folders the run creates, deepest first: the order to remove them in.
    created_dirs: list[str] = Field(default_factory=list)


def sha256_of(path: Path) -> str | None:
    """The hash of a regular file's content, None when there is no file."""
    if path.is_symlink() or not path.is_file():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name(target: Path) -> Path:
    """The one temporary name used next to `target` (only across file systems)."""
    return target.parent / f".{target.name}.scaffold-tmp"


def move_into(source: Path, target: Path) -> None:
    """Put `source` at `target` in one rename (a copy and a rename across file systems)."""
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        temp = temp_name(target)
        shutil.copy2(source, temp)
        os.replace(temp, target)
        source.unlink()


def write_journal(folder: Path, journal: Journal) -> None:
    """Write `journal.json` durably: after this, a killed run is recoverable."""
    temp = folder / f"{JOURNAL_FILE}.tmp"
    temp.write_text(journal.model_dump_json(indent=2), encoding="utf-8")
    fsync_file(temp)
    os.replace(temp, folder / JOURNAL_FILE)
    fsync_dir(folder)


def read_journal(folder: Path) -> Journal | None:
    path = folder / JOURNAL_FILE
    if not path.is_file():
        return None
    return Journal.model_validate_json(path.read_text(encoding="utf-8"))


def roll_back(root: Path, folder: Path, journal: Journal) -> tuple[int, list[str]]:
    """Undo what the journal says was written: (files put back, files left alone)."""
    restored = 0
    left: list[str] = []
    for entry in reversed(journal.entries):
        target = root / entry.path
        temp_name(target).unlink(missing_ok=True)
        current = sha256_of(target)
        if current == entry.old_sha256:
            continue  # never changed (or already put back)
        if current != entry.new_sha256 or target.is_symlink():
            left.append(entry.path)  # changed by someone else since: not ours to undo
            continue
        if entry.backup is None:
            target.unlink()
        else:
            backup = folder / entry.backup
            copy = folder / "restoring"
            shutil.copy2(backup, copy)  # the backup stays until the journal goes
            move_into(copy, target)
        restored += 1
    for rel in journal.created_dirs:
        remove_empty(root / rel)
    return restored, left


def remove_empty(folder: Path) -> None:
    if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
        folder.rmdir()


def discard(root: Path, folder: Path) -> None:
    """Remove the journal folder (journal.json first: that is the commit point)."""
    (folder / JOURNAL_FILE).unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    for rel in (".scaffold/tmp", ".scaffold"):
        remove_empty(root / rel)


def pending(root: Path) -> bool:
    """True when a killed run left a journal: its writes are still to be undone."""
    return (root / JOURNAL_DIR / JOURNAL_FILE).is_file()


def leftover(root: Path) -> Path | None:
    """The journal folder of an interrupted run, if one is there."""
    folder = root / JOURNAL_DIR
    return folder if folder.is_dir() and not folder.is_symlink() else None


@contextmanager
def held(folder: Path) -> Iterator[None]:
    """Lock the journal while its run is alive; the kernel releases the lock when it dies."""
    with (folder / JOURNAL_FILE).open("rb") as handle:
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


def in_use(folder: Path) -> bool:
    """True when a live run holds the journal (so it is not a killed run's leftover)."""
    if sys.platform == "win32":
        return False
    import fcntl

    with (folder / JOURNAL_FILE).open("rb") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
    return False

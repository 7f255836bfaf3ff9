"""Walk a repository the way git sees it, reading every file it keeps at most once.

The walk honours .gitignore at every level and .git/info/exclude (deeper files
win, as in git), keeps files git tracks even when a pattern ignores them (a
committed .env is the classic trap), and never descends into dependency, build
or virtualenv folders. Every problem becomes a ScanWarning; nothing raises.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from scaffolder.inspect.files import LargeFile, SourceFile
from scaffolder.inspect.filetypes import (
    ALWAYS_SKIP_DIRS,
    BINARY_SNIFF_BYTES,
    BINARY_SUFFIXES,
    GENERATED_LOCKFILES,
    TEXT_NAMES,
    TEXT_SUFFIXES,
)
from scaffolder.models import ScanWarning, WarningKind

Reader = Callable[[Path], bytes]


def _read_bytes(path: Path) -> bytes:
    return path.read_bytes()


@dataclass
class WalkResult:
    files: list[SourceFile] = field(default_factory=list)  # decoded text files
    paths: list[str] = field(default_factory=list)  # every regular file kept, text or not
    large_files: list[LargeFile] = field(default_factory=list)  # for the streaming scan
    binary_files: int = 0
    bytes_read: int = 0
    warnings: list[ScanWarning] = field(default_factory=list)


@dataclass(frozen=True)
class _Frame:
    real: str  # resolved directory on disk
    rel: str  # POSIX path relative to the root, "" for the root
    specs: tuple[tuple[str, pathspec.GitIgnoreSpec], ...]  # (base rel, spec), shallow first
    chain: frozenset[str]  # real paths of this folder and its ancestors


def is_text_named(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name in TEXT_NAMES or name.startswith(".env") or Path(name).suffix in TEXT_SUFFIXES


def _ignored(specs: Iterable[tuple[str, pathspec.GitIgnoreSpec]], rel: str, is_dir: bool) -> bool:
    for base, spec in reversed(tuple(specs)):
        local = rel[len(base) + 1 :] if base else rel
        result = spec.check_file(local + "/" if is_dir else local)
        if result.include is not None:
            return bool(result.include)
    return False


def _printable(name: str) -> str:
    """A file name that can go into JSON: undecodable bytes become U+FFFD, as git.py does."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return name


def _tracked_dirs(tracked: Iterable[str]) -> frozenset[str]:
    dirs: set[str] = set()
    for path in tracked:
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    return frozenset(dirs)


class _Walker:
    def __init__(
        self, root: Path, max_file_bytes: int, tracked: Iterable[str], reader: Reader
    ) -> None:
        self.root = root
        self.root_real = os.path.realpath(root)
        self.max_file_bytes = max_file_bytes
        self.tracked = frozenset(tracked)
        self.tracked_dirs = _tracked_dirs(self.tracked)
        self.reader = reader
        self.result = WalkResult()
        self.already_read: dict[str, bytes] = {}

    def warn(self, kind: WarningKind, rel: str | None, message: str) -> None:
        self.result.warnings.append(ScanWarning(kind=kind, path=rel, message=message))

    def run(self) -> WalkResult:
        specs: tuple[tuple[str, pathspec.GitIgnoreSpec], ...] = ()
        exclude = self.root / ".git" / "info" / "exclude"
        if exclude.is_file():
            text = self._read_text_quiet(exclude)
            if text:
                specs = (("", pathspec.GitIgnoreSpec.from_lines(text.splitlines())),)
        stack = [_Frame(self.root_real, "", specs, frozenset({self.root_real}))]
        while stack:
            stack.extend(self._scan_dir(stack.pop()))
        self.result.files.sort(key=lambda f: f.path)
        self.result.paths.sort()
        return self.result

    def _read_text_quiet(self, path: Path) -> str:
        try:
            return self.reader(path).decode("utf-8", errors="replace")
        except OSError:
            return ""

    def _scan_dir(self, frame: _Frame) -> list[_Frame]:
        try:
            with os.scandir(frame.real) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.warn(WarningKind.UNREADABLE, frame.rel or ".", f"cannot list folder: {exc}")
            return []
        names = {e.name for e in entries}
        if "pyvenv.cfg" in names and frame.rel:
            return []  # a virtualenv, whatever its name
        specs = frame.specs
        if ".gitignore" in names:
            specs = self._add_gitignore(frame, specs)
        children: list[_Frame] = []
        for entry in entries:
            name = _printable(entry.name)
            rel = f"{frame.rel}/{name}" if frame.rel else name
            child = self._scan_entry(entry, rel, frame, specs)
            if child is not None:
                children.append(child)
        children.reverse()  # the stack pops from the end: keep alphabetical order
        return children

    def _add_gitignore(
        self, frame: _Frame, specs: tuple[tuple[str, pathspec.GitIgnoreSpec], ...]
    ) -> tuple[tuple[str, pathspec.GitIgnoreSpec], ...]:
        path = Path(frame.real) / ".gitignore"
        try:
            data = self.reader(path)
        except OSError:
            return specs  # _read reports it when the file itself comes up
        self.already_read[str(path)] = data  # read each file once: _read reuses these bytes
        text = data.decode("utf-8", errors="replace")
        try:
            spec = pathspec.GitIgnoreSpec.from_lines(text.splitlines())
        except (ValueError, TypeError) as exc:  # a pattern pathspec cannot compile
            rel = f"{frame.rel}/.gitignore" if frame.rel else ".gitignore"
            self.warn(WarningKind.MALFORMED, rel, f"ignore patterns not understood: {exc}")
            return specs
        return (*specs, (frame.rel, spec))

    def _scan_entry(
        self,
        entry: os.DirEntry[str],
        rel: str,
        frame: _Frame,
        specs: tuple[tuple[str, pathspec.GitIgnoreSpec], ...],
    ) -> _Frame | None:
        try:
            if entry.is_symlink():
                return self._symlink(entry, rel, frame, specs)
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            self.warn(WarningKind.UNREADABLE, rel, f"cannot stat: {exc}")
            return None
        if stat.S_ISDIR(mode):
            return self._dir(entry.path, rel, frame, specs, os.path.join(frame.real, entry.name))
        self._file(Path(entry.path), rel, mode, specs)
        return None

    def _dir(
        self,
        path: str,
        rel: str,
        frame: _Frame,
        specs: tuple[tuple[str, pathspec.GitIgnoreSpec], ...],
        real: str,
    ) -> _Frame | None:
        if os.path.basename(path) in ALWAYS_SKIP_DIRS:
            return None
        # What git tracks is kept whatever the ignore files say: ask them only about the rest.
        if rel not in self.tracked_dirs and _ignored(specs, rel, is_dir=True):
            return None
        return _Frame(real, rel, specs, frame.chain | {real})

    def _symlink(
        self,
        entry: os.DirEntry[str],
        rel: str,
        frame: _Frame,
        specs: tuple[tuple[str, pathspec.GitIgnoreSpec], ...],
    ) -> _Frame | None:
        try:
            mode = os.stat(entry.path).st_mode
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                self.warn(WarningKind.SYMLINK_LOOP, rel, "symbolic link loop; not followed")
            return None  # dangling links point at nothing to scan
        real = os.path.realpath(entry.path)
        if real != self.root_real and not real.startswith(self.root_real + os.sep):
            return None  # outside the repository: not the user's code
        if stat.S_ISDIR(mode):
            if real in frame.chain:
                self.warn(WarningKind.SYMLINK_LOOP, rel, "link points back at a parent folder")
                return None
            return self._dir(entry.path, rel, frame, specs, real)
        self._file(Path(entry.path), rel, mode, specs)
        return None

    def _file(
        self, path: Path, rel: str, mode: int, specs: tuple[tuple[str, pathspec.GitIgnoreSpec], ...]
    ) -> None:
        if rel not in self.tracked and _ignored(specs, rel, is_dir=False):
            return
        if not stat.S_ISREG(mode):
            # FIFOs, sockets and devices would block or never end: never open them.
            self.warn(WarningKind.UNREADABLE, rel, "not a regular file; skipped")
            return
        self.result.paths.append(rel)
        if path.suffix.lower() in BINARY_SUFFIXES:
            self.result.binary_files += 1
            return
        self._read(path, rel)

    def _read(self, path: Path, rel: str) -> None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            self.warn(WarningKind.UNREADABLE, rel, f"cannot stat: {exc}")
            return
        if size > self.max_file_bytes:
            if rel.rsplit("/", 1)[-1] in GENERATED_LOCKFILES:
                return  # machine-written and routinely large: nothing the user could act on
            # Too big to hold: inspect_repository streams it through the secret scan.
            self.result.large_files.append(LargeFile(path=rel, size=size))
            return
        try:
            data = self.already_read.pop(str(path), None)
            if data is None:
                data = self.reader(path)
        except OSError as exc:
            self.warn(WarningKind.UNREADABLE, rel, f"cannot read: {exc.strerror or exc}")
            return
        self.result.bytes_read += len(data)
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            # UTF-16 with a BOM (PowerShell's `>` writes it: `supabase gen types > x.ts`,
            # `echo KEY=... > .env`): text, full of NUL bytes, that must still be scanned.
            text = _utf16(data)
            if text is not None:
                self.result.files.append(SourceFile(path=rel, text=text, size=size))
                return
        if b"\0" in data[:BINARY_SNIFF_BYTES]:
            self.result.binary_files += 1
            if is_text_named(rel):
                self.warn(WarningKind.BINARY, rel, "looks binary (NUL byte); not scanned")
            return
        self.result.files.append(SourceFile(path=rel, text=self._decode(data, rel), size=size))

    def _decode(self, data: bytes, rel: str) -> str:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self.warn(WarningKind.NOT_UTF8, rel, "not valid UTF-8; read as Latin-1")
            text = data.decode("latin-1")
        return text.removeprefix("\ufeff")


def _utf16(data: bytes) -> str | None:
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError:
        return None


def walk_repository(
    root: Path,
    *,
    max_file_bytes: int = 1_000_000,
    tracked: Iterable[str] = (),
    reader: Reader = _read_bytes,
) -> WalkResult:
    """Every file git would see under `root`, text files decoded.

    `tracked` (paths from `git ls-files`) are kept even when ignored. `reader`
    reads one file's bytes; tests inject one that fails.
    """
    return _Walker(root, max_file_bytes, tracked, reader).run()

"""Secrets that live only in git history.

A key deleted from the tree is still in every clone. The scan is one pass over
object ids, not over commits: `git rev-list --objects --all` lists each blob
once, `git cat-file --batch-check` sizes them, blobs still in HEAD's tree and
big or binary ones are dropped, and one `git cat-file --batch` process streams
the rest. Only the lines that no earlier version held are scanned, unless a
version needs reading whole (`_LineCache`). Only blobs with a hit cost more: one
`git log --raw` pass finds the commit that introduced each and the path it had
there.
"""

from __future__ import annotations

import os
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from scaffolder.inspect.filetypes import ALWAYS_SKIP_DIRS, BINARY_SNIFF_BYTES, BINARY_SUFFIXES
from scaffolder.inspect.git import STATE_QUERY, RepoState, parse_state
from scaffolder.inspect.history_git import HistoryGit, WhenNeeded
from scaffolder.inspect.secrets import WHOLE_FILE_ANCHORS, line_kind, scan_text
from scaffolder.models import ScanWarning, SecretFinding, WarningKind

MAX_BLOB_BYTES = 1_000_000  # as for working-tree files: bigger ones are bundles and data
MAX_BLOBS = 50_000
MAX_TOTAL_BYTES = 256_000_000
# Above this many bytes of older versions, a second process scans half of them:
# below it, starting one costs more than it saves.
PARALLEL_BYTES = 8_000_000
Findings = list[SecretFinding]


@dataclass(frozen=True)
class HistoryLimits:
    max_blob_bytes: int = MAX_BLOB_BYTES
    max_blobs: int = MAX_BLOBS
    max_total_bytes: int = MAX_TOTAL_BYTES
    parallel_bytes: int = PARALLEL_BYTES


@dataclass
class _Plan:
    blobs: list[tuple[str, str]] = field(default_factory=list)  # (sha, path) to read
    skipped: int = 0  # blobs left out because a cap was reached
    bytes: int = 0  # their total size


def _warn(kind: WarningKind, message: str) -> list[ScanWarning]:
    return [ScanWarning(kind=kind, path=None, message=message)]


def _scannable_path(path: str) -> bool:
    parts = path.split("/")
    if ALWAYS_SKIP_DIRS.intersection(parts[:-1]):
        return False
    name = parts[-1]
    dot = name.rfind(".")
    return not (dot > 0 and name[dot:].lower() in BINARY_SUFFIXES)


def _head_blobs(ls_tree: tuple[int, bytes]) -> set[str]:
    code, out = ls_tree
    if code != 0:
        return set()
    blobs = set()
    for entry in out.split(b"\0"):
        meta = entry.split(b"\t", 1)[0].split()
        if len(meta) == 3 and meta[1] == b"blob":
            blobs.add(meta[2].decode())
    return blobs


def _plan(git: HistoryGit, limits: HistoryLimits) -> _Plan | None:
    head_tree = git.start(["ls-tree", "-r", "-z", "--full-tree", "HEAD"])
    # Clones made with a partial or broken object store (Replit exports, shallow
    # imports) lack some blobs; without --missing the whole listing fails.
    listing = ["rev-list", "--objects", "--all", "--missing=allow-any"]
    fmt = "--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)"
    code, checked = git.pipe(listing, ["cat-file", fmt])
    if code != 0:
        return None
    head = _head_blobs(head_tree.result())
    plan, total = _Plan(), 0
    for raw in checked.decode("utf-8", "replace").splitlines():
        parts = raw.split(" ", 3)
        if len(parts) < 4 or parts[1] != "blob" or parts[0] in head:
            continue
        size, path = int(parts[2]), parts[3]
        if size > limits.max_blob_bytes or size == 0 or not _scannable_path(path):
            continue
        if len(plan.blobs) >= limits.max_blobs or total + size > limits.max_total_bytes:
            plan.skipped += 1
            continue
        total += size
        plan.blobs.append((parts[0], path))
    plan.bytes = total
    return plan


def _feed(stdin: IO[bytes], shas: Iterable[str]) -> None:
    try:
        for sha in shas:
            stdin.write(sha.encode() + b"\n")
    except BrokenPipeError:
        pass
    finally:
        stdin.close()


def _read_blobs(git: HistoryGit, blobs: list[tuple[str, str]]) -> Iterator[tuple[str, str, bytes]]:
    """(sha, path, content) for each blob, through one `git cat-file --batch`."""
    proc = git.stream(["cat-file", "--batch", "--buffer"])
    assert proc.stdin is not None and proc.stdout is not None
    # Writing every id before reading would deadlock once the output pipe fills.
    writer = threading.Thread(target=_feed, args=(proc.stdin, [s for s, _ in blobs]), daemon=True)
    writer.start()
    try:
        for sha, path in blobs:
            header = proc.stdout.readline().split()
            if len(header) != 3:
                continue  # "<sha> missing": nothing follows
            data = proc.stdout.read(int(header[2]))
            proc.stdout.read(1)  # the newline after the content
            yield sha, path, data
    finally:
        proc.stdout.close()
        proc.wait()
        writer.join()


INTRODUCTIONS = ["log", "--all", "--reverse", "--no-renames", "--raw", "--no-abbrev"]
INTRODUCTIONS += ["--format=commit %H"]


def _introductions(log: tuple[int, bytes], wanted: set[str]) -> dict[str, tuple[str, str]]:
    """blob sha -> (commit, path) of the oldest commit that wrote that blob (`log`: the
    exit code and output of `git INTRODUCTIONS`)."""
    code, out = log
    found: dict[str, tuple[str, str]] = {}
    if code != 0:
        return found
    commit = ""
    for line in out.decode("utf-8", "replace").splitlines():
        if line.startswith("commit "):
            commit = line[7:].strip()
        elif line.startswith(":") and "\t" in line:
            meta, path = line.split("\t", 1)
            new_sha = meta.split()[3]
            if new_sha in wanted and new_sha not in found:
                found[new_sha] = (commit, path)
    return found


class _LineCache:
    """What earlier file versions taught about their lines, to scan only new lines.

    Most versions of a file differ from the last by a few lines, and outside
    `WHOLE_FILE_ANCHORS` every detector decides on one line alone: a version whose
    lines were all seen before (in a file of the same kind) without a hit holds no
    finding. A version is scanned whole when it holds a line that had a hit
    (its findings must be placed at every version that holds them), when its new
    lines hit, and when it is a file the scan reads as a whole (env files,
    documents) or holds a multi-line detector's anchor (`WHOLE_FILE_ANCHORS`).
    The findings are those of scanning every version whole.
    """

    def __init__(self) -> None:
        self.clean: dict[bool, set[bytes]] = {True: set(), False: set()}  # no hit there
        self.hit: dict[bool, set[bytes]] = {True: set(), False: set()}
        self.anchored: set[bytes] = set()  # lines that hold a WHOLE_FILE_ANCHORS literal

    def scan(self, path: str, data: bytes) -> list[SecretFinding]:
        code = line_kind(path)
        if code is None:
            return scan_text(path, data.decode("utf-8", "replace"))
        lines = data.split(b"\n")
        fresh = set(lines) - self.clean[code]  # lines with a hit or an anchor stay fresh
        if not fresh:
            return []
        probe = b"\n".join(line for line in lines if line in fresh)
        self.anchored.update(_anchored_lines(probe))
        whole = not (fresh.isdisjoint(self.hit[code]) and fresh.isdisjoint(self.anchored))
        if not whole and not scan_text(path, probe.decode("utf-8", "replace")):
            self.clean[code] |= fresh
            return []
        findings = scan_text(path, data.decode("utf-8", "replace"))
        hit = {lines[f.line - 1] for f in findings if f.line and f.line <= len(lines)}
        self.hit[code] |= hit
        self.clean[code] |= fresh - hit - self.anchored
        return findings


def _anchored_lines(data: bytes) -> Iterator[bytes]:
    """The lines of `data` that hold one of WHOLE_FILE_ANCHORS."""
    for anchor in WHOLE_FILE_ANCHORS:
        at = data.find(anchor)
        while at >= 0:
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            end = len(data) if end < 0 else end
            yield data[start:end]
            at = data.find(anchor, end)


def _nothing() -> None:
    pass


def _scan_part(
    git: HistoryGit,
    blobs: list[tuple[str, str]],
    seen: set[str],
    on_hit: Callable[[], None] = _nothing,
) -> dict[str, Findings]:
    hits: dict[str, Findings] = {}
    cache = _LineCache()
    for sha, path, data in _read_blobs(git, blobs):
        if b"\0" in data[:BINARY_SNIFF_BYTES]:
            continue
        findings = [f for f in cache.scan(path, data) if f.fingerprint not in seen]
        if findings:
            on_hit()
            hits[sha] = findings
    return hits


def _scan_blobs(
    git: HistoryGit, plan: _Plan, seen: set[str], parallel_bytes: int, on_hit: Callable[[], None]
) -> dict[str, Findings]:
    if plan.bytes < parallel_bytes or (os.cpu_count() or 1) < 2:
        return _scan_part(git, plan.blobs, seen, on_hit)
    on_hit()  # a long history: its git work overlaps the scan, hit or not
    # Two processes, each with its own `git cat-file` and line cache. A path's
    # versions stay in one half, where they share most of their lines.
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    halves: tuple[list[tuple[str, str]], list[tuple[str, str]]] = ([], [])
    for sha, path in plan.blobs:
        halves[zlib.crc32(path.encode()) % 2].append((sha, path))
    try:
        with ProcessPoolExecutor(1, mp_context=get_context("fork")) as pool:
            other = pool.submit(_scan_part, git, halves[1], seen)
            found = _scan_part(git, halves[0], seen)
            found.update(other.result())
    except (OSError, RuntimeError, BrokenProcessPool):
        found = _scan_part(git, plan.blobs, seen)
    # In the plan's order, as one process would have found them (see _place's ties).
    return {sha: found[sha] for sha, _ in plan.blobs if sha in found}


def _place(
    hits: dict[str, list[SecretFinding]], origins: dict[str, tuple[str, str]], order: dict[str, int]
) -> list[SecretFinding]:
    """One finding per value, at the oldest commit that introduced it."""
    best: dict[str, tuple[int, SecretFinding]] = {}
    for sha, findings in hits.items():
        commit, path = origins.get(sha, (None, None))
        rank = order.get(commit or "", len(order))
        for finding in findings:
            placed = finding.model_copy(
                update={
                    "in_working_tree": False,
                    "in_history": True,
                    "commit": commit,
                    "path": path or finding.path,
                }
            )
            if finding.fingerprint not in best or rank < best[finding.fingerprint][0]:
                best[finding.fingerprint] = (rank, placed)
    return sorted((f for _, f in best.values()), key=lambda f: (f.path, f.line or 0, f.detector))


def scan_history_secrets(
    root: Path,
    seen_fingerprints: set[str],
    *,
    limits: HistoryLimits | None = None,
    git_executable: str = "git",
    state: RepoState | None = None,
) -> tuple[list[SecretFinding], list[ScanWarning]]:
    """Secrets in any commit reachable from a ref, whose value is not in `seen_fingerprints`.

    Each finding has in_working_tree False, in_history True, `commit` the commit
    that introduced it and `path` the path it had there. Problems are warnings.
    `state` is STATE_QUERY's answer when the caller already has it (it is asked otherwise).
    """
    git = HistoryGit(root, git_executable)
    if state is None:
        code, out = git.run(STATE_QUERY)
        if code == 127:
            return [], _warn(WarningKind.NOT_GIT, "git is not installed; history not checked")
        state = parse_state(code, out)
        if state is None:
            return [], _warn(WarningKind.NOT_GIT, "not a git repository; history not checked")
    if state.head is None:
        return [], _warn(WarningKind.EMPTY, "the repository has no commits; history not checked")
    limits = limits or HistoryLimits()
    log = WhenNeeded(git, INTRODUCTIONS)
    dates = WhenNeeded(git, ["rev-list", "--all", "--reverse", "--date-order"])

    def on_hit() -> None:  # begun at the first hit, they run while the scan goes on
        log.start()
        dates.start()

    plan = _plan(git, limits)
    if plan is None:
        return [], _warn(WarningKind.HISTORY_SKIPPED, "git could not list the history's objects")
    hits = _scan_blobs(git, plan, seen_fingerprints, limits.parallel_bytes, on_hit)
    origins = _introductions(log.result(), set(hits)) if hits else {}
    order: dict[str, int] = {}
    if hits:
        code, out = dates.result()
        order = {sha: i for i, sha in enumerate(out.decode().split())} if code == 0 else {}
    warnings: list[ScanWarning] = []
    if plan.skipped:
        warnings = _warn(
            WarningKind.HISTORY_SKIPPED,
            f"history is large: {plan.skipped} older file versions were not checked for secrets",
        )
    if state.shallow:
        # A shallow clone (CI's default fetch-depth: 1) has no older commits to read:
        # a secret deleted before its cut-off is still public, and unseen here.
        warnings += _warn(
            WarningKind.HISTORY_SKIPPED,
            "the clone is shallow: commits before its cut-off were not checked for secrets "
            "(run `git fetch --unshallow`, or set fetch-depth: 0 in CI)",
        )
    return _place(hits, origins, order), warnings

"""Secrets in files too big to hold in memory: scanned in a streaming pass.

The walk reads files up to 1 MB whole; a bigger one (a SQL dump, a log, a
bundled script, an exported notebook) used to be skipped with a warning, and a
key at its end went unseen. Here such files are read in chunks cut at line
ends, each chunk goes through the same detectors as any file, and line numbers
are carried across chunks. Only the secret scan sees these files: nothing else
the inspection does (manifests, frameworks) needs a file that size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from scaffolder.inspect.files import LargeFile
from scaffolder.inspect.filetypes import BINARY_SNIFF_BYTES
from scaffolder.inspect.secrets import scan_text
from scaffolder.models import ScanWarning, SecretFinding, WarningKind

CHUNK_BYTES = 1_000_000
# A line longer than a chunk (minified code) is cut; the cut repeats this many
# bytes so a secret across the cut is still seen whole.
OVERLAP_BYTES = 4096
STREAM_LIMIT_BYTES = 256_000_000  # per file; the rest is reported, not silently dropped


@dataclass
class StreamResult:
    secrets: list[SecretFinding]
    bytes_read: int
    warnings: list[ScanWarning]


def _chunks(handle: BinaryIO, limit: int) -> Iterator[tuple[bytes, int]]:
    """(chunk, line number of its first line - 1), each chunk ending at a line end."""
    read = handle.read
    carry, lines_before, consumed = b"", 0, 0
    while consumed < limit:
        block = read(min(CHUNK_BYTES, limit - consumed))
        if not block:
            break
        consumed += len(block)
        data = carry + block
        cut = data.rfind(b"\n")
        if cut == -1:  # one very long line: cut it, overlapping the next chunk
            yield data, lines_before
            carry = data[-OVERLAP_BYTES:]
            continue
        yield data[: cut + 1], lines_before
        lines_before += data.count(b"\n", 0, cut + 1)
        carry = data[cut + 1 :]
    if carry.strip():
        yield carry, lines_before


def scan_large_file(root: Path, large: LargeFile) -> StreamResult:
    warnings: list[ScanWarning] = []
    found: dict[tuple[int | None, str], SecretFinding] = {}
    read = 0
    try:
        with (root / large.path).open("rb") as handle:
            if b"\0" in handle.read(BINARY_SNIFF_BYTES):
                return StreamResult([], 0, [])  # binary (an image, an archive): not text
            handle.seek(0)
            for chunk, offset in _chunks(handle, STREAM_LIMIT_BYTES):
                read += len(chunk)
                text = chunk.decode("utf-8", "replace")
                for hit in scan_text(large.path, text):
                    line = hit.line + offset if hit.line is not None else None
                    found.setdefault((line, hit.fingerprint), hit.model_copy(update={"line": line}))
    except OSError as exc:
        message = f"cannot read: {exc.strerror or exc}"
        unreadable = ScanWarning(kind=WarningKind.UNREADABLE, path=large.path, message=message)
        return StreamResult([], read, [unreadable])
    if large.size > STREAM_LIMIT_BYTES:
        warnings.append(
            ScanWarning(
                kind=WarningKind.TOO_LARGE,
                path=large.path,
                message=f"{large.size} bytes; secrets were looked for in the first "
                f"{STREAM_LIMIT_BYTES} bytes only",
            )
        )
    return StreamResult(list(found.values()), read, warnings)


def scan_large_files(root: Path, files: list[LargeFile]) -> StreamResult:
    total = StreamResult([], 0, [])
    for large in files:
        one = scan_large_file(root, large)
        total.secrets += one.secrets
        total.bytes_read += one.bytes_read
        total.warnings += one.warnings
    return total

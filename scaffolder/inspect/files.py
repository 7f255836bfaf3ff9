"""The unit the content detectors work on: one decoded text file of the repository."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # POSIX path relative to the repository root
    text: str  # decoded content (UTF-8, or latin-1 fallback flagged by the walker)
    size: int  # bytes on disk


@dataclass(frozen=True)
class LargeFile:
    """A file above the walk's whole-read limit: only the streaming secret scan reads it."""

    path: str  # POSIX, relative to the repository root
    size: int

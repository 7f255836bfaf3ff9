"""The unit the content detectors work on: one decoded text file of the repository."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # POSIX path relative to the repository root
    text: str  # decoded content (UTF-8, or latin-1 fallback flagged by the walker)
    size: int  # bytes on disk

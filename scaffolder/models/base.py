"""Where a fact was seen: the record every stage's evidence uses."""

from __future__ import annotations

from dataclasses import dataclass

from scaffolder.models.record import Record


@dataclass(kw_only=True, slots=True)
class Evidence(Record):
    """Where a fact was seen. `snippet` is never a secret value."""

    path: str
    line: int | None = None
    snippet: str | None = None

"""Append the lines scaffold needs to the user's .gitignore, and nothing else.

.gitignore is the user's file, so it is not a template (Copier would skip or
replace it whole); the missing lines are appended under one comment.
"""

from __future__ import annotations

from pathlib import Path

HEADER = "# Added by scaffold: secrets, local databases and infra state stay out of git"


def add_lines(path: Path, lines: list[str]) -> bool:
    """Append the `lines` missing from `path` (created if needed); True when it changed."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    present = {line.strip() for line in text.splitlines()}
    missing = [line for line in lines if line not in present]
    if not missing:
        return False
    if text and not text.endswith("\n"):
        text += "\n"
    block = ([HEADER] if HEADER not in present else []) + missing
    separator = "\n" if text else ""
    path.write_text(text + separator + "\n".join(block) + "\n", encoding="utf-8")
    return True

"""Diagnostics written without rich (to a stream that is not a terminal) are rich's bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MESSAGES = [
    "Auditing /tmp/app …",
    "x" * 300,  # longer than any terminal: rich must not wrap it either
    "名前 with wide characters and an emoji 🚀 and e\u0301",
    "a [bold]markup[/] look-alike, a tab\there, a newline\nthere, ESC \x1b[31m, bidi \u202e",
    "   leading and trailing spaces   ",
    "",
]
SCRIPT = """
import sys
if sys.argv[1] == "rich":
    import rich  # the module's sign that rich is in use: it writes every line
from scaffolder.cli import console
from scaffolder.errors import InputError
for message in {messages!r}:
    console.info(message)
    console.warn(message)
    console.success(message)
    console.error(InputError(message, hint=message))
"""


def stderr_of(path: str, env: dict[str, str]) -> bytes:
    code = SCRIPT.format(messages=MESSAGES)
    done = subprocess.run(
        [sys.executable, "-c", code, path], capture_output=True, cwd=REPO, env=env, check=True
    )
    return done.stderr


@pytest.mark.parametrize("extra", [{}, {"NO_COLOR": "1"}, {"COLUMNS": "20"}, {"TERM": "dumb"}])
def test_plain_lines_are_what_rich_writes(extra: dict[str, str]) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")
    }
    env.update(extra, PYTHONIOENCODING="utf-8")
    plain = stderr_of("plain", env)
    assert plain == stderr_of("rich", env)
    assert b"\xe2\x9c\x93 " in plain and b"\\x1b[31m" in plain  # the check, escapes shown

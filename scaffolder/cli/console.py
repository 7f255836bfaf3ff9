"""Terminal output for the CLI: data to stdout, diagnostics to stderr.

Only the CLI layer imports this module; core code returns models.

`stdout` and `stderr` are rich Consoles, made on first use: importing rich costs
about 20 ms, and `scaffold audit --format json` in CI never needs it (a line of
plain text to a stream that is not a terminal is written as rich would write it).
"""

from __future__ import annotations

import builtins
import os
import sys
from functools import cache
from typing import TYPE_CHECKING

from scaffolder.display import printable
from scaffolder.errors import ScaffoldError

if TYPE_CHECKING:
    from rich.console import Console

    stdout: Console
    stderr: Console

# What makes rich style or reflow a line even on a stream that is not a terminal.
_RICH_TRIGGERS = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS")


@cache
def _console(which: str) -> Console:
    from rich.console import Console

    # NO_COLOR and non-TTY streams are honoured by rich itself.
    return Console(stderr=which == "stderr", soft_wrap=True)


def __getattr__(name: str) -> Console:
    if name in ("stdout", "stderr"):
        return _console(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _plain_stderr() -> bool:
    """True when rich would write stderr lines unstyled and unchanged."""
    if "rich" in sys.modules or hasattr(builtins, "get_ipython"):  # rich in use, Jupyter
        return False
    try:
        terminal = os.isatty(sys.stderr.fileno())
    except (AttributeError, ValueError, OSError):  # replaced by a test, or closed
        return False
    return not terminal and not any(os.environ.get(v) for v in _RICH_TRIGGERS)


def _write_plain(line: str) -> bool:
    try:
        sys.stderr.write(line)
        sys.stderr.flush()
    except (BrokenPipeError, UnicodeEncodeError):
        return False  # rich has its own way with these: let it meet them again
    return True


# Messages carry names from the repository (files, folders, apps): printed as Text,
# never as rich markup (a name like "[/]" would break it), and with control
# characters shown as escapes (a newline or ESC in a name cannot forge or steer).
def _say(label: str, style: str, message: str) -> None:
    if _plain_stderr() and _write_plain(f"{label}{printable(message)}\n"):
        return
    from rich.text import Text

    _console("stderr").print(Text.assemble((label, style), printable(message)), highlight=False)


def info(message: str) -> None:
    _say("", "", message)


def warn(message: str) -> None:
    _say("warning: ", "yellow", message)


def success(message: str) -> None:
    _say("✓ ", "green", message)


def error(exc: ScaffoldError) -> None:
    _say("error: ", "bold red", exc.message)
    if exc.hint:
        _say("hint: ", "dim", exc.hint)


def is_interactive() -> bool:
    """True when a person can answer prompts (never in CI)."""
    if os.environ.get("CI"):
        return False
    return _console("stderr").is_terminal and os.isatty(0)

"""Terminal output for the CLI: data to stdout, diagnostics to stderr.

Only the CLI layer imports this module; core code returns models.
"""

from __future__ import annotations

import os

from rich.console import Console
from rich.text import Text

from scaffolder.display import printable
from scaffolder.errors import ScaffoldError

# NO_COLOR and non-TTY streams are honoured by rich itself.
stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)


# Messages carry names from the repository (files, folders, apps): printed as Text,
# never as rich markup (a name like "[/]" would break it), and with control
# characters shown as escapes (a newline or ESC in a name cannot forge or steer).
def _say(label: str, style: str, message: str) -> None:
    stderr.print(Text.assemble((label, style), printable(message)), highlight=False)


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
    return stderr.is_terminal and os.isatty(0)

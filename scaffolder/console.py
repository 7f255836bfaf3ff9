"""Terminal output for the CLI: data to stdout, diagnostics to stderr.

Only the CLI layer imports this module; core code returns models.
"""

from __future__ import annotations

import os

from rich.console import Console

from scaffolder.errors import ScaffoldError

# NO_COLOR and non-TTY streams are honoured by rich itself.
stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)


def info(message: str) -> None:
    stderr.print(message, highlight=False)


def warn(message: str) -> None:
    stderr.print(f"[yellow]warning:[/yellow] {message}", highlight=False)


def success(message: str) -> None:
    stderr.print(f"[green]✓[/green] {message}", highlight=False)


def error(exc: ScaffoldError) -> None:
    stderr.print(f"[bold red]error:[/bold red] {exc.message}", highlight=False)
    if exc.hint:
        stderr.print(f"[dim]hint:[/dim] {exc.hint}", highlight=False)


def is_interactive() -> bool:
    """True when a person can answer prompts (never in CI)."""
    if os.environ.get("CI"):
        return False
    return stderr.is_terminal and os.isatty(0)

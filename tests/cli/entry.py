"""Run `scaffold ARGV` through the real entry point and return its exit code."""

from __future__ import annotations

import pytest
import typer

from scaffolder.cli.app import main


def exit_code(argv: list[str], cli: typer.Typer | None = None) -> int:
    """The code `main` exits with; `cli` replaces the app (a command failing on purpose)."""
    with pytest.raises(SystemExit) as exited:
        if cli is None:
            main(argv)
        else:
            main(argv, cli=cli)
    code = exited.value.code
    assert isinstance(code, int)
    return code

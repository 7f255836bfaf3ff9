"""`scaffold audit` without Typer (scaffolder.cli.fast_audit) means what Typer would.

Each plain command line the fast parser accepts is also parsed by the real
Typer command (its callback replaced by a recorder, a seam Typer offers), and
both must give the same arguments; command lines it declines go to Typer.
"""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from scaffolder.cli import audit
from scaffolder.cli.fast_audit import AuditArgs, parse

REPO = Path(__file__).resolve().parents[2]

ACCEPTED = [
    ["audit"],
    ["audit", "some/app"],
    ["audit", "--format", "json"],
    ["audit", "-f", "JSON", "-o", "out.json", "app"],
    ["audit", "--format=sarif", "--output=r.sarif", "--no-history"],
    ["audit", "-C", "proj", "--fail-under", "70"],
    ["audit", "app", "--project", "app", "--fail-under=0", "-f", "html"],
    ["audit", "--probe-rls", "--write-rls-tests", "--fail-under", "100"],
    ["audit", "./", "--format", "markdown"],
]
DECLINED = [
    ["audit", "--help"],
    ["audit", "-h"],
    ["audit", "--format", "xml"],
    ["audit", "--fail-under", "101"],
    ["audit", "--fail-under", "-1"],
    ["audit", "--fail-under", "seventy"],
    ["audit", "--no-history", "--no-history"],
    ["audit", "-f", "json", "--format", "text"],
    ["audit", "a", "b"],
    ["audit", "--", "-weird"],
    ["audit", "--output"],
    ["audit", "--output", ""],
    ["audit", "-fjson"],
    ["audit", "--unknown"],
    ["audit", "--debug"],
    ["--debug", "audit"],
    ["init", "--defaults"],
    [],
]


def typer_parse(argv: list[str]) -> AuditArgs:
    """What Typer's own `audit` command receives for `argv`."""
    seen: dict[str, Any] = {}

    @functools.wraps(audit.audit_command)  # Typer reads the options from the wrapped
    def recorder(**kwargs: Any) -> None:
        seen.update(kwargs)

    app = typer.Typer()
    app.command("audit")(recorder)
    app.command("other")(lambda: None)  # two commands, so `audit` is a subcommand
    app(args=argv, standalone_mode=False)
    return AuditArgs(**seen)


@pytest.mark.parametrize("argv", ACCEPTED, ids=" ".join)
def test_the_fast_parser_agrees_with_typer(argv: list[str]) -> None:
    fast = parse(argv)
    assert fast is not None
    assert fast == typer_parse(argv)


@pytest.mark.parametrize("argv", DECLINED, ids=lambda a: " ".join(a) or "nothing")
def test_anything_else_is_left_to_typer(argv: list[str]) -> None:
    assert parse(argv) is None


def test_every_audit_option_of_typer_is_known_to_the_fast_parser() -> None:
    app = typer.Typer()
    audit.register(app)
    app.command("other")(lambda: None)
    params = typer.main.get_command(app).commands["audit"].params  # type: ignore[attr-defined]
    value = {"--format": "json", "-f": "json", "--fail-under": "1"}
    for param in params:
        for opt in (o for o in param.opts if o.startswith("-")):
            argv = ["audit", opt] if param.is_flag else ["audit", opt, value.get(opt, "x")]
            assert parse(argv) == typer_parse(argv), opt


def test_a_plain_audit_imports_neither_typer_nor_rich(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("print('hello')\n")
    code = (
        "import sys\n"
        "from scaffolder.cli.app import main\n"
        "try:\n"
        f"    main(['audit', {str(tmp_path)!r}, '--format', 'json', '--no-history'])\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
        "sys.stdout.flush()\n"
        "print(sorted(m for m in ('typer', 'rich') if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert done.stdout.startswith("{")
    assert done.stderr.splitlines()[-1] == "[]"
    assert done.stderr.splitlines()[0].startswith("Auditing ")

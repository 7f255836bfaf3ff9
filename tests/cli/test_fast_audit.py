"""`scaffold audit` without Typer (scaffolder.cli.fast_audit) means what Typer would.

Each plain command line the fast parser accepts is also parsed by the real
Typer command (its callback replaced by a recorder, a seam Typer offers), and
both must give the same arguments; command lines it declines go to Typer.
"""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from scaffolder.cli import audit
from scaffolder.cli.fast_audit import AuditArgs, parse
from tests.support.prototypes import materialize

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


def audit_in_a_child(argv: list[str], exits: tuple[int, ...], packages: tuple[str, ...]) -> Any:
    """Run `scaffold ARGV` in a fresh interpreter; stderr's last line: `packages` it imported."""
    code = (
        "import sys\n"
        "from scaffolder.cli.app import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit as done:\n"
        f"    assert done.code in {exits!r}, done.code\n"
        "sys.stdout.flush()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{packages!r}), file=sys.stderr)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )


def test_a_plain_audit_imports_neither_typer_nor_rich(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("print('hello')\n")
    argv = ["audit", str(tmp_path), "--format", "json", "--no-history"]
    done = audit_in_a_child(argv, (0,), ("typer", "rich"))
    assert done.stdout.startswith("{")
    assert done.stderr.splitlines()[-1] == "[]"
    assert done.stderr.splitlines()[0].startswith("Auditing ")


@pytest.mark.parametrize("fmt", ["json", "sarif", "markdown", "html"])
@pytest.mark.parametrize("name", ["lovable-supabase-rls", "pnpm-monorepo-vite-fastify"])
def test_an_audit_imports_no_pydantic(tmp_path: Path, name: str, fmt: str) -> None:
    # The audit's models are dataclasses (docs/decisions/0007): importing pydantic and
    # building its validators cost more than half of a small repository's audit.
    repo = materialize(name, tmp_path / name)  # with its history: the forked scan runs too
    done = audit_in_a_child(
        ["audit", str(repo), "--format", fmt], (0, 1), ("pydantic", "pydantic_core", "typer")
    )
    assert done.stdout.strip()
    assert done.stderr.splitlines()[-1] == "[]"


def test_the_history_scan_is_forked_before_the_detectors_rules_and_costs_load() -> None:
    # inspect/opening.py: what the history child needs is loaded before it is forked,
    # and nothing else, so it scans while the parent imports the rest of the audit.
    code = (
        "import sys\n"
        "import scaffolder.inspect.opening\n"
        "print(sorted(m for m in sys.modules if m.startswith('scaffolder.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    loaded = set(ast.literal_eval(done.stdout))
    assert "scaffolder.inspect.history_secrets" in loaded
    later = {
        "scaffolder.audit",
        "scaffolder.inspect.repository",
        "scaffolder.inspect.apps",
        "scaffolder.inspect.supabase",
        "scaffolder.environment.cost",
    }
    assert loaded.isdisjoint(later)


def test_the_cyclic_collector_is_off_while_auditing_and_back_on_after(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("print('hello')\n")
    code = (
        "import gc, sys\n"
        "from scaffolder.cli.app import main\n"
        "inside = []\n"
        "def seen(phase, info):\n"
        "    frame = sys._getframe(0)\n"
        "    while frame is not None:\n"
        "        if frame.f_code.co_name == 'inspect_repository':\n"
        "            inside.append(info['generation'])\n"
        "        frame = frame.f_back\n"
        "gc.callbacks.append(seen)\n"
        "gc.set_threshold(1)  # were it on, the collector would run at every allocation\n"
        f"try:\n    main(['audit', {str(tmp_path)!r}, '--format', 'json', '--no-history'])\n"
        "except SystemExit:\n    pass\n"
        "print(inside, gc.isenabled(), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert done.stderr.splitlines()[-1] == "[] True"

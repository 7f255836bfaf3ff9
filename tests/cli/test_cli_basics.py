"""The `scaffold` entry point: help, version, examples, light imports, --debug tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from scaffolder import __version__
from scaffolder.cli.app import app, main

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("pulumi", "pulumi_aws", "boto3", "botocore", "copier")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out, err = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out, err


def _command_paths() -> list[list[str]]:
    """Every leaf command of the app, as the words that invoke it."""
    root = typer.main.get_command(app)
    paths: list[list[str]] = []

    def walk(command: Any, prefix: list[str]) -> None:
        subcommands = getattr(command, "commands", None)
        if not subcommands:
            paths.append(prefix)
            return
        for name, sub in sorted(subcommands.items()):
            walk(sub, [*prefix, name])

    walk(root, [])
    return [p for p in paths if p]


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    assert "audit" in out and "Examples" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.strip() == f"scaffold {__version__}"


def test_there_are_commands_to_check() -> None:
    assert ["audit"] in _command_paths()


@pytest.mark.parametrize("words", _command_paths(), ids=" ".join)
def test_each_command_help_shows_an_example(
    words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The command's own help shows an example invocation of it.

    A subcommand may instead rely on its group's help, as long as the group's
    examples invoke that very subcommand (`scaffold backup run ...`).
    """
    invocation = f"scaffold {' '.join(words)}"
    code, out, _ = run([*words, "--help"], capsys)
    assert code == 0
    if "example" in out.lower() and invocation in out:
        return
    assert len(words) > 1, f"`{invocation} --help` shows no example"
    code, group_out, _ = run([*words[:-1], "--help"], capsys)
    assert code == 0 and "example" in group_out.lower()
    assert invocation in group_out, f"neither `{invocation} --help` nor its group shows an example"


def test_help_does_not_import_heavy_libraries() -> None:
    probe = (
        "import json, sys\n"
        "from scaffolder.cli.app import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = [m for m in sys.modules if m.split('.')[0] in {HEAVY!r}]\n"
        "sys.stderr.write(json.dumps(sorted(heavy)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert json.loads(done.stderr) == []
    assert "audit" in done.stdout


def _scaffold(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scaffolder.cli.app", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


def test_errors_show_no_traceback_without_debug(tmp_path: Path) -> None:
    done = _scaffold("audit", str(tmp_path / "missing"))
    assert done.returncode == 3
    assert "does not exist" in done.stderr and "hint:" in done.stderr
    assert "Traceback" not in done.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    done = _scaffold("--debug", "audit", str(tmp_path / "missing"))
    assert done.returncode == 3
    assert "Traceback (most recent call last)" in done.stderr
    assert "does not exist" in done.stderr


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["no-such-command"], capsys)
    assert code == 2 and "Traceback" not in err

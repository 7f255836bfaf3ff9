"""Files nested deeper than Python's parsers recurse: exit 3 naming the file, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.cli.app import main
from scaffolder.errors import InputError
from scaffolder.inspect import inspect_repository

DEPTH = 100_000

CASES = {
    "package.json": "[" * DEPTH + "]" * DEPTH,
    "pyproject.toml": "a = " + "[" * DEPTH + "]" * DEPTH,
    "Pipfile": "a = " + "[" * DEPTH + "]" * DEPTH,
    ".github/workflows/ci.yml": "on: push\nx: " + "[" * DEPTH + "]" * DEPTH,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_deeply_nested_file_is_an_input_error_naming_it(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CASES[name])
    with pytest.raises(InputError, match="nested too deeply") as raised:
        inspect_repository(tmp_path, scan_history=False)
    assert name in raised.value.message


def test_audit_of_a_deeply_nested_manifest_exits_3_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "package.json").write_text(CASES["package.json"])
    with pytest.raises(SystemExit) as exited:
        main(["audit", str(tmp_path), "--no-history"])
    err = capsys.readouterr().err
    assert exited.value.code == 3
    assert "package.json is nested too deeply" in err and "Traceback" not in err

"""One convention for where the project is: --project DIR or -C DIR on every command
that works on one (audit and init also take a positional PATH)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from scaffolder.cli.app import app
from tests.cli.entry import exit_code
from tests.provision.project import make_project


def _leaves() -> dict[tuple[str, ...], Any]:
    found: dict[tuple[str, ...], Any] = {}

    def walk(command: Any, prefix: tuple[str, ...]) -> None:
        subcommands = getattr(command, "commands", None)
        if not subcommands:
            found[prefix] = command
            return
        for name, sub in subcommands.items():
            walk(sub, (*prefix, name))

    walk(typer.main.get_command(app), ())
    return found


def test_every_command_that_takes_a_project_takes_it_as_project_or_c() -> None:
    with_project = {
        words: {opt for p in cmd.params for opt in p.opts if opt in {"--project", "-C"}}
        for words, cmd in _leaves().items()
        if any("--project" in p.opts or "-C" in p.opts for p in cmd.params)
    }
    assert ("plan",) in with_project and ("backup", "verify") in with_project
    assert ("audit",) in with_project and ("init",) in with_project
    assert all(opts == {"--project", "-C"} for opts in with_project.values()), with_project


def test_plan_takes_the_project_like_up_and_keeps_infra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "app")
    monkeypatch.chdir(tmp_path)
    assert exit_code(["plan", "dev", "-C", str(project), "--json"]) == 0
    assert exit_code(["plan", "dev", "--infra", str(project / "infra"), "--json"]) == 0
    capsys.readouterr()
    assert exit_code(["plan", "dev"]) == 3
    err = capsys.readouterr().err
    assert f"{tmp_path.resolve()} is not a scaffold project (no infra/Pulumi.dev.yaml)" in err
    assert "--project" in err and "init first" not in err


def test_a_project_missing_one_environment_says_which_it_has(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "app")
    (project / "infra" / "Pulumi.prod.yaml").unlink()
    assert exit_code(["plan", "prod", "-C", str(project)]) == 3
    err = capsys.readouterr().err
    assert "has no prod environment" in err and "dev, staging" in err


def test_audit_takes_path_or_project_but_not_two_different_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert exit_code(["audit", "-C", str(tmp_path / "a"), "--no-history"]) == 0
    a = str(tmp_path / "a")
    assert exit_code(["audit", a, "--project", a, "--no-history"]) == 0
    assert exit_code(["audit", str(tmp_path / "b"), "-C", a, "--no-history"]) == 2
    assert "Two projects were named" in capsys.readouterr().err

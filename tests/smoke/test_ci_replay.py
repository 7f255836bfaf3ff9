"""`scaffold smoke --ci`: the generated CI steps run for real on small prototypes, the
record they leave, and what audit and init make of it (docs/smoke.md, "CI steps on the host").

Real runs, no fakes: pytest from PyPI, npm ci from the npm registry (both warm-cached).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from scaffolder.cli.app import main
from scaffolder.init.git import git

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures/ci-outcomes"

APP_PY = """from flask import Flask

app = Flask(__name__)


@app.get("/")
def index() -> dict[str, str]:
    return {"hello": "world"}
"""
FAILING_TEST = """def add(a: int, b: int) -> int:
    return a - b  # the prototype's bug


def test_add() -> None:
    assert add(2, 2) == 4
"""


def _run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    return int(exited.value.code or 0)


def _commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def _initialised(root: Path) -> Path:
    git(root, "init", "-q", "-b", "main")
    _commit(root, "the prototype")
    assert _run(["init", str(root), "--defaults"]) == 0
    _commit(root, "scaffold init")
    return root


def _flask_app(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "app.py").write_text(APP_PY, encoding="utf-8")
    (root / "requirements.txt").write_text("flask==3.1.0\npytest==8.3.4\n", encoding="utf-8")
    (root / "test_app.py").write_text(FAILING_TEST, encoding="utf-8")
    (root / ".gitignore").write_text(".venv/\n__pycache__/\n", encoding="utf-8")
    return _initialised(root)


def _record(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / ".scaffold/ci-run.json").read_text())
    return data


def _steps(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (app,) = record["apps"]
    return {step["name"]: step for step in app["steps"]}


def _audit(root: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, list[dict[str, Any]]]:
    capsys.readouterr()
    assert _run(["audit", str(root), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    found: dict[str, list[dict[str, Any]]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["rule_id"], []).append(finding)
    return found


def _test_step(workflow: str) -> str:
    """The lines of ci.yml's test step for the app."""
    start = workflow.index("- name: Test")
    return workflow[start : workflow.index("- name:", start + 10)]


@pytest.mark.slow
def test_a_failing_pytest_is_recorded_reported_and_made_non_blocking_until_it_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _flask_app(tmp_path)
    ci = root / ".github/workflows/ci.yml"
    assert "continue-on-error" not in _test_step(ci.read_text())  # may pass: blocking

    assert _run(["smoke", "--ci", str(root)]) == 1
    record = _record(root)
    steps = _steps(record)
    assert record["commit"] == git(root, "rev-parse", "HEAD").strip()
    assert steps["install"]["passed"] and steps["install"]["command"].startswith("pip install")
    assert steps["test"]["command"] == "pytest" and steps["test"]["exit_code"] == 1
    assert steps["test"]["first_error"] == "FAILED test_app.py::test_add - assert 0 == 4"

    _commit(root, "record the CI run")
    (finding,) = _audit(root, capsys)["OPS009"]
    snippet = finding["evidence"][0]["snippet"]
    assert snippet.startswith("`pytest` failed (exit 1): FAILED test_app.py::test_add")
    assert "stale" not in snippet

    # init reads the same record: the step runs, and blocks nothing until it passes.
    ci.write_text(ci.read_text().replace("name: CI\n", "name: CI (ours)\n"))  # a user edit
    _commit(root, "rename the workflow")
    assert _run(["init", str(root), "--defaults"]) == 0
    step = _test_step(ci.read_text())
    assert "continue-on-error: ${{ vars.TESTS_BLOCKING != 'true' }}" in step
    assert "FAILED test_app.py::test_add" in ci.read_text()
    assert "notes's tests run but do not block" in (root / "docs/RUNBOOK.md").read_text()

    # Fixed, run again: a passing record makes the step blocking on the next init.
    (root / "test_app.py").write_text(FAILING_TEST.replace("a - b", "a + b"))
    _commit(root, "fix add")
    assert _audit(root, capsys)["OPS009"][0]["evidence"][0]["snippet"].endswith(
        "re-run `scaffold smoke --ci`)"
    )  # stale: the code changed since the record
    assert _run(["smoke", "--ci", str(root)]) == 0
    assert _steps(_record(root))["test"]["passed"]
    _commit(root, "record the passing run")
    assert _run(["init", str(root), "--defaults"]) == 0
    assert "continue-on-error" not in _test_step(ci.read_text())
    assert "name: CI (ours)\n" in ci.read_text()  # the user's edit survived both updates
    assert "OPS009" not in _audit(root, capsys)


@pytest.mark.slow
def test_a_failing_node_test_and_a_failing_typescript_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "orders-api"
    shutil.copytree(FIXTURES / "node-tests-and-tsc-fail", root)
    (root / ".gitignore").write_text("node_modules/\ndist/\n")  # fixtures store none
    _initialised(root)

    capsys.readouterr()
    assert _run(["smoke", "--ci", str(root), "--json"]) == 1
    printed = json.loads(capsys.readouterr().out)
    steps = _steps(printed)
    assert list(steps) == ["install", "test", "build"]  # a failing test does not stop the run
    assert steps["install"]["command"] == "npm ci" and steps["install"]["passed"]
    assert steps["test"]["first_error"].startswith("not ok 1 - an order's total adds its prices")
    assert steps["build"]["command"] == "npm run build" and steps["build"]["exit_code"] == 2
    assert (
        "error TS7006: Parameter 'items' implicitly has an 'any' type"
        in (steps["build"]["first_error"])
    )
    assert printed == _record(root)
    assert not (root / "node_modules").exists()  # it ran in a throw-away copy

    found = _audit(root, capsys)
    (build,) = found["OPS010"]
    assert build["severity"] == "high"
    assert build["evidence"][0]["snippet"].startswith("`npm run build` failed (exit 2): src/")
    assert "not ok 1" in found["OPS009"][0]["evidence"][0]["snippet"]


def test_smoke_ci_exit_codes_without_a_project_or_with_engine_options(tmp_path: Path) -> None:
    assert _run(["smoke", "--ci", str(tmp_path)]) == 3  # no .scaffold/context.json
    assert _run(["smoke", "--ci", "--engine", "docker", str(tmp_path)]) == 2


def test_the_copy_holds_a_checkout_and_the_environment_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffolder.smoke.ci_replay import checkout_files, clean_env, copy_checkout

    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    (root / ".gitignore").write_text(".env\nnode_modules/\n")
    (root / ".env").write_text("OPENAI_API_KEY=sk-live-not-for-ci\n")
    (root / "node_modules/x").mkdir(parents=True)
    (root / "node_modules/x/index.js").write_text("")
    (root / "new.js").write_text("// not committed yet\n")
    files = checkout_files(root)
    copy_checkout(root, tmp_path / "copy", files)
    assert sorted(p.name for p in (tmp_path / "copy").iterdir()) == [".gitignore", "new.js"]

    monkeypatch.setenv("OPENAI_API_KEY", "sk-live-in-my-shell")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "also-mine")
    env = clean_env(tmp_path / "work")
    assert "OPENAI_API_KEY" not in env and "AWS_SECRET_ACCESS_KEY" not in env
    assert env["CI"] == "true" and env["PATH"].startswith(str(tmp_path / "work/prefix/bin"))


def test_a_first_error_line_is_redacted_and_a_failed_install_skips_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffolder.models import Language
    from scaffolder.smoke.ci_replay import CiAppPlan, CiCommand, CiDeps, CiOptions, run_ci
    from scaffolder.smoke.host import CommandRun

    def fake_run(argv: list[str], cwd: Path, env: dict[str, str], *, timeout: float) -> CommandRun:
        assert "SECRET_IN_MY_SHELL" not in env
        return CommandRun(1, "Error: connect postgresql://app:hunter2-long-pass@db/app\n", 0.1)

    plan = CiAppPlan(
        "api",
        ".",
        Language.NODE,
        "20.18.1",
        (CiCommand("install", "npm ci"), CiCommand("test", "npm test")),
    )
    (tmp_path / "package.json").write_text("{}")
    monkeypatch.setenv("SECRET_IN_MY_SHELL", "not-for-ci")
    record = run_ci(tmp_path, [plan], CiOptions(step_timeout_s=5), CiDeps(run=fake_run), "0.1.0")

    (app,) = record.apps
    (install,) = app.steps
    assert "hunter2-long-pass" not in install.first_error
    assert install.first_error.startswith("Error: connect postgresql://app:hunt...ss@db")
    assert app.skipped == ["test"] and record.commit is None

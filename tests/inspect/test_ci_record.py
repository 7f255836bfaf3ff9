"""`.scaffold/ci-run.json` read back by inspect: staleness against HEAD, which outcome wins
over the static test prediction, a malformed record (inspect/ci_record.py)."""

from __future__ import annotations

from pathlib import Path

from scaffolder.init.git import git
from scaffolder.inspect import inspect_repository
from scaffolder.models import CiAppOutcome, CiRunRecord, CiStepOutcome, RepoFacts
from scaffolder.smoke.host import first_error

PACKAGE = '{"name": "api", "scripts": {"start": "node index.js", "test": "jest"},\n'
PACKAGE += '"dependencies": {"express": "4.21.2"}, "devDependencies": {"jest": "29.7.0"}}\n'
INDEX = "const express = require('express');\nconst app = express();\napp.listen(3000);\n"


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "api"
    root.mkdir()
    (root / "package.json").write_text(PACKAGE)
    (root / "index.js").write_text(INDEX)
    git(root, "init", "-q")
    return _commit(root)


def _commit(root: Path) -> Path:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "change")
    return root


def _record(root: Path, *, test_passed: bool, build_error: str | None = None) -> None:
    test = CiStepOutcome("test", "npm test", 0 if test_passed else 1, test_passed,
                         "" if test_passed else "● orders > total: expected 5", 1.0)  # fmt: skip
    steps = [CiStepOutcome("install", "npm ci", 0, True), test]
    if build_error is not None:
        steps.append(CiStepOutcome("build", "npm run build", 2, False, build_error))
    record = CiRunRecord(
        scaffold_version="0.1.0",
        commit=git(root, "rev-parse", "HEAD").strip(),
        dirty=False,
        started_at="2026-12-06T17:00:00+00:00",
        finished_at="2026-12-06T17:01:00+00:00",
        step_timeout_s=600,
        apps=[CiAppOutcome("api", ".", steps)],
    )
    (root / ".scaffold").mkdir(exist_ok=True)
    (root / ".scaffold/ci-run.json").write_text(record.to_json())


def _facts(root: Path) -> RepoFacts:
    return inspect_repository(root, scan_history=False)


def test_a_recorded_failure_sets_the_test_failure_and_stays_fresh_after_committing_it(
    tmp_path: Path,
) -> None:
    root = _repo(tmp_path)
    (root / "api.test.js").write_text("test('x', () => expect(1).toBe(2));\n")
    _commit(root)
    assert _facts(root).apps[0].test_failure is None  # a test exists: nothing predicted
    _record(root, test_passed=False)
    _commit(root)  # the record itself is a commit: HEAD moved, no code changed

    facts = _facts(root)
    assert facts.ci_run is not None and not facts.ci_run.stale
    assert facts.apps[0].test_failure == "● orders > total: expected 5"

    (root / "index.js").write_text(INDEX + "// changed\n")
    _commit(root)
    facts = _facts(root)
    assert facts.ci_run is not None and facts.ci_run.stale  # code changed since
    assert facts.apps[0].test_failure == "● orders > total: expected 5"  # still reported


def test_a_fresh_pass_clears_the_prediction_a_stale_one_does_not(tmp_path: Path) -> None:
    root = _repo(tmp_path)  # jest with no test file: predicted to fail
    assert _facts(root).apps[0].test_failure == "No tests found, exiting with code 1"
    _record(root, test_passed=True)
    assert _facts(root).apps[0].test_failure is None

    (root / "index.js").write_text(INDEX + "// changed\n")
    _commit(root)
    assert _facts(root).apps[0].test_failure == "No tests found, exiting with code 1"


def test_a_changed_test_script_makes_a_pass_stale_even_before_it_is_committed(
    tmp_path: Path,
) -> None:
    root = _repo(tmp_path)
    _record(root, test_passed=True)
    (root / "package.json").write_text(PACKAGE.replace('"test": "jest"', '"test": "vitest"'))
    facts = _facts(root)
    assert facts.ci_run is not None and facts.ci_run.stale
    assert facts.apps[0].test_failure == "No test files found, exiting with code 1"


def test_a_malformed_record_is_a_warning(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / ".scaffold").mkdir()
    (root / ".scaffold/ci-run.json").write_text('{"apps": "none"}')
    facts = _facts(root)
    assert facts.ci_run is None
    assert any(w.path == ".scaffold/ci-run.json" for w in facts.warnings)


def test_first_error_reads_test_runners_and_compilers() -> None:
    pytest_out = "test_app.py F\n====\nFAILED test_app.py::test_add - assert 0 == 4\n1 failed\n"
    assert first_error(pytest_out) == "FAILED test_app.py::test_add - assert 0 == 4"
    tap = "TAP version 13\n# Subtest: adds\nnot ok 1 - adds\n  ---\n  duration_ms: 2.6\n"
    tap += "  error: |-\n    Expected values to be strictly equal:\n"
    assert first_error(tap) == "not ok 1 - adds: Expected values to be strictly equal:"
    django = "Found 1 test(s).\nTraceback (most recent call last):\n  File 'x.py'\n"
    django += "ValueError: GOOGLE_API_KEY is not set\n"
    assert first_error(django) == "ValueError: GOOGLE_API_KEY is not set"
    tsc = "> build\n> tsc\n\nsrc/a.ts(7,16): error TS7006: Parameter 'x' implicitly has an 'any'.\n"
    assert first_error(tsc).startswith("src/a.ts(7,16): error TS7006")

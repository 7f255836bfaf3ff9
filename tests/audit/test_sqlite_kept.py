"""A SQLite-only Python app: the audit says and prices what `scaffold init` really does.

init keeps such an app on its SQLite file and provisions no RDS (init/context.py); DATA001's
fix and the cost estimate read the same decision (inspect/sqlite_plan.keeps_sqlite).
"""

from __future__ import annotations

from pathlib import Path

from scaffolder.audit import evaluate
from scaffolder.audit.costs import environment_specs
from scaffolder.init.context import build_context
from scaffolder.inspect import inspect_repository
from scaffolder.models import RepoFacts
from tests.audit.factories import flat_estimator
from tests.init.test_python_apps import ANSWERS, FASTAPI_SQLITE


def _facts(tmp_path: Path, files: dict[str, str]) -> RepoFacts:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return inspect_repository(tmp_path, scan_history=False)


def _data001_fix(facts: RepoFacts) -> str:
    report = evaluate(facts, cost_estimator=flat_estimator)
    return next(f.fix for f in report.findings if f.rule_id == "DATA001")


def test_a_kept_sqlite_app_is_told_and_priced_without_rds(tmp_path: Path) -> None:
    facts = _facts(tmp_path, FASTAPI_SQLITE)
    assert build_context(facts, ANSWERS).sqlite_kept
    fix = _data001_fix(facts)
    assert "provisions no database" in fix and "psycopg" in fix
    specs = environment_specs(facts)
    assert specs and all(s.database is None for s in specs.values())


def test_with_a_postgres_driver_the_audit_still_promises_and_prices_rds(tmp_path: Path) -> None:
    files = dict(FASTAPI_SQLITE)
    files["requirements.txt"] += "psycopg2-binary==2.9.9\n"
    facts = _facts(tmp_path, files)
    assert not build_context(facts, ANSWERS).sqlite_kept
    assert "RDS Postgres per environment" in _data001_fix(facts)
    assert all(s.database is not None for s in environment_specs(facts).values())

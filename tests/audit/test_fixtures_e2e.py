"""`run_audit` on every fixture prototype: the traps each one carries show up as findings.

Each fixture is materialized into a real git repository (history included), inspected by
the real inspector, priced by the real cost model, and rendered in every format.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from scaffolder.audit import run_audit
from scaffolder.audit.formats import to_json, to_markdown, to_sarif
from scaffolder.audit.formats.json_report import report_schema
from scaffolder.cli.render_report import report_as_text
from scaffolder.models import ReadinessReport
from tests.support.prototypes import fixture_names, materialize

SARIF_SCHEMA = json.loads(
    Path(__file__).with_name("sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)

# fixture -> (rule ids that must fire, rule ids that must not)
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "bolt-vite-express": (
        {"SEC001", "SEC008", "CODE003", "OPS001", "CODE001"},
        {"OPS005", "DATA003", "DATA006", "SEC004"},
    ),
    "comma-env-groq-bot": ({"SEC001", "SEC004", "CODE002", "OPS005"}, {"DATA006", "SEC009"}),
    "django-startproject": (
        {"SEC005", "SEC011", "DATA001", "DATA002"},
        {"DATA003", "SEC009", "CODE001"},
    ),
    "express-mongo-node-modules": (
        {"SEC001", "SEC005", "DATA007", "CODE005"},
        {"DATA006", "DATA003", "DATA001"},
    ),
    "express-pg-docker-ci": (
        {"SEC001", "OPS002", "OPS004", "DATA005"},
        {"OPS001", "OPS003", "OPS005"},
    ),
    "fastapi-sqlalchemy-alembic": (
        {"SEC001", "SEC002", "SEC006", "OPS001"},
        {"DATA003", "CODE001", "CODE002", "CODE004", "OPS005"},
    ),
    "flask-sqlite-login": (
        {"SEC001", "SEC005", "SEC011", "DATA001", "DATA002", "DATA003", "CODE002"},
        {"SEC002"},
    ),
    "lovable-bun-npm-drift": ({"CODE007", "CODE003"}, {"SEC001", "SEC004", "SEC030"}),
    "lovable-vite-supabase": (
        {"SEC001", "SEC003", "SEC004", "SEC010", "DATA006"},
        {"SEC007", "OPS001", "OPS005", "COST002", "COST003"},
    ),
    "nestjs-prisma-prod-docker": (
        {"DATA006"},
        {"SEC001", "SEC006", "OPS001", "OPS002", "OPS003", "OPS004", "OPS005", "OPS006"},
    ),
    "next-pages-prisma-sqlite": (
        {"SEC004", "SEC006", "DATA001", "DATA002", "DATA004", "OPS001"},
        {"SEC001", "DATA003", "OPS005", "CODE001", "CODE004"},
    ),
    "pnpm-monorepo-vite-fastify": (
        {"SEC001", "SEC004", "SEC006", "OPS005"},
        {"DATA003", "CODE001", "CODE003"},
    ),
    "pnpm-workspace-drift": ({"CODE007", "SEC030", "SEC031"}, {"SEC001", "CODE003"}),
    "remix-supabase-bun": ({"OPS001"}, {"SEC003", "SEC010", "SEC001", "CODE003", "OPS005"}),
    "streamlit-openai": ({"SEC001", "DATA001", "OPS005"}, {"DATA002"}),
    "v0-next-drizzle-neon": ({"SEC002", "OPS005", "CODE001"}, {"SEC001", "DATA003"}),
}
# The score bands the fixtures land in: a leaked credential caps the score at 40.
CAPPED = {
    name
    for name, (fires, _) in EXPECTED.items()
    if fires & {"SEC001", "SEC002", "SEC003", "SEC010"}
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReadinessReport]:
    base = tmp_path_factory.mktemp("fixtures")
    return {name: run_audit(materialize(name, base / name)) for name in fixture_names()}


def test_the_expected_fixtures_exist() -> None:
    assert set(EXPECTED) <= set(fixture_names())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_key_findings(name: str, reports: dict[str, ReadinessReport]) -> None:
    report = reports[name]
    fired = {f.rule_id for f in report.findings}
    must, must_not = EXPECTED[name]
    assert must <= fired, f"{name}: missing {sorted(must - fired)}"
    assert not (must_not & fired), f"{name}: unexpected {sorted(must_not & fired)}"
    if name in CAPPED:
        assert report.score <= 40
    assert report.top_risks and report.top_risks[0] in fired


def test_a_history_only_secret_is_reported_with_its_commit(
    reports: dict[str, ReadinessReport],
) -> None:
    history = [f for f in reports["v0-next-drizzle-neon"].findings if f.rule_id == "SEC002"]
    assert {f.evidence[0].path for f in history} == {".env.production"}
    assert all("(commit " in (f.evidence[0].snippet or "") for f in history)
    plan = reports["v0-next-drizzle-neon"].launch_plan
    assert plan[0].command is None and "SEC002" in plan[0].closes


def test_a_production_ready_fixture_scores_high(reports: dict[str, ReadinessReport]) -> None:
    assert reports["nestjs-prisma-prod-docker"].score >= 80


def test_every_fixture_is_priced_per_environment(reports: dict[str, ReadinessReport]) -> None:
    for name, report in reports.items():
        costs = report.estimated_monthly_cost_usd
        assert set(costs) == {"dev", "staging", "prod"}, name
        assert 0 < costs["dev"] <= costs["prod"], name


def test_every_fixture_renders_in_every_format(reports: dict[str, ReadinessReport]) -> None:
    sarif = jsonschema.Draft4Validator(SARIF_SCHEMA)
    schema = jsonschema.Draft202012Validator(report_schema())
    for name, report in reports.items():
        schema.validate(json.loads(to_json(report)))
        errors = list(sarif.iter_errors(json.loads(to_sarif(report))))
        assert not errors, (name, errors[0].message)
        assert to_markdown(report).startswith("# Production readiness")
        assert "Launch plan" in report_as_text(report)


_TOKEN = re.compile(r"[A-Za-z0-9_\-+/=.:@]{16,}")
_WINDOW = 12
_URL_PASSWORD = re.compile(r"://[^:/@\s]+:([^@\s]+)@")


def _secret_windows(report: ReadinessReport) -> set[str]:
    """12-character pieces of every secret value the inspector found in the working tree."""
    root = Path(report.facts.root)
    windows: set[str] = set()
    for secret in report.facts.secrets:
        if not (secret.in_working_tree and secret.line):
            continue
        lines = (root / secret.path).read_text(encoding="utf-8", errors="replace").splitlines()
        line = lines[secret.line - 1]
        # A connection URL's preview keeps user and host on purpose; only the password is secret.
        passwords = _URL_PASSWORD.findall(line)
        for token in passwords or _TOKEN.findall(line):
            for start in range(len(token) - _WINDOW + 1):
                piece = token[start : start + _WINDOW]
                digits = sum(c.isdigit() for c in piece)
                letters = sum(c.isalpha() for c in piece)
                if digits >= 2 and letters >= 2:  # value-like, never a variable name
                    windows.add(piece)
    return windows


def test_reports_never_carry_a_secret_value(reports: dict[str, ReadinessReport]) -> None:
    checked = 0
    for name, report in reports.items():
        text = to_json(report) + to_markdown(report) + to_sarif(report) + report_as_text(report)
        windows = _secret_windows(report)
        checked += len(windows)
        leaked = sorted(w for w in windows if w in text)
        assert not leaked, (name, leaked[:3])
    assert checked > 100  # the fixtures do plant secrets

"""JSON (against its committed schema), Markdown, SARIF (against the OASIS schema), text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from scaffolder.audit import evaluate
from scaffolder.audit.formats import ReportFormat, render, to_json, to_markdown, to_sarif
from scaffolder.audit.formats.json_report import report_schema, report_schema_json
from scaffolder.audit.rules import all_rules
from scaffolder.cli.render_report import report_as_text, score_bar
from scaffolder.models import (
    AuthFacts,
    AuthKind,
    Evidence,
    ReadinessReport,
    RepoFacts,
    ScanWarning,
    SecretKind,
    WarningKind,
)
from tests.audit.factories import flat_estimator, ready_facts, secret, server_app, with_production

REPO = Path(__file__).resolve().parents[2]
SARIF_SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0.json")


def sample_report() -> ReadinessReport:
    facts = with_production(
        ready_facts(
            secrets=[
                secret(),
                secret(
                    kind=SecretKind.FALLBACK_SECRET,
                    path="pages/api/auth/[...nextauth].ts",
                    line=11,
                    preview="dev-...et",
                    fingerprint="b" * 64,
                ),
            ],
            apps=[server_app(runtime_version=None)],
            auth=[
                AuthFacts(
                    kind=AuthKind.CLIENT_ONLY,
                    evidence=[Evidence(path="src/Login.tsx", line=7, snippet="pw === `admin|1`")],
                )
            ],
            warnings=[ScanWarning(kind=WarningKind.TOO_LARGE, path="big.json", message="2 MB")],
        ),
        workflows=[],
        environments=[],
    )
    return evaluate(facts, cost_estimator=flat_estimator, tool_version="1.2.3")


# ---------------------------------------------------------------------------- JSON


def test_json_round_trips_and_is_versioned() -> None:
    report = sample_report()
    text = to_json(report)
    assert json.loads(text)["schema_version"] == "1"
    assert ReadinessReport.model_validate_json(text) == report


def test_committed_schema_equals_the_generated_one() -> None:
    committed = (REPO / "docs/schema/report-v1.json").read_text(encoding="utf-8")
    assert committed == report_schema_json(), (
        "docs/schema/report-v1.json is stale: run `python -m scaffolder.audit.generated_docs`"
    )


def test_json_report_validates_against_the_schema() -> None:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for report in (sample_report(), evaluate(RepoFacts(root="/e", name="e"))):
        jsonschema.Draft202012Validator(schema).validate(json.loads(to_json(report)))


def test_schema_rejects_a_report_without_a_score() -> None:
    document = json.loads(to_json(sample_report()))
    del document["score"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(report_schema()).validate(document)


# ------------------------------------------------------------------------ Markdown


def test_markdown_has_scores_risks_findings_plan_and_warnings() -> None:
    report = sample_report()
    text = to_markdown(report)
    assert text.startswith("# Production readiness: acme/ready\n")
    assert f"**Score: {report.score}/100**" in text
    assert "| Dimension | Score | Findings |" in text and "| Security |" in text
    assert "## Top risks" in text and "1. **SEC001** (critical)" in text
    assert "## Estimated monthly cost" in text and "| prod | $90.00 |" in text
    for finding in report.findings:
        assert f"#### {finding.rule_id} · {finding.severity.value}" in text
    assert "## Launch plan" in text and "`scaffold up staging`" in text
    assert "## Scan warnings" in text and "`big.json`" in text
    assert "- **At:** `server/ai.js:4` `sk-a...f3`" in text


def test_markdown_escapes_table_pipes_and_backticks() -> None:
    text = to_markdown(sample_report())
    # the snippet holds a backtick and a pipe: a double-backtick span keeps it literal
    assert "`` pw === `admin|1` ``" in text
    assert "<script" not in to_markdown(evaluate(ready_facts(git_remote="<script>x</script>")))


def test_markdown_for_a_clean_report() -> None:
    text = to_markdown(evaluate(RepoFacts(root="/e", name="e")))
    assert "No findings." in text and "## Top risks" not in text


# --------------------------------------------------------------------------- SARIF


def _sarif(report: ReadinessReport) -> dict[str, Any]:
    return json.loads(to_sarif(report))  # type: ignore[no-any-return]


def test_sarif_validates_against_the_oasis_schema() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    for report in (sample_report(), evaluate(RepoFacts(root="/e", name="e"))):
        errors = sorted(validator.iter_errors(_sarif(report)), key=str)
        assert not errors, errors[0]


def test_sarif_has_one_rule_per_rule_id_with_help_and_security_severity() -> None:
    run = _sarif(sample_report())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in all_rules()]
    for rule in rules:
        assert rule["help"]["text"] and rule["help"]["markdown"]
        severity = float(rule["properties"]["security-severity"])
        assert 0.0 < severity <= 10.0
    sec001 = next(r for r in rules if r["id"] == "SEC001")
    assert sec001["properties"]["security-severity"] == "9.5"
    assert sec001["defaultConfiguration"]["level"] == "error"


def test_sarif_results_have_locations_rule_indexes_and_fingerprints() -> None:
    report = sample_report()
    run = _sarif(report)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(report.findings)
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["locations"], result["ruleId"]
        assert result["partialFingerprints"]["scaffoldFinding/v1"]
    by_rule = {r["ruleId"]: r for r in results}
    located = by_rule["SEC006"]["locations"][0]["physicalLocation"]
    assert located["artifactLocation"]["uri"] == "pages/api/auth/%5B...nextauth%5D.ts"
    assert located["region"] == {"startLine": 11}
    # "No CI" has no file: it points at the app's manifest
    no_ci = by_rule["OPS003"]["locations"][0]["physicalLocation"]
    assert no_ci["artifactLocation"]["uri"] == "package.json" and "region" not in no_ci
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels["SEC001"] == "error" and levels["COST004"] == "warning"
    assert levels["CODE004"] == "note"


def test_sarif_message_says_what_why_and_how_to_fix() -> None:
    results = _sarif(sample_report())["runs"][0]["results"]
    message = next(r for r in results if r["ruleId"] == "OPS003")["message"]["text"]
    assert message.startswith("No continuous integration. Nothing checks a change")
    assert message.endswith("Run: scaffold init")


# ---------------------------------------------------------------------------- text


def test_text_report_shows_bars_risks_groups_plan_and_warnings() -> None:
    report = sample_report()
    text = report_as_text(report)
    assert f"Production readiness: acme/ready   {report.score}/100" in text
    for label in ("Security", "Data", "Operations", "Code", "Cost"):
        assert label in text
    assert "█" in text and "Top risks" in text and "Launch plan" in text
    assert "SEC001" in text and "server/ai.js:4" in text
    assert "Scan warnings (1)" in text and "big.json" in text
    assert "\x1b[" not in text  # plain text for files


def test_text_report_prints_repository_strings_literally() -> None:
    facts = ready_facts(
        secrets=[secret(path="[bold red]src/x.js[/bold red]", description="[link]key")]
    )
    text = report_as_text(evaluate(facts))
    assert "[bold red]src/x.js[/bold red]" in text and "[link]key" in text


def test_score_bar_fills_in_proportion() -> None:
    assert score_bar(100).plain == "█" * 20
    assert score_bar(0).plain == "░" * 20
    assert score_bar(50).plain == "█" * 10 + "░" * 10


def test_render_dispatches_machine_formats_and_refuses_text() -> None:
    report = sample_report()
    assert render(report, ReportFormat.JSON) == to_json(report)
    assert render(report, ReportFormat.MARKDOWN) == to_markdown(report)
    assert render(report, ReportFormat.SARIF) == to_sarif(report)
    with pytest.raises(ValueError, match="render_report"):
        render(report, ReportFormat.TEXT)

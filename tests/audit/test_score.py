"""Scores, top risks and the launch plan (formula in docs/audit.md)."""

from __future__ import annotations

from scaffolder.audit import evaluate
from scaffolder.audit.rules import all_rules
from scaffolder.audit.score import (
    CRITICAL_CAP,
    DIMENSION_WEIGHT,
    SEVERITY_WEIGHT,
    dimension_scores,
    launch_plan,
    overall_score,
    top_risks,
)
from scaffolder.models import Dimension, Finding, Severity
from tests.audit.factories import ready_facts, secret, server_app, with_production

RULES = {r.id: r for r in all_rules()}


def finding(
    rule_id: str, severity: Severity | None = None, dimension: Dimension | None = None
) -> Finding:
    rule = RULES.get(rule_id)
    return Finding(
        rule_id=rule_id,
        title=rule.title if rule else rule_id,
        dimension=dimension or (rule.dimension if rule else Dimension.CODE),
        severity=severity or (rule.severity if rule else Severity.LOW),
        why="w.",
        fix="f.",
    )


def score_of(scores: list, dimension: Dimension) -> int:  # type: ignore[type-arg]
    return next(s.score for s in scores if s.dimension == dimension)


def test_weights_are_documented_constants() -> None:
    assert sum(DIMENSION_WEIGHT.values()) == 100
    assert SEVERITY_WEIGHT[Severity.CRITICAL] > SEVERITY_WEIGHT[Severity.HIGH] > 0
    assert SEVERITY_WEIGHT[Severity.INFO] == 0


def test_dimension_score_deducts_severity_weights_and_floors_at_zero() -> None:
    found = [finding("OPS001"), finding("OPS006"), finding("OPS007"), finding("COST001")]
    scores = dimension_scores(found)
    assert score_of(scores, Dimension.OPERATIONS) == 100 - 20 - 10 - 4
    assert score_of(scores, Dimension.COST) == 100  # info costs nothing
    assert score_of(scores, Dimension.SECURITY) == 100
    many = [finding("SEC001")] * 3
    assert score_of(dimension_scores(many), Dimension.SECURITY) == 0
    assert [s.dimension.value for s in scores] == ["security", "data", "operations", "code", "cost"]
    assert next(s.findings for s in scores if s.dimension == Dimension.OPERATIONS) == 3


def test_overall_score_is_the_weighted_mean_rounded_half_up() -> None:
    found = [finding("OPS001")]  # operations 80: 100 - 20% x 20 = 96
    assert overall_score(dimension_scores(found), found) == 96
    found = [finding("CODE004")] * 1 + [finding("OPS007")]  # code 96, ops 96
    # (30+25+10) x 100 + 20 x 96 + 15 x 96 = 9860 -> 98.6 -> 99
    assert overall_score(dimension_scores(found), found) == 99
    found = [finding("COST004", severity=Severity.LOW)] * 1  # cost 96 -> 99.6 -> 100
    assert overall_score(dimension_scores(found), found) == 100
    half = [finding("CODE001", severity=Severity.MEDIUM)] * 1 + [finding("COST004")]
    # code 90, cost 90: 100 - 1.5 - 1.0 = 97.5 -> 98 (half up, not banker's 98/97)
    assert overall_score(dimension_scores(half), half) == 98


def test_an_open_critical_finding_caps_the_overall_score() -> None:
    found = [finding("SEC010")]  # security 60: 88 without the cap
    assert overall_score(dimension_scores(found), found) == CRITICAL_CAP


def test_top_risks_are_distinct_most_severe_first_at_most_five_never_info() -> None:
    found = [
        finding("OPS007"),
        finding("COST001"),
        finding("SEC001"),
        finding("SEC001"),
        finding("DATA001"),
        finding("OPS001"),
        finding("SEC005"),
        finding("CODE001"),
    ]
    assert top_risks(found) == ["SEC001", "SEC005", "DATA001", "OPS001", "CODE001"]
    assert top_risks([finding("COST001")]) == []


def test_launch_plan_order_from_rotation_to_prod_backup_check() -> None:
    facts = with_production(
        ready_facts(
            secrets=[secret()],
            apps=[server_app(runtime_version=None, debug_mode=[])],
            node_modules_committed=["node_modules"],
        ),
        dockerfiles=[],
        environments=[],
        iac=[],
        verifications=[],
    )
    report = evaluate(facts)
    commands = [s.command for s in report.launch_plan]
    titles = [s.title for s in report.launch_plan]
    assert report.launch_plan[0].closes == ["SEC001"] and report.launch_plan[0].command is None
    assert "Rotate" in titles[0]
    order = [
        "scaffold init",
        "scaffold plan prod",
        "scaffold secrets push staging",
        "scaffold up staging",
        "scaffold backup verify staging",
        "scaffold secrets push prod",
        "scaffold up prod",
        "scaffold backup verify prod",
    ]
    assert [c for c in commands if c] == order
    by_command = {s.command: s for s in report.launch_plan}
    assert "OPS001" in by_command["scaffold init"].closes
    assert by_command["scaffold up staging"].closes == ["OPS008"]
    assert by_command["scaffold backup verify prod"].closes == ["DATA006"]
    # medium manual fixes before staging, low ones after launch
    node_modules = titles.index(next(t for t in titles if "node_modules" in t))
    assert commands.index("scaffold init") < node_modules < commands.index("scaffold up staging")
    assert titles[-1].startswith("After launch: pin the Node or Python version")
    assert [s.order for s in report.launch_plan] == list(range(1, len(titles) + 1))


def test_launch_plan_skips_backup_checks_without_a_database() -> None:
    plan = launch_plan([], RULES, has_database=False)
    assert "scaffold backup verify prod" not in [s.command for s in plan]
    assert plan[0].command == "scaffold init"


def test_info_findings_add_no_manual_step() -> None:
    plan = launch_plan([finding("SEC012"), finding("CODE006")], RULES, has_database=False)
    assert all(s.command for s in plan)

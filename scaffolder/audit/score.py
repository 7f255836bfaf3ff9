"""Findings -> scores, top risks and the launch plan (docs/audit.md, "Score").

Formula:
  dimension score = max(0, 100 - sum of the severity weights of its findings)
  overall score   = sum(dimension score x dimension weight) / 100, rounded half up,
                    capped at CRITICAL_CAP while any critical finding is open.
  planned score   = the same without the findings whose status is "planned" (what
                    `scaffold init` prepared but is not done: no verified restore yet...).
Everything here is deterministic: the same findings give the same report, byte for byte.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from scaffolder.audit.rules.base import Rule, Stage
from scaffolder.models import Dimension, DimensionScore, Finding, LaunchStep, Severity

SEVERITY_WEIGHT: dict[Severity, int] = {
    Severity.CRITICAL: 40,
    Severity.HIGH: 20,
    Severity.MEDIUM: 10,
    Severity.LOW: 4,
    Severity.INFO: 0,
}
DIMENSION_WEIGHT: dict[Dimension, int] = {  # percent; sums to 100
    Dimension.SECURITY: 30,
    Dimension.DATA: 25,
    Dimension.OPERATIONS: 20,
    Dimension.CODE: 15,
    Dimension.COST: 10,
}
CRITICAL_CAP = 40  # an app with an open critical finding is never "mostly ready"
MAX_TOP_RISKS = 5

SEVERITY_ORDER = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)
DIMENSION_ORDER = (
    Dimension.SECURITY,
    Dimension.DATA,
    Dimension.OPERATIONS,
    Dimension.CODE,
    Dimension.COST,
)


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def finding_sort_key(finding: Finding) -> tuple[int, int, str, str, int, str]:
    """Most severe first, then security before data before operations..., then rule id."""
    first = finding.evidence[0] if finding.evidence else None
    return (
        SEVERITY_ORDER.index(finding.severity),
        DIMENSION_ORDER.index(finding.dimension),
        finding.rule_id,
        first.path if first else "",
        first.line or 0 if first else 0,
        finding.title,
    )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=finding_sort_key)


def _deducted(findings: Iterable[Finding]) -> int:
    return max(0, 100 - sum(SEVERITY_WEIGHT[f.severity] for f in findings))


def open_findings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings left once the planned work is done (planned ones close)."""
    return [f for f in findings if f.status != "planned"]


def dimension_scores(findings: Sequence[Finding]) -> list[DimensionScore]:
    """Per dimension: the score (planned findings count as open) and the planned score."""
    scores = []
    for dimension in DIMENSION_ORDER:
        mine = [f for f in findings if f.dimension == dimension]
        scores.append(
            DimensionScore(
                dimension=dimension,
                score=_deducted(mine),
                findings=len(mine),
                planned_score=_deducted(open_findings(mine)),
            )
        )
    return scores


def overall_score(scores: Sequence[DimensionScore], findings: Sequence[Finding]) -> int:
    weighted = sum(s.score * DIMENSION_WEIGHT[s.dimension] for s in scores) / 100
    score = _round_half_up(weighted)
    if any(f.severity == Severity.CRITICAL for f in findings):
        score = min(score, CRITICAL_CAP)
    return max(0, min(100, score))


def planned_score(scores: Sequence[DimensionScore], findings: Sequence[Finding]) -> int:
    """The overall score once every planned finding is done."""
    planned = [
        s.model_copy(update={"score": s.score if s.planned_score is None else s.planned_score})
        for s in scores
    ]
    return overall_score(planned, open_findings(findings))


def top_risks(findings: Sequence[Finding]) -> list[str]:
    """Distinct rule ids of the most severe findings (info never counts), at most five."""
    risks: list[str] = []
    for finding in sort_findings(findings):
        if finding.severity == Severity.INFO or finding.rule_id in risks:
            continue
        risks.append(finding.rule_id)
        if len(risks) == MAX_TOP_RISKS:
            break
    return risks


# The fixed steps every launch takes, in order; manual steps come before INIT.
_FIXED_STEPS: tuple[tuple[Stage, str, str], ...] = (
    (
        Stage.INIT,
        "Write the production pieces: Dockerfile, CI/CD, infra/, runbook",
        "scaffold init",
    ),
    (Stage.PLAN, "Review resources and monthly cost offline", "scaffold plan prod"),
    (Stage.SECRETS_STAGING, "Store staging's secrets", "scaffold secrets push staging"),
    (Stage.UP_STAGING, "Create staging and deploy to it", "scaffold up staging"),
    (Stage.BACKUP_STAGING, "Verify staging's backup restores", "scaffold backup verify staging"),
    (Stage.SECRETS_PROD, "Store prod's secrets", "scaffold secrets push prod"),
    (Stage.UP_PROD, "Create prod and deploy to it", "scaffold up prod"),
    (Stage.BACKUP_PROD, "Verify prod's backup restores", "scaffold backup verify prod"),
)
_BACKUP_STAGES = {Stage.BACKUP_STAGING, Stage.BACKUP_PROD}


def _closes_by_stage(findings: Sequence[Finding], rules: dict[str, Rule]) -> dict[Stage, list[str]]:
    by_stage: dict[Stage, list[str]] = {}
    for finding in sort_findings(findings):
        rule = rules.get(finding.rule_id)
        # Info findings never add a manual step of their own; they can ride on a command's step.
        if rule is None or (finding.severity == Severity.INFO and rule.stage <= Stage.MANUAL):
            continue
        closes = by_stage.setdefault(rule.stage, [])
        if finding.rule_id not in closes:
            closes.append(finding.rule_id)
    return by_stage


def launch_plan(
    findings: Sequence[Finding], rules: dict[str, Rule], *, has_database: bool
) -> list[LaunchStep]:
    """The ordered way to production.

    Rotate leaked secrets first; then the critical and high fixes no command makes; then
    `scaffold init` and the offline plan; then the medium fixes (init's CI now runs the
    tests you add); then staging, its backup check, prod and its backup check; low-severity
    fixes come last, after launch.
    """
    by_stage = _closes_by_stage(findings, rules)
    manual = by_stage.get(Stage.MANUAL, [])
    urgent = [r for r in manual if rules[r].severity in (Severity.CRITICAL, Severity.HIGH)]
    medium = [r for r in manual if rules[r].severity == Severity.MEDIUM]
    later = [r for r in manual if r not in urgent and r not in medium]

    steps: list[tuple[str, str | None, list[str]]] = []
    rotate = by_stage.get(Stage.ROTATE, [])
    if rotate:
        steps.append((rules[rotate[0]].action, None, rotate))
    steps += [(rules[r].action, None, [r]) for r in urgent]
    for stage, title, command in _FIXED_STEPS:
        if stage in _BACKUP_STAGES and not has_database:
            continue
        if stage == Stage.SECRETS_STAGING:
            steps += [(rules[r].action, None, [r]) for r in medium]
        steps.append((title, command, by_stage.get(stage, [])))
    steps += [
        (f"After launch: {rules[r].action[0].lower()}{rules[r].action[1:]}", None, [r])
        for r in later
    ]
    return [
        LaunchStep(order=i, title=title, command=command, closes=closes)
        for i, (title, command, closes) in enumerate(steps, start=1)
    ]

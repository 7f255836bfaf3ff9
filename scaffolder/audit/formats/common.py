"""Labels and summaries every report format shares, so they all say the same thing."""

from __future__ import annotations

from collections import Counter

from scaffolder.audit.score import DIMENSION_ORDER, SEVERITY_ORDER
from scaffolder.models import Dimension, DimensionScore, Evidence, Finding, ReadinessReport

DIMENSION_LABEL: dict[Dimension, str] = {
    Dimension.SECURITY: "Security",
    Dimension.DATA: "Data",
    Dimension.OPERATIONS: "Operations",
    Dimension.CODE: "Code",
    Dimension.COST: "Cost",
}


def severity_counts(report: ReadinessReport) -> str:
    """'2 critical, 1 high, 3 medium' (severities with no finding are left out)."""
    counts = Counter(f.severity for f in report.findings)
    parts = [f"{counts[s]} {s.value}" for s in SEVERITY_ORDER if counts[s]]
    return ", ".join(parts) if parts else "none"


def findings_by_dimension(report: ReadinessReport) -> list[tuple[Dimension, list[Finding]]]:
    """Dimensions in report order, each with its findings (already sorted by severity)."""
    groups = []
    for dimension in DIMENSION_ORDER:
        mine = [f for f in report.findings if f.dimension == dimension]
        if mine:
            groups.append((dimension, mine))
    return groups


def finding_for_rule(report: ReadinessReport, rule_id: str) -> Finding | None:
    return next((f for f in report.findings if f.rule_id == rule_id), None)


def location(evidence: Evidence) -> str:
    return f"{evidence.path}:{evidence.line}" if evidence.line else evidence.path


def money(usd: float) -> str:
    return f"${usd:,.2f}"


def has_planned(report: ReadinessReport) -> bool:
    return any(f.status == "planned" for f in report.findings)


def planned_of(score: DimensionScore) -> int:
    return score.score if score.planned_score is None else score.planned_score


def planned_summary(report: ReadinessReport) -> str:
    """' (planned: 74/100 once 2 planned findings are done)', or '' when nothing is planned."""
    planned = sum(1 for f in report.findings if f.status == "planned")
    if not planned or report.planned_score is None:
        return ""
    noun = "finding is" if planned == 1 else "findings are"
    return f" (planned: {report.planned_score}/100 once {planned} planned {noun} done)"

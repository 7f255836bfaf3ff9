"""GitHub-flavoured Markdown report: for a PR comment, a job summary or an issue."""

from __future__ import annotations

from scaffolder.audit.formats.common import (
    DIMENSION_LABEL,
    finding_for_rule,
    findings_by_dimension,
    has_planned,
    location,
    money,
    planned_of,
    planned_summary,
    severity_counts,
)
from scaffolder.display import displayable
from scaffolder.models import Finding, ReadinessReport

MAX_EVIDENCE = 10


def _text(value: str) -> str:
    """Plain text inside Markdown: no accidental tables, HTML or emphasis."""
    out = value.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(out.split())


def _code(value: str) -> str:
    """An inline code span that survives backticks inside the value."""
    flat = " ".join(value.split())
    fence = "``" if "`" in flat else "`"
    return f"{fence} {flat} {fence}" if fence == "``" else f"`{flat}`"


def _finding(finding: Finding) -> list[str]:
    planned = " · planned" if finding.status == "planned" else ""
    lines = [
        f"#### {finding.rule_id} · {finding.severity.value}{planned} · {_text(finding.title)}",
        "",
        f"- **Why it breaks:** {_text(finding.why)}",
        f"- **Fix:** {_text(finding.fix)}",
    ]
    if finding.fix_command:
        lines.append(f"- **Command:** {_code(finding.fix_command)}")
    if finding.planned:
        lines.append(f"- **Planned:** {_text(finding.planned)}")
    for evidence in finding.evidence[:MAX_EVIDENCE]:
        where = _code(location(evidence))
        lines.append(
            f"- **At:** {where}" + (f" {_code(evidence.snippet)}" if evidence.snippet else "")
        )
    if len(finding.evidence) > MAX_EVIDENCE:
        lines.append(f"- … and {len(finding.evidence) - MAX_EVIDENCE} more places")
    return [*lines, ""]


def _scores(report: ReadinessReport) -> list[str]:
    if not has_planned(report):
        lines = ["| Dimension | Score | Findings |", "|---|---:|---:|"]
        for score in report.dimensions:
            lines.append(
                f"| {DIMENSION_LABEL[score.dimension]} | {score.score} | {score.findings} |"
            )
        lines.append(f"| **Overall** | **{report.score}** | **{len(report.findings)}** |")
        return [*lines, ""]
    lines = ["| Dimension | Score | Planned | Findings |", "|---|---:|---:|---:|"]
    for score in report.dimensions:
        lines.append(
            f"| {DIMENSION_LABEL[score.dimension]} | {score.score} | "
            f"{planned_of(score)} | {score.findings} |"
        )
    lines.append(
        f"| **Overall** | **{report.score}** | **{report.planned_score}** | "
        f"**{len(report.findings)}** |"
    )
    return [*lines, ""]


def _top_risks(report: ReadinessReport) -> list[str]:
    if not report.top_risks:
        return []
    lines = ["## Top risks", ""]
    for number, rule_id in enumerate(report.top_risks, start=1):
        finding = finding_for_rule(report, rule_id)
        if finding is not None:
            lines.append(
                f"{number}. **{rule_id}** ({finding.severity.value}) {_text(finding.title)}: "
                f"{_text(finding.why)}"
            )
    return [*lines, ""]


def _cost(report: ReadinessReport) -> list[str]:
    if not report.estimated_monthly_cost_usd:
        return []
    lines = ["## Estimated monthly cost", "", "| Environment | USD / month |", "|---|---:|"]
    for env, usd in report.estimated_monthly_cost_usd.items():
        lines.append(f"| {_text(env)} | {money(usd)} |")
    return [*lines, ""]


def _plan(report: ReadinessReport) -> list[str]:
    lines = ["## Launch plan", ""]
    for step in report.launch_plan:
        text = f"{step.order}. {_text(step.title)}"
        if step.command:
            text += f": {_code(step.command)}"
        if step.closes:
            text += f" (closes {', '.join(step.closes)})"
        lines.append(text)
    return [*lines, ""]


def _warnings(report: ReadinessReport) -> list[str]:
    if not report.warnings:
        return []
    lines = ["## Scan warnings", ""]
    for warning in report.warnings:
        where = f"{_code(warning.path)}: " if warning.path else ""
        lines.append(f"- {warning.kind.value}: {where}{_text(warning.message)}")
    return [*lines, ""]


def to_markdown(report: ReadinessReport) -> str:
    report = displayable(report)
    lines = [
        f"# Production readiness: {_text(report.repository)}",
        "",
        f"**Score: {report.score}/100**{planned_summary(report)} · {len(report.findings)} "
        f"findings ({severity_counts(report)}) · scaffold {_text(report.tool_version)}",
        "",
        *_scores(report),
        *_top_risks(report),
        *_cost(report),
        "## Findings",
        "",
    ]
    groups = findings_by_dimension(report)
    if not groups:
        lines += ["No findings.", ""]
    for dimension, findings in groups:
        lines += [f"### {DIMENSION_LABEL[dimension]}", ""]
        for finding in findings:
            lines += _finding(finding)
    lines += _plan(report) + _warnings(report)
    return "\n".join(lines).rstrip("\n") + "\n"

"""The human-readable audit report (rich): score bars, top risks, findings, launch plan.

Only the CLI imports this module. Every string from the repository goes through
rich `Text` objects, never markup, so a file name like `[red]` prints as itself.
"""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from scaffolder.audit.formats.common import (
    DIMENSION_LABEL,
    finding_for_rule,
    findings_by_dimension,
    location,
    money,
    planned_summary,
    severity_counts,
)
from scaffolder.display import displayable
from scaffolder.models import Finding, ReadinessReport, Severity

BAR_WIDTH = 20
MAX_EVIDENCE = 5
MAX_WARNINGS = 10

SEVERITY_STYLE: dict[Severity, str] = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def score_style(score: int) -> str:
    if score >= 80:
        return "green"
    if score >= 50:
        return "yellow"
    return "red"


def score_bar(score: int, width: int = BAR_WIDTH) -> Text:
    filled = round(max(0, min(100, score)) * width / 100)
    return Text.assemble(("█" * filled, score_style(score)), ("░" * (width - filled), "dim"))


def _badge(severity: Severity) -> Text:
    return Text(f" {severity.value.upper()} ", style=SEVERITY_STYLE[severity])


def _header(report: ReadinessReport, console: Console) -> None:
    console.print(
        Text.assemble(
            ("Production readiness: ", "bold"),
            (report.repository, "bold"),
            "   ",
            (f"{report.score}/100", f"bold {score_style(report.score)}"),
            (planned_summary(report), "dim"),
        )
    )
    console.print(Text(f"{len(report.findings)} findings ({severity_counts(report)})", style="dim"))
    table = Table(show_header=False, box=None, padding=(0, 1))
    for score in report.dimensions:
        table.add_row(
            DIMENSION_LABEL[score.dimension],
            score_bar(score.score),
            Text(f"{score.score:>3}", style=score_style(score.score)),
            Text(f"{score.findings} findings", style="dim"),
        )
    console.print(table)


def _top_risks(report: ReadinessReport, console: Console) -> None:
    if not report.top_risks:
        return
    console.print(Text("\nTop risks", style="bold underline"))
    for number, rule_id in enumerate(report.top_risks, start=1):
        finding = finding_for_rule(report, rule_id)
        if finding is not None:
            console.print(
                Text.assemble(
                    f" {number}. ", _badge(finding.severity), f" {rule_id} ", finding.title
                )
            )


def _cost(report: ReadinessReport, console: Console) -> None:
    if report.estimated_monthly_cost_usd:
        parts = ", ".join(
            f"{env} {money(usd)}" for env, usd in report.estimated_monthly_cost_usd.items()
        )
        console.print(Text.assemble(("\nEstimated monthly AWS cost: ", "bold"), parts))


def _finding(finding: Finding, console: Console) -> None:
    planned = " (planned)" if finding.status == "planned" else ""
    console.print(
        Text.assemble(
            " ",
            _badge(finding.severity),
            " ",
            (finding.rule_id, "bold"),
            planned,
            " ",
            finding.title,
        )
    )
    console.print(Text.assemble("     why: ", (finding.why, "")))
    console.print(Text.assemble("     fix: ", finding.fix))
    if finding.fix_command:
        console.print(Text.assemble("     run: ", (finding.fix_command, "bold cyan")))
    if finding.planned:
        console.print(Text.assemble("     planned: ", (finding.planned, "dim")))
    for evidence in finding.evidence[:MAX_EVIDENCE]:
        line = Text.assemble("     at:  ", (location(evidence), "magenta"))
        if evidence.snippet:
            line.append(f"  {evidence.snippet}", style="dim")
        console.print(line)
    if len(finding.evidence) > MAX_EVIDENCE:
        console.print(
            Text(f"     … and {len(finding.evidence) - MAX_EVIDENCE} more places", style="dim")
        )


def _findings(report: ReadinessReport, console: Console) -> None:
    groups = findings_by_dimension(report)
    if not groups:
        console.print(
            Text("\nNo findings: nothing here will obviously break in production.", style="green")
        )
        return
    for dimension, findings in groups:
        console.print(Text(f"\n{DIMENSION_LABEL[dimension]}", style="bold underline"))
        for finding in findings:
            _finding(finding, console)


def _plan(report: ReadinessReport, console: Console) -> None:
    console.print(Text("\nLaunch plan", style="bold underline"))
    for step in report.launch_plan:
        line = Text(f" {step.order:>2}. {step.title}")
        if step.command:
            line.append("  ").append(step.command, style="bold cyan")
        if step.closes:
            line.append(f"  (closes {', '.join(step.closes)})", style="dim")
        console.print(line)


def _warnings(report: ReadinessReport, console: Console) -> None:
    if not report.warnings:
        return
    console.print(Text(f"\nScan warnings ({len(report.warnings)})", style="bold underline"))
    for warning in report.warnings[:MAX_WARNINGS]:
        where = f"{warning.path}: " if warning.path else ""
        console.print(Text(f" - {warning.kind.value}: {where}{warning.message}", style="yellow"))
    if len(report.warnings) > MAX_WARNINGS:
        rest = len(report.warnings) - MAX_WARNINGS
        console.print(Text(f" … and {rest} more (see --format json)", style="dim"))


def render_report(report: ReadinessReport, console: Console) -> None:
    """Print the whole report to `console`."""
    report = displayable(report)  # names from the repository: no escapes, no forged lines
    _header(report, console)
    _top_risks(report, console)
    _cost(report, console)
    _findings(report, console)
    _plan(report, console)
    _warnings(report, console)


def report_as_text(report: ReadinessReport, *, width: int = 100) -> str:
    """The same report as plain text without colours (for --output FILE)."""
    buffer = StringIO()
    console = Console(file=buffer, width=width, no_color=True, force_terminal=False, soft_wrap=True)
    render_report(report, console)
    return buffer.getvalue()

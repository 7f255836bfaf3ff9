"""A self-contained HTML report: one page a founder can open offline or attach to an e-mail.

Everything is inline (the style sheet of html_style.py, CSS bars); nothing is loaded
from anywhere, and a Content-Security-Policy of `default-src 'none'` says so to the
browser. The only links are to anchors inside the page. Every string from the
report goes through `displayable` (control characters as visible escapes) and then
`html.escape`, so a file named `<script>` shows as text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from scaffolder.audit.formats.common import DIMENSION_LABEL, finding_for_rule, location, money
from scaffolder.audit.formats.html_style import CSS
from scaffolder.audit.score import CRITICAL_CAP, SEVERITY_ORDER
from scaffolder.display import displayable, printable
from scaffolder.models import Finding, ReadinessReport, Severity
from scaffolder.models.record import Record

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
PROBE_ROLES = (("anon", "Anyone (anon key)"), ("authenticated_other", "Another signed-in user"))
PROBE_OPERATIONS = ("select", "insert", "update", "delete")
PROBE_CELLS = ("allowed", "denied", "error")
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_BACKTICKS = re.compile(r"`([^`]+)`")


def _t(value: object) -> str:
    """Text for the page: control characters shown as escapes, then HTML-escaped."""
    return escape(printable(str(value)), quote=True)


def _prose(value: str) -> str:
    """A rule's sentence, escaped, with its `command` spans shown as code."""
    return _BACKTICKS.sub(r"<code>\1</code>", _t(value))


def _anchor(rule_id: str) -> str:
    return "rule-" + _ANCHOR_UNSAFE.sub("_", rule_id)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _tone(score: int) -> str:
    if score >= 80:
        return "good"
    return "warn" if score >= 50 else "bad"


def _badge(severity: Severity) -> str:
    return f'<span class="badge sev-{severity.value}">{_t(severity.value)}</span>'


def _verdict(report: ReadinessReport) -> str:
    if any(f.severity == Severity.CRITICAL for f in report.findings):
        return "Not ready: fix the critical findings before real users arrive"
    if report.score >= 80:
        return "Close to ready for production"
    if report.score >= 50:
        return "Needs work before launch"
    return "Not ready for real users yet"


def _header(report: ReadinessReport) -> str:
    tone = _tone(report.score)
    counts = Counter(f.severity for f in report.findings)
    chips = "".join(
        f'<span class="badge sev-{s.value}">{counts[s]} {_t(s.value)}</span>'
        for s in SEVERITY_ORDER
        if counts[s]
    )
    capped = ""
    if counts[Severity.CRITICAL] and report.score <= CRITICAL_CAP:
        capped = (
            f'<p class="muted">The score is capped at {CRITICAL_CAP} while a critical'
            " finding is open.</p>"
        )
    if report.planned_score is not None and report.planned_score != report.score:
        planned = sum(1 for f in report.findings if f.status == "planned")
        capped += (
            f'<p class="muted planned">Planned score: <b>{report.planned_score}</b> once the '
            f"{_count(planned, 'planned finding')} {'is' if planned == 1 else 'are'} done"
            " (prepared by <code>scaffold init</code>, not done yet).</p>"
        )
    facts = report.facts
    scanned = f" in {_count(facts.files_scanned, 'file')}" if facts.files_scanned else ""
    commit = f" at commit <code>{_t(facts.head_commit[:12])}</code>" if facts.head_commit else ""
    return (
        '<header class="card hero">'
        f'<div class="score s-{tone}" role="img" aria-label="Score {report.score} of 100">'
        f"<b>{report.score}</b><span>out of 100</span></div>"
        '<div class="hero-text">'
        '<p class="muted">Production readiness</p>'
        f"<h1>{_t(report.repository)}</h1>"
        f'<p class="verdict t-{tone}">{_t(_verdict(report))}</p>'
        f"<p>{_count(len(report.findings), 'finding')}{scanned}{commit}"
        f" · scaffold {_t(report.tool_version)}</p>{capped}"
        f'<div class="counts">{chips}</div>'
        "</div></header>"
    )


def _dimensions(report: ReadinessReport) -> str:
    rows = []
    for dim in report.dimensions:
        tone = _tone(dim.score)
        width = max(0, min(100, dim.score))
        rows.append(
            f"<tr><td>{_t(DIMENSION_LABEL[dim.dimension])}</td>"
            f'<td><div class="bar"><span class="s-{tone}" style="width:{width}%"></span></div></td>'
            f'<td class="num t-{tone}"><b>{dim.score}</b></td>'
            f'<td class="num muted">{_count(dim.findings, "finding")}</td></tr>'
        )
    return (
        '<section><h2>Scores by dimension</h2><div class="card">'
        f'<table class="dims">{"".join(rows)}</table></div></section>'
    )


def _top_risks(report: ReadinessReport) -> str:
    items = []
    for rule_id in report.top_risks:
        finding = finding_for_rule(report, rule_id)
        if finding is None:
            continue
        items.append(
            f"<li>{_badge(finding.severity)} "
            f'<a class="rule" href="#{_anchor(rule_id)}">{_t(rule_id)}</a> '
            f"<b>{_t(finding.title)}</b><br>"
            f'<span class="muted">{_prose(finding.why)}</span></li>'
        )
    if not items:
        return ""
    return f'<section><h2>Top risks</h2><ol class="card risks">{"".join(items)}</ol></section>'


def _places(finding: Finding) -> str:
    items = []
    for evidence in finding.evidence:
        snippet = f' <code class="snip">{_t(evidence.snippet)}</code>' if evidence.snippet else ""
        items.append(f"<li><code>{_t(location(evidence))}</code>{snippet}</li>")
    return f'<ul class="places">{"".join(items)}</ul>'


def _finding(finding: Finding, anchored: set[str]) -> str:
    anchor = ""
    if finding.rule_id not in anchored:
        anchored.add(finding.rule_id)
        anchor = f' id="{_anchor(finding.rule_id)}"'
    rows = [
        f"<dt>Why</dt><dd>{_prose(finding.why)}</dd>",
        f"<dt>Fix</dt><dd>{_prose(finding.fix)}</dd>",
    ]
    if finding.fix_command:
        rows.append(f"<dt>Run</dt><dd><code>{_t(finding.fix_command)}</code></dd>")
    if finding.planned:
        rows.append(f"<dt>Planned</dt><dd>{_prose(finding.planned)}</dd>")
    if finding.evidence:
        count = len(finding.evidence)
        label = "Where" if count == 1 else f"Where ({count})"
        rows.append(f"<dt>{label}</dt><dd>{_places(finding)}</dd>")
    return (
        f'<article class="card finding {finding.severity.value}"{anchor}><header>'
        f'{_badge(finding.severity)} <span class="rule">{_t(finding.rule_id)}</span>'
        f"<h3>{_t(finding.title)}</h3>"
        f'<span class="dim">{_t(DIMENSION_LABEL[finding.dimension])}</span></header>'
        f"<dl>{''.join(rows)}</dl></article>"
    )


def _findings(report: ReadinessReport) -> str:
    if not report.findings:
        body = '<p class="card">No findings: nothing here will obviously break in production.</p>'
    else:
        anchored: set[str] = set()
        body = "".join(_finding(f, anchored) for f in report.findings)
    title = f"Findings ({len(report.findings)})"
    return f"<section><h2>{title}</h2>{body}</section>"


def _plan(report: ReadinessReport) -> str:
    if not report.launch_plan:
        return ""
    items = []
    for step in report.launch_plan:
        text = f"<b>{_prose(step.title)}</b>"
        if step.command:
            text += f" <code>{_t(step.command)}</code>"
        if step.closes:
            links = ", ".join(f'<a href="#{_anchor(r)}">{_t(r)}</a>' for r in step.closes)
            text += f' <span class="closes">closes {links}</span>'
        items.append(f'<li value="{step.order}">{text}</li>')
    return (
        "<section><h2>Launch plan</h2>"
        '<p class="muted">The steps to production, in order.</p>'
        f'<ol class="card plan">{"".join(items)}</ol></section>'
    )


def _probe_data(probe: Any) -> Mapping[str, Any] | None:
    """The report's `rls_probe` as plain data, whether a model, a dict or absent."""
    if isinstance(probe, Record):
        probe = probe.model_dump(mode="json", by_alias=True)
    return probe if isinstance(probe, Mapping) else None


def _probe_cell(value: Any) -> str:
    state = str(value) if value in PROBE_CELLS else "error"
    shown = _t(value) if value is not None else "-"
    return f'<td class="cell-{state}">{shown}</td>'


def rls_matrix(probe: Any) -> str:
    """The probe's table: a row per table, a column per role and operation ("" unprobed)."""
    data = _probe_data(probe)
    if data is None:
        return ""
    if not data.get("probed"):
        reason = data.get("reason") or "the probe did not run"
        return (
            "<section><h2>Row-level security</h2>"
            f'<p class="card">Not probed: {_t(reason)}. Row-level security findings come from '
            "reading the migrations.</p></section>"
        )
    head_roles = "".join(
        f'<th class="group" colspan="{len(PROBE_OPERATIONS)}">{_t(label)}</th>'
        for _, label in PROBE_ROLES
    )
    head_ops = "".join(
        f"<th{' class=group' if i == 0 else ''}>{op}</th>"
        for _ in PROBE_ROLES
        for i, op in enumerate(PROBE_OPERATIONS)
    )
    rows = []
    for table in _as_list(data.get("tables")):
        access = table.get("access") or {}
        rls = "on" if table.get("rls_enabled") else "off"
        schema = table.get("schema") or table.get("schema_name") or "public"
        name = f"{schema}.{table.get('table', '?')}"
        cells = "".join(
            _probe_cell((access.get(role) or {}).get(op))
            for role, _ in PROBE_ROLES
            for op in PROBE_OPERATIONS
        )
        rows.append(f"<tr><td><code>{_t(name)}</code></td><td>{rls}</td>{cells}</tr>")
    if not rows:
        rows.append('<tr><td colspan="10">The probe found no tables.</td></tr>')
    return (
        "<section><h2>Row-level security, probed</h2>"
        '<p class="muted">What each role could really do to a scratch copy of the database '
        "built from the migrations. <span class=cell-allowed>allowed</span> means that role can "
        "do it; for another user's rows it is a leak.</p>"
        '<div class="card"><table class="rls"><thead>'
        f'<tr><th rowspan="2">Table</th><th rowspan="2">RLS</th>{head_roles}</tr>'
        f"<tr>{head_ops}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _as_list(value: Any) -> Iterable[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _cost(report: ReadinessReport) -> str:
    costs = report.estimated_monthly_cost_usd
    if not costs:
        return ""
    rows = "".join(
        f'<tr><td>{_t(env)}</td><td class="num">{_t(money(usd))}</td></tr>'
        for env, usd in costs.items()
    )
    total = money(sum(costs.values()))
    return (
        "<section><h2>Estimated monthly AWS cost</h2>"
        '<p class="muted">The environments as <code>scaffold init</code> would define them.</p>'
        '<div class="card"><table><thead><tr><th>Environment</th>'
        f'<th class="num">USD / month</th></tr></thead><tbody>{rows}'
        f'<tr><th>All environments</th><th class="num">{_t(total)}</th></tr>'
        "</tbody></table></div></section>"
    )


def _warnings(report: ReadinessReport) -> str:
    if not report.warnings:
        return ""
    items = []
    for warning in report.warnings:
        where = f"<code>{_t(warning.path)}</code>: " if warning.path else ""
        items.append(f"<li><b>{_t(warning.kind.value)}</b> {where}{_t(warning.message)}</li>")
    return (
        f"<section><h2>Scan warnings ({len(report.warnings)})</h2>"
        '<p class="muted">The scan could not finish these; the report may miss problems '
        "in them.</p>"
        f'<ul class="card warnings">{"".join(items)}</ul></section>'
    )


def to_html(report: ReadinessReport) -> str:
    """The whole report as one HTML document (UTF-8, no external resources)."""
    probe = getattr(report, "rls_probe", None)  # optional; its strings are escaped by _t
    report = displayable(report)
    title = f"Production readiness: {report.repository} ({report.score}/100)"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{_t(title)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        _header(report),
        _dimensions(report),
        _top_risks(report),
        _plan(report),
        rls_matrix(probe),
        _findings(report),
        _cost(report),
        _warnings(report),
        f"<footer>Written by scaffold {_t(report.tool_version)} (<code>scaffold audit "
        "--format html</code>). How the score is computed: docs/audit.md in the scaffold "
        "repository.</footer>",
        "</main></body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"

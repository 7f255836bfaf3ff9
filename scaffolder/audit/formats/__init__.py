"""Report formatters: machine formats here, the rich text report in scaffolder/cli."""

from __future__ import annotations

from collections.abc import Callable

from scaffolder.audit.formats.json_report import to_json
from scaffolder.audit.formats.markdown import to_markdown
from scaffolder.audit.formats.sarif import to_sarif
from scaffolder.models import ReadinessReport
from scaffolder.report_format import ReportFormat

__all__ = ["ReportFormat", "render", "to_html", "to_json", "to_markdown", "to_sarif"]


def __getattr__(name: str) -> Callable[[ReadinessReport], str]:
    # The HTML page (its styles, escaping) is imported only for --format html.
    if name == "to_html":
        from scaffolder.audit.formats.html_report import to_html

        return to_html
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def render(report: ReadinessReport, fmt: ReportFormat) -> str:
    """The report as JSON, Markdown, SARIF or HTML text (the text format is rendered by the CLI)."""
    if fmt == ReportFormat.JSON:
        return to_json(report)
    if fmt == ReportFormat.MARKDOWN:
        return to_markdown(report)
    if fmt == ReportFormat.SARIF:
        return to_sarif(report)
    if fmt == ReportFormat.HTML:
        from scaffolder.audit.formats.html_report import to_html

        return to_html(report)
    raise ValueError(f"{fmt} is rendered by scaffolder.cli.render_report")

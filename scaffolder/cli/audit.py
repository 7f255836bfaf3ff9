"""CLI adapter for `scaffold audit`: parse, run the audit, print the report.

The report (data) goes to stdout or --output; progress and the one-line summary
(diagnostics) go to stderr, so `scaffold audit --format json > report.json` works.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scaffolder import console
from scaffolder.cli.options import PathArgument, ProjectOption, project_dir
from scaffolder.errors import CheckFailed, UsageError
from scaffolder.report_format import ReportFormat

if TYPE_CHECKING:
    from scaffolder.models import ReadinessReport

HELP = (
    "Tell the truth about what will break in production: secrets, data, operations, code, cost.\n\n"
    "Works offline; needs no cloud account. Exits 1 when the score is under --fail-under.\n\n"
    "Examples:\n\n"
    "  scaffold audit                               # this folder, for people\n\n"
    "  scaffold audit ../my-app -f markdown > READINESS.md\n\n"
    "  scaffold audit -f sarif -o scaffold.sarif    # GitHub code scanning\n\n"
    "  scaffold audit -f html -o readiness.html     # one page to share\n\n"
    "  scaffold audit -f json --fail-under 70       # a CI gate"
)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("audit", help=HELP)(audit_command)


def audit_command(
    path: PathArgument = None,
    *,
    project: ProjectOption = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="Report format.", case_sensitive=False),
    ] = ReportFormat.TEXT,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the report to FILE instead of stdout.", readable=False
        ),
    ] = None,
    fail_under: Annotated[
        int | None,
        typer.Option(
            "--fail-under", min=0, max=100, help="Exit 1 when the score is below N (0-100)."
        ),
    ] = None,
    no_history: Annotated[
        bool,
        typer.Option("--no-history", help="Skip scanning git history for deleted secrets."),
    ] = False,
    probe_rls: Annotated[
        bool,
        typer.Option(
            "--probe-rls",
            help="Build the Supabase migrations in a scratch Postgres and test what anon and "
            "other users can really read and change (needs the Postgres server binaries).",
        ),
    ] = False,
    write_rls_tests: Annotated[
        bool,
        typer.Option(
            "--write-rls-tests",
            help="With the probe, write its checks as pgTAP tests to "
            "supabase/tests/rls_probe.test.sql (never over a file you edited).",
        ),
    ] = False,
) -> None:
    """Parse options, run the audit, write the report, apply --fail-under."""
    from scaffolder.audit import run_audit

    root = project_dir(project, path)
    console.info(f"Auditing {root.resolve()}" + (" (history skipped)" if no_history else " …"))
    if probe_rls or write_rls_tests:
        from scaffolder.cli.rls_probe import probed_audit

        report = probed_audit(root, scan_history=not no_history, write_tests=write_rls_tests)
    else:
        report = run_audit(root, scan_history=not no_history)
    _emit(report, fmt, output)
    _summary(report)
    if fail_under is not None and report.score < fail_under:
        raise CheckFailed(
            f"The readiness score {report.score} is under --fail-under {fail_under}.",
            hint="Work through the launch plan in the report, or lower --fail-under.",
        )


def _render(report: ReadinessReport, fmt: ReportFormat) -> str:
    from scaffolder.audit.formats import render
    from scaffolder.cli.render_report import report_as_text

    return report_as_text(report) if fmt == ReportFormat.TEXT else render(report, fmt)


def _emit(report: ReadinessReport, fmt: ReportFormat, output: Path | None) -> None:
    if output is not None:
        try:
            output.write_text(_render(report, fmt), encoding="utf-8")
        except OSError as exc:
            raise UsageError(
                f"Cannot write the report to {output}: {exc.strerror or exc}.",
                hint="Choose a path in a folder that exists and that you can write to.",
            ) from exc
        console.info(f"Wrote the {fmt.value} report to {output}.")
    elif fmt == ReportFormat.TEXT:
        from scaffolder.cli.render_report import render_report

        render_report(report, console.stdout)
    else:
        sys.stdout.write(_render(report, fmt))
        sys.stdout.flush()


def _summary(report: ReadinessReport) -> None:
    critical = sum(1 for f in report.findings if f.severity.value == "critical")
    console.info(
        f"Score {report.score}/100: {len(report.findings)} findings ({critical} critical), "
        f"{len(report.warnings)} scan warnings."
    )

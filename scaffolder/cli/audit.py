"""CLI adapter for `scaffold audit`: its Typer options; scaffolder.cli.audit_run does the rest.

The common invocations skip Typer altogether (scaffolder.cli.fast_audit).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scaffolder.cli.audit_run import run_audit_command
from scaffolder.cli.options import PathArgument, ProjectOption
from scaffolder.report_format import ReportFormat

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
    run_audit_command(
        path,
        project=project,
        fmt=fmt,
        output=output,
        fail_under=fail_under,
        no_history=no_history,
        probe_rls=probe_rls,
        write_rls_tests=write_rls_tests,
    )

"""`scaffold audit` once its options are parsed: run the audit, write the report.

Free of Typer so that scaffolder.cli.fast_audit can call it without importing
Typer (docs/architecture.md); scaffolder.cli.audit parses for every other case.
The report (data) goes to stdout or --output; progress and the one-line summary
(diagnostics) go to stderr, so `scaffold audit --format json > report.json` works.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder.cli import console
from scaffolder.cli.project import project_dir
from scaffolder.errors import CheckFailed, UsageError
from scaffolder.report_format import ReportFormat

if TYPE_CHECKING:
    from scaffolder.models import ReadinessReport


def run_audit_command(
    path: Path | None,
    *,
    project: Path | None,
    fmt: ReportFormat,
    output: Path | None,
    fail_under: int | None,
    no_history: bool,
    probe_rls: bool = False,
    write_rls_tests: bool = False,
) -> None:
    """Run the audit, write the report, apply --fail-under."""
    # pydantic looks for plugins in every installed distribution's metadata when it
    # builds its first validator (importlib.metadata, csv, email: ~6 ms a run). The
    # audit's models are scaffold's own; no plugin has anything to observe there.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    root = project_dir(project, path)
    console.info(f"Auditing {root.resolve()}" + (" (history skipped)" if no_history else " …"))
    with _no_cycle_collection():
        if probe_rls or write_rls_tests:
            from scaffolder.cli.rls_probe import probed_audit

            report = probed_audit(root, scan_history=not no_history, write_tests=write_rls_tests)
        else:
            report = _plain_audit(root, scan_history=not no_history)
    _emit(report, fmt, output)
    _summary(report)
    if fail_under is not None and report.score < fail_under:
        raise CheckFailed(
            f"The readiness score {report.score} is under --fail-under {fail_under}.",
            hint="Work through the launch plan in the report, or lower --fail-under.",
        )


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The audit without Python's cyclic garbage collector (reference counting still
    frees everything else): one short pass that makes millions of small objects and
    almost no cycles, where the collector's passes (walking every live object, in the
    forked history child too, whose pages they then copy) were ~5 to 8% of the CPU.
    Peak memory was the same with and without it (TAAXDOG 56 MB, a 3,230-file
    repository 83 MB, a synthetic 5,000-file 60 MB one 107 MB). Restored afterwards,
    for a caller that goes on: the tests run audits inside their own process."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plain_audit(root: Path, *, scan_history: bool) -> ReadinessReport:
    # zizmor (~150 ms of start-up) is started first, and the history scan is forked
    # before the detectors, rules and cost model are imported, so both run while the
    # rest of the audit loads (inspect/opening.py).
    from scaffolder.inspect.workflow_audit import start_listed_workflows

    workflows = start_listed_workflows(root)
    from scaffolder.inspect.opening import open_inspection

    opened = open_inspection(root, scan_history=scan_history, workflows=workflows)
    try:
        from scaffolder.audit import run_audit

        return run_audit(root, scan_history=scan_history, opened=opened)
    finally:
        opened.cancel()


def _render(report: ReadinessReport, fmt: ReportFormat) -> str:
    if fmt == ReportFormat.TEXT:  # rich renders it: imported only then
        from scaffolder.cli.render_report import report_as_text

        return report_as_text(report)
    from scaffolder.audit.formats import render

    return render(report, fmt)


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

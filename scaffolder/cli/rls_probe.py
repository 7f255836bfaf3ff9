"""CLI side of `scaffold audit --probe-rls` / `--write-rls-tests`: run the probed audit,
say on stderr what the probe did, and write the pgTAP file when asked."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder.cli import console

if TYPE_CHECKING:
    from scaffolder.models import ReadinessReport


def probed_audit(root: Path, *, scan_history: bool, write_tests: bool) -> ReadinessReport:
    from scaffolder.audit import run_probed_audit
    from scaffolder.audit.rls_probe.pgtap import write_tests as write_pgtap

    console.info("Probing row-level security in a scratch Postgres …")
    report, outcome = run_probed_audit(root, scan_history=scan_history)
    if not outcome.probed:
        console.warn(
            f"RLS probe skipped: {outcome.reason}. The static row-level security checks ran "
            "instead."
        )
        if write_tests:
            console.warn("No RLS tests were written (the probe did not run).")
        return report
    leaks = sum(
        1 for table in outcome.tables for cell in table.cells.values() if cell.state == "allowed"
    )
    failed = len(outcome.failures)
    console.info(
        f"RLS probe: {len(outcome.tables)} tables, {leaks} operations allowed to anon or "
        f"another user" + (f"; {failed} migrations did not fully apply" if failed else "") + "."
    )
    if write_tests:
        path = write_pgtap(Path(report.facts.root), report.facts.supabase.project_dir, outcome)
        console.info(f"Wrote the RLS tests to {path} (run them with `supabase test db`).")
    return report

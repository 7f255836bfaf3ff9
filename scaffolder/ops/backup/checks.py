"""The checks a restore must pass, each a CheckResult with a plain detail.

Row counts: a dump and its manifest are read in one exported snapshot, so they
must match exactly. An RDS snapshot is taken just after its manifest is read,
so writes in between may add rows: a count passes when
    manifest <= restored <= manifest + max(slack_rows, ceil(manifest * growth_pct / 100)).
"""

from __future__ import annotations

import math
from typing import Any

from psycopg import Connection, Error

from scaffolder.ops.backup.dump import RestoreOutcome
from scaffolder.ops.backup.models import BackupManifest, CatalogFacts, CheckResult

MAX_LISTED = 5
CONNECT_CHECK = "connect"
# A restored RDS copy is private (no public address); where verify runs decides
# whether it can be reached at all, so the failure says where to run it instead.
RUN_INSIDE_VPC = (
    "Run `scaffold backup verify {env} --in-task`: it runs the check as the environment's "
    "restore-check task inside the VPC; a GitHub-hosted runner or a laptop cannot reach "
    "the private restored instance."
)


def unreachable_detail(error: str) -> str:
    """The detail of a failed `connect` check: what failed and why it usually does."""
    return (
        f"{error} (the restored instance is private: verify must run where the VPC's "
        "private subnets are reachable)"
    )


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    more = len(items) - MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def check_integrity(manifest: BackupManifest, sha256: str, size: int) -> CheckResult:
    if manifest.dump_sha256 == sha256 and manifest.dump_size == size:
        return CheckResult(
            name="dump integrity",
            passed=True,
            detail=f"sha256 and size ({size} bytes) match the manifest",
        )
    return CheckResult(
        name="dump integrity",
        passed=False,
        detail=f"the downloaded dump ({size} bytes, sha256 {sha256[:12]}...) differs from the "
        f"manifest ({manifest.dump_size} bytes, sha256 {(manifest.dump_sha256 or '')[:12]}...)",
    )


def check_restore(outcome: RestoreOutcome) -> CheckResult:
    if outcome.ok:
        return CheckResult(
            name="restore completed", passed=True, detail="pg_restore finished without errors"
        )
    errors = (
        f"; {len(outcome.errors)} error(s): {' | '.join(outcome.errors[:3])}"
        if (outcome.errors)
        else ""
    )
    return CheckResult(
        name="restore completed",
        passed=False,
        detail=f"pg_restore exited with status {outcome.returncode}{errors}",
    )


def compare_facts(
    manifest: BackupManifest,
    restored: CatalogFacts,
    *,
    exact: bool,
    growth_pct: float = 10.0,
    slack_rows: int = 10,
) -> list[CheckResult]:
    """Tables present, schema hash, migration head and row counts against the manifest."""
    expected = manifest.facts
    have = {t.qualified: t.rows for t in restored.tables}
    missing = [t.qualified for t in expected.tables if t.qualified not in have]
    results = [
        CheckResult(
            name="tables present",
            passed=not missing,
            detail=f"missing: {_listed(missing)}"
            if missing
            else f"all {len(expected.tables)} tables present",
        ),
        CheckResult(
            name="schema hash",
            passed=expected.schema_hash == restored.schema_hash,
            detail=f"manifest {expected.schema_hash[:12]}, restored {restored.schema_hash[:12]}",
        ),
    ]
    want_heads = {h.table: h.head for h in expected.migration_heads}
    got_heads = {h.table: h.head for h in restored.migration_heads}
    results.append(
        CheckResult(
            name="migration head",
            passed=want_heads == got_heads,
            detail=(
                ", ".join(f"{k}={v}" for k, v in sorted(got_heads.items())) or "no migration table"
            )
            if want_heads == got_heads
            else f"manifest {want_heads or 'none'}, restored {got_heads or 'none'}",
        )
    )
    results.append(
        _row_counts(expected, have, exact=exact, growth_pct=growth_pct, slack_rows=slack_rows)
    )
    return results


def _row_counts(
    expected: CatalogFacts,
    have: dict[str, int],
    *,
    exact: bool,
    growth_pct: float,
    slack_rows: int,
) -> CheckResult:
    wrong: list[str] = []
    for table in expected.tables:
        if table.qualified not in have:
            continue  # reported by "tables present"
        got = have[table.qualified]
        upper = (
            table.rows
            if exact
            else table.rows + max(slack_rows, math.ceil(table.rows * growth_pct / 100))
        )
        if not table.rows <= got <= upper:
            wrong.append(f"{table.qualified} {got} (manifest {table.rows})")
    rule = "exactly" if exact else f"within +{growth_pct:g}% (at least +{slack_rows} rows)"
    total = sum(t.rows for t in expected.tables)
    if wrong:
        return CheckResult(
            name="row counts",
            passed=False,
            detail=f"not matching the manifest {rule}: {_listed(wrong)}",
        )
    return CheckResult(
        name="row counts",
        passed=True,
        detail=f"{total} rows in the manifest, restored counts match {rule}",
    )


def run_probe(conn: Connection[Any], probe_sql: str, *, timeout_ms: int = 60_000) -> CheckResult:
    """The user's probe must return a row; it runs read-only with a statement timeout."""
    name = "probe"
    try:
        with conn.transaction():
            conn.execute("SET TRANSACTION READ ONLY")
            conn.execute(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
            cursor = conn.execute(probe_sql.encode())
            row = cursor.fetchone() if cursor.description else None
    except Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return CheckResult(name=name, passed=False, detail=f"the probe failed: {first}")
    if row is None:
        return CheckResult(name=name, passed=False, detail="the probe returned no row")
    return CheckResult(name=name, passed=True, detail="the probe returned a row")

"""`scaffold audit --write-rls-tests`: the probe as pgTAP tests in
supabase/tests/rls_probe.test.sql, so `supabase test db` keeps proving it in CI.

Every test asserts the safe answer (`denied`): a test that fails is a leak the probe
found. The tests replay the probe's own statements through the same function, so CI
judges a cell exactly as the probe did. The file carries a checksum of its body: it is
rewritten while unedited, and never replaced once someone has changed it.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from scaffolder.audit.rls_probe.env import TRY_FUNCTION
from scaffolder.audit.rls_probe.result import OPERATIONS, ROLES, ProbeOutcome, TableResult
from scaffolder.audit.rls_probe.seed import claims
from scaffolder.errors import SafetyRefusal, UsageError

TEST_PATH = "tests/rls_probe.test.sql"  # inside the Supabase project folder
_CHECKSUM_RE = re.compile(r"^-- scaffold-checksum: sha256:([0-9a-f]{64})\n", re.MULTILINE)
_DB_ROLE = {"anon": "anon", "authenticated_other": "authenticated"}
_WHO = {"anon": "anon", "authenticated_other": "user a"}

HEADER = """\
-- Row-level security tests written by `scaffold audit --write-rls-tests` from a live probe
-- of this project's migrations. Each test states what must hold: anon, and a signed-in
-- user (a), cannot read or change a row another user (b) owns. A failing test is a leak
-- the probe found: fix the policy (the audit report shows a migration), then run
-- `supabase test db`. If an access is intended, delete its test and say why.
-- Edit freely: scaffold never overwrites this file once it differs from what it wrote.
"""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _dollar(text: str) -> str:
    tag = "$q$"
    n = 0
    while tag in text:
        n += 1
        tag = f"$q{n}$"
    return f"{tag}{text}{tag}"


def _table_tests(table: TableResult, claims: dict[str, str]) -> tuple[list[str], int]:
    lines = [f"-- {table.name}: user b's row is where {table.target}"]
    count = 0
    for role in ROLES:
        for operation in OPERATIONS:
            cell = table.cell(role, operation)
            if cell.state == "error" or not cell.query:
                lines.append(f"-- {role} {operation}: not tested, the probe could not run it")
                continue
            fallback = _dollar(cell.fallback) if cell.fallback else "null"
            note = "  -- LEAK found by the probe" if cell.state == "allowed" else ""
            description = f"{_WHO[role]} cannot {operation} user b's row in {table.name}"
            lines.append(
                f"select is(pg_temp.scaffold_rls_try({_quote(_DB_ROLE[role])}, "
                f"{_quote(claims[role])}, {_dollar(cell.query)}, {fallback}), 'denied', "
                f"{_quote(description)});{note}"
            )
            count += 1
    return lines, count


def render_tests(outcome: ProbeOutcome) -> str:
    """The whole test file (header, checksum line, body)."""
    seeds: list[str] = []
    tests: list[str] = []
    total = 0
    for table in outcome.tables:
        if table.target is None:
            reason = "it could not be probed" if not table.probed() else "its row has no key"
            tests.append(f"-- {table.name}: not tested, {reason}")
            continue
        for seed in table.seeds:
            if seed.statement is None:
                continue
            seeds.append(f"set local request.jwt.claims to {_quote(claims(seed.user))};")
            seeds.append(f"{seed.statement};")
        lines, count = _table_tests(table, outcome.claims)
        tests.extend([*lines, ""])
        total += count
    body = "\n".join(
        [
            "begin;",
            "create extension if not exists pgtap with schema extensions;",
            f"select plan({total});",
            "",
            "-- Two users; a trigger on auth.users may create rows for them (profiles).",
            *[f"{u};" for u in outcome.users],
            "",
            "-- One row owned by each user per table, written as the table owner (no RLS).",
            *seeds,
            "",
            TRY_FUNCTION,
            *tests,
            "select * from finish();",
            "rollback;",
            "",
        ]
    )
    return f"{HEADER}-- scaffold-checksum: sha256:{_digest(body)}\n{body}"


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def is_unedited(text: str) -> bool:
    """True when `text` is a file scaffold wrote and nobody changed since."""
    match = _CHECKSUM_RE.search(text)
    if match is None:
        return False
    return _digest(text[match.end() :]) == match.group(1)


def write_tests(root: Path, project_dir: str | None, outcome: ProbeOutcome) -> Path:
    """Write the test file; refuses (exit 8) to replace a file someone edited."""
    if not outcome.probed:
        raise UsageError(
            f"No RLS tests were written: the probe did not run ({outcome.reason}).",
            hint="Install the Postgres server binaries and run the audit again.",
        )
    path = root / (project_dir or "supabase") / TEST_PATH
    text = render_tests(outcome)
    if path.exists():
        try:
            current = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current == text:
            return path
        if current is None or not is_unedited(current):
            raise SafetyRefusal(
                f"{path.relative_to(root)} exists and was not written by scaffold, or was "
                "edited since; it was left as it is.",
                hint="Move it aside (or delete it) to have scaffold write a fresh one.",
            )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"Cannot write {path}: {exc.strerror or exc}.",
            hint="Make the Supabase folder writable, or run the audit without --write-rls-tests.",
        ) from exc
    return path

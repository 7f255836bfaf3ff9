"""Findings of the live RLS probe (`scaffold audit --probe-rls`): what anon, or a signed-in
user against another user's rows, really could do in a scratch copy of the database.

One finding per table and role, naming the operations, the policies that let them
through and a migration that closes them. Without a probe these rules find nothing, and
SEC010 keeps judging the migrations statically.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from scaffolder.audit.rules.base import AuditContext, Hit, Stage, joined, rule
from scaffolder.models import Dimension, Evidence, Severity

if TYPE_CHECKING:
    # Only a probed audit has results to read: the others never load the probe's package.
    from scaffolder.audit.rls_probe.result import Operation, Policy, Role, TableResult

SEC = Dimension.SECURITY
DB_ROLE: dict[Role, str] = {"anon": "anon", "authenticated_other": "authenticated"}
VERBS: dict[Operation, str] = {
    "select": "read",
    "insert": "insert",
    "update": "change",
    "delete": "delete",
}


def _allowed(table: TableResult, role: Role) -> list[Operation]:
    from scaffolder.audit.rls_probe.result import OPERATIONS

    return [op for op in OPERATIONS if table.cell(role, op).state == "allowed"]


def _policies(table: TableResult, role: Role, operation: Operation) -> list[Policy]:
    return [p for p in table.policies if p.applies(DB_ROLE[role], operation)]


def _describe(policy: Policy) -> str:
    parts = [f'policy "{policy.name}" ({policy.command.lower()})']
    if policy.using is not None:
        parts.append(f"using ({policy.using})")
    if policy.check is not None:
        parts.append(f"with check ({policy.check})")
    return " ".join(parts)


def _evidence(table: TableResult, role: Role, ops: list[Operation]) -> tuple[Evidence, ...]:
    fallback = table.evidence.path if table.evidence else "supabase/migrations"
    line = table.evidence.line if table.evidence else None
    out = []
    for op in ops:
        if not table.rls_enabled:
            why = "row-level security is disabled on the table"
        else:
            found = _policies(table, role, op)
            why = "; ".join(_describe(p) for p in found) if found else "no policy found"
        out.append(Evidence(path=fallback, line=line, snippet=f"{op}: {why}"[:300]))
    return tuple(out)


def _condition(table: TableResult) -> str:
    if table.owner_column:
        return f"(select auth.uid()) = {_ident(table.owner_column)}"
    return "false /* no column names the row's owner: add one, or decide who may */"


def _ident(name: str) -> str:
    simple = name.isidentifier() and name == name.lower()
    return name if simple else '"' + name.replace('"', '""') + '"'


def _clauses(command: str, condition: str) -> str:
    if command == "INSERT":
        return f"with check ({condition})"
    if command in ("UPDATE", "ALL"):
        return f"using ({condition}) with check ({condition})"
    return f"using ({condition})"


def fix_migration(table: TableResult, role: Role, ops: list[Operation]) -> str:
    """A migration that closes `ops` for `role`: enable RLS, or rewrite the open policies."""
    name = f"{_ident(table.schema)}.{_ident(table.table)}"
    condition = _condition(table)
    lines = []
    if not table.rls_enabled:
        lines.append(f"alter table {name} enable row level security;")
        for op in ops:
            lines.append(
                f'create policy "Owners can {op} their rows" on {name} for {op} '
                f"to authenticated {_clauses(op.upper(), condition)};"
            )
    else:
        seen: set[str] = set()
        for op in ops:
            for policy in _policies(table, role, op):
                if policy.name in seen:
                    continue
                seen.add(policy.name)
                quoted = policy.name.replace('"', '""')
                lines.append(f'drop policy "{quoted}" on {name};')
                lines.append(
                    f'create policy "{quoted}" on {name} for {policy.command.lower()} '
                    f"to authenticated {_clauses(policy.command, condition)};"
                )
    sql = " ".join(lines) or f"-- review the policies of {name} and grants to {DB_ROLE[role]}"
    # One line: every report format shows it as it is (the text report escapes newlines).
    return (
        f"Add a migration (`supabase migration new fix_rls`) with `{sql}`, apply it with "
        "`supabase db push`, and run `scaffold audit --probe-rls` again. If the table is public "
        "on purpose (a catalogue, public profiles), keep only a read policy and say so in its name."
    )


def _hits(ctx: AuditContext, role: Role, who: str, whose: str) -> Iterator[Hit]:
    probe = ctx.rls_probe
    if probe is None or not probe.probed:
        return
    for table in probe.tables:
        ops = _allowed(table, role)
        if ops:
            verbs = joined(VERBS[op] for op in ops)
            yield Hit(
                evidence=_evidence(table, role, ops),
                title=f"{who} can {verbs} {whose} rows in {table.name}",
                fix=fix_migration(table, role, ops),
            )


@rule(
    id="SEC020",
    dimension=SEC,
    severity=Severity.CRITICAL,
    title="Anyone with the anon key can read or change a table (probed)",
    why=(
        "The anon key ships in every browser bundle, and a live probe of the migrations showed "
        "it can reach these rows, so anyone on the internet can."
    ),
    fix=(
        "Enable row-level security on the table and replace the open policy (`using (true)`, "
        "no role) with one that checks `auth.uid()` against the row's owner, in a new migration."
    ),
    action="Close the tables the RLS probe showed anyone can reach",
    stage=Stage.MANUAL,
)
def anon_access(ctx: AuditContext) -> Iterator[Hit]:
    yield from _hits(ctx, "anon", "Anyone (anon key)", "any")


@rule(
    id="SEC021",
    dimension=SEC,
    severity=Severity.HIGH,
    title="A signed-in user can read or change other users' rows (probed)",
    why=(
        "Anyone can sign up, and a live probe showed a signed-in user reaching rows another "
        "user owns, so every user's data is one request away from every other user."
    ),
    fix=(
        "Rewrite the policy to compare `auth.uid()` with the row's owner column instead of "
        "`auth.role() = 'authenticated'` or `true`, in a new migration."
    ),
    action="Limit the tables the RLS probe showed other users can reach to their owners",
    stage=Stage.MANUAL,
)
def other_user_access(ctx: AuditContext) -> Iterator[Hit]:
    yield from _hits(ctx, "authenticated_other", "Any signed-in user", "other users'")

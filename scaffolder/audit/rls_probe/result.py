"""What the live RLS probe found, in full: the report's matrix plus what only the
findings and the pgTAP writer need (policies, the SQL each check ran, error texts).

Plain dataclasses with no database import, so the audit rules can read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from scaffolder.models import (
    Evidence,
    RlsAccess,
    RlsOperations,
    RlsProbe,
    RlsTableProbe,
    ScanWarning,
    WarningKind,
)

Role = Literal["anon", "authenticated_other"]
Operation = Literal["select", "insert", "update", "delete"]
State = Literal["allowed", "denied", "error"]

ROLES: tuple[Role, ...] = ("anon", "authenticated_other")
OPERATIONS: tuple[Operation, ...] = ("select", "insert", "update", "delete")


@dataclass(frozen=True)
class Policy:
    """One row of pg_policies."""

    name: str
    command: str  # SELECT, INSERT, UPDATE, DELETE or ALL
    roles: tuple[str, ...]  # ("public",) when the policy names no role
    permissive: bool
    using: str | None
    check: str | None

    def applies(self, role: str, operation: str) -> bool:
        return (
            self.permissive
            and self.command in ("ALL", operation.upper())
            and bool({role, "public"} & set(self.roles))
        )


@dataclass(frozen=True)
class Cell:
    state: State
    message: str = ""  # why it is an error, or how it was allowed; never shown in the JSON
    query: str = ""  # the statement tried, as the database role ran it
    fallback: str = ""  # a second statement tried after a WITH CHECK refusal


@dataclass(frozen=True)
class Seed:
    """How one user's row got into a table: the INSERT run, or an existing row (a trigger's)."""

    user: str  # "a" or "b"
    statement: str | None  # None: the row was already there (e.g. made by a trigger)


@dataclass
class TableResult:
    schema: str
    table: str
    rls_enabled: bool
    owner_column: str | None = None
    cells: dict[tuple[Role, Operation], Cell] = field(default_factory=dict)
    policies: tuple[Policy, ...] = ()
    seeds: tuple[Seed, ...] = ()
    target: str | None = None  # the SQL condition naming user B's row by primary key
    evidence: Evidence | None = None  # where a migration creates the table

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"

    def cell(self, role: Role, operation: Operation) -> Cell:
        return self.cells.get((role, operation), Cell("error", "not probed"))

    def fail_all(self, reason: str) -> None:
        for role in ROLES:
            for operation in OPERATIONS:
                self.cells[(role, operation)] = Cell("error", reason)

    def probed(self) -> bool:
        """True when at least one cell has a real answer (the table was built and seeded)."""
        return any(c.state != "error" for c in self.cells.values())

    def model(self) -> RlsTableProbe:
        def ops(role: Role) -> RlsOperations:
            return RlsOperations(**{op: self.cell(role, op).state for op in OPERATIONS})

        return RlsTableProbe(
            schema_name=self.schema,
            table=self.table,
            rls_enabled=self.rls_enabled,
            access=RlsAccess(anon=ops("anon"), authenticated_other=ops("authenticated_other")),
        )


@dataclass(frozen=True)
class MigrationFailure:
    path: str  # relative to the repository
    line: int | None
    error: str  # the first line of the database's message
    statements: int = 1  # how many statements of the file failed


@dataclass
class ProbeOutcome:
    probed: bool
    reason: str | None = None
    tables: list[TableResult] = field(default_factory=list)
    failures: list[MigrationFailure] = field(default_factory=list)
    users: tuple[str, ...] = ()  # the INSERTs into auth.users, for the pgTAP file
    claims: dict[str, str] = field(default_factory=dict)  # role key -> claims JSON

    @classmethod
    def skipped(cls, reason: str) -> ProbeOutcome:
        return cls(probed=False, reason=reason)

    def model(self) -> RlsProbe:
        if not self.probed:
            return RlsProbe(probed=False, reason=self.reason)
        return RlsProbe(probed=True, tables=[t.model() for t in self.tables])

    def probed_tables(self) -> set[tuple[str, str]]:
        return {(t.schema, t.table) for t in self.tables if t.probed()}

    def warnings(self) -> list[ScanWarning]:
        out = []
        for failure in self.failures:
            more = f" ({failure.statements} statements failed)" if failure.statements > 1 else ""
            where = f" at line {failure.line}" if failure.line else ""
            out.append(
                ScanWarning(
                    kind=WarningKind.MALFORMED,
                    path=failure.path,
                    message=(
                        f"the RLS probe could not apply this migration{where}: "
                        f"{failure.error}{more}; the probe used what did apply"
                    ),
                )
            )
        return out

"""Every cell of the access matrix: select, insert, update and delete on user b's row,
as anon and as signed-in user a, each through `pg_temp.scaffold_rls_try` (which undoes it).
"""

from __future__ import annotations

from typing import Any

from scaffolder.audit.rls_probe.result import Cell, Operation, Role, TableResult
from scaffolder.audit.rls_probe.schema import Table
from scaffolder.audit.rls_probe.seed import (
    ANON_CLAIMS,
    USER_IDS,
    Seeded,
    claims,
    insert_statement,
    qualified,
    value_of,
)

CELL_TIMEOUT = "10s"
DB_ROLE: dict[Role, str] = {"anon": "anon", "authenticated_other": "authenticated"}


def role_claims(role: Role) -> str:
    return ANON_CLAIMS if role == "anon" else claims("a")


def target_condition(conn: Any, table: Table, ctid: str) -> tuple[str, bool]:
    """SQL naming user b's row: by primary key (portable, True) or by ctid (this database)."""
    from psycopg import sql

    parts: list[Any] = []
    for name in table.primary_key:
        column = table.column(name)
        value = value_of(conn, table.key, ctid, name)
        if column is None or value is None:
            parts = []
            break
        parts.append(
            sql.SQL("{} = {}::{}").format(
                sql.Identifier(name), sql.Literal(value), sql.SQL(column.type_sql)
            )
        )
    if parts:
        rendered: str = sql.SQL(" and ").join(parts).as_string(conn)
        return rendered, True
    return sql.SQL("ctid = {}::tid").format(sql.Literal(ctid)).as_string(conn), False


def _updatable(table: Table) -> str | None:
    for column in table.columns:
        if not column.generated and column.identity != "a":
            return column.name
    return None


def statements(
    conn: Any, table: Table, where: str, seeded: Seeded
) -> dict[tuple[Role, Operation], tuple[str, str]]:
    """(statement, fallback) per cell; the fallback of an update takes the row over."""
    from psycopg import sql

    name = qualified(table.schema, table.table).as_string(conn)
    out: dict[tuple[Role, Operation], tuple[str, str]] = {}
    column = _updatable(table)
    insert = insert_statement(conn, table, "b", seeded)
    for role in DB_ROLE:
        out[(role, "select")] = (f"select 1 from {name} where {where}", "")  # noqa: S608
        out[(role, "insert")] = (insert, "")
        out[(role, "delete")] = (f"delete from {name} where {where}", "")  # noqa: S608
        if column is None:
            continue
        ident = sql.Identifier(column).as_string(conn)
        fallback = ""
        if role == "authenticated_other" and table.owner_column:
            owner = sql.Identifier(table.owner_column).as_string(conn)
            fallback = f"update {name} set {owner} = '{USER_IDS['a']}' where {where}"  # noqa: S608
        update = f"update {name} set {ident} = {ident} where {where}"  # noqa: S608
        out[(role, "update")] = (update, fallback)
    return out


def run_cell(conn: Any, role: Role, statement: str, fallback: str) -> Cell:
    import psycopg

    from scaffolder.audit.rls_probe.migrate import first_line

    try:
        row = conn.execute(
            "select pg_temp.scaffold_rls_try(%s, %s, %s, %s)",
            [DB_ROLE[role], role_claims(role), statement, fallback or None],
        ).fetchone()
    except psycopg.Error as exc:
        return Cell("error", first_line(exc), statement, fallback)
    answer = row[0] if row else None
    if answer == "allowed":
        return Cell("allowed", "", statement, fallback)
    if answer == "denied":
        return Cell("denied", "", statement, fallback)
    return Cell("error", f"unexpected answer {answer!r}", statement, fallback)


def probe_table(conn: Any, table: Table, result: TableResult, seeded: Seeded) -> None:
    """Fill every cell of `result` (b's row must be seeded)."""
    from scaffolder.audit.rls_probe.seed import CannotSeed

    ctid = seeded.rows[(table.key, "b")]
    where, portable = target_condition(conn, table, ctid)
    # A row some trigger made has keys a replay may not reproduce, unless its key is the user.
    made_here = any(s.user == "b" and s.statement for s in seeded.seeds.get(table.key, ()))
    replayable = made_here or table.primary_key == [table.owner_column]
    result.target = where if portable and replayable else None
    try:
        cells = statements(conn, table, where, seeded)
    except CannotSeed as exc:
        result.fail_all(str(exc))
        return
    conn.execute(f"set statement_timeout = '{CELL_TIMEOUT}'")
    try:
        for (role, operation), (statement, fallback) in cells.items():
            result.cells[(role, operation)] = run_cell(conn, role, statement, fallback)
    finally:
        conn.execute("reset statement_timeout")
    for role in DB_ROLE:
        if (role, "update") not in result.cells:
            result.cells[(role, "update")] = Cell("error", "no column can be updated")

"""What SQL files do to tables, read with Postgres's own parser (pglast).

Regexes over SQL miss quoted identifiers, schema-qualified names, comments and
statements split over lines; libpg_query does not. A file it cannot parse
yields a MALFORMED warning and no events, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from scaffolder.models import ScanWarning, WarningKind


class TableAction(StrEnum):
    CREATE = "create"
    ENABLE_RLS = "enable-rls"
    DISABLE_RLS = "disable-rls"
    DROP = "drop"


@dataclass(frozen=True)
class TableEvent:
    schema: str
    table: str
    action: TableAction
    path: str
    line: int


def _line_at(data: bytes, offset: int) -> int:
    # pglast reports byte offsets into the UTF-8 text.
    return data.count(b"\n", 0, offset) + 1


def _name(relation: object) -> tuple[str, str] | None:
    """(schema, table) of a RangeVar; unqualified names land in public (the search_path)."""
    schema = getattr(relation, "schemaname", None)
    table = getattr(relation, "relname", None)
    if not isinstance(table, str):
        return None
    return (schema if isinstance(schema, str) else "public"), table


def _events_of(stmt: object, path: str, line: int) -> list[TableEvent]:
    from pglast import ast
    from pglast.enums import AlterTableType, ObjectType

    actions = {
        AlterTableType.AT_EnableRowSecurity: TableAction.ENABLE_RLS,
        AlterTableType.AT_DisableRowSecurity: TableAction.DISABLE_RLS,
    }
    found: list[tuple[tuple[str, str] | None, TableAction]] = []
    if isinstance(stmt, ast.CreateStmt):
        # Temporary tables are gone at the end of the session.
        if getattr(stmt.relation, "relpersistence", "p") != "t":
            found.append((_name(stmt.relation), TableAction.CREATE))
    elif isinstance(stmt, ast.AlterTableStmt) and stmt.objtype == ObjectType.OBJECT_TABLE:
        for cmd in stmt.cmds or ():
            if isinstance(cmd, ast.AlterTableCmd) and cmd.subtype in actions:
                found.append((_name(stmt.relation), actions[cmd.subtype]))
    elif isinstance(stmt, ast.DropStmt) and stmt.removeType == ObjectType.OBJECT_TABLE:
        for names in stmt.objects or ():
            parts = [n.sval for n in names if isinstance(n, ast.String) and n.sval]
            if parts:
                schema = parts[-2] if len(parts) > 1 else "public"
                found.append(((schema, parts[-1]), TableAction.DROP))
    return [
        TableEvent(name[0], name[1], action, path, line)
        for name, action in found
        if name is not None
    ]


def table_events(path: str, text: str) -> tuple[list[TableEvent], list[ScanWarning]]:
    """CREATE TABLE, ENABLE/DISABLE ROW LEVEL SECURITY and DROP TABLE, in file order."""
    from pglast import parse_sql
    from pglast.parser import ParseError

    try:
        statements = parse_sql(text)
    except ParseError as exc:
        # The message quotes SQL near the error, never anything but the file's SQL.
        warning = ScanWarning(
            kind=WarningKind.MALFORMED,
            path=path,
            message=f"SQL not understood by the Postgres parser ({exc}); its tables were skipped",
        )
        return [], [warning]
    data = text.encode("utf-8")
    events: list[TableEvent] = []
    for raw in statements:
        events.extend(_events_of(raw.stmt, path, _line_at(data, raw.stmt_location or 0)))
    return events, []

"""What SQL files do to tables, read with Postgres's own parser (pglast).

Regexes over SQL miss quoted identifiers, schema-qualified names, comments and
statements split over lines; libpg_query does not. A file it cannot parse
yields a MALFORMED warning and no events, never a guess.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

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


def _line_at(data: bytes, index: int) -> int:
    return data.count(b"\n", 0, index) + 1


def _char_index(data: bytes, text: str, offset: int) -> int:
    """The character index of a byte offset into the UTF-8 text, as pglast's AST gives it.

    The line is then counted over the UTF-8 bytes up to that index (`_line_at`), as it
    was when this module read pglast's AST: after non-ASCII text, that is a line early.
    """
    return offset if len(data) == len(text) else len(data[:offset].decode("utf-8", "replace"))


def _name(relation: object) -> tuple[str, str] | None:
    """(schema, table) of a RangeVar; unqualified names land in public (the search_path)."""
    if not isinstance(relation, dict):
        return None
    schema = relation.get("schemaname")
    table = relation.get("relname")
    if not isinstance(table, str):
        return None
    return (schema if isinstance(schema, str) else "public"), table


_ACTIONS = {
    "AT_EnableRowSecurity": TableAction.ENABLE_RLS,
    "AT_DisableRowSecurity": TableAction.DISABLE_RLS,
}


def _events_of(stmt: dict[str, Any], path: str, line: int) -> list[TableEvent]:
    """The events of one statement of libpg_query's JSON tree (node name -> fields)."""
    found: list[tuple[tuple[str, str] | None, TableAction]] = []
    if (create := stmt.get("CreateStmt")) is not None:
        # Temporary tables are gone at the end of the session.
        relation = create.get("relation")
        persistence = relation.get("relpersistence", "p") if isinstance(relation, dict) else "p"
        if persistence != "t":
            found.append((_name(relation), TableAction.CREATE))
    elif (alter := stmt.get("AlterTableStmt")) is not None:
        if alter.get("objtype") == "OBJECT_TABLE":
            for cmd in alter.get("cmds") or ():
                subtype = cmd.get("AlterTableCmd", {}).get("subtype")
                if subtype in _ACTIONS:
                    found.append((_name(alter.get("relation")), _ACTIONS[subtype]))
    elif (drop := stmt.get("DropStmt")) is not None and drop.get("removeType") == "OBJECT_TABLE":
        for names in drop.get("objects") or ():
            items = names.get("List", {}).get("items") or ()
            parts = [n["String"]["sval"] for n in items if n.get("String", {}).get("sval")]
            if parts:
                schema = parts[-2] if len(parts) > 1 else "public"
                found.append(((schema, parts[-1]), TableAction.DROP))
    return [
        TableEvent(name[0], name[1], action, path, line)
        for name, action in found
        if name is not None
    ]


def table_events(path: str, text: str) -> tuple[list[TableEvent], list[ScanWarning]]:
    """CREATE TABLE, ENABLE/DISABLE ROW LEVEL SECURITY and DROP TABLE, in file order.

    libpg_query's JSON tree, read by json in C: pglast's Python AST of every
    statement (most of them INSERTs and functions that matter here) cost ~6 times more.
    """
    from pglast.parser import ParseError, parse_sql_json

    try:
        tree = json.loads(parse_sql_json(text))
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
    for raw in tree.get("stmts") or ():
        line = _line_at(data, _char_index(data, text, raw.get("stmt_location", 0)))
        events.extend(_events_of(raw.get("stmt") or {}, path, line))
    return events, []

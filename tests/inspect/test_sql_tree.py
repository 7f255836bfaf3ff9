"""table_events reads libpg_query's JSON tree and finds what pglast's AST showed, line included."""

from __future__ import annotations

from pathlib import Path

import pytest
from pglast import ast, parse_sql
from pglast.enums import AlterTableType, ObjectType
from pglast.parser import ParseError

from scaffolder.inspect.sql import TableAction, TableEvent, table_events

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _ast_name(relation: object) -> tuple[str, str] | None:
    schema = getattr(relation, "schemaname", None)
    table = getattr(relation, "relname", None)
    if not isinstance(table, str):
        return None
    return (schema if isinstance(schema, str) else "public"), table


def _ast_events(path: str, text: str) -> list[TableEvent] | str:
    """The events as sql.py found them through pglast's AST (the reference), or the error."""
    try:
        statements = parse_sql(text)
    except ParseError as exc:
        return str(exc)
    actions = {
        AlterTableType.AT_EnableRowSecurity: TableAction.ENABLE_RLS,
        AlterTableType.AT_DisableRowSecurity: TableAction.DISABLE_RLS,
    }
    data = text.encode("utf-8")
    events = []
    for raw in statements:
        stmt, line = raw.stmt, data.count(b"\n", 0, raw.stmt_location or 0) + 1
        found: list[tuple[tuple[str, str] | None, TableAction]] = []
        if isinstance(stmt, ast.CreateStmt):
            if getattr(stmt.relation, "relpersistence", "p") != "t":
                found.append((_ast_name(stmt.relation), TableAction.CREATE))
        elif isinstance(stmt, ast.AlterTableStmt) and stmt.objtype == ObjectType.OBJECT_TABLE:
            for cmd in stmt.cmds or ():
                if isinstance(cmd, ast.AlterTableCmd) and cmd.subtype in actions:
                    found.append((_ast_name(stmt.relation), actions[cmd.subtype]))
        elif isinstance(stmt, ast.DropStmt) and stmt.removeType == ObjectType.OBJECT_TABLE:
            for names in stmt.objects or ():
                parts = [n.sval for n in names if isinstance(n, ast.String) and n.sval]
                if parts:
                    found.append(
                        ((parts[-2] if len(parts) > 1 else "public", parts[-1]), TableAction.DROP)
                    )
        events += [TableEvent(n[0], n[1], a, path, line) for n, a in found if n is not None]
    return events


SQL = [
    'create table t(a int);\ncreate temp table u();\nCREATE UNLOGGED TABLE "Q"."Mixed Case" ();\n',
    "-- é and 🚀 before: the line is counted as pglast's AST gave it\n\n"
    "create table after_unicode();\n"
    "/* ü */ alter table after_unicode enable row level security;\n",
    "alter table only x enable row level security, disable row level security;\n"
    "alter table if exists public.y enable row level security, add column z int;\n"
    "alter foreign table f enable row level security;\nalter view v owner to me;\n",
    "drop table a, b.c, d.e.f cascade;\ndrop table if exists g;\ndrop view v;\n",
    "create foreign table ft () server s;\ncreate table p partition of q for values in (1);\n"
    "create table c as select 1;\ninsert into t values (1);\n",
    "create function f() returns trigger as $$ begin create table inner_t(); end $$\n"
    "language plpgsql;\n",
    ";;\n",
    "",
    "create table broken (\n  a int,\n);\n",
    "select 'ü' from;\n",
]


@pytest.mark.parametrize("text", SQL)
def test_the_json_tree_gives_the_asts_events(text: str) -> None:
    events, warnings = table_events("m.sql", text)
    expected = _ast_events("m.sql", text)
    if isinstance(expected, str):
        assert events == []
        assert [w.message for w in warnings] == [
            f"SQL not understood by the Postgres parser ({expected}); its tables were skipped"
        ]
    else:
        assert warnings == []
        assert events == expected


def test_the_samples_hold_every_action_and_a_line_after_non_ascii_text() -> None:
    events = [e for text in SQL for e in table_events("m.sql", text)[0]]
    assert {e.action for e in events} == set(TableAction)
    moved = [e for e in events if e.table == "after_unicode"]
    assert [e.line for e in moved] == [1, 4]  # where pglast's AST placed them


def test_every_fixture_sql_file_gives_the_asts_events() -> None:
    files = sorted(FIXTURES.rglob("*.sql"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        events, _ = table_events(str(path), text)
        expected = _ast_events(str(path), text)
        assert events == ([] if isinstance(expected, str) else expected), path

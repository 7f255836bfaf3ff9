"""Two users and one row owned by each in every table, written as the table owner
(the superuser bypasses RLS), with values made up per column type.

Every row is written by a literal INSERT the pgTAP file can replay.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from scaffolder.audit.rls_probe.result import Seed
from scaffolder.audit.rls_probe.schema import AUTH_USERS, Column, Table

USER_IDS = {
    "a": "aaaaaaaa-0000-4000-8000-00000000000a",
    "b": "bbbbbbbb-0000-4000-8000-00000000000b",
}
ANON_CLAIMS = json.dumps({"role": "anon", "iss": "supabase"})


class CannotSeed(Exception):
    """No row can be made up for this table; the message says why."""


def claims(user: str) -> str:
    """The JWT claims PostgREST sets for a signed-in user (user metadata left empty)."""
    return json.dumps(
        {
            "sub": USER_IDS[user],
            "role": "authenticated",
            "aud": "authenticated",
            "email": f"{user}@probe.invalid",
            "app_metadata": {"provider": "email", "providers": ["email"]},
            "user_metadata": {},
            "is_anonymous": False,
        }
    )


def user_statements() -> list[str]:
    return [
        "insert into auth.users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data, "  # noqa: S608
        f"created_at) values ('{uid}', 'authenticated', 'authenticated', '{user}@probe.invalid', "
        '\'{"provider": "email", "providers": ["email"]}\', \'{}\', now())'
        for user, uid in USER_IDS.items()
    ]


@dataclass
class Seeded:
    """Where each user's row of each table is (its ctid) and how it got there."""

    rows: dict[tuple[tuple[str, str], str], str] = field(default_factory=dict)
    seeds: dict[tuple[str, str], list[Seed]] = field(default_factory=dict)
    counter: count[int] = field(default_factory=lambda: count(1))


def qualified(schema: str, table: str) -> Any:
    from psycopg import sql

    return sql.Identifier(schema, table)


def value_of(conn: Any, table: tuple[str, str], ctid: str, column: str) -> str | None:
    from psycopg import sql

    query = sql.SQL("select {}::text from {} where ctid = %s::tid").format(
        sql.Identifier(column), qualified(*table)
    )
    row = conn.execute(query, [ctid]).fetchone()
    return None if row is None else row[0]


def _literal(column: Column, value: str) -> Any:
    from psycopg import sql

    return sql.SQL("{}::{}").format(sql.Literal(value), sql.SQL(column.type_sql))


def _made_up(conn: Any, column: Column, user: str, n: int) -> Any:  # noqa: PLR0911
    from psycopg import sql

    base, category = column.base_type, column.category
    if base == "uuid":
        return _literal(column, f"cccccccc-0000-4000-8000-{n:012x}")
    if base in ("json", "jsonb"):
        return _literal(column, "{}")
    if category == "S":
        return _literal(column, f"{user}{n}")
    if category == "N":
        return _literal(column, str(n))
    if category == "B":
        return _literal(column, "false")
    if category == "D":
        return sql.SQL("now()::{}").format(sql.SQL(column.type_sql))
    if category == "T":
        return _literal(column, "1 hour")
    if category == "A":
        return _literal(column, "{}")
    if category == "I":
        return _literal(column, "127.0.0.1")
    if column.type_kind == "e" or category == "E":
        row = conn.execute(
            "select enumlabel from pg_enum where enumtypid = %s order by enumsortorder limit 1",
            [column.type_oid],
        ).fetchone()
        if row:
            return _literal(column, row[0])
    raise CannotSeed(f"no value can be made up for column {column.name} ({column.type_sql})")


def _reference(conn: Any, table: Table, column: Column, user: str, seeded: Seeded) -> Any:
    fk = table.foreign_key(column.name)
    assert fk is not None
    target = (fk.schema, fk.table)
    if target == AUTH_USERS and fk.ref_column == "id":
        return _literal(column, USER_IDS[user])
    ctid = seeded.rows.get((target, user))
    value = value_of(conn, target, ctid, fk.ref_column) if ctid else None
    if value is None:
        from psycopg import sql

        query = sql.SQL("select {}::text from {} limit 1").format(
            sql.Identifier(fk.ref_column), qualified(*target)
        )
        row = conn.execute(query).fetchone()
        value = None if row is None else row[0]
    if value is None:
        raise CannotSeed(
            f"column {column.name} references {fk.schema}.{fk.table}, which has no row to point at"
        )
    return _literal(column, value)


KEY_OFFSET = 1_000_000  # explicit keys stay clear of the values a sequence hands out


def insert_statement(
    conn: Any, table: Table, user: str, seeded: Seeded, *, explicit_keys: bool = False
) -> str:
    """An INSERT of a made-up row owned by `user`: the owner column, every NOT NULL column
    without a default, and foreign keys pointing at `user`'s rows. With `explicit_keys`
    the primary key is written out too, so a replay (the pgTAP file) finds the same row."""
    from psycopg import sql

    names, values = [], []
    overriding = False
    for column in table.columns:
        key = explicit_keys and column.name in table.primary_key
        if column.generated or (column.identity and not key):
            continue
        owner = column.name == table.owner_column
        if not owner and not key and (column.has_default or not column.not_null):
            continue
        overriding = overriding or column.identity == "a"
        if owner and table.foreign_key(column.name) is None:
            value = _literal(column, USER_IDS[user])
        elif table.foreign_key(column.name) is not None:
            value = _reference(conn, table, column, user, seeded)
        else:
            n = next(seeded.counter)
            value = _made_up(conn, column, user, n + KEY_OFFSET if key else n)
        names.append(sql.Identifier(column.name))
        values.append(value)
    target = qualified(table.schema, table.table)
    if not names:
        statement = sql.SQL("insert into {} default values").format(target)
    else:
        statement = sql.SQL("insert into {} ({}){} values ({})").format(
            target,
            sql.SQL(", ").join(names),
            sql.SQL(" overriding system value" if overriding else ""),
            sql.SQL(", ").join(values),
        )
    rendered: str = statement.as_string(conn)
    return rendered


def seed_order(tables: list[Table]) -> list[Table]:
    """Referenced tables before the tables pointing at them (cycles keep their order)."""
    pending = list(tables)
    keys = {t.key for t in tables}
    done: set[tuple[str, str]] = set()
    ordered: list[Table] = []
    while pending:
        ready = [
            t
            for t in pending
            if all(
                (f.schema, f.table) in done or (f.schema, f.table) not in keys or f.table == t.table
                for f in t.foreign_keys
            )
        ] or pending[:1]
        for table in ready:
            ordered.append(table)
            done.add(table.key)
            pending.remove(table)
    return ordered


def _existing(conn: Any, table: Table, user: str) -> str | None:
    """A row the user already owns (a trigger on auth.users makes profiles)."""
    from psycopg import sql

    if table.owner_column is None:
        return None
    query = sql.SQL("select ctid::text from {} where {} = %s limit 1").format(
        qualified(table.schema, table.table), sql.Identifier(table.owner_column)
    )
    row = conn.execute(query, [USER_IDS[user]]).fetchone()
    return None if row is None else str(row[0])


def seed_table(conn: Any, table: Table, seeded: Seeded) -> None:
    """User a's row, then user b's; raises CannotSeed (nothing kept) when either fails."""
    import psycopg

    from scaffolder.audit.rls_probe.migrate import first_line

    seeds: list[Seed] = []
    try:
        with conn.transaction():
            for user in USER_IDS:
                conn.execute("select set_config('request.jwt.claims', %s, true)", [claims(user)])
                ctid = _existing(conn, table, user)
                if ctid is not None:
                    seeds.append(Seed(user, None))
                else:
                    statement = insert_statement(conn, table, user, seeded, explicit_keys=True)
                    row = conn.execute(f"{statement} returning ctid::text".encode()).fetchone()
                    ctid = str(row[0])
                    seeds.append(Seed(user, statement))
                seeded.rows[(table.key, user)] = ctid
    except psycopg.Error as exc:
        for user in USER_IDS:
            seeded.rows.pop((table.key, user), None)
        raise CannotSeed(f"a row could not be inserted: {first_line(exc)}") from exc
    seeded.seeds[table.key] = seeds

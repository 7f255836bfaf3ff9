"""What the migrations built, read back from the catalog: tables, columns, keys, policies,
and which column says who owns a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scaffolder.audit.rls_probe.result import Policy

AUTH_USERS = ("auth", "users")
OWNER_NAMES = ("user_id", "owner_id", "profile_id", "author_id", "created_by", "owner", "uid")
PROFILE_TABLES = ("profiles", "profile", "users", "user_profiles", "accounts")


@dataclass(frozen=True)
class Column:
    name: str
    type_sql: str  # format_type of the column (domains included)
    base_type: str  # format_type of the underlying type
    category: str  # pg_type.typcategory of the underlying type
    type_kind: str  # pg_type.typtype: b base, e enum, d domain, ...
    type_oid: int
    not_null: bool
    has_default: bool
    identity: str  # "" | "a" (always) | "d" (by default)
    generated: bool


@dataclass(frozen=True)
class ForeignKey:
    column: str
    schema: str
    table: str
    ref_column: str


@dataclass
class Table:
    oid: int
    schema: str
    table: str
    rls_enabled: bool
    columns: list[Column]
    primary_key: list[str]
    foreign_keys: list[ForeignKey]
    policies: tuple[Policy, ...]
    owner_column: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.table)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def foreign_key(self, column: str) -> ForeignKey | None:
        return next((f for f in self.foreign_keys if f.column == column), None)


_TABLES = """
select c.oid, n.nspname, c.relname, c.relrowsecurity
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p') and not c.relispartition and n.nspname = any(%s)
order by n.nspname, c.relname
"""
_COLUMNS = """
select a.attname, format_type(a.atttypid, a.atttypmod),
       format_type(coalesce(nullif(t.typbasetype, 0), a.atttypid), null),
       bt.typcategory, t.typtype, bt.oid, a.attnotnull, a.atthasdef, a.attidentity,
       a.attgenerated <> ''
from pg_attribute a
join pg_type t on t.oid = a.atttypid
join pg_type bt on bt.oid = coalesce(nullif(t.typbasetype, 0), a.atttypid)
where a.attrelid = %s and a.attnum > 0 and not a.attisdropped
order by a.attnum
"""
_PRIMARY_KEY = """
select a.attname from pg_index i
join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
where i.indrelid = %s and i.indisprimary
order by array_position(i.indkey::int2[], a.attnum)
"""
_FOREIGN_KEYS = """
select a.attname, fn.nspname, fc.relname, fa.attname
from pg_constraint k
join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
join pg_class fc on fc.oid = k.confrelid
join pg_namespace fn on fn.oid = fc.relnamespace
join pg_attribute fa on fa.attrelid = k.confrelid and fa.attnum = k.confkey[1]
where k.contype = 'f' and k.conrelid = %s and cardinality(k.conkey) = 1
order by k.conname
"""
_POLICIES = """
select policyname, cmd, roles::text[], permissive = 'PERMISSIVE', qual, with_check
from pg_policies where schemaname = %s and tablename = %s order by policyname
"""


def read_tables(conn: Any, schemas: list[str]) -> list[Table]:
    tables = []
    for oid, schema, name, rls in conn.execute(_TABLES, [schemas]).fetchall():
        columns = [Column(*row) for row in conn.execute(_COLUMNS, [oid]).fetchall()]
        pk = [r[0] for r in conn.execute(_PRIMARY_KEY, [oid]).fetchall()]
        fks = [ForeignKey(*row) for row in conn.execute(_FOREIGN_KEYS, [oid]).fetchall()]
        policies = tuple(
            Policy(n, cmd, tuple(roles or ("public",)), perm, qual, check)
            for n, cmd, roles, perm, qual, check in conn.execute(
                _POLICIES, [schema, name]
            ).fetchall()
        )
        tables.append(Table(oid, schema, name, bool(rls), columns, pk, fks, policies))
    by_key = {t.key: t for t in tables}
    for table in tables:
        table.owner_column = owner_column(table, by_key)
    return tables


def _is_uuid(column: Column) -> bool:
    return column.base_type == "uuid"


def owner_column(table: Table, tables: dict[tuple[str, str], Table]) -> str | None:
    """The column holding the owning user's auth id, if the table has one.

    In order: a uuid referencing auth.users (by name preference when several), a uuid
    referencing a profile table keyed by the auth id, a uuid named like an owner, and a
    profile table's own uuid primary key.
    """
    to_auth = [
        f.column
        for f in table.foreign_keys
        if (f.schema, f.table) == AUTH_USERS and f.ref_column == "id"
    ]
    if to_auth:
        return min(to_auth, key=lambda c: OWNER_NAMES.index(c) if c in OWNER_NAMES else 99)
    for fk in table.foreign_keys:
        target = tables.get((fk.schema, fk.table))
        if (
            target is not None
            and target is not table
            and target.primary_key == [fk.ref_column]
            and owner_column(target, {}) == fk.ref_column
        ):
            return fk.column
    for name in OWNER_NAMES:
        column = table.column(name)
        if column is not None and _is_uuid(column):
            return name
    if table.table in PROFILE_TABLES and table.primary_key == ["id"]:
        column = table.column("id")
        if column is not None and _is_uuid(column):
            return "id"
    return None

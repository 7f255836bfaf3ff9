"""Read the facts a backup is checked against: tables, exact row counts, a schema
hash and the migration head, from a live database or a restored one.

The same function runs on both sides, so a fact means the same thing on each.
Sorting happens in Python, not SQL, because the source (say en_US.UTF-8 on
Supabase) and the scratch cluster (C locale) may collate names differently.
"""

from __future__ import annotations

import hashlib
from typing import Any

from psycopg import Connection, sql

from scaffolder.ops.backup.models import CatalogFacts, MigrationHead, TableCount

# Schemas the platform owns (Supabase, Neon, common extensions): they are not the
# app's data, and they do not restore into a plain Postgres.
PLATFORM_SCHEMAS: tuple[str, ...] = (
    "auth",
    "storage",
    "realtime",
    "_realtime",
    "_analytics",
    "supabase_functions",
    "extensions",
    "graphql",
    "graphql_public",
    "pgbouncer",
    "pgsodium",
    "pgsodium_masks",
    "vault",
    "net",
    "cron",
    "pgtle",
    "topology",
    "tiger",
    "tiger_data",
    "neon",
)

# Known migration tables and the query that reads the newest applied migration.
MIGRATION_TABLES: tuple[tuple[str, str], ...] = (
    (
        "supabase_migrations.schema_migrations",
        "SELECT max(version)::text FROM supabase_migrations.schema_migrations",
    ),
    (
        "public.alembic_version",
        "SELECT string_agg(version_num::text, ',' ORDER BY version_num) "
        "FROM public.alembic_version",
    ),
    (
        "public._prisma_migrations",
        "SELECT max(migration_name) FROM public._prisma_migrations "
        "WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    ),
    (
        "public.django_migrations",
        "SELECT app || '.' || name FROM public.django_migrations ORDER BY id DESC LIMIT 1",
    ),
    (
        "drizzle.__drizzle_migrations",
        "SELECT hash FROM drizzle.__drizzle_migrations ORDER BY created_at DESC, id DESC LIMIT 1",
    ),
    (
        "public.__drizzle_migrations",
        "SELECT hash FROM public.__drizzle_migrations ORDER BY created_at DESC, id DESC LIMIT 1",
    ),
)

# Every query below filters to the app's schemas the same way:
# n.nspname <> ALL(excluded), not pg_catalog / information_schema / pg_*.

_TABLES = """
SELECT n.nspname, c.relname FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND
  n.nspname <> ALL(%(excluded)s)
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_%%'
"""

_COLUMNS = """
SELECT n.nspname, c.relname,
       row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
       a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
       coalesce(pg_catalog.pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity, a.attgenerated
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND
  n.nspname <> ALL(%(excluded)s)
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_%%'
"""

_CONSTRAINTS = """
SELECT n.nspname, c.relname, con.conname, con.contype::text,
       pg_catalog.pg_get_constraintdef(con.oid)
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE
  n.nspname <> ALL(%(excluded)s)
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_%%'
"""

_POLICY_ROLES = """
SELECT DISTINCT unnest(roles)::text FROM pg_catalog.pg_policies
WHERE schemaname <> ALL(%(excluded)s)
"""


def read_facts(conn: Connection[Any], excluded: tuple[str, ...] = PLATFORM_SCHEMAS) -> CatalogFacts:
    """Facts of the database `conn` is connected to, read in its current transaction."""
    params = {"excluded": list(excluded)}
    # Fully qualified names in format_type / pg_get_constraintdef, whatever the role's path.
    conn.execute("SET LOCAL search_path = pg_catalog")
    tables = sorted((str(s), str(t)) for s, t in conn.execute(_TABLES, params).fetchall())
    counts = [TableCount(schema_name=s, table=t, rows=_count(conn, s, t)) for s, t in tables]
    version_row = conn.execute("SHOW server_version").fetchone()
    return CatalogFacts(
        tables=counts,
        schema_hash=schema_hash(conn, excluded),
        migration_heads=migration_heads(conn),
        policy_roles=sorted(
            str(row[0])
            for row in conn.execute(_POLICY_ROLES, params).fetchall()
            if str(row[0]) != "public"
        ),
        server_version=str(version_row[0]) if version_row else "",
    )


def _count(conn: Connection[Any], schema: str, table: str) -> int:
    query = sql.SQL("SELECT count(*) FROM {}.{}").format(
        sql.Identifier(schema), sql.Identifier(table)
    )
    row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0


def schema_hash(conn: Connection[Any], excluded: tuple[str, ...] = PLATFORM_SCHEMAS) -> str:
    """sha256 over columns (name, type, nullability, default, identity) and constraints."""
    params = {"excluded": list(excluded)}
    # Column order within a table is kept through the row_number rank, which does
    # not change when a restore renumbers columns that were dropped at the source.
    columns = sorted(
        (tuple(str(v) for v in row) for row in conn.execute(_COLUMNS, params)),
        key=lambda row: (row[0], row[1], int(row[2])),
    )
    constraints = sorted(tuple(str(v) for v in row) for row in conn.execute(_CONSTRAINTS, params))
    digest = hashlib.sha256()
    for row in columns:
        digest.update(("col\t" + "\t".join(row) + "\n").encode())
    for row in constraints:
        digest.update(("con\t" + "\t".join(row) + "\n").encode())
    return digest.hexdigest()


def migration_heads(conn: Connection[Any]) -> list[MigrationHead]:
    heads: list[MigrationHead] = []
    for table, query in MIGRATION_TABLES:
        exists = conn.execute("SELECT pg_catalog.to_regclass(%s) IS NOT NULL", (table,)).fetchone()
        if not exists or not exists[0]:
            continue
        row = conn.execute(query).fetchone()
        if row and row[0] is not None:
            heads.append(MigrationHead(table=table, head=str(row[0])))
    return heads

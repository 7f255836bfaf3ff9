"""Test helpers: known data in a real Postgres, and fresh databases to put it in."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg import sql

USERS = 50
ORDERS = 120

KNOWN_SCHEMA = """
CREATE TABLE public.users (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE public.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id integer NOT NULL REFERENCES public.users (id),
    total numeric(10, 2) NOT NULL CHECK (total >= 0),
    dropped_later text
);
ALTER TABLE public.orders DROP COLUMN dropped_later;
ALTER TABLE public.orders ADD COLUMN note text;
CREATE TABLE public.alembic_version (version_num varchar(32) PRIMARY KEY);
INSERT INTO public.alembic_version VALUES ('3f2a9c1b7d00');
CREATE TABLE public._prisma_migrations (
    id text PRIMARY KEY, migration_name text NOT NULL,
    finished_at timestamptz, rolled_back_at timestamptz
);
INSERT INTO public._prisma_migrations VALUES
    ('a', '20240101000000_init', now(), NULL),
    ('b', '20240301000000_orders', now(), NULL),
    ('c', '20240401000000_broken', NULL, NULL);
CREATE SCHEMA supabase_migrations;
CREATE TABLE supabase_migrations.schema_migrations (version text PRIMARY KEY);
INSERT INTO supabase_migrations.schema_migrations VALUES ('20240101000000'), ('20240301000000');
-- A platform schema: excluded from dumps and manifests.
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY);
-- A row-level policy naming a Supabase role, which the scratch database must create.
ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_orders ON public.orders FOR SELECT TO scaffold_test_authenticated
    USING (user_id > 0);
"""


def connect(info: Mapping[str, str]) -> psycopg.Connection[Any]:
    return psycopg.connect(autocommit=True, **dict(info))


def create_database(admin: Mapping[str, str], prefix: str = "src") -> dict[str, str]:
    name = f"{prefix}_{secrets.token_hex(4)}"
    with connect(admin) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return {**admin, "dbname": name}


def drop_database(admin: Mapping[str, str], name: str) -> None:
    with connect(admin) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def load_known_data(info: Mapping[str, str]) -> None:
    with connect(info) as conn:
        role = conn.execute(
            "SELECT 1 FROM pg_roles WHERE rolname = 'scaffold_test_authenticated'"
        ).fetchone()
        if not role:
            # Another test may create it in the meantime.
            with contextlib.suppress(psycopg.errors.DuplicateObject):
                conn.execute("CREATE ROLE scaffold_test_authenticated NOLOGIN")
        conn.execute(KNOWN_SCHEMA)
        conn.execute(
            "INSERT INTO public.users (email) SELECT 'user' || g || '@example.com' "
            "FROM generate_series(1, %s) g",
            (USERS,),
        )
        conn.execute(
            "INSERT INTO public.orders (user_id, total) SELECT 1 + (g %% %s), g * 1.5 "
            "FROM generate_series(1, %s) g",
            (USERS, ORDERS),
        )


def execute(info: Mapping[str, str], statement: str) -> None:
    with connect(info) as conn:
        conn.execute(statement.encode())

"""The scratch Postgres a dump is restored into.

By default a local ephemeral cluster (pgcluster.EphemeralCluster) that lives only
for the verification. With --target-url (a CI service container, a spare server)
a fresh database is created there and dropped afterwards.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import Connection, sql
from psycopg.conninfo import conninfo_to_dict

from scaffolder.errors import CloudError, UsageError
from scaffolder.ops.pgcluster import EphemeralCluster, Runner, run_command

Connect = Callable[[Mapping[str, str]], Connection[Any]]


def connect_postgres(info: Mapping[str, str]) -> Connection[Any]:
    """The default connector: psycopg, autocommit, a bounded connect timeout."""
    params: dict[str, Any] = {"connect_timeout": 15, **info}
    try:
        return psycopg.connect(autocommit=True, **params)
    except psycopg.OperationalError as exc:
        host, port = info.get("host", "localhost"), info.get("port", "5432")
        where = f"{host}:{port}/{info.get('dbname', '')}"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "connection failed"
        raise CloudError(
            f"Could not connect to Postgres at {where}: {first}",
            hint="Check that the database is running and reachable from this machine, and "
            "that the URL's user and password are right.",
        ) from exc


def parse_url(url: str, *, flag: str) -> dict[str, str]:
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise UsageError(f"{flag} is not a valid Postgres connection URL.") from exc
    return {k: str(v) for k, v in info.items() if v is not None}


@contextmanager
def scratch_database(
    target_url: str | None = None,
    *,
    roles: list[str] | None = None,
    runner: Runner = run_command,
    connect: Connect = connect_postgres,
) -> Iterator[tuple[dict[str, str], str]]:
    """Yield (conninfo of an empty database, a description of where it is)."""
    if target_url:
        admin = parse_url(target_url, flag="--target-url")
        with _fresh_database(admin, roles or [], connect) as info:
            yield info, f"database {info['dbname']} on {admin.get('host', 'localhost')}"
        return
    with (
        EphemeralCluster(runner=runner) as cluster,
        _fresh_database(cluster.conninfo(), roles or [], connect) as info,
    ):
        yield info, f"ephemeral Postgres on 127.0.0.1:{cluster.port}"


@contextmanager
def _fresh_database(
    admin: Mapping[str, str], roles: list[str], connect: Connect
) -> Iterator[dict[str, str]]:
    name = f"scaffold_restore_{secrets.token_hex(4)}"
    with connect(admin) as conn:
        conn.autocommit = True
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        _ensure_roles(conn, roles)
    try:
        yield {**admin, "dbname": name}
    finally:
        with connect(admin) as conn:
            conn.autocommit = True
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _ensure_roles(conn: Connection[Any], roles: list[str]) -> None:
    """Roles that row-level policies name (Supabase's anon, authenticated...) must exist
    for CREATE POLICY to restore; they are created without login."""
    for role in roles:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))

"""The scratch Postgres a dump is restored into.

By default a local ephemeral cluster (local_postgres.EphemeralCluster) that lives only
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
from scaffolder.local_postgres import EphemeralCluster, Runner, run_command

Connect = Callable[[Mapping[str, str]], Connection[Any]]


# libpq settings that bound every wait on the network: the connect itself, and
# (TCP keepalives) a server that vanishes mid-query is noticed in about a minute
# instead of never. Values in the user's URL win.
NETWORK_DEFAULTS: dict[str, str] = {
    "connect_timeout": "15",
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
}
# A query waiting on a lock someone else holds (a migration's ACCESS EXCLUSIVE)
# would otherwise wait forever; no query of a backup or check runs for an hour.
LOCK_TIMEOUT = "5min"
STATEMENT_TIMEOUT = "1h"


def with_network_defaults(info: Mapping[str, str]) -> dict[str, str]:
    return {**NETWORK_DEFAULTS, **info}


def connect_postgres(info: Mapping[str, str]) -> Connection[Any]:
    """The default connector: psycopg, autocommit, bounded connect, lock and statement waits."""
    params: dict[str, Any] = with_network_defaults(info)
    try:
        conn = psycopg.connect(autocommit=True, **params)
        # SET rather than the `options` parameter: poolers and Neon's proxy read `options`.
        conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        conn.execute(f"SET statement_timeout = '{STATEMENT_TIMEOUT}'")
        return conn
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

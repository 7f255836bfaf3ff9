"""`scaffold audit --probe-rls`: build the repository's Supabase schema in a scratch
Postgres, then measure what anon and a second signed-in user can do to each table.

Only `probe_repository` touches a database; the result (`ProbeOutcome`) is plain data
the audit rules, the report and the pgTAP writer read.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder.audit.rls_probe.result import ProbeOutcome, TableResult
from scaffolder.models import RepoFacts

if TYPE_CHECKING:
    from scaffolder.local_postgres import EphemeralCluster

__all__ = ["ProbeOutcome", "exposed_schemas", "probe_repository"]

DEFAULT_SCHEMAS = ("public",)
_NOT_TABLES = {"graphql_public", "storage", "auth", "extensions"}


def exposed_schemas(root: Path, project_dir: str | None) -> list[str]:
    """The schemas the API serves: `[api] schemas` of supabase/config.toml, else public."""
    config = root / (project_dir or "supabase") / "config.toml"
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return list(DEFAULT_SCHEMAS)
    api = data.get("api")
    schemas = api.get("schemas") if isinstance(api, dict) else None
    if not isinstance(schemas, list):
        return list(DEFAULT_SCHEMAS)
    chosen = [s for s in schemas if isinstance(s, str) and s not in _NOT_TABLES]
    return chosen or list(DEFAULT_SCHEMAS)


def probe_repository(
    root: Path,
    facts: RepoFacts,
    *,
    find_tool: Callable[[str], str | None] | None = None,
    cluster: Callable[[], EphemeralCluster] | None = None,
) -> ProbeOutcome:
    """The access matrix of every table in the exposed schemas; never raises for a
    missing Postgres or a broken migration (the outcome says why it did not probe).

    `find_tool` and `cluster` default to the real Postgres binaries and scratch cluster;
    the cluster is stopped and its folder removed whatever happens.
    """
    from scaffolder.audit.rls_probe.migrate import migration_files
    from scaffolder.errors import ScaffoldError
    from scaffolder.local_postgres import EphemeralCluster, find_pg_tool

    files = migration_files(root, facts.supabase.project_dir)
    if not files:
        return ProbeOutcome.skipped(
            "no Supabase migrations (supabase/migrations/*.sql) to build the database from"
        )
    find = find_tool or find_pg_tool
    missing = [tool for tool in ("initdb", "pg_ctl") if find(tool) is None]
    if missing:
        return ProbeOutcome.skipped(
            f"the Postgres server binaries are not installed ({', '.join(missing)} not found)"
        )
    schemas = exposed_schemas(root, facts.supabase.project_dir)
    try:
        with (cluster or EphemeralCluster)() as scratch:
            return _probe(scratch.conninfo(), root, files, schemas, facts)
    except ScaffoldError as exc:
        return ProbeOutcome.skipped(f"the scratch Postgres could not run: {exc.message}")


def _probe(
    info: dict[str, str], root: Path, files: list[Path], schemas: list[str], facts: RepoFacts
) -> ProbeOutcome:
    import psycopg
    from psycopg.conninfo import make_conninfo

    from scaffolder.audit.rls_probe.env import create_environment
    from scaffolder.audit.rls_probe.migrate import apply_migrations

    try:
        with psycopg.connect(make_conninfo(**info), autocommit=True) as conn:
            create_environment(conn)
        with psycopg.connect(make_conninfo(**info), autocommit=True) as conn:
            failures = apply_migrations(conn, root, files)
            outcome = _measure(conn, schemas, facts)
            outcome.failures = failures
            return outcome
    except psycopg.Error as exc:
        from scaffolder.audit.rls_probe.migrate import first_line

        return ProbeOutcome.skipped(f"the scratch database failed: {first_line(exc)}")


def _measure(conn: Any, schemas: list[str], facts: RepoFacts) -> ProbeOutcome:
    from scaffolder.audit.rls_probe.env import TRY_FUNCTION
    from scaffolder.audit.rls_probe.matrix import probe_table, role_claims
    from scaffolder.audit.rls_probe.schema import read_tables
    from scaffolder.audit.rls_probe.seed import (
        CannotSeed,
        Seeded,
        seed_order,
        seed_table,
        user_statements,
    )

    users = user_statements()
    for statement in users:
        conn.execute(statement.encode("utf-8"))
    conn.execute(TRY_FUNCTION)
    tables = read_tables(conn, schemas)
    static = {(t.schema_name, t.table): t for t in facts.supabase.tables}
    seeded = Seeded()
    results: dict[tuple[str, str], TableResult] = {}
    for table in seed_order(tables):
        result = TableResult(
            schema=table.schema,
            table=table.table,
            rls_enabled=table.rls_enabled,
            owner_column=table.owner_column,
            policies=table.policies,
            evidence=static[table.key].evidence if table.key in static else None,
        )
        results[table.key] = result
        try:
            seed_table(conn, table, seeded)
        except CannotSeed as exc:
            result.fail_all(str(exc))
            continue
        result.seeds = tuple(seeded.seeds.get(table.key, ()))
        probe_table(conn, table, result, seeded)
    for key, fact in static.items():
        if key[0] in schemas and key not in results:
            missing = TableResult(key[0], key[1], fact.rls_enabled, evidence=fact.evidence)
            missing.fail_all("the migration that creates it did not apply")
            results[key] = missing
    return ProbeOutcome(
        probed=True,
        tables=[results[k] for k in sorted(results)],
        users=tuple(users),
        claims={r: role_claims(r) for r in ("anon", "authenticated_other")},
    )

"""Supabase's environment in a scratch Postgres, and the one function every check runs through.

`TRY_FUNCTION` is shared by the live probe and the pgTAP tests it writes, so a test in
the user's CI judges a cell exactly as the probe did.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

# Extensions Supabase enables in `extensions`; one missing here is tolerated.
EXTENSIONS = ("uuid-ossp", "pgcrypto")
SEARCH_PATH = '"$user", public, extensions'

# try(role, claims, statement, fallback): run the statement as `role` with the JWT claims
# PostgREST would set, count the rows it touched, then undo everything (raising SCAF0
# rolls the inner block back). insufficient_privilege (no grant, or a row-level security
# WITH CHECK) is a denial, after which `fallback` (another way to do the same) is tried.
# A unique or foreign-key violation is raised after the policies passed: allowed.
TRY_FUNCTION = """\
create or replace function pg_temp.scaffold_rls_try(
  probe_role text, claims text, statement text, fallback text default null
) returns text language plpgsql as $scaffold$
declare
  touched bigint := 0;
begin
  begin
    perform set_config('request.jwt.claims', claims, true);
    execute format('set local role %I', probe_role);
    execute statement;
    get diagnostics touched = row_count;
    raise sqlstate 'SCAF0';
  exception
    when sqlstate 'SCAF0' then
      return case when touched > 0 then 'allowed' else 'denied' end;
    when insufficient_privilege then
      if fallback is not null then
        return pg_temp.scaffold_rls_try(probe_role, claims, fallback);
      end if;
      return 'denied';
    when unique_violation or foreign_key_violation then
      return 'allowed';
  end;
end
$scaffold$;
"""


def environment_sql() -> str:
    return (
        resources.files("scaffolder.audit.rls_probe")
        .joinpath("supabase_env.sql")
        .read_text(encoding="utf-8")
    )


def create_environment(conn: Any) -> list[str]:
    """Roles, schemas, grants, auth, storage; returns the extensions that are missing."""
    import psycopg

    conn.execute(environment_sql().encode("utf-8"))
    missing = []
    for name in EXTENSIONS:
        try:
            conn.execute(f'create extension if not exists "{name}" with schema extensions')
        except psycopg.Error:
            missing.append(name)
    dbname = conn.execute("select current_database()").fetchone()[0]
    conn.execute(f'alter database "{dbname}" set search_path = {SEARCH_PATH}')
    return missing

"""Supabase facts: RLS per table through pglast, edge functions, anon and service-role keys."""

from __future__ import annotations

import base64
import json
import secrets
import string

from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.secrets import scan_tree_secrets
from scaffolder.inspect.sql import TableAction, table_events
from scaffolder.inspect.supabase import inspect_supabase
from scaffolder.models import TableRls, WarningKind

ALNUM = string.ascii_letters + string.digits


def jwt(role: str) -> str:
    def seg(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    sig = "".join(secrets.choice(ALNUM) for _ in range(43))
    return f"{seg({'alg': 'HS256'})}.{seg({'iss': 'supabase', 'role': role})}.{sig}"


def files(tree: dict[str, str]) -> list[SourceFile]:
    return [SourceFile(path=p, text=t, size=len(t)) for p, t in sorted(tree.items())]


def rls(tables: list[TableRls]) -> dict[str, bool]:
    return {f"{t.schema_name}.{t.table}": t.rls_enabled for t in tables}


MIGRATION_1 = """-- profiles
create table if not exists public.profiles (id uuid primary key);
alter table public.profiles enable row level security;

CREATE TABLE "Orders" (id int);
CREATE TABLE private.audit_log (id int);
create temporary table scratch (id int);
create table todos (id int);
alter table only todos enable row level security;
"""
MIGRATION_2 = """/* later: a mistake, and a fix that
   spans lines */
ALTER TABLE todos
  DISABLE ROW LEVEL SECURITY;
alter table "Orders" enable row level security;
drop table if exists private.audit_log;
"""


def test_rls_across_migrations_in_file_order() -> None:
    facts, warnings = inspect_supabase(
        files(
            {
                "supabase/migrations/20240101000000_init.sql": MIGRATION_1,
                "supabase/migrations/20240202000000_more.sql": MIGRATION_2,
                "supabase/config.toml": 'project_id = "x"\n',
            }
        )
    )
    assert warnings == []
    assert facts.used and facts.project_dir == "supabase"
    assert rls(facts.tables) == {
        "public.Orders": True,
        "public.profiles": True,
        "public.todos": False,
    }
    todos = next(t for t in facts.tables if t.table == "todos")
    assert (todos.evidence.path, todos.evidence.line) == (
        "supabase/migrations/20240202000000_more.sql",
        3,
    )


def test_commented_out_enable_does_not_count() -> None:
    sql = (
        "create table public.habits (id int);\n"
        "-- alter table public.habits enable row level security;\n"
    )
    facts, _ = inspect_supabase(files({"supabase/migrations/1_h.sql": sql}))
    assert rls(facts.tables) == {"public.habits": False}
    assert facts.tables[0].evidence.line == 1


def test_unparsable_file_warns_and_is_skipped() -> None:
    facts, warnings = inspect_supabase(
        files(
            {
                "supabase/migrations/1_ok.sql": "create table a (id int);",
                "supabase/migrations/2_bad.sql": "create tabel b (id int);",
            }
        )
    )
    assert rls(facts.tables) == {"public.a": False}
    assert [(w.kind, w.path) for w in warnings] == [
        (WarningKind.MALFORMED, "supabase/migrations/2_bad.sql")
    ]


def test_table_events_for_plpgsql_and_policies() -> None:
    sql = """
create table public.notes (id bigint generated always as identity primary key, body text);
create policy "own" on public.notes for select using (auth.uid() is not null);
create or replace function public.touch() returns trigger language plpgsql as $$
begin new.body := trim(new.body); return new; end $$;
alter table public.notes enable row level security, force row level security;
"""
    events, warnings = table_events("x.sql", sql)
    assert warnings == []
    assert [(e.table, e.action, e.line) for e in events] == [
        ("notes", TableAction.CREATE, 2),
        ("notes", TableAction.ENABLE_RLS, 6),
    ]


def test_edge_functions_and_nested_project_dir() -> None:
    facts, _ = inspect_supabase(
        files(
            {
                "apps/web/supabase/functions/send-email/index.ts": "Deno.serve(() => {})",
                "apps/web/supabase/functions/_shared/cors.ts": "export {}",
                "apps/web/supabase/functions/stripe-hook/index.ts": "Deno.serve(() => {})",
                "apps/web/supabase/config.toml": "",
            }
        )
    )
    assert facts.project_dir == "apps/web/supabase"
    assert facts.edge_functions == ["send-email", "stripe-hook"]


def test_anon_keys_are_counted_never_reported() -> None:
    anon = jwt("anon")
    tree = files(
        {
            ".env": f"VITE_SUPABASE_URL=https://abc.supabase.co\nVITE_SUPABASE_ANON_KEY={anon}\n",
            "src/integrations/supabase/client.ts": (
                'import { createClient } from "@supabase/supabase-js";\n'
                f'const SUPABASE_PUBLISHABLE_KEY = "{anon}";\n'
            ),
            "vite.config.ts": "export default {}",
        }
    )
    facts, _ = inspect_supabase(tree)
    assert facts.used
    assert facts.anon_keys_seen == 2
    assert facts.service_role_in_browser == []
    assert scan_tree_secrets(tree) == []


def test_service_role_reachable_from_browser_code() -> None:
    service = jwt("service_role")
    tree = files(
        {
            "vite.config.ts": "export default {}",
            "src/lib/admin.ts": "const k = import.meta.env.VITE_SUPABASE_SERVICE_ROLE_KEY;\n",
            "src/lib/inline.ts": f"\n\nconst k = '{service}';\n",
            "app/dashboard/page.tsx": (
                '"use client";\nconst k = process.env.SUPABASE_SERVICE_ROLE_KEY;\n'
            ),
            "app/api/admin/route.ts": "const k = process.env.SUPABASE_SERVICE_ROLE_KEY;\n",
            "server/admin.js": "const k = process.env.NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY;\n",
            "supabase/functions/admin/index.ts": "Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')\n",
        }
    )
    facts, _ = inspect_supabase(tree)
    seen = {(e.path, e.line) for e in facts.service_role_in_browser}
    assert seen == {
        ("src/lib/admin.ts", 1),
        ("src/lib/inline.ts", 3),
        ("app/dashboard/page.tsx", 2),
        ("server/admin.js", 1),
    }
    dumped = facts.model_dump_json()
    assert service not in dumped


def test_not_supabase() -> None:
    facts, warnings = inspect_supabase(files({"db/schema.sql": "create table t (id int);"}))
    assert not facts.used
    assert facts.tables == []
    assert warnings == []

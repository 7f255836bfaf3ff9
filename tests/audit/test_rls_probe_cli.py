"""`scaffold audit --probe-rls` / `--write-rls-tests` end to end, the pgTAP file run by
pgTAP itself, and the probe on tables that take a row over or cannot be seeded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from scaffolder.audit.rls_probe import probe_repository
from scaffolder.audit.rls_probe.env import create_environment
from scaffolder.audit.rls_probe.migrate import apply_migrations, migration_files
from scaffolder.cli.app import main
from scaffolder.inspect import inspect_repository
from scaffolder.local_postgres import EphemeralCluster, find_pg_tool
from tests.support.prototypes import materialize

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(find_pg_tool("initdb") is None, reason="needs the Postgres binaries"),
]
TEST_FILE = "supabase/tests/rls_probe.test.sql"
LEAKS = {  # the matrix's allowed cells, as the pgTAP file describes them
    "anon cannot select user b's row in public.notes",
    "anon cannot insert user b's row in public.notes",
    "anon cannot update user b's row in public.notes",
    "anon cannot delete user b's row in public.notes",
    "user a cannot select user b's row in public.notes",
    "user a cannot insert user b's row in public.notes",
    "user a cannot update user b's row in public.notes",
    "user a cannot delete user b's row in public.notes",
    "anon cannot select user b's row in public.profiles",
    "user a cannot select user b's row in public.profiles",
    "user a cannot select user b's row in public.messages",
    "user a cannot update user b's row in public.messages",
}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out, err = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out, err


@pytest.fixture
def app(tmp_path: Path) -> Path:
    return materialize("lovable-supabase-rls", tmp_path / "app", git=False)


def test_probe_rls_reports_the_matrix_and_prints_no_secret(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["audit", str(app), "--probe-rls", "-f", "json", "--no-history"], capsys)
    assert code == 0
    report = json.loads(out)
    assert report["rls_probe"]["probed"] is True
    assert len(report["rls_probe"]["tables"]) == 6
    assert "Probing row-level security" in err
    assert "RLS probe: 6 tables, 12 operations allowed" in err
    assert "2 migrations did not fully apply" in err
    for text in (out, err):
        # The scratch cluster's superuser password travels in a conninfo string only.
        assert "password=" not in text and "postgresql://" not in text
        assert "scram-sha-256" not in text.lower()
    assert not (app / TEST_FILE).exists()  # the probe alone writes nothing


def test_fail_under_still_gates_a_probed_audit(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["audit", str(app), "--probe-rls", "-f", "json", "--no-history", "--fail-under", "90"],
        capsys,
    )
    assert code == 1 and "under --fail-under 90" in err


def test_write_rls_tests_writes_rewrites_and_never_replaces_an_edited_file(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["audit", str(app), "--write-rls-tests", "-f", "json", "--no-history"]
    code, _, err = run(argv, capsys)
    assert code == 0 and "Wrote the RLS tests to" in err
    written = (app / TEST_FILE).read_text(encoding="utf-8")
    assert "select plan(40);" in written and written.rstrip().endswith("rollback;")
    assert written.count("-- LEAK found by the probe") == len(LEAKS)
    assert "-- public.documents: not tested, it could not be probed" in written

    assert run(argv, capsys)[0] == 0  # unedited: rewritten, same text
    assert (app / TEST_FILE).read_text(encoding="utf-8") == written

    edited = written.replace("select plan(40);", "select plan(41);")
    (app / TEST_FILE).write_text(edited, encoding="utf-8")
    code, _, err = run(argv, capsys)
    assert code == 8 and "left as it is" in err
    assert (app / TEST_FILE).read_text(encoding="utf-8") == edited


def _pgtap_available() -> bool:
    return any(Path("/usr/share/postgresql").glob("*/extension/pgtap.control"))


def _tap_lines(info: str, root: Path) -> list[str]:
    lines: list[str] = []
    with psycopg.connect(info, autocommit=True) as conn:
        apply_migrations(conn, root, migration_files(root, "supabase"))
        cur = conn.cursor()
        cur.execute((root / TEST_FILE).read_text(encoding="utf-8").encode("utf-8"))
        while True:
            if cur.description:
                lines.extend(str(row[0]) for row in cur.fetchall())
            if not cur.nextset():
                return lines


@pytest.mark.skipif(not _pgtap_available(), reason="needs pgTAP (postgresql-15-pgtap)")
def test_the_pgtap_file_fails_exactly_on_the_leaks(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["audit", str(app), "--write-rls-tests", "--no-history"], capsys)[0] == 0
    with EphemeralCluster() as cluster:
        info = make_conninfo(**cluster.conninfo())
        with psycopg.connect(info, autocommit=True) as conn:
            create_environment(conn)
            conn.execute("create extension pgtap with schema extensions")
        lines = _tap_lines(info, app)
    assert lines[0] == "1..40"
    results = [line for line in lines if line.startswith(("ok ", "not ok "))]
    assert len(results) == 40
    failing = {
        line.splitlines()[0].split(" - ", 1)[1] for line in results if line.startswith("not ok")
    }
    assert failing == LEAKS


EDGE_MIGRATION = """
create table public.posts (
  id bigint generated always as identity primary key,
  author_id uuid not null references auth.users (id),
  body text not null
);
alter table public.posts enable row level security;
create policy "Anyone can read posts" on public.posts for select using (true);
create policy "Authors edit posts" on public.posts for update
  using (true) with check (auth.uid() = author_id);

create table public.places (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id),
  location point not null
);
alter table public.places enable row level security;
"""


def _cells(table: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ops = ("select", "insert", "update", "delete")
    return (
        tuple(table.cell("anon", op).state for op in ops),
        tuple(table.cell("authenticated_other", op).state for op in ops),
    )


def test_a_row_taken_over_by_update_and_a_table_that_cannot_be_seeded(tmp_path: Path) -> None:
    migrations = tmp_path / "supabase/migrations"
    migrations.mkdir(parents=True)
    (migrations / "20250101000000_edge.sql").write_text(EDGE_MIGRATION, encoding="utf-8")
    facts = inspect_repository(tmp_path, scan_history=False)
    outcome = probe_repository(tmp_path, facts)
    tables = {t.table: t for t in outcome.tables}
    # using (true) with check (auth.uid() = author_id): b's row cannot be edited as b's,
    # but user a can edit it by making it theirs.
    assert _cells(tables["posts"]) == (
        ("allowed", "denied", "denied", "denied"),
        ("allowed", "denied", "allowed", "denied"),
    )
    takeover = tables["posts"].cell("authenticated_other", "update").fallback
    assert 'set "author_id" = \'aaaaaaaa' in takeover
    places = tables["places"]
    assert _cells(places) == (("error",) * 4, ("error",) * 4)
    assert (
        "no value can be made up for column location (point)"
        in places.cell("anon", "select").message
    )
    assert not outcome.failures

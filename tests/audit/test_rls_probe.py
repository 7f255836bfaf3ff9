"""The live RLS probe on a Lovable-shaped Supabase prototype whose policies are known
cell by cell: the matrix, the findings (exactly the leaking tables), the report's
`rls_probe`, migrations that cannot apply, and a scratch cluster that leaves nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from scaffolder.audit import evaluate, run_probed_audit
from scaffolder.audit.formats import to_json
from scaffolder.audit.formats.json_report import report_schema
from scaffolder.audit.rls_probe import ProbeOutcome, probe_repository
from scaffolder.audit.rls_probe.result import OPERATIONS, ROLES
from scaffolder.inspect import inspect_repository
from scaffolder.local_postgres import EphemeralCluster, find_pg_tool
from scaffolder.models import ReadinessReport
from tests.support.prototypes import materialize

REPO = Path(__file__).resolve().parents[2]
A, D, E = "allowed", "denied", "error"
# anon: select insert update delete | another signed-in user: select insert update delete
EXPECTED = {
    "public.documents": (True, (E, E, E, E), (E, E, E, E)),  # its migration needs pgvector
    "public.feature_flags": (True, (D, D, D, D), (D, D, D, D)),
    "public.messages": (True, (D, D, D, D), (A, D, A, D)),
    "public.notes": (False, (A, A, A, A), (A, A, A, A)),
    "public.profiles": (True, (A, D, D, D), (A, D, D, D)),
    "public.todos": (True, (D, D, D, D), (D, D, D, D)),
}

needs_postgres = pytest.mark.skipif(
    find_pg_tool("initdb") is None, reason="needs the Postgres server binaries"
)


class RecordingCluster(EphemeralCluster):
    """The real scratch cluster, remembering its folder and port to check the cleanup."""

    started: list[tuple[Path, int]] = []

    def start(self) -> RecordingCluster:
        super().start()
        assert self._root is not None
        RecordingCluster.started.append((self._root, self.port))
        return self


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return materialize("lovable-supabase-rls", tmp_path_factory.mktemp("rls") / "app", git=False)


@pytest.fixture(scope="module")
def probed(app: Path) -> tuple[ReadinessReport, ProbeOutcome]:
    facts = inspect_repository(app, scan_history=False)
    outcome = probe_repository(app, facts, cluster=RecordingCluster)
    return evaluate(facts, rls_probe=outcome), outcome


pytestmark = [pytest.mark.postgres]


@needs_postgres
def test_every_cell_of_the_matrix(probed: tuple[ReadinessReport, ProbeOutcome]) -> None:
    report, outcome = probed
    assert outcome.probed, outcome.reason
    assert report.rls_probe is not None
    got = {
        f"{t.schema_name}.{t.table}": (
            t.rls_enabled,
            tuple(getattr(t.access.anon, op) for op in OPERATIONS),
            tuple(getattr(t.access.authenticated_other, op) for op in OPERATIONS),
        )
        for t in report.rls_probe.tables
    }
    assert got == EXPECTED


@needs_postgres
def test_the_leaking_tables_and_only_those_are_findings(
    probed: tuple[ReadinessReport, ProbeOutcome],
) -> None:
    report, _ = probed
    by_rule: dict[str, set[str]] = {}
    for finding in report.findings:
        if finding.rule_id in ("SEC010", "SEC020", "SEC021"):
            by_rule.setdefault(finding.rule_id, set()).add(finding.title.rsplit(" ", 1)[-1])
    assert by_rule == {
        "SEC020": {"public.profiles", "public.notes"},
        "SEC021": {"public.profiles", "public.notes", "public.messages"},
    }  # SEC010's static guess about notes gives way to what the probe measured


@needs_postgres
def test_a_finding_names_role_operations_policy_and_a_fix_migration(
    probed: tuple[ReadinessReport, ProbeOutcome],
) -> None:
    report, _ = probed
    (messages,) = [f for f in report.findings if f.title.endswith("public.messages")]
    assert messages.rule_id == "SEC021" and messages.severity.value == "high"
    assert (
        messages.title
        == "Any signed-in user can read and change other users' rows in public.messages"
    )
    snippets = [e.snippet or "" for e in messages.evidence]
    assert snippets[0].startswith('select: policy "Authenticated users can read messages"')
    assert "auth.role() = 'authenticated'" in snippets[0]
    assert snippets[1].startswith('update: policy "Authenticated users can edit messages"')
    assert 'drop policy "Authenticated users can edit messages" on public.messages;' in messages.fix
    assert "using ((select auth.uid()) = sender_id)" in messages.fix
    (notes,) = [f for f in report.findings if f.rule_id == "SEC020" and "notes" in f.title]
    assert notes.severity.value == "critical"
    assert "read, insert, change and delete" in notes.title
    assert "alter table public.notes enable row level security;" in notes.fix
    assert all("row-level security is disabled" in (e.snippet or "") for e in notes.evidence)


@needs_postgres
def test_failed_migrations_are_reported_and_the_rest_still_probed(
    probed: tuple[ReadinessReport, ProbeOutcome],
) -> None:
    report, outcome = probed
    failed = {f.path: f for f in outcome.failures}
    assert set(failed) == {
        "supabase/migrations/20250306080000_documents.sql",
        "supabase/migrations/20250307080000_cleanup_job.sql",
    }
    assert failed["supabase/migrations/20250306080000_documents.sql"].line == 2
    assert 'extension "vector" is not available' in (
        failed["supabase/migrations/20250306080000_documents.sql"].error
    )
    messages = [w.message for w in report.warnings if w.path in failed]
    assert len(messages) == 2 and all("the RLS probe could not apply" in m for m in messages)
    documents = next(t for t in outcome.tables if t.table == "documents")
    assert {c.message for c in documents.cells.values()} == {
        "the migration that creates it did not apply"
    }


@needs_postgres
def test_the_json_report_carries_rls_probe_in_the_documented_shape(
    probed: tuple[ReadinessReport, ProbeOutcome],
) -> None:
    report, _ = probed
    data = json.loads(to_json(report))
    jsonschema.validate(data, report_schema())  # test_formats keeps docs/schema equal to it
    probe = data["rls_probe"]
    assert set(probe) == {"probed", "reason", "tables"} and probe["probed"] is True
    profiles = next(t for t in probe["tables"] if t["table"] == "profiles")
    assert profiles == {
        "schema": "public",
        "table": "profiles",
        "rls_enabled": True,
        "access": {
            "anon": {"select": A, "insert": D, "update": D, "delete": D},
            "authenticated_other": {"select": A, "insert": D, "update": D, "delete": D},
        },
    }
    assert set(profiles["access"]) == set(ROLES)


@needs_postgres
def test_the_scratch_cluster_is_stopped_and_removed(
    probed: tuple[ReadinessReport, ProbeOutcome],
) -> None:
    import socket

    assert RecordingCluster.started
    for root, port in RecordingCluster.started:
        assert not root.exists()
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_without_postgres_binaries_the_static_rules_still_run(app: Path) -> None:
    facts = inspect_repository(app, scan_history=False)
    outcome = probe_repository(app, facts, find_tool=lambda name: None)
    assert not outcome.probed and "initdb, pg_ctl not found" in (outcome.reason or "")
    report = evaluate(facts, rls_probe=outcome)
    assert report.rls_probe is not None and report.rls_probe.model_dump(mode="json") == {
        "probed": False,
        "reason": outcome.reason,
        "tables": [],
    }
    assert {f.rule_id for f in report.findings} & {"SEC020", "SEC021"} == set()
    (static,) = [f for f in report.findings if f.rule_id == "SEC010"]
    assert "public.notes" in static.title


def test_without_migrations_there_is_nothing_to_probe(tmp_path: Path) -> None:
    shutil.copytree(REPO / "tests/fixtures/prototypes/lovable-supabase-rls", tmp_path / "app")
    shutil.rmtree(tmp_path / "app/supabase/migrations")
    report, outcome = run_probed_audit(tmp_path / "app", scan_history=False)
    assert not outcome.probed and "no Supabase migrations" in (outcome.reason or "")
    assert report.rls_probe is not None and report.rls_probe.probed is False


def test_without_the_flag_the_report_has_no_probe(app: Path) -> None:
    report = evaluate(inspect_repository(app, scan_history=False))
    assert report.rls_probe is None
    assert json.loads(to_json(report))["rls_probe"] is None

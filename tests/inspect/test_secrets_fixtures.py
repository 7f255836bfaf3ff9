"""Every fixture prototype: the secrets, non-secrets, env files and Supabase facts its
expectations file lists, found by this package's own functions over a real git repo."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scaffolder.inspect.env_files import find_committed_env_files
from scaffolder.inspect.git import read_git_info
from scaffolder.inspect.history_secrets import scan_history_secrets
from scaffolder.inspect.secrets import scan_tree_secrets
from scaffolder.inspect.supabase import inspect_supabase
from scaffolder.inspect.walk import walk_repository
from scaffolder.models import SecretFinding, SupabaseFacts
from scaffolder.redact import fingerprint
from tests.support.prototypes import fixture_names, load_expectations, materialize

NAMES = [n for n in fixture_names() if load_expectations(n)]


@dataclass
class Scan:
    repo: Path
    findings: list[SecretFinding]
    env_files: list[str]
    supabase: SupabaseFacts


_CACHE: dict[str, Scan] = {}


@pytest.fixture
def scan(tmp_path_factory: pytest.TempPathFactory) -> Any:
    def run(name: str) -> Scan:
        if name not in _CACHE:
            repo = materialize(name, tmp_path_factory.mktemp("proto") / name)
            info = read_git_info(repo)
            walk = walk_repository(repo, tracked=info.tracked)
            tree = scan_tree_secrets(walk.files)
            history, _ = scan_history_secrets(repo, {f.fingerprint for f in tree})
            env_files = find_committed_env_files(info.tracked, walk.paths, walk.files)
            supabase, _ = inspect_supabase(walk.files)
            _CACHE[name] = Scan(repo, tree + history, env_files, supabase)
        return _CACHE[name]

    return run


def _matches(finding: SecretFinding, want: dict[str, Any]) -> bool:
    if finding.path != want["path"]:
        return False
    if "line" in want and finding.line != want["line"]:
        return False
    named = want.get("detector") in {None, finding.detector} or want.get("kind") == finding.kind
    return named and (want.get("kind") in {None, finding.kind.value} or "detector" in want)


@pytest.mark.parametrize("name", NAMES)
def test_expected_secrets_found(name: str, scan: Any) -> None:
    result = scan(name)
    missing = []
    for want in load_expectations(name).get("secrets", []):
        hits = [f for f in result.findings if _matches(f, want)]
        if not hits:
            missing.append(want)
            continue
        found = hits[0]
        assert found.in_working_tree is want.get("in_working_tree", True), want
        if "in_history" in want:
            assert found.in_history is want["in_history"], want
        if found.in_history and not found.in_working_tree:
            assert found.commit, want
    assert missing == [], f"not found: {missing}\nfound: {result.findings}"


@pytest.mark.parametrize("name", NAMES)
def test_not_secrets_not_reported(name: str, scan: Any) -> None:
    result = scan(name)
    for unwanted in load_expectations(name).get("not_secrets", []):
        hits = [
            f
            for f in result.findings
            if f.path == unwanted["path"] and f.line == unwanted.get("line", f.line)
        ]
        assert hits == [], unwanted["why"]


@pytest.mark.parametrize("name", NAMES)
def test_secret_values_never_in_output(name: str, scan: Any) -> None:
    """The value a finding's fingerprint stands for appears nowhere in the finding."""
    result = scan(name)
    checked = 0
    for finding in result.findings:
        if finding.line is None or not finding.in_working_tree:
            continue
        raw = (result.repo / finding.path).read_bytes().decode("latin-1")
        line = raw.splitlines()[finding.line - 1]
        dumped = finding.model_dump_json()
        for token in re.split(r"[\s'\"`=,;:()@]+", line):
            if token and fingerprint(token) == finding.fingerprint:
                checked += 1
                assert token not in dumped, finding.detector
                assert token[4:-2] not in dumped, finding.detector
    single_line = [f for f in result.findings if f.in_working_tree and f.kind != "private-key"]
    assert checked >= len(single_line) // 2  # the check above really ran


@pytest.mark.parametrize("name", NAMES)
def test_committed_env_files(name: str, scan: Any) -> None:
    repo_facts = load_expectations(name).get("repo", {})
    if "committed_env_files" in repo_facts:
        assert scan(name).env_files == repo_facts["committed_env_files"]


@pytest.mark.parametrize("name", NAMES)
def test_supabase_facts(name: str, scan: Any) -> None:
    want = load_expectations(name).get("supabase", {})
    facts: SupabaseFacts = scan(name).supabase
    if "used" in want:
        assert facts.used is want["used"]
    if "project_dir" in want:
        assert facts.project_dir == want["project_dir"]
    if "edge_functions" in want:
        assert facts.edge_functions == want["edge_functions"]
    tables = {f"{t.schema_name}.{t.table}": t.rls_enabled for t in facts.tables}
    for table in want.get("tables_without_rls", []):
        assert tables.get(table) is False, table
    for table in want.get("tables_with_rls", []):
        assert tables.get(table) is True, table
    if "service_role_in_browser" in want:
        paths = sorted({e.path for e in facts.service_role_in_browser})
        assert paths == sorted(want["service_role_in_browser"])
    assert facts.anon_keys_seen >= want.get("anon_keys_seen_min", 0)

"""inspect_repository end to end: secrets, history and Supabase facts join the rest."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from scaffolder.inspect import inspect_repository
from tests.support.prototypes import HISTORIES_DIR, materialize


def _env_values(text: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"^\w+=(\S{16,})$", text, re.M)]


def test_tree_secrets_env_files_and_supabase_without_leaking_values(tmp_path: Path) -> None:
    repo = materialize("lovable-vite-supabase", tmp_path / "lovable")
    facts = inspect_repository(repo, scan_history=False)
    assert facts.committed_env_files == [".env"]
    assert any(s.kind.value == "supabase-service-role" and s.path == ".env" for s in facts.secrets)
    assert facts.supabase.used and facts.supabase.project_dir == "supabase"
    dump = facts.model_dump_json()
    values = _env_values((repo / ".env").read_text())
    assert values and not [v for v in values if v in dump]


def test_history_only_secrets_are_found_and_never_printed(tmp_path: Path) -> None:
    repo = materialize("v0-next-drizzle-neon", tmp_path / "v0")
    facts = inspect_repository(repo)
    history = [s for s in facts.secrets if s.in_history and not s.in_working_tree]
    assert {(s.path, s.detector) for s in history} >= {(".env.production", "openai-api-key")}
    assert all(s.commit for s in history)
    commits = tomllib.loads((HISTORIES_DIR / "v0-next-drizzle-neon.toml").read_text())["commits"]
    values = _env_values(commits[0]["files"][".env.production"])
    dump = facts.model_dump_json()
    assert values and not [v for v in values if v in dump]
    without = inspect_repository(repo, scan_history=False)
    assert not [s for s in without.secrets if s.in_history and not s.in_working_tree]

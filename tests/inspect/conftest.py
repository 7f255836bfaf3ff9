"""Shared helpers for the inspector's tests: fixture repositories, materialized once."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from scaffolder.inspect import inspect_repository
from scaffolder.models import RepoFacts
from tests.support.prototypes import materialize


@pytest.fixture(scope="session")
def fixture_facts(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], RepoFacts]:
    """Inspect a fixture prototype (as a real git repo) once per test session."""
    cache: dict[str, RepoFacts] = {}

    def facts(name: str) -> RepoFacts:
        if name not in cache:
            repo = materialize(name, tmp_path_factory.mktemp("proto") / name)
            cache[name] = inspect_repository(repo, scan_history=False)
        return cache[name]

    return facts


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write a small repository: {relative path: text or bytes}."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def git_init(root: Path, *, add: bool = True) -> Path:
    """Make `root` a git repository with everything committed."""
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    run = lambda *a: subprocess.run(["git", *a], cwd=root, env=env, check=True, capture_output=True)  # noqa: E731
    run("init", "-q", "-b", "main")
    if add:
        run("add", "-A")
        run("-c", "commit.gpgsign=false", "commit", "-q", "-m", "init")
    return root

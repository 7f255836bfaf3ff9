"""What git tells the inspector: tracked files, HEAD, the GitHub remote."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scaffolder.inspect import inspect_repository
from scaffolder.inspect.git import (
    STATE_QUERY,
    RepoState,
    github_slug,
    parse_state,
    read_git_info,
    run_git,
)
from tests.inspect.conftest import git_init, write


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("git@github.com:acme/shop.git", "acme/shop"),
        ("https://github.com/acme/shop", "acme/shop"),
        ("https://token@github.com/acme/shop.git\n", "acme/shop"),
        ("ssh://git@github.com/acme/my.app.git", "acme/my.app"),
        ("https://gitlab.com/acme/shop.git", None),
        ("/srv/git/shop.git", None),
    ],
)
def test_github_slug(url: str, slug: str | None) -> None:
    assert github_slug(url) == slug


def test_git_facts_committed_node_modules_and_database_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".gitignore": "node_modules\n",
            "package.json": '{"name": "api", "dependencies": {"express": "4"}}',
            "index.js": "app.listen(3000)",
            "node_modules/express/index.js": "module.exports = 1",
            "web/node_modules/react/index.js": "x",
            "data/app.db": b"SQLite format 3\x00",
        },
    )
    git_init(tmp_path, add=False)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run(
        ["git", "add", "-f", "node_modules", "web/node_modules"], cwd=tmp_path, check=True
    )
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"],
        cwd=tmp_path,
        check=True,
    )
    subprocess.run(
        ["git", "remote", "add", "origin", "git@github.com:acme/Shop-App.git"],
        cwd=tmp_path,
        check=True,
    )
    facts = inspect_repository(tmp_path, scan_history=False)
    assert facts.is_git and facts.head_commit and len(facts.head_commit) == 40
    assert facts.git_remote == "acme/Shop-App"
    assert facts.name == "shop-app"
    assert facts.node_modules_committed == ["node_modules", "web/node_modules"]
    # Committed dependencies are recorded from git, never walked.
    assert not any("node_modules" in p.path for p in facts.production.health_endpoints)
    sqlite = [d for d in facts.databases if d.kind.value == "sqlite"]
    assert sqlite and sqlite[0].committed_files == ["data/app.db"]


def test_subfolder_of_a_repository_sees_its_own_tracked_paths(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"examples/app/.env": "A=1", "examples/app/.gitignore": ".env\n", "README.md": "x"},
    )
    git_init(tmp_path, add=False)
    subprocess.run(["git", "add", "-f", "-A"], cwd=tmp_path, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"],
        cwd=tmp_path,
        check=True,
    )
    facts = inspect_repository(tmp_path / "examples" / "app", scan_history=False)
    assert facts.is_git
    assert facts.files_scanned == 2  # .env is tracked, so it is kept despite .gitignore


def _state(folder: Path) -> RepoState | None:
    code, out = run_git(STATE_QUERY, folder)
    return parse_state(code, out)


def test_one_rev_parse_answers_prefix_shallow_and_head_in_real_repositories(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    assert _state(outside) is None

    repo = tmp_path / "repo"
    odd = repo / "we\nird name " / "app"  # a prefix is a path: any byte but / and NUL
    odd.mkdir(parents=True)
    git_init(repo, add=False)
    assert _state(repo) == RepoState(prefix="", shallow=False, head=None)  # no commit yet
    assert _state(odd) == RepoState(prefix="we\nird name /app/", shallow=False, head=None)

    write(repo, {"README.md": "x"})
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"],
        cwd=repo,
        check=True,
    )
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()
    assert _state(odd) == RepoState(prefix="we\nird name /app/", shallow=False, head=head)
    assert read_git_info(repo).head_commit == head

    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True
    )
    assert _state(shallow) == RepoState(prefix="", shallow=True, head=head)
    assert _state(repo / ".git") is None  # inside .git: not a work tree

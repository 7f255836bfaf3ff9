"""What init warns about: no GitHub remote (no deploy role), an unreleased scaffold."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.init.answers import resolve_answers
from scaffolder.init.engine import InitOptions, run_init
from scaffolder.init.notices import is_release
from scaffolder.models import RepoFacts

from .helpers import PROTOTYPE, commit, express_facts, make_repo, tiny_deps, write_tiny_template


def _without_remote(root: Path) -> RepoFacts:
    return express_facts(root).model_copy(update={"git_remote": None})


@pytest.mark.parametrize(
    ("version", "released"),
    [
        ("0.1.0", True),
        ("1.2.3rc1", True),
        ("0.1.0.dev3", False),
        ("0.0.0+unknown", False),
        ("0.2.0+g1a2b3c4", False),
        ("not a version", False),
    ],
)
def test_only_versions_the_index_can_have_are_releases(version: str, released: bool) -> None:
    assert is_release(version) is released


def test_a_remote_added_later_replaces_the_empty_stored_answer() -> None:
    facts = RepoFacts(root="/x", name="shop", git_remote="acme/shop")
    stored = {"github_repository": "", "aws_region": "eu-west-1"}
    answers = resolve_answers(facts, stored, {})
    assert answers.github_repository == "acme/shop"
    assert answers.aws_region == "eu-west-1"
    chosen = resolve_answers(facts, {"github_repository": "acme/other"}, {})
    assert chosen.github_repository == "acme/other"  # a stored choice still wins


def test_no_remote_warns_and_a_later_run_picks_the_remote_up(tmp_path: Path) -> None:
    template = write_tiny_template(tmp_path / "template")
    repo = make_repo(tmp_path / "shop", PROTOTYPE)

    first = run_init(repo, InitOptions(), tiny_deps(template, inspect=_without_remote))
    assert first.answers.github_repository == ""
    assert any("No GitHub repository" in w and "deploy role" in w for w in first.warnings)
    commit(repo, "scaffold")

    again = run_init(repo, InitOptions(), tiny_deps(template))  # the remote exists now
    assert again.answers.github_repository == "acme/demo-shop"
    assert again.changed  # not "Nothing to change"
    assert "github_repository: acme/demo-shop" in (repo / ".scaffold/answers.yml").read_text()
    assert not any("GitHub" in w for w in again.warnings)


def test_an_unreleased_scaffold_says_how_ci_gets_it(tmp_path: Path) -> None:
    template = write_tiny_template(tmp_path / "template")
    repo = make_repo(tmp_path / "shop", PROTOTYPE)
    result = run_init(repo, InitOptions(), tiny_deps(template, version="0.3.0.dev1"))
    (warning,) = [w for w in result.warnings if "not a released version" in w]
    assert "SCAFFOLD_SOURCE" in warning and "scaffold-prod==0.3.0.dev1" in warning

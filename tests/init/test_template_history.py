"""The template history bundle: versions as PEP 440 tags, carried inside the project."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.errors import InputError, MissingToolError
from scaffolder.init.git import git
from scaffolder.init.template_history import TemplateHistory


def test_versions_become_tags_and_survive_a_bundle_round_trip(
    tmp_path: Path, template: Path
) -> None:
    first = TemplateHistory(tmp_path / "h1")
    assert first.ensure_version(template, "0.1.0") == "0.1.0"
    assert first.ensure_version(template, "0.1.0") == "0.1.0"  # same content: same tag
    (template / "template" / "NEW.md").write_text("new\n")
    assert first.ensure_version(template, "0.2.0") == "0.2.0"
    bundle = tmp_path / "project" / ".scaffold" / "template.bundle"
    first.write_bundle(bundle)

    second = TemplateHistory(tmp_path / "h2")
    second.load_bundle(bundle)
    assert sorted(second.tags()) == ["0.1.0", "0.2.0"]
    assert not second.changed
    assert second.ensure_version(template, "0.2.0") == "0.2.0"
    assert not second.changed  # nothing new: the bundle need not be rewritten
    assert git(second.repo, "show", "0.2.0:template/NEW.md") == "new\n"
    assert git(second.repo, "show", "0.1.0:template/RUNBOOK.md.jinja").startswith("# Runbook")


def test_a_changed_template_without_a_version_bump_gets_a_local_tag(
    tmp_path: Path, template: Path
) -> None:
    history = TemplateHistory(tmp_path / "h")
    assert history.ensure_version(template, "0.1.0") == "0.1.0"
    (template / "template" / "A.md").write_text("a\n")
    assert history.ensure_version(template, "0.1.0") == "0.1.0+1"
    (template / "template" / "A.md").write_text("b\n")
    assert history.ensure_version(template, "0.1.0") == "0.1.0+2"
    assert history.changed
    (template / "template" / "A.md").write_text("a\n")
    assert history.ensure_version(template, "0.1.0") == "0.1.0+1"  # tags never move


def test_commits_are_reproducible_on_another_machine(tmp_path: Path, template: Path) -> None:
    one = TemplateHistory(tmp_path / "one")
    two = TemplateHistory(tmp_path / "two")
    one.ensure_version(template, "1.2.3")
    two.ensure_version(template, "1.2.3")
    assert git(one.repo, "rev-parse", "1.2.3") == git(two.repo, "rev-parse", "1.2.3")


def test_an_older_tool_is_refused(tmp_path: Path, template: Path) -> None:
    history = TemplateHistory(tmp_path / "h")
    history.ensure_version(template, "0.3.0")
    with pytest.raises(MissingToolError) as caught:
        history.ensure_version(template, "0.2.9")
    assert caught.value.exit_code == 5
    assert "Upgrade scaffold" in caught.value.hint


def test_a_corrupt_bundle_is_a_clear_error(tmp_path: Path) -> None:
    bundle = tmp_path / "template.bundle"
    bundle.write_bytes(b"not a bundle")
    with pytest.raises(InputError, match="not a readable git bundle"):
        TemplateHistory(tmp_path / "h").load_bundle(bundle)


def test_a_version_that_is_not_pep440_is_refused(tmp_path: Path, template: Path) -> None:
    with pytest.raises(InputError, match="PEP 440"):
        TemplateHistory(tmp_path / "h").ensure_version(template, "latest")

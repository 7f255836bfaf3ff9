"""Update battery: the real template at version N, a modified copy as N+1, typical user edits.

Every user edit and every template change must survive the three-way update;
an edit of the very line the template changes must leave conflict markers, be
listed, and make the command exit 1. The update runs in a fresh `git clone` of
the project, after template N has been deleted from disk, so it can only have
come from the committed `.scaffold/template.bundle`.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from scaffolder.errors import CheckFailed
from scaffolder.init.engine import InitOptions, run_init
from scaffolder.init.git import git

from .helpers import PROTOTYPE, REAL_TEMPLATE, commit, make_repo, tiny_deps

DOCKERFILE_TEMPLATE = (
    "{% yield app from ctx.apps %}{% if app.write_dockerfile %}{{ app.dockerfile_path }}"
    "{% endif %}{% endyield %}.jinja"
)
RUNBOOK = "docs/RUNBOOK.md"
SETUP_HEADING = "## One-time setup"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}: the battery's anchor moved"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def _template_n1(tmp_path: Path) -> Path:
    """Template N+1: the real template with changes away from where users edit."""
    n1 = tmp_path / "template-n1"
    shutil.copytree(REAL_TEMPLATE, n1)
    _append(n1 / "template" / ".github/workflows/ci.yml.jinja", "# ci: template v2\n")
    _append(n1 / "template" / DOCKERFILE_TEMPLATE, "\n# dockerfile: template v2\n")
    _edit(n1 / "template" / "docs/RUNBOOK.md.jinja", SETUP_HEADING, SETUP_HEADING + " (v2)")
    return n1


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A prototype rendered with template N (a copy of the real one), committed."""
    template_n = tmp_path / "template-n"
    shutil.copytree(REAL_TEMPLATE, template_n)
    repo = make_repo(tmp_path / "project", PROTOTYPE)
    result = run_init(repo, InitOptions(), tiny_deps(template_n, version="1.0.0"))
    assert {"Dockerfile", RUNBOOK, ".github/workflows/ci.yml", "infra/Pulumi.staging.yaml"} <= set(
        result.created
    )
    commit(repo, "scaffold init")
    shutil.rmtree(template_n)  # from now on, version N exists only in the bundle
    return repo


def _user_edits(repo: Path) -> dict[str, str]:
    """Typical edits; returns path -> a line that must survive the update."""
    ci = repo / ".github/workflows/ci.yml"
    first_step = re.search(r"^(\s+)- name: (.+)$", ci.read_text(), re.MULTILINE)
    assert first_step is not None
    _edit(ci, first_step.group(0), f"{first_step.group(1)}- name: Check out our code (edited)")
    _append(repo / "infra/Pulumi.staging.yaml", '  demo-shop:featureFlag: "on"\n')
    dockerfile = repo / "Dockerfile"
    workdir = re.search(r"^WORKDIR .+$", dockerfile.read_text(), re.MULTILINE)
    assert workdir is not None
    _edit(dockerfile, workdir.group(0), workdir.group(0) + "\nENV TZ=UTC")
    _append(repo / RUNBOOK, "\n## Our on-call rota\n\nPage Sam first, then Alex.\n")
    return {
        ".github/workflows/ci.yml": "- name: Check out our code (edited)",
        "infra/Pulumi.staging.yaml": 'demo-shop:featureFlag: "on"',
        "Dockerfile": "ENV TZ=UTC",
        RUNBOOK: "Page Sam first, then Alex.",
    }


def _fresh_clone(repo: Path, where: Path) -> Path:
    git(repo.parent, "clone", "-q", str(repo), str(where))
    return where


def test_update_keeps_every_user_edit_and_brings_every_template_change(
    project: Path, tmp_path: Path
) -> None:
    survivors = _user_edits(project)
    commit(project, "our edits")
    clone = _fresh_clone(project, tmp_path / "elsewhere")
    n1 = _template_n1(tmp_path)

    result = run_init(
        clone,
        InitOptions(data={"alarm_email": "ops@example.com"}),
        tiny_deps(n1, version="1.1.0"),
    )

    assert result.mode == "update"
    assert (result.previous_template_version, result.template_version) == ("1.0.0", "1.1.0")
    assert result.conflicts == []
    for path, line in survivors.items():
        assert line in (clone / path).read_text(), f"user edit lost in {path}"
    assert "# ci: template v2" in (clone / ".github/workflows/ci.yml").read_text()
    assert "# dockerfile: template v2" in (clone / "Dockerfile").read_text()
    assert SETUP_HEADING + " (v2)" in (clone / RUNBOOK).read_text()
    staging = (clone / "infra/Pulumi.staging.yaml").read_text()
    assert "ops@example.com" in staging  # the new answer reached the spec
    assert "_commit: 1.1.0" in (clone / ".scaffold/answers.yml").read_text()
    for text in (clone / p for p in result.updated):
        assert b"<<<<<<<" not in text.read_bytes()
    # The bundle now carries both versions, for the next machine.
    tags = git(tmp_path, "bundle", "list-heads", str(clone / ".scaffold/template.bundle"))
    assert "refs/tags/1.0.0" in tags
    assert "refs/tags/1.1.0" in tags

    # And one more run with nothing new changes nothing.
    commit(clone, "update to 1.1.0")
    again = run_init(clone, InitOptions(), tiny_deps(n1, version="1.1.0"))
    assert not again.changed


def test_an_edit_of_the_line_the_template_changes_is_a_listed_conflict(
    project: Path, tmp_path: Path
) -> None:
    _user_edits(project)
    _edit(project / RUNBOOK, SETUP_HEADING, "## Setting up, once")
    commit(project, "our edits")
    clone = _fresh_clone(project, tmp_path / "elsewhere")
    n1 = _template_n1(tmp_path)

    result = run_init(clone, InitOptions(), tiny_deps(n1, version="1.1.0"))

    assert result.conflicts == [RUNBOOK]
    runbook = (clone / RUNBOOK).read_text()
    assert "<<<<<<< before updating" in runbook
    assert "## Setting up, once" in runbook
    assert SETUP_HEADING + " (v2)" in runbook
    assert "Page Sam first, then Alex." in runbook  # the rest of the edits still merged
    assert "ENV TZ=UTC" in (clone / "Dockerfile").read_text()


def test_the_cli_exits_1_and_lists_the_conflicts(project: Path, tmp_path: Path) -> None:
    from scaffolder.cli.init import report_conflicts

    _edit(project / RUNBOOK, SETUP_HEADING, "## Setting up, once")
    commit(project, "our edit")
    result = run_init(project, InitOptions(), tiny_deps(_template_n1(tmp_path), version="1.1.0"))

    with pytest.raises(CheckFailed) as caught:
        report_conflicts(result)
    assert caught.value.exit_code == 1
    assert RUNBOOK in caught.value.message

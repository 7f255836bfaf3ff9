"""No generated workflow runs on a self-hosted runner (issue 10, item 3), for every
fixture prototype: the RDS restore check runs as an ECS task inside the VPC instead
(stacks/restore_task.py), started from GitHub's runner. Each fixture is inspected and
its context rendered as `scaffold init` renders it (workflows only: Copier is slow)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import copier
import pytest

from scaffolder.init.context import build_context
from scaffolder.init.records import InitAnswers
from scaffolder.init.template_decisions import with_template_decisions
from scaffolder.inspect import inspect_repository
from tests.render import workflow_model as wm
from tests.render.contexts import SCAFFOLD_VERSION, TEMPLATES_DIR, answers_for
from tests.support.prototypes import fixture_names, materialize


def _workflows(name: str, tmp_path: Path) -> list[Path]:
    repo = materialize(name, tmp_path / "repo", git=False)
    facts = inspect_repository(repo, scan_history=False)
    context = build_context(facts, InitAnswers(project_name="proto"))
    out = tmp_path / "out"
    copier.run_copy(
        str(TEMPLATES_DIR),
        str(out),
        data={
            **answers_for(context),
            "ctx": with_template_decisions(context).model_dump(mode="json"),
            "scaffold_version": SCAFFOLD_VERSION,
        },
        defaults=True,
        quiet=True,
        vcs_ref=None,
        exclude=["*", "!.github", "!.github/workflows", "!.github/workflows/*"],
    )
    return sorted((out / ".github/workflows").glob("*.yml"))


def _runners(workflow: dict[str, Any]) -> list[str]:
    """Each job's runner (a job that calls a reusable workflow has none of its own)."""
    return [str(job["runs-on"]) for job in workflow["jobs"].values() if "uses" not in job]


@pytest.mark.slow
@pytest.mark.parametrize("name", fixture_names())
def test_no_generated_workflow_uses_a_self_hosted_runner(name: str, tmp_path: Path) -> None:
    paths = _workflows(name, tmp_path)
    assert paths, f"{name}: no workflows rendered"
    for path in paths:
        assert "self-hosted" not in path.read_text(encoding="utf-8"), path.name
        for runner in _runners(wm.load(path)):
            assert runner.startswith("ubuntu-"), (path.name, runner)

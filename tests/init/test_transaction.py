"""A failure at any stage of a run, Ctrl-C included, leaves the repository exactly as it was.

Failures are injected through the engine's `checkpoint` dependency.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.init.engine import InitOptions, run_init
from scaffolder.init.git import git

from .helpers import PROTOTYPE, commit, make_repo, snapshot, tiny_deps, write_tiny_template


class BoomError(Exception):
    pass


def failing_at(stage: str, error: BaseException) -> tuple[list[str], object]:
    seen: list[str] = []

    def checkpoint(name: str) -> None:
        seen.append(name)
        if name == stage or (
            stage == "applied #3" and len([s for s in seen if s.startswith("applied ")]) == 3
        ):
            raise error

    return seen, checkpoint


STAGES = ["inspected", "staged", "rendered", "applied #3"]


@pytest.mark.parametrize(
    "error", [BoomError("injected"), KeyboardInterrupt()], ids=["error", "ctrl-c"]
)
@pytest.mark.parametrize("stage", STAGES)
def test_first_run_failure_restores_the_repository(
    tmp_path: Path, stage: str, error: BaseException
) -> None:
    template = write_tiny_template(tmp_path / "tpl")
    repo = make_repo(tmp_path / "repo", {**PROTOTYPE, ".gitignore": "node_modules/\n"})
    before = snapshot(repo)
    seen, checkpoint = failing_at(stage, error)

    with pytest.raises(type(error)):
        run_init(repo, InitOptions(), tiny_deps(template, checkpoint=checkpoint))

    assert seen[-1].startswith(stage.partition(" #")[0])
    assert snapshot(repo) == before
    assert git(repo, "status", "--porcelain", "--ignored") == ""


@pytest.mark.parametrize(
    "error", [BoomError("injected"), KeyboardInterrupt()], ids=["error", "ctrl-c"]
)
@pytest.mark.parametrize("stage", STAGES)
def test_update_failure_restores_the_repository(
    tmp_path: Path, stage: str, error: BaseException
) -> None:
    template = write_tiny_template(tmp_path / "tpl")
    repo = make_repo(tmp_path / "repo", PROTOTYPE)
    run_init(repo, InitOptions(), tiny_deps(template))
    with (repo / "RUNBOOK.md").open("a") as handle:
        handle.write("\n## Our on-call\n\nPage Sam.\n")
    commit(repo, "scaffold + edits")
    runbook = template / "template" / "RUNBOOK.md.jinja"
    runbook.write_text(runbook.read_text().replace("# Runbook", "# Operations runbook"))
    before = snapshot(repo)
    seen, checkpoint = failing_at(stage, error)

    with pytest.raises(type(error)):
        run_init(
            repo,
            InitOptions(data={"aws_region": "eu-west-1"}),
            tiny_deps(template, version="0.2.0", checkpoint=checkpoint),
        )

    assert seen[-1].startswith(stage.partition(" #")[0])
    assert snapshot(repo) == before
    assert git(repo, "status", "--porcelain", "--ignored") == ""
    # The interrupted run left nothing behind that stops the next one.
    result = run_init(repo, InitOptions(), tiny_deps(template, version="0.2.0"))
    assert "RUNBOOK.md" in result.updated
    assert "Page Sam." in (repo / "RUNBOOK.md").read_text()
    assert (repo / "RUNBOOK.md").read_text().startswith("# Operations runbook")

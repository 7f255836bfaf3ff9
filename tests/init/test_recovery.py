"""Recovery from a killed run, in process: the state a SIGKILL leaves is a copy taken mid-run.

Copying the repository at a checkpoint captures exactly what is on disk at
that moment, which is all a SIGKILL leaves; test_crash.py kills real processes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scaffolder.errors import GitStateError
from scaffolder.init.engine import InitOptions, run_init
from scaffolder.init.journal import JOURNAL_DIR

from .helpers import PROTOTYPE, make_repo, snapshot, tiny_deps


def killed_copy(tmp_path: Path, template: Path, writes: int) -> tuple[Path, dict[str, bytes]]:
    """A repository as a run killed after `writes` files left it, and the tree before that run."""
    repo = make_repo(tmp_path / "repo", PROTOTYPE)
    before = snapshot(repo)
    crashed = tmp_path / "crashed"
    count = 0

    def checkpoint(stage: str) -> None:
        nonlocal count
        count += stage.startswith("applied ")
        if stage.startswith("applied ") and count == writes:
            shutil.copytree(repo, crashed, symlinks=True)

    run_init(repo, InitOptions(), tiny_deps(template, checkpoint=checkpoint))
    return crashed, before


def test_the_next_run_rolls_back_then_runs(tmp_path: Path, template: Path) -> None:
    crashed, before = killed_copy(tmp_path, template, writes=3)
    assert (crashed / JOURNAL_DIR / "journal.json").is_file()
    assert not (crashed / ".scaffold/answers.yml").exists()  # scaffold's own files come last

    result = run_init(crashed, InitOptions(), tiny_deps(template))

    assert result.warnings[0] == (
        "An interrupted scaffold init was rolled back: 3 file(s) put back as they were before it."
    )
    assert result.mode == "copy"
    assert ".scaffold/answers.yml" in result.created
    assert not (crashed / ".scaffold/tmp").exists()
    # Same files as a run that was never interrupted.
    assert snapshot(crashed) == snapshot(tmp_path / "repo")
    assert set(before) < set(snapshot(crashed))


def test_a_file_changed_since_the_crash_is_left_alone_and_named(
    tmp_path: Path, template: Path
) -> None:
    crashed, _ = killed_copy(tmp_path, template, writes=3)
    edited = next(p for p in ("Dockerfile", "RUNBOOK.md") if (crashed / p).is_file())
    (crashed / edited).write_text("mine now\n")

    result = run_init(crashed, InitOptions(allow_dirty=True), tiny_deps(template))

    assert f"left alone because they changed since: {edited}." in result.warnings[0]
    assert (crashed / edited).read_text() == "mine now\n"
    assert edited not in result.created + result.updated  # the run treats it as the user's


def test_pretend_refuses_while_a_killed_run_is_pending(tmp_path: Path, template: Path) -> None:
    crashed, _ = killed_copy(tmp_path, template, writes=2)
    on_disk = snapshot(crashed)

    with pytest.raises(GitStateError, match="interrupted scaffold init") as refused:
        run_init(crashed, InitOptions(pretend=True), tiny_deps(template))

    assert refused.value.exit_code == 4
    assert snapshot(crashed) == on_disk  # --pretend recovers nothing either


def test_a_journal_folder_without_a_journal_is_removed_quietly(
    tmp_path: Path, template: Path
) -> None:
    repo = make_repo(tmp_path / "repo", PROTOTYPE)
    (repo / JOURNAL_DIR / "new").mkdir(parents=True)
    (repo / JOURNAL_DIR / "new" / "0").write_text("half a backup")

    result = run_init(repo, InitOptions(allow_dirty=True), tiny_deps(template))

    assert not any("interrupted" in w for w in result.warnings)
    assert not (repo / ".scaffold/tmp").exists()


def test_a_live_run_is_not_mistaken_for_a_killed_one(tmp_path: Path, template: Path) -> None:
    """A second init while the first is writing stops (exit 4) instead of rolling it back."""
    repo = make_repo(tmp_path / "repo", PROTOTYPE)
    refused: list[GitStateError] = []

    def checkpoint(stage: str) -> None:
        if stage.startswith("applied ") and not refused:
            with pytest.raises(GitStateError, match="Another scaffold init") as second:
                run_init(repo, InitOptions(allow_dirty=True), tiny_deps(template))
            refused.append(second.value)

    result = run_init(repo, InitOptions(), tiny_deps(template, checkpoint=checkpoint))

    assert refused and refused[0].exit_code == 4
    assert ".scaffold/answers.yml" in result.created
    assert not (repo / ".scaffold/tmp").exists()

"""The repository's own workflows, audited with zizmor: each weakness found, scaffold's skipped."""

from __future__ import annotations

import json
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from scaffolder.inspect.opening import open_inspection
from scaffolder.inspect.workflow_audit import (
    ListedWorkflows,
    audit_workflows,
    find_zizmor,
    start_audit_workflows,
)
from scaffolder.models import RepoFacts, WarningKind
from tests.inspect.conftest import write

WEAK = """name: preview
on:
  pull_request_target:
jobs:
  preview:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
"""

# Written the way scaffold's templates write workflows: nothing for zizmor to report.
CLEAN = """name: lint
on:
  push:
permissions: {}
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: echo ok
"""


class Recorder:
    """A runner that records each call and answers like a zizmor that found nothing."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(
        self, argv: list[str], cwd: Path, timeout: float
    ) -> subprocess.CompletedProcess[str]:
        self.calls.append(argv)
        return subprocess.CompletedProcess(argv, 0, stdout="[]", stderr="")


def _script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "fake-zizmor"
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_zizmor_ships_with_scaffold() -> None:
    assert find_zizmor() is not None


def test_each_weakness_of_the_fixture_workflow(fixture_facts: Callable[[str], RepoFacts]) -> None:
    found = fixture_facts("pnpm-workspace-drift").workflow_weaknesses
    by_ident = {w.ident: w for w in found}
    assert {"unpinned-uses", "dangerous-triggers", "template-injection"} <= set(by_ident)
    assert "excessive-permissions" in by_ident  # no permissions: block
    assert {w.path for w in found} == {".github/workflows/preview.yml"}
    injection = by_ident["template-injection"]
    assert (injection.line, injection.severity, injection.confidence) == (18, "high", "high")
    assert "template" in injection.description
    assert by_ident["dangerous-triggers"].line == 5  # pull_request_target
    unpinned = sorted(w.line or 0 for w in found if w.ident == "unpinned-uses")
    assert unpinned == [12, 15, 19]
    assert by_ident["excessive-permissions"].severity == "medium"


def test_fixtures_without_workflows_have_no_weaknesses(
    fixture_facts: Callable[[str], RepoFacts],
) -> None:
    facts = fixture_facts("lovable-bun-npm-drift")
    assert facts.workflow_weaknesses == []
    assert not [w for w in facts.warnings if "zizmor" in w.message]


def test_no_workflow_folder_runs_no_zizmor(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": "{}", ".github/dependabot.yml": "version: 2\n"})
    runner = Recorder()
    assert audit_workflows(tmp_path, ["package.json", ".github/dependabot.yml"], runner=runner) == (
        [],
        [],
    )
    assert runner.calls == []


def test_one_zizmor_run_for_every_workflow_and_none_scaffold_wrote(tmp_path: Path) -> None:
    paths = [
        ".github/workflows/ci.yml",  # the user's, kept by init
        ".github/workflows/deploy.yml",  # scaffold's
        ".github/workflows/preview.yaml",
        ".github/workflows/old/legacy.yml",  # GitHub does not run nested files
    ]
    write(tmp_path, dict.fromkeys(paths, WEAK))
    state = {
        "scaffold_version": "0.1.0",
        "ctx": {},
        "generated": [".github/workflows/ci.yml", ".github/workflows/deploy.yml"],
        "user_owned": [".github/workflows/ci.yml"],
    }
    write(tmp_path, {".scaffold/context.json": json.dumps(state)})
    runner = Recorder()
    audit_workflows(tmp_path, paths, runner=runner)
    (argv,) = runner.calls
    assert argv[1:4] == ["--offline", "--format", "json"]
    assert argv[4:] == [".github/workflows/ci.yml", ".github/workflows/preview.yaml"]


def test_real_zizmor_skips_a_scaffold_workflow(tmp_path: Path) -> None:
    write(tmp_path, {".github/workflows/deploy.yml": WEAK, ".github/workflows/lint.yml": CLEAN})
    state = {"scaffold_version": "0.1.0", "ctx": {}, "generated": [".github/workflows/deploy.yml"]}
    write(tmp_path, {".scaffold/context.json": json.dumps(state)})
    paths = [".github/workflows/deploy.yml", ".github/workflows/lint.yml"]
    assert audit_workflows(tmp_path, paths) == ([], [])
    found, warnings = audit_workflows(tmp_path, paths[:1])
    assert (found, warnings) == ([], [])  # deploy.yml alone: scaffold's, never run
    (tmp_path / ".scaffold" / "context.json").unlink()
    found, warnings = audit_workflows(tmp_path, paths)
    assert {w.ident for w in found} >= {"template-injection", "dangerous-triggers"}
    assert {w.path for w in found} == {".github/workflows/deploy.yml"} and warnings == []


@pytest.mark.parametrize(
    ("body", "timeout", "message"),
    [
        ("echo 'error: boom' >&2; exit 2", 30.0, "zizmor failed (exit 2): error: boom"),
        ("echo 'not json'; exit 0", 30.0, "zizmor printed something other than JSON"),
        ("sleep 5", 0.3, "zizmor did not finish within 0.3 s"),
    ],
    ids=["fails", "garbage", "hangs"],
)
def test_a_failing_zizmor_is_a_scan_warning(
    tmp_path: Path, body: str, timeout: float, message: str
) -> None:
    write(tmp_path, {".github/workflows/ci.yml": WEAK})
    zizmor = _script(tmp_path, body)
    found, warnings = audit_workflows(
        tmp_path, [".github/workflows/ci.yml"], zizmor=zizmor, timeout=timeout
    )
    assert found == []
    (warning,) = warnings
    assert warning.kind is WarningKind.UNREADABLE and warning.path == ".github/workflows"
    assert warning.message.startswith(message)


def test_a_missing_zizmor_is_a_scan_warning(tmp_path: Path) -> None:
    write(tmp_path, {".github/workflows/ci.yml": WEAK})
    missing = str(tmp_path / "no-such-zizmor")
    found, warnings = audit_workflows(tmp_path, [".github/workflows/ci.yml"], zizmor=missing)
    assert found == [] and "zizmor could not start" in warnings[0].message


def test_an_unparsable_workflow_is_reported_and_the_others_still_audited(tmp_path: Path) -> None:
    broken = 'on: push\njobs:\n  x:\n    steps:\n      - run: echo "a: ${{ b }}"\n        x: : y\n'
    write(tmp_path, {".github/workflows/a.yml": WEAK, ".github/workflows/b.yml": broken})
    found, warnings = audit_workflows(
        tmp_path, [".github/workflows/a.yml", ".github/workflows/b.yml"]
    )
    assert {w.path for w in found} == {".github/workflows/a.yml"}
    assert any("could not parse" in w.message for w in warnings)


def test_the_background_run_gives_what_the_direct_run_gives(tmp_path: Path) -> None:
    write(tmp_path, {".github/workflows/ci.yml": WEAK})
    paths = [".github/workflows/ci.yml"]
    wait = start_audit_workflows(tmp_path, paths)
    assert wait() == audit_workflows(tmp_path, paths)
    assert start_audit_workflows(tmp_path, ["README.md"])() == ([], [])


def test_zizmor_started_at_the_opening_is_used_only_when_the_walk_selects_the_same_files(
    tmp_path: Path,
) -> None:
    def early() -> tuple[list[object], list[object]]:
        return [], []

    listed = [".github/workflows/ci.yml"]
    workflows = ListedWorkflows(root=tmp_path, files=listed, wait=early)  # type: ignore[arg-type]
    assert workflows.for_walk([*listed, "README.md"]) is early
    # The walk left the file out (an ignored, untracked file; a link): zizmor runs again
    # on the walk's own selection, here none at all.
    again = workflows.for_walk(["README.md"])
    assert again is not early
    assert again() == ([], [])


def test_the_opening_lists_the_workflows_the_walk_will_see(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".github/workflows/ci.yml": "on: push\n",
            ".github/workflows/notes.md": "x\n",
            ".github/workflows/nested/deploy.yml": "on: push\n",
        },
    )
    opened = open_inspection(tmp_path, scan_history=False)
    assert opened.workflows.files == [".github/workflows/ci.yml"]

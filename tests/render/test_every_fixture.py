"""Every fixture prototype, end to end: `scaffold init` renders, everything it wrote
passes the validators, the Pulumi config parses, and a second run changes nothing.

The other render tests cover chosen shapes in depth; this one is the breadth
check the init issue asks for, one test per prototype so xdist spreads them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from scaffolder.environment.spec import load_spec
from tests.render import validators
from tests.support.prototypes import fixture_names, materialize

INIT = [
    "init",
    "--defaults",
    "--data",
    "github_repository=acme/shop",
    "--data",
    "alarm_email=ops@example.com",
]


def _scaffold(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(validators.BIN / "scaffold"), args[0], str(repo), *args[1:]],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _written_by_scaffold(repo: Path, pattern: str) -> list[Path]:
    state = json.loads((repo / ".scaffold" / "context.json").read_text())
    owned = set(state.get("user_owned", [])) | set(state["ctx"].get("skipped", {}))
    # A workflow the repository already had under another name is the user's too.
    generated = set(state.get("generated", []))
    return [
        path
        for path in sorted(repo.glob(pattern))
        if (rel := str(path.relative_to(repo))) not in owned
        and rel in generated
        and "node_modules" not in path.parts
    ]


@pytest.mark.parametrize("name", fixture_names())
def test_init_output_is_valid_and_a_rerun_is_a_no_op(name: str, tmp_path: Path) -> None:
    repo = materialize(name, tmp_path / name)
    first = _scaffold(repo, *INIT)
    assert first.returncode == 0, first.stderr

    workflows = _written_by_scaffold(repo, ".github/workflows/*.yml")
    assert any(p.name == "deploy.yml" for p in workflows)
    assert validators.check_jsonschema(workflows) == []
    assert validators.zizmor(workflows) == []
    assert validators.yamllint(workflows) == []
    if validators.actionlint_available() is None:
        assert validators.actionlint(workflows) == []

    dockerfiles = [
        p for p in _written_by_scaffold(repo, "**/Dockerfile*") if not p.name.endswith("ignore")
    ]
    if dockerfiles:
        assert validators.hadolint(dockerfiles) == []

    environments = sorted(p.name.split(".")[1] for p in (repo / "infra").glob("Pulumi.*.yaml"))
    assert environments == ["dev", "prod", "staging"]
    for env in environments:
        spec = load_spec(repo / "infra", env)
        assert spec.environment == env
        assert spec.alarms.email == (None if env == "dev" else "ops@example.com")

    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "scaffold init")
    second = _scaffold(repo, *INIT)
    assert second.returncode == 0, second.stderr
    assert _git(repo, "status", "--porcelain") == "", "a second run changed files"


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "notes-express-pg"


def test_the_example_initializes_to_valid_workflows(tmp_path: Path) -> None:
    """The README's example: its deploy (build job + reusable per-environment workflow)
    passes the same validators as every fixture's."""
    repo = tmp_path / "notes"
    shutil.copytree(EXAMPLE, repo)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "prototype")
    done = _scaffold(repo, *INIT)
    assert done.returncode == 0, done.stderr
    workflows = _written_by_scaffold(repo, ".github/workflows/*.yml")
    assert {"deploy.yml", "deploy-environment.yml"} <= {p.name for p in workflows}
    assert validators.check_jsonschema(workflows) == []
    assert validators.zizmor(workflows) == []
    assert validators.yamllint(workflows) == []
    if validators.actionlint_available() is None:
        assert validators.actionlint(workflows) == []
    assert validators.hadolint(_written_by_scaffold(repo, "Dockerfile")) == []

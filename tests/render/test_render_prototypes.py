"""End to end: `scaffold init` on fixture prototypes, then the validators on what it wrote.

The other render tests use hand-built contexts; this one lets the inspector and
the init engine build the context from real-looking repositories, including a
user's own ci.yml and dev-only Dockerfile, which must be left alone.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.render import validators
from tests.support.prototypes import materialize

PROTOTYPES = ["express-pg-docker-ci", "pnpm-monorepo-vite-fastify", "lovable-vite-supabase"]


@pytest.fixture(scope="module")
def initialized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    repos = {}
    for name in PROTOTYPES:
        repo = materialize(name, tmp_path_factory.mktemp("proto") / name)
        proc = subprocess.run(
            [
                str(validators.BIN / "scaffold"),
                "init",
                str(repo),
                "--defaults",
                "--data",
                "github_repository=acme/shop",
                "--data",
                "alarm_email=ops@example.com",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, f"{name}: {proc.stderr}"
        repos[name] = repo
    return repos


def _ours(repo: Path, pattern: str) -> list[Path]:
    """Files matching `pattern` that scaffold wrote (the user's own are not ours to lint)."""
    state = json.loads((repo / ".scaffold" / "context.json").read_text())
    owned = set(state.get("user_owned", [])) | set(state["ctx"].get("skipped", {}))
    return [p for p in sorted(repo.glob(pattern)) if str(p.relative_to(repo)) not in owned]


def test_generated_workflows_pass_every_validator(initialized: dict[str, Path]) -> None:
    workflows = [p for repo in initialized.values() for p in _ours(repo, ".github/workflows/*.yml")]
    assert len(workflows) >= 10
    assert validators.check_jsonschema(workflows) == []
    assert validators.zizmor(workflows) == []
    assert validators.yamllint(workflows) == []
    if validators.actionlint_available() is None:  # deploy.yml: the one that varies most
        deploys = [p for p in workflows if p.name.startswith("deploy")]
        assert validators.actionlint(deploys) == []


def test_generated_dockerfiles_pass_hadolint(initialized: dict[str, Path]) -> None:
    dockerfiles = [
        p
        for repo in initialized.values()
        for p in _ours(repo, "**/Dockerfile*")
        if not p.name.endswith("ignore") and "node_modules" not in p.parts
    ]
    assert dockerfiles
    assert validators.hadolint(dockerfiles) == []


def test_users_own_files_are_left_alone(initialized: dict[str, Path]) -> None:
    repo = initialized["express-pg-docker-ci"]
    # Their CI stays theirs, and deploy.yml does not depend on it.
    assert "scaffold audit" not in (repo / ".github/workflows/ci.yml").read_text()
    deploy = (repo / ".github/workflows/deploy.yml").read_text()
    assert "uses: ./.github/workflows/ci.yml" not in deploy
    # Their dev Dockerfile stays; ours goes next to it.
    assert (repo / "Dockerfile.production").is_file()
    assert "--file 'Dockerfile.production'" in deploy

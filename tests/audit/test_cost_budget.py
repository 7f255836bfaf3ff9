"""COST004 (no budget alarm) on real repositories: quiet once scaffold's infra/ is in place."""

from __future__ import annotations

import subprocess
from pathlib import Path

from scaffolder.audit import run_audit
from scaffolder.audit.costs import environment_specs
from scaffolder.environment.spec import render_spec_yaml
from scaffolder.inspect import inspect_repository
from tests.support.prototypes import materialize

PROTOTYPE = "express-pg-docker-ci"


def _commit(repo: Path, message: str) -> None:
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message],
        cwd=repo,
        check=True,
    )


def _write_scaffold_infra(repo: Path, envs: list[str]) -> None:
    """What `scaffold init` writes under infra/: the project and one stack file per env."""
    specs = environment_specs(inspect_repository(repo, scan_history=False))
    infra = repo / "infra"
    infra.mkdir()
    (infra / "Pulumi.yaml").write_text("name: app\nruntime: python\nmain: __main__.py\n")
    for env in envs:
        (infra / f"Pulumi.{env}.yaml").write_text(render_spec_yaml(specs[env]))
    _commit(repo, "scaffold infra")


def _cost004(repo: Path) -> list[str]:
    report = run_audit(repo, scan_history=False)
    return [f.title for f in report.findings if f.rule_id == "COST004"]


def test_fires_without_infrastructure_and_stops_once_every_environment_has_a_stack(
    tmp_path: Path,
) -> None:
    repo = materialize(PROTOTYPE, tmp_path / "app")
    assert _cost004(repo) == ["No budget alarm"]
    _write_scaffold_infra(repo, ["dev", "staging", "prod"])
    assert "scaffold:spec" in (repo / "infra" / "Pulumi.prod.yaml").read_text()
    assert _cost004(repo) == []


def test_names_the_environments_still_without_a_budget(tmp_path: Path) -> None:
    repo = materialize(PROTOTYPE, tmp_path / "app")
    _write_scaffold_infra(repo, ["prod"])
    assert _cost004(repo) == ["No budget alarm for dev, staging"]

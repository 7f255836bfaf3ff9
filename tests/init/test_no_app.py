"""No app found: init still writes the environments, and says why they are empty."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from scaffolder.cli.app import main
from tests.support.prototypes import materialize


def test_a_lovable_export_without_package_json_warns_that_nothing_deploys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = materialize("lovable-vite-supabase", tmp_path / "export")
    subprocess.run(["git", "rm", "-q", "package.json", "package-lock.json"], cwd=repo, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "export"],
        cwd=repo,
        check=True,
    )
    with pytest.raises(SystemExit) as exited:
        main(["init", str(repo), "--defaults"])
    _out, err = capsys.readouterr()
    assert exited.value.code == 0, err
    said = " ".join(err.split())
    assert "No app was found to deploy" in said
    assert "package.json" in said and "scaffold init PATH" in said
    spec = yaml.safe_load((repo / "infra/Pulumi.dev.yaml").read_text())
    assert spec["config"]["scaffold:spec"]["services"] == []

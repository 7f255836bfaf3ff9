"""Read rendered GitHub workflows as data, for assertions about their structure."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML


def load(path: Path) -> dict[str, Any]:
    document = YAML(typ="safe").load(path.read_text())
    assert isinstance(document, dict), path
    return document


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def step_names(job: dict[str, Any]) -> list[str]:
    return [str(s.get("name", "")) for s in steps(job)]


def index_of(job: dict[str, Any], fragment: str) -> int:
    """Position of the first step whose name contains `fragment` (fails if none)."""
    for i, name in enumerate(step_names(job)):
        if fragment in name:
            return i
    raise AssertionError(f"no step named like {fragment!r} in {step_names(job)}")


def run_blocks(workflow: dict[str, Any]) -> list[str]:
    return [
        str(step["run"])
        for job in workflow["jobs"].values()
        for step in steps(job)
        if "run" in step
    ]


def uses(workflow: dict[str, Any]) -> list[str]:
    found = []
    for job in workflow["jobs"].values():
        if "uses" in job:
            found.append(str(job["uses"]))
        found += [str(step["uses"]) for step in steps(job) if "uses" in step]
    return found


def deploy_job(root: Path) -> dict[str, Any]:
    """The one job of deploy-environment.yml, which deploy.yml calls once per environment."""
    job = load(root / ".github/workflows/deploy-environment.yml")["jobs"]["deploy"]
    assert isinstance(job, dict)
    return job


def build_job(root: Path) -> dict[str, Any]:
    """deploy.yml's build job: the only job that builds an image."""
    job = load(root / ".github/workflows/deploy.yml")["jobs"]["build"]
    assert isinstance(job, dict)
    return job


def deploy_step_env(tmp_path: Path, fake_bin: Path, **extra: str) -> dict[str, str]:
    """What GitHub gives a deploy job's run step in these tests: the recording fakes first
    on PATH, a runner temp folder, a commit and a run number, the prod environment, and
    `extra` over them."""
    return {
        **os.environ,
        "PATH": f"{fake_bin}:{os.environ['PATH']}",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_SHA": "3f2a9c1" + "0" * 33,
        "GITHUB_RUN_NUMBER": "42",
        "DEPLOY_ENV": "prod",
        **extra,
    }

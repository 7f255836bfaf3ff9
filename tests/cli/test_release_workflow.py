"""scaffold's own release workflow: valid, least privilege, publishes only what was tested."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.render import validators
from tests.render import workflow_model as wm

REPO = Path(__file__).resolve().parents[2]
RELEASE = REPO / ".github" / "workflows" / "release.yml"


def test_the_release_workflow_passes_the_validators() -> None:
    assert validators.check_jsonschema([RELEASE]) == []
    assert validators.yamllint([RELEASE]) == []
    assert validators.zizmor([RELEASE], at_least=("Low", "Medium", "High")) == []
    missing = validators.actionlint_available()
    if missing is not None:
        pytest.skip(missing)
    assert validators.actionlint([RELEASE]) == []


def test_only_the_publish_job_gets_an_oidc_token_after_test_and_build() -> None:
    workflow = wm.load(RELEASE)
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    publish = jobs["publish"]
    assert publish["needs"] == ["test", "build"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert all(j["permissions"] == {"contents": "read"} for n, j in jobs.items() if n != "publish")
    assert any(s.get("run") == "bash .ci/run" for s in wm.steps(jobs["test"]))
    build = "\n".join(str(s.get("run", "")) for s in wm.steps(jobs["build"]))
    assert "scripts/user-install-check.sh" in build and "python -m build" in build

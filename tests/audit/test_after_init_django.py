"""Django after `scaffold init`: the health wrapper the image serves closes OPS005.

init's Django healthz.py is a WSGI application wrapping the project's; nothing imports it,
the Dockerfile serves it (`gunicorn healthz:application`). Served, it is a health endpoint;
written but not served, the finding stays, as planned.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.audit import run_audit
from tests.audit.test_after_init import _by_rule, _commit_all, _init
from tests.support.prototypes import materialize


@pytest.mark.slow
def test_the_served_django_health_wrapper_closes_ops005(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = materialize("django-startproject", tmp_path / "site")
    assert "OPS005" in _by_rule(run_audit(repo, scan_history=False))
    _init(repo, capsys)
    dockerfile = repo / "Dockerfile"
    assert "healthz:application" in dockerfile.read_text()
    assert "OPS005" not in _by_rule(run_audit(repo, scan_history=False))

    # an image that serves the project's own WSGI app skips the wrapper: not wired
    dockerfile.write_text(
        dockerfile.read_text().replace("healthz:application", "mysite.wsgi:application")
    )
    _commit_all(repo)
    still = _by_rule(run_audit(repo, scan_history=False))["OPS005"]
    assert still.status == "planned" and still.evidence[0].path == "healthz.py"

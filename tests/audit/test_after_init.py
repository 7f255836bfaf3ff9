"""The audit → init → audit loop: what `scaffold init` writes closes the findings it claims to."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from scaffolder.audit import run_audit
from scaffolder.audit.rules import all_rules
from scaffolder.audit.score import SEVERITY_WEIGHT
from scaffolder.cli.app import main
from scaffolder.models import Dimension, DimensionScore, Finding, ReadinessReport
from tests.support.prototypes import materialize


def _commit_all(repo: Path) -> None:
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init"],
        cwd=repo,
        check=True,
    )


def _init(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["init", str(repo), "--defaults"])
    assert exited.value.code == 0, capsys.readouterr().err
    _commit_all(repo)


def _by_rule(report: ReadinessReport) -> dict[str, Finding]:
    return {f.rule_id: f for f in report.findings}


def _dimension(report: ReadinessReport, dimension: Dimension) -> DimensionScore:
    return next(d for d in report.dimensions if d.dimension == dimension)


def _record(repo: Path, path: str, document: dict[str, object]) -> None:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    _commit_all(repo)


@pytest.mark.slow
def test_init_closes_what_it_does_and_plans_what_it_only_prepares(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = materialize("next-pages-prisma-sqlite", tmp_path / "blog")
    before = run_audit(repo)
    _init(repo, capsys)
    after = run_audit(repo)

    fired_before = {f.rule_id for f in before.findings}
    fired_after = _by_rule(after)
    closed_by_init = {"OPS001", "OPS003"}  # the Dockerfile and the workflows are the fix
    assert closed_by_init <= fired_before
    assert not (closed_by_init & set(fired_after)), sorted(closed_by_init & set(fired_after))
    # written files are not a verified restore or a created staging: planned, still counted
    planned = {"OPS008", "DATA006"}
    assert planned <= fired_before
    assert {r for r, f in fired_after.items() if f.status == "planned"} == planned
    assert all(fired_after[r].planned for r in planned)
    assert _dimension(after, Dimension.DATA).score == _dimension(before, Dimension.DATA).score
    assert after.planned_score is not None and after.planned_score > after.score
    # what init cannot change in the user's code is still reported
    assert {"DATA001", "DATA004", "SEC006"} <= set(fired_after)
    assert after.score > before.score  # the Dockerfile and CI are real
    init_rules = {r.id for r in all_rules() if r.fix_command == "scaffold init"}
    assert "OPS001" in init_rules and "OPS003" in init_rules

    # the evidence: prod's backup restored (backup verify --json), staging's stack outputs
    _record(
        repo,
        ".scaffold/verifications/prod.json",
        {"project": "blog", "environment": "prod", "passed": True, "finished_at": "2025-01-01"},
    )
    verified = _by_rule(run_audit(repo))
    assert "DATA006" not in verified and verified["OPS008"].status == "planned"
    _record(
        repo,
        ".scaffold/outputs/staging.json",
        {"project": "blog", "environment": "staging", "region": "us-east-1"},
    )
    done = run_audit(repo)
    assert not ({"DATA006", "OPS008"} & set(_by_rule(done)))
    assert done.score == done.planned_score == after.planned_score


@pytest.mark.slow
def test_an_unwired_health_module_is_planned_until_the_app_includes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = materialize("flask-sqlite-login", tmp_path / "shop")
    app = repo / "app.py"
    # An app made in a way init does not recognise: it leaves the wiring to the user.
    app.write_text(
        app.read_text(encoding="utf-8").replace(
            "app = Flask(__name__)\n", "app = (\n    Flask(__name__)\n)\n", 1
        ),
        encoding="utf-8",
    )
    _commit_all(repo)
    before = _by_rule(run_audit(repo))
    assert before["OPS005"].status == "open"
    _init(repo, capsys)
    assert (repo / "healthz.py").is_file()
    after = run_audit(repo)
    health = _by_rule(after)["OPS005"]
    assert health.status == "planned" and health.evidence[0].path == "healthz.py"
    ops = Dimension.OPERATIONS
    assert _dimension(after, ops).planned_score is not None
    assert _dimension(after, ops).score < (_dimension(after, ops).planned_score or 0)

    text = app.read_text(encoding="utf-8")
    app.write_text(
        text.replace(
            "    Flask(__name__)\n)\n",
            "    Flask(__name__)\n)\nimport healthz\n\napp.register_blueprint(healthz.bp)\n",
            1,
        ),
        encoding="utf-8",
    )
    _commit_all(repo)
    wired = run_audit(repo)
    assert "OPS005" not in _by_rule(wired)
    # the wiring line is the work: the current score rises by OPS005's weight, the plan holds
    rise = SEVERITY_WEIGHT[health.severity]
    assert _dimension(wired, ops).score == _dimension(after, ops).score + rise
    assert _dimension(wired, ops).planned_score == _dimension(after, ops).planned_score


@pytest.mark.slow
def test_init_wires_a_plainly_created_app_so_its_health_route_counts_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = materialize("flask-sqlite-login", tmp_path / "shop")
    assert _by_rule(run_audit(repo))["OPS005"].status == "open"

    _init(repo, capsys)

    assert "app.register_blueprint(healthz.bp)" in (repo / "app.py").read_text()
    assert "OPS005" not in _by_rule(run_audit(repo))

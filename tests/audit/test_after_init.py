"""The audit → init → audit loop: what `scaffold init` writes closes the findings it claims to."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scaffolder.audit import run_audit
from scaffolder.audit.rules import all_rules
from scaffolder.cli.app import main
from tests.support.prototypes import materialize


def _commit_all(repo: Path) -> None:
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init"],
        cwd=repo,
        check=True,
    )


@pytest.mark.slow
def test_init_closes_the_findings_whose_fix_is_init_or_staging(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = materialize("next-pages-prisma-sqlite", tmp_path / "blog")
    before = run_audit(repo)
    with pytest.raises(SystemExit) as exited:
        main(["init", str(repo), "--defaults"])
    assert exited.value.code == 0, capsys.readouterr().err
    _commit_all(repo)
    after = run_audit(repo)

    fired_before = {f.rule_id for f in before.findings}
    fired_after = {f.rule_id for f in after.findings}
    closed_by_init = {"OPS001", "OPS003", "OPS008", "DATA006"}
    assert closed_by_init <= fired_before
    assert not (closed_by_init & fired_after), sorted(closed_by_init & fired_after)
    # what init cannot change in the user's code is still reported
    assert {"DATA001", "DATA004", "SEC006"} <= fired_after
    assert after.score > before.score
    init_rules = {r.id for r in all_rules() if r.fix_command == "scaffold init"}
    assert "OPS001" in init_rules and "OPS003" in init_rules

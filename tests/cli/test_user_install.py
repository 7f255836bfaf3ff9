"""A user's install: the built wheel, in a clean virtualenv, without the dev extras.

The rest of the suite runs in the dev environment, where test tools bring in
packages scaffold forgets to declare. Here only `[project] dependencies`
are installed, exactly as `pip install scaffold-prod` would, and the main job runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from scaffolder import __version__

REPO = Path(__file__).resolve().parents[2]
CHECK = REPO / "scripts" / "user-install-check.sh"

pytestmark = pytest.mark.slow


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )


@pytest.fixture(scope="module")
def user_scaffold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `scaffold` executable of a fresh virtualenv holding only the wheel and its deps."""
    work = tmp_path_factory.mktemp("user-install")
    wheels = work / "dist"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        REPO,
        dict(os.environ),
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("scaffold_prod-*.whl")
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    installed = _run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        work,
        {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))},
    )
    assert installed.returncode == 0, installed.stderr
    return env_dir / "bin" / "scaffold"


def _user_env() -> dict[str, str]:
    # No dev virtualenv on PATH or PYTHONPATH: only what the user's install brings.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p
    )
    return env


def test_the_wheel_installs_no_dev_tool(user_scaffold: Path) -> None:
    python = user_scaffold.parent / "python"
    probe = _run(
        [str(python), "-c", "import importlib.util as u; print(u.find_spec('pytest') is None)"],
        user_scaffold.parent,
        _user_env(),
    )
    assert probe.stdout.strip() == "True", "the virtualenv is not clean"


def test_the_wheel_installs_only_scaffolds_own_top_level_packages(user_scaffold: Path) -> None:
    # A generic top-level name (`stacks`) could collide with another package of the user's.
    code = (
        "import importlib.metadata as m, importlib.util as u\n"
        "files = m.distribution('scaffold-prod').files or []\n"
        "print(sorted({f.parts[0] for f in files if f.suffix == '.py'}))\n"
        "print(u.find_spec('stacks') is None)\n"
        "print(u.find_spec('scaffolder_stacks.environment') is not None)"
    )
    python = user_scaffold.parent / "python"
    probe = _run([str(python), "-c", code], user_scaffold.parent, _user_env())
    assert probe.stdout.splitlines() == ["['scaffolder', 'scaffolder_stacks']", "True", "True"], (
        probe.stdout + probe.stderr
    )


def test_the_users_install_runs_the_main_job(user_scaffold: Path) -> None:
    # The same script release.yml runs on the wheel it is about to publish.
    done = _run(["bash", str(CHECK), str(user_scaffold)], REPO, _user_env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"scaffold {__version__}\n")
    assert "audit, init and plan ran on notes-express-pg" in done.stdout

"""A `scaffold init` killed anywhere is rolled back by the next run, which then finishes (item 2).

The workspace is large (40 Express apps, about 175 files written), like the
one where a SIGKILL left 23 files, a stray temp file and an answers file that
made the next run say "Nothing to change". Each case kills a real subprocess
(tests/init/killed_init.py, SIGKILL at a checkpoint: no cleanup runs), then
runs the real `scaffold init` CLI, and compares the whole tree, ignored files
included, with an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from scaffolder.init.journal import JOURNAL_DIR

from .helpers import make_repo

ROOT = Path(__file__).resolve().parents[2]
APPS = 40
EXPRESS = {"express": "^4"}


def workspace(path: Path) -> Path:
    """An npm workspace of APPS Express services, committed."""
    files = {
        "package.json": json.dumps({"name": "big-shop", "private": True, "workspaces": ["apps/*"]}),
        "package-lock.json": "{}\n",
    }
    for number in range(APPS):
        name = f"svc{number:02d}"
        manifest = {"name": name, "scripts": {"start": "node server.js"}, "dependencies": EXPRESS}
        files[f"apps/{name}/package.json"] = json.dumps(manifest)
        files[f"apps/{name}/server.js"] = (
            "const app = require('express')();\n"
            "app.get('/', (req, res) => res.send('ok'));\n"
            f"app.listen(process.env.PORT || {3000 + number});\n"
        )
    return make_repo(path, files)


def everything(path: Path) -> dict[str, bytes]:
    """Every file under `path` but .git, ignored and temporary ones included."""
    return {
        p.relative_to(path).as_posix(): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if (p.is_file() or p.is_symlink()) and ".git" not in p.relative_to(path).parts
    }


SCAFFOLD = str(Path(sys.executable).with_name("scaffold"))  # the installed console script


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "1"}
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return workspace(tmp_path_factory.mktemp("pristine") / "shop")


@pytest.fixture(scope="module")
def finished(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The tree an uninterrupted run leaves."""
    repo = tmp_path_factory.mktemp("reference") / "shop"
    shutil.copytree(pristine, repo, symlinks=True)
    done = run(SCAFFOLD, "init", str(repo), "--defaults")
    assert done.returncode == 0, done.stderr
    return everything(repo)


# Before the apply step, half way through the backups, with the journal written
# but nothing applied, after the first file, after the 23rd (the report), deep
# into the apps, and after the last file (answers.yml) but before the commit.
POINTS = [
    "rendered",
    "prepared #90",
    "journaled",
    "applied #1",
    "applied #23",
    "applied #120",
    "applied .scaffold/answers.yml",
]


@pytest.mark.parametrize("point", POINTS)
def test_a_killed_run_is_rolled_back_and_the_next_run_finishes(
    point: str, pristine: Path, finished: dict[str, bytes], tmp_path: Path
) -> None:
    repo = tmp_path / "shop"
    shutil.copytree(pristine, repo, symlinks=True)

    killed = run(sys.executable, "-m", "tests.init.killed_init", str(repo), point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    journaled = point == "journaled" or point.startswith("applied")
    assert (repo / JOURNAL_DIR / "journal.json").is_file() == journaled

    after = run(SCAFFOLD, "init", str(repo), "--defaults")

    assert after.returncode == 0, after.stderr
    said = "An interrupted scaffold init was rolled back" in after.stderr
    assert said == point.startswith("applied"), after.stderr
    assert ("An interrupted scaffold init" in after.stderr) == journaled, after.stderr
    assert "Nothing to change" not in after.stderr
    assert everything(repo) == finished

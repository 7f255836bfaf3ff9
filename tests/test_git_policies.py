"""scaffolder/git.py's two policies, seen from git's side with real repositories.

scaffold's own environment may point git elsewhere (a GIT_DIR exported by a hook or
a wrapper script): a read of the user's repository must still read that repository,
and an isolated repository must not see the user's git identity. Each case runs in a
child process whose environment is set the way the user's shell would set it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.init.helpers import make_repo

READ = """
import sys
from pathlib import Path
from scaffolder.inspect.git import read_git_info
from scaffolder.init.git import listed_files
repo = Path(sys.argv[1])
print(sorted(listed_files(repo)))
print(read_git_info(repo).tracked)
"""

IDENTITY = """
import sys
from pathlib import Path
from scaffolder.init.git import git
print(git(Path(sys.argv[1]), "var", "GIT_AUTHOR_IDENT").rsplit(" ", 2)[0])
"""


def _run(code: str, repo: Path, **env: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", code, str(repo)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


def test_reads_of_the_users_repository_ignore_a_git_dir_pointing_elsewhere(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "app", {"server.js": "listen()\n"})
    other = make_repo(tmp_path / "other", {"unrelated.txt": "x\n"})

    lines = _run(READ, repo, GIT_DIR=str(other / ".git"), GIT_WORK_TREE=str(other))

    assert lines == ["['server.js']", "['server.js']"]


def test_an_isolated_repository_uses_scaffolds_identity_not_the_users(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "history", {"a.txt": "a\n"})

    (line,) = _run(IDENTITY, repo, GIT_AUTHOR_NAME="Someone Else", GIT_AUTHOR_EMAIL="se@x.io")

    assert line == "scaffold <scaffold@localhost>"


def test_the_audit_runs_no_program_the_repositorys_own_config_names(tmp_path: Path) -> None:
    """A downloaded repository's .git/config may name programs git runs by itself:
    core.fsmonitor runs on the first command that loads the index (ls-files, status).
    The audit reads such repositories, even another user's (safe.directory=*), so it
    must not run them: before scaffolder/git.py switched fsmonitor off, it did."""
    repo = make_repo(tmp_path / "app", {"server.js": "listen()\n"})
    marker = tmp_path / "ran"
    subprocess.run(
        ["git", "config", "core.fsmonitor", f"touch {marker}; false"], cwd=repo, check=True
    )
    (repo / "server.js").write_text("listen(3000)\n")  # a change in the work tree

    audit = subprocess.run(
        [str(Path(sys.executable).with_name("scaffold")), "audit", str(repo), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert audit.returncode == 0, audit.stderr
    assert not marker.exists()
    # git itself would have run it: the test's setup is what the audit is protected from.
    subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, check=False)
    assert marker.exists()

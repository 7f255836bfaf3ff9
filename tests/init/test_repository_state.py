"""A damaged or read-only repository stops init with one sentence, never a traceback (item 5, 8).

A corrupt `.git` is exit 4 ("the repository is corrupt", hint `git fsck`), not
"no git" (which would write everything with no way to review it); a read-only
repository is exit 3 naming the path, with nothing written.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from scaffolder.errors import GitStateError, InputError
from scaffolder.init.engine import InitOptions, run_init
from scaffolder.init.git import git

from .helpers import PROTOTYPE, make_repo, snapshot, tiny_deps


def _object_file(repo: Path, ref: str) -> Path:
    sha = git(repo, "rev-parse", ref).strip()
    return repo / ".git" / "objects" / sha[:2] / sha[2:]


def _corrupt_index(repo: Path) -> None:
    (repo / ".git/index").write_bytes(b"garbage")


def _corrupt_tree(repo: Path) -> None:
    path = _object_file(repo, "HEAD^{tree}")
    path.chmod(0o644)
    path.write_bytes(b"not zlib")


def _corrupt_head(repo: Path) -> None:
    (repo / ".git/HEAD").write_text("garbage\n")


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (_corrupt_index, "index file smaller than expected"),
        (_corrupt_tree, "is corrupt"),
        (_corrupt_head, "git does not recognise"),
    ],
    ids=["index", "loose-object", "head"],
)
@pytest.mark.parametrize("allow_dirty", [False, True])
def test_a_corrupt_repository_is_exit_4_not_no_git(
    repo: Path, template: Path, damage: object, says: str, allow_dirty: bool
) -> None:
    damage(repo)  # type: ignore[operator]
    before = snapshot(repo)

    with pytest.raises(GitStateError) as refused:
        run_init(repo, InitOptions(allow_dirty=allow_dirty), tiny_deps(template))

    assert refused.value.exit_code == 4
    assert refused.value.message.startswith("The repository is corrupt: ")
    assert says in refused.value.message
    assert "git fsck" in refused.value.hint
    assert snapshot(repo) == before


def test_a_plain_folder_is_still_no_git(tmp_path: Path, template: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "package.json").write_text(PROTOTYPE["package.json"])

    result = run_init(folder, InitOptions(), tiny_deps(template))

    assert "is not a git repository" in result.warnings[0]


def _read_only(path: Path, on: bool) -> None:
    """Read-only even for root (the immutable flag), else by permissions."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i" if on else "-i", str(path)], check=True)
    else:
        path.chmod(0o555 if on else 0o755)


@pytest.fixture
def frozen(repo: Path) -> Iterator[list[Path]]:
    """Folders made read-only by a test; made writable again afterwards."""
    folders: list[Path] = []
    yield folders
    for folder in folders:
        _read_only(folder, on=False)


@pytest.mark.parametrize("where", [".", "infra"])
def test_a_read_only_repository_is_exit_3_naming_the_path(
    repo: Path, template: Path, frozen: list[Path], where: str
) -> None:
    (repo / where).mkdir(exist_ok=True)
    before = snapshot(repo)
    try:
        _read_only(repo / where, on=True)
    except (subprocess.CalledProcessError, FileNotFoundError):
        pytest.skip("cannot make a folder read-only here")
    frozen.append(repo / where)

    with pytest.raises(InputError) as refused:
        run_init(repo, InitOptions(), tiny_deps(template))

    assert refused.value.exit_code == 3
    assert refused.value.message.startswith(f"{where} cannot be written")
    assert "nothing was changed" in refused.value.message
    _read_only(repo / where, on=False)
    frozen.clear()
    assert snapshot(repo) == before
    assert not (repo / ".scaffold").exists()


def test_a_file_that_cannot_be_replaced_rolls_back_what_was_written(
    tmp_path: Path, template: Path, frozen: list[Path]
) -> None:
    repo = make_repo(tmp_path / "repo", {**PROTOTYPE, ".gitignore": "node_modules/\n"})
    before = snapshot(repo)
    if os.geteuid() != 0:
        pytest.skip("only the immutable flag makes one file unreplaceable in a writable folder")
    _read_only(repo / ".gitignore", on=True)
    frozen.append(repo / ".gitignore")

    with pytest.raises(InputError, match=r"^\.gitignore cannot be written"):
        run_init(repo, InitOptions(), tiny_deps(template))

    assert snapshot(repo) == before  # .github/workflows/deploy.yml, written first, is gone
    assert git(repo, "status", "--porcelain", "--ignored") == ""

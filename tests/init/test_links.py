"""Symlinks never let `scaffold init` write outside the repository (issue 11, item 1).

Every path a real render writes (the real template, rendered once per session
for a server app with a database, so every kind of output is there) plus
scaffold's own files gets, in turn, a link that dangles, points to an absolute
path outside, escapes with `../..`, or loops. The run (and its --pretend) must
refuse with exit 8 naming the link, leave the repository as it was, and
create or change nothing in a sibling folder. The runs themselves use a tiny
template that writes a file at each of those real paths, to stay fast.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scaffolder.errors import SafetyRefusal
from scaffolder.init.engine import InitOptions, run_init
from scaffolder.init.git import git
from scaffolder.init.links import KEPT_LINK
from scaffolder.init.staging import files_under
from tests.render.contexts import express_pg, render

from .helpers import PROTOTYPE, commit, make_repo, snapshot, tiny_deps, write_tiny_template

OWN = [".scaffold/answers.yml", ".scaffold/context.json", ".scaffold/template.bundle", ".gitignore"]


def _real_outputs() -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        rendered = files_under(render(express_pg(), Path(folder)))
    return sorted(p for p in rendered if p not in OWN)


OUTPUTS = _real_outputs()
KINDS = ["dangling", "absolute", "relative", "loop"]


def tree(path: Path) -> dict[str, object]:
    """Files by content and links by target (what `snapshot` cannot see: dangling links)."""
    found: dict[str, object] = {}
    for item in sorted(path.rglob("*")):
        rel = item.relative_to(path).as_posix()
        if rel == ".git" or rel.startswith(".git/"):
            continue
        if item.is_symlink():
            found[rel] = ("link", os.readlink(item))
        elif item.is_file():
            found[rel] = (item.read_bytes(), item.stat().st_mtime_ns)
        else:
            found[rel] = "dir"
    return found


def link(repo: Path, rel: str, kind: str, outside: Path) -> str:
    """Make `rel` a link of `kind`; the name of the link the refusal must give."""
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    depth = rel.count("/")
    if kind == "dangling":
        path.symlink_to(outside / "missing" / path.name)
    elif kind == "absolute":
        path.symlink_to(outside / "existing")
    elif kind == "relative":
        path.symlink_to("../" * (depth + 1) + "outside/existing")
    else:
        partner = path.with_name(path.name + ".loop")
        path.symlink_to(partner.name)
        partner.symlink_to(path.name)
    return rel


@pytest.fixture
def template(tmp_path: Path) -> Path:
    return write_tiny_template(
        tmp_path / "tpl", {path: f"generated {path}\n" for path in OUTPUTS} | {"ok.txt": "ok\n"}
    )


def prepared(tmp_path: Path, rel: str, kind: str) -> tuple[Path, Path, str]:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "existing").write_text("not scaffold's\n")
    repo = make_repo(tmp_path / "repo", PROTOTYPE)
    name = link(repo, rel, kind, outside)
    commit(repo, "a link")
    return repo, outside, name


# Every kind for a real run; --pretend (which Copier used to write through) with the
# dangling link of the report, to keep the matrix affordable.
CASES = [(kind, False) for kind in KINDS] + [("dangling", True)]


@pytest.mark.parametrize(("kind", "pretend"), CASES, ids=[f"{k}-{p}" for k, p in CASES])
@pytest.mark.parametrize("rel", [*OUTPUTS, *OWN])
def test_a_link_out_of_the_repository_is_refused_and_nothing_is_written(
    tmp_path: Path, template: Path, rel: str, kind: str, pretend: bool
) -> None:
    repo, outside, name = prepared(tmp_path, rel, kind)
    before, outside_before = tree(repo), tree(outside)

    with pytest.raises(SafetyRefusal) as refused:
        run_init(repo, InitOptions(pretend=pretend), tiny_deps(template))

    assert refused.value.exit_code == 8
    assert refused.value.message.startswith(f"{name} is a symbolic link")
    assert tree(outside) == outside_before
    assert tree(repo) == before
    assert git(repo, "status", "--porcelain", "--ignored") == ""


@pytest.mark.parametrize("folder", [".scaffold", "infra", ".github"])
def test_a_linked_folder_is_refused(tmp_path: Path, template: Path, folder: str) -> None:
    outside = tmp_path / "outside"
    (outside / "real").mkdir(parents=True)
    repo = make_repo(tmp_path / "repo", {**PROTOTYPE, "kept/x.txt": "x\n"})
    (repo / folder).symlink_to(outside / "real")
    commit(repo, "linked folder")
    before = tree(repo)

    with pytest.raises(SafetyRefusal, match=f"^{folder} is a symbolic link"):
        run_init(repo, InitOptions(), tiny_deps(template))

    assert list((outside / "real").iterdir()) == []
    assert tree(repo) == before
    # Inside the repository too: writing through it would change files under another name.
    (repo / folder).unlink()
    (repo / folder).symlink_to("kept")
    commit(repo, "inside")
    with pytest.raises(SafetyRefusal, match=f"^{folder} is a symbolic link"):
        run_init(repo, InitOptions(), tiny_deps(template))
    assert sorted(p.name for p in (repo / "kept").iterdir()) == ["x.txt"]


def test_a_link_to_a_file_inside_is_the_users_file(tmp_path: Path, template: Path) -> None:
    """An output path linked to a regular file of the repository is kept, never written through."""
    target = "docs/ours.md"
    rel = next(p for p in OUTPUTS if p.endswith(".md"))
    repo = make_repo(tmp_path / "repo", {**PROTOTYPE, target: "# Ours\n"})
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / rel).symlink_to(os.path.relpath(repo / target, (repo / rel).parent))
    commit(repo, "linked runbook")

    result = run_init(repo, InitOptions(), tiny_deps(template))

    assert result.kept[rel] == KEPT_LINK
    assert (repo / rel).is_symlink()
    assert (repo / target).read_text() == "# Ours\n"
    commit(repo, "scaffold")
    # The next run keeps it as well (it is stored as the user's) and changes nothing.
    again = run_init(repo, InitOptions(), tiny_deps(template))
    assert not again.changed
    assert (repo / target).read_text() == "# Ours\n"


def test_a_link_inside_at_scaffolds_own_file_is_refused(tmp_path: Path, template: Path) -> None:
    repo = make_repo(tmp_path / "repo", {**PROTOTYPE, "ignore.txt": "node_modules/\n"})
    (repo / ".gitignore").symlink_to("ignore.txt")
    commit(repo, "linked .gitignore")
    before = snapshot(repo)

    with pytest.raises(SafetyRefusal, match=r"^\.gitignore is a symbolic link \(to ignore.txt\)"):
        run_init(repo, InitOptions(), tiny_deps(template))

    assert snapshot(repo) == before


def test_pretend_writes_nothing_in_the_repository_not_even_the_git_index(
    tmp_path: Path, template: Path
) -> None:
    repo = make_repo(tmp_path / "repo", PROTOTYPE)
    # A stat-dirty index: a plain `git status` would rewrite .git/index.
    os.utime(repo / "server.js", ns=(1, 1))
    stamps = {p: p.stat().st_mtime_ns for p in [repo / ".git", repo / ".git/index"]}
    before = tree(repo)

    run_init(repo, InitOptions(pretend=True, allow_dirty=True), tiny_deps(template))

    assert tree(repo) == before
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps

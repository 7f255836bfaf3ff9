"""The walker and the bad-input battery: every problem is a warning, nothing raises."""

from __future__ import annotations

import codecs
import os
import subprocess
from pathlib import Path

import pytest

from scaffolder.errors import InputError
from scaffolder.inspect import inspect_repository
from scaffolder.inspect.walk import walk_repository
from scaffolder.models import WarningKind
from tests.inspect.conftest import git_init, write


def _kinds(warnings: list, kind: WarningKind) -> list[str | None]:
    return [w.path for w in warnings if w.kind is kind]


def test_gitignore_at_every_level_with_negation_and_info_exclude(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".gitignore": "*.log\nsecret-dir/\n",
            "a.log": "x",
            "keep/.gitignore": "!important.log\nlocal.txt\n",
            "keep/important.log": "x",
            "keep/other.log": "x",
            "keep/local.txt": "x",
            "local.txt": "root copy is not ignored",
            "secret-dir/x.txt": "x",
            "excluded.txt": "x",
            "src/app.ts": "export {}",
        },
    )
    git_init(tmp_path, add=False)
    (tmp_path / ".git/info").mkdir(parents=True, exist_ok=True)
    (tmp_path / ".git/info/exclude").write_text("excluded.txt\n")
    result = walk_repository(tmp_path)
    assert result.paths == [
        ".gitignore",
        "keep/.gitignore",
        "keep/important.log",
        "local.txt",
        "src/app.ts",
    ]
    assert {f.path for f in result.files} == set(result.paths)


def test_dependency_build_and_virtualenv_folders_are_never_entered(tmp_path: Path) -> None:
    files = {
        f"{d}/x.js": "x"
        for d in (
            "node_modules/a",
            "dist",
            "build",
            ".next",
            "out",
            ".svelte-kit",
            "__pycache__",
            "coverage",
            "target",
            ".venv",
            "venv",
            "web/node_modules/b",
            ".turbo",
        )
    }
    files.update({"myenv/pyvenv.cfg": "home = /usr", "myenv/lib/site.py": "x", "src/a.py": "x"})
    write(tmp_path, files)
    assert walk_repository(tmp_path).paths == ["src/a.py"]


def test_tracked_files_are_kept_even_when_ignored(tmp_path: Path) -> None:
    write(tmp_path, {".gitignore": ".env\nlogs/\n", ".env": "A=1", "logs/app.log": "x"})
    result = walk_repository(tmp_path, tracked=[".env", "logs/app.log"])
    assert ".env" in result.paths and "logs/app.log" in result.paths
    assert walk_repository(tmp_path).paths == [".gitignore"]


def test_binary_files_are_counted_and_only_text_named_ones_warned(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"blob.dat": b"\x00\x01\x02", "bad.js": b"const a = 1;\x00", "logo.png": b"\x89PNG\x00"},
    )
    read: list[str] = []

    def reader(path: Path) -> bytes:
        read.append(path.name)
        return path.read_bytes()

    result = walk_repository(tmp_path, reader=reader)
    assert result.binary_files == 3
    assert result.files == []
    assert _kinds(result.warnings, WarningKind.BINARY) == ["bad.js"]
    assert "logo.png" not in read  # known binary suffixes are never opened


def test_non_utf8_file_is_decoded_with_a_warning(tmp_path: Path) -> None:
    write(tmp_path, {"notes.txt": "caf\xe9 = 1".encode("latin-1")})
    result = walk_repository(tmp_path)
    assert result.files[0].text == "café = 1"
    assert _kinds(result.warnings, WarningKind.NOT_UTF8) == ["notes.txt"]


def test_huge_sparse_file_is_never_read_whole(tmp_path: Path) -> None:
    big = tmp_path / "dump.sql"
    subprocess.run(["truncate", "-s", "200M", str(big)], check=True)
    write(tmp_path, {"small.txt": "hello", "package-lock.json": "{" + " " * 2_000_000 + "}"})

    def reader(path: Path) -> bytes:
        assert path.name != "dump.sql", "the over-size file must not be read whole"
        return path.read_bytes()

    facts = inspect_repository(tmp_path, reader=reader)
    # The streaming secret scan sniffs NUL bytes (binary) and stops; the big lockfile
    # is skipped quietly: nobody can act on its size.
    assert _kinds(facts.warnings, WarningKind.TOO_LARGE) == []
    assert facts.bytes_scanned == 5


def test_unreadable_file_becomes_a_warning(tmp_path: Path) -> None:
    write(tmp_path, {"locked.ts": "x", "ok.ts": "export {}"})

    def reader(path: Path) -> bytes:
        if path.name == "locked.ts":
            raise PermissionError(13, "Permission denied", str(path))
        return path.read_bytes()

    facts = inspect_repository(tmp_path, reader=reader)
    assert _kinds(facts.warnings, WarningKind.UNREADABLE) == ["locked.ts"]
    assert facts.files_scanned == 2


def test_fifo_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    write(tmp_path, {"a.txt": "x"})
    result = walk_repository(tmp_path)  # opening the FIFO would block forever
    assert _kinds(result.warnings, WarningKind.UNREADABLE) == ["pipe"]
    assert result.paths == ["a.txt"]


def test_symlink_loops_and_outside_links_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, {"stolen.txt": "not part of the repo"})
    repo = tmp_path / "repo"
    write(repo, {"src/a.ts": "x", "shared/b.ts": "y"})
    (repo / "src/parent").symlink_to(repo)  # directory loop back to the root
    (repo / "self").symlink_to(repo / "self")  # ELOOP on stat
    (repo / "ext").symlink_to(outside)
    (repo / "ext-file.txt").symlink_to(outside / "stolen.txt")
    (repo / "src/shared-link").symlink_to(repo / "shared")  # inside the repo: followed
    result = walk_repository(repo)
    assert sorted(_kinds(result.warnings, WarningKind.SYMLINK_LOOP)) == ["self", "src/parent"]
    assert result.paths == ["shared/b.ts", "src/a.ts", "src/shared-link/b.ts"]


def test_malformed_manifests_warn_and_detection_continues(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "web/package.json": '{"name": "web", "dependencies": {',
            "api/pyproject.toml": "[project\nname = ",
            "api/requirements.txt": "fastapi\n",
            "api/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            ".github/workflows/ci.yml": "on: [push\njobs: {",
            "server/package.json": '{"name": "srv", "dependencies": {"express": "4"}}',
            "server/index.js": "app.listen(process.env.PORT || 4000)",
        },
    )
    facts = inspect_repository(tmp_path)
    assert sorted(_kinds(facts.warnings, WarningKind.MALFORMED)) == [
        ".github/workflows/ci.yml",
        "api/pyproject.toml",
        "web/package.json",
    ]
    assert sorted((a.root, a.kind.value) for a in facts.apps) == [
        ("api", "fastapi"),
        ("server", "express"),
    ]
    assert facts.production.workflows[0].path == ".github/workflows/ci.yml"


def test_empty_and_non_git_folders(tmp_path: Path) -> None:
    facts = inspect_repository(tmp_path)
    assert {w.kind for w in facts.warnings} >= {WarningKind.EMPTY, WarningKind.NOT_GIT}
    assert not facts.is_git and facts.head_commit is None
    assert facts.apps == [] and facts.files_scanned == 0


def test_root_must_be_an_existing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        inspect_repository(tmp_path / "missing")
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError):
        inspect_repository(tmp_path / "file")


def test_missing_git_executable_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": "print(1)"})
    facts = inspect_repository(tmp_path, git_runner=lambda args, cwd: (127, b""))
    assert [w.message for w in facts.warnings if w.kind is WarningKind.NOT_GIT] == [
        "git is not installed; scanned the folder as it is"
    ]


def test_every_file_is_read_once(tmp_path: Path) -> None:
    write(
        tmp_path,
        {".gitignore": "*.log\n", "sub/.gitignore": "tmp/\n", "a.ts": "x", "sub/b.py": "y"},
    )
    reads: list[str] = []

    def reader(path: Path) -> bytes:
        reads.append(path.relative_to(tmp_path).as_posix())
        return path.read_bytes()

    result = walk_repository(tmp_path, reader=reader)
    assert (
        sorted(reads)
        == sorted(result.paths)
        == [".gitignore", "a.ts", "sub/.gitignore", "sub/b.py"]
    )


def test_parseable_but_odd_manifests_never_raise(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "package.json": '{"name": 7, "scripts": ["dev"], "dependencies": ["vite"]}',
            "index.html": "x",
            "a/package.json": "[1, 2]",
            "b/pyproject.toml": 'project = "x"\n[tool.poetry]\ngroup = [1]\n',
            "c/Pipfile": "packages = 3\n",
            ".github/workflows/odd.yml": "jobs: [1, 2]\n",
            ".github/workflows/empty.yaml": "",
            "docker-compose.yml": "- just\n- a list\n",
            "drizzle.config.ts": "export default {}",
            "prisma/schema.prisma": "model User { id Int @id }",
            "Dockerfile": "",
        },
    )
    facts = inspect_repository(tmp_path)
    assert sorted(_kinds(facts.warnings, WarningKind.MALFORMED)) == [
        "a/package.json",
        "b/pyproject.toml",
    ]
    assert [w.path for w in facts.production.workflows] == [
        ".github/workflows/empty.yaml",
        ".github/workflows/odd.yml",
    ]
    assert facts.production.dockerfiles[0].production_grade is False


def test_undecodable_file_names_still_serialize(tmp_path: Path) -> None:
    (tmp_path / os.fsdecode(b"caf\xe9.txt")).write_text("x = 1")
    (tmp_path / os.fsdecode(b"bin\xff.js")).write_bytes(b"a\x00b")
    facts = inspect_repository(tmp_path)
    assert facts.files_scanned == 2
    assert _kinds(facts.warnings, WarningKind.BINARY) == ["bin\ufffd.js"]
    assert walk_repository(tmp_path).paths == ["bin\ufffd.js", "caf\ufffd.txt"]
    assert '"bin\ufffd.js"' in facts.model_dump_json(ensure_ascii=False)


def test_utf16_with_a_bom_is_text_and_scanned(tmp_path: Path) -> None:
    """Real Lovable repos hold UTF-16 files written by PowerShell's `>` (generated types)."""
    text = "export type Json = string;\r\nconst key = 'abc';\r\n"
    write(
        tmp_path,
        {
            "src/types/supabase-generated.ts": "\ufeff".encode("utf-16-le")
            + text.encode("utf-16-le"),
            "be.txt": codecs.BOM_UTF16_BE + "hello".encode("utf-16-be"),
            "broken.txt": b"\xff\xfe\x00",  # odd length: not UTF-16 after all
        },
    )
    result = walk_repository(tmp_path)
    by_path = {f.path: f.text for f in result.files}
    assert by_path["src/types/supabase-generated.ts"] == text
    assert by_path["be.txt"] == "hello"
    assert "broken.txt" not in by_path
    assert _kinds(result.warnings, WarningKind.BINARY) == ["broken.txt"]

"""`scaffold init` through the CLI, on fixture prototypes, with the real inspector and template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffolder.cli.app import main
from scaffolder.init.git import git
from tests.support.prototypes import materialize

from .helpers import commit, snapshot

# One of each shape: a server with its own CI, a static SPA on Supabase, Python
# with migrations, Next.js on SQLite, Django.
PROTOTYPES = [
    "express-pg-docker-ci",
    "lovable-vite-supabase",
    "fastapi-sqlalchemy-alembic",
    "next-pages-prisma-sqlite",
    "django-startproject",
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.mark.parametrize("name", PROTOTYPES)
def test_init_then_rerun_is_a_fixed_point(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = materialize(name, tmp_path / name)
    before = snapshot(repo)

    code, out, err = run(capsys, "init", str(repo), "--defaults")

    assert code == 0, err
    assert "Production readiness:" in err  # the short audit summary
    assert "created  .scaffold/answers.yml" in out
    for path, content in before.items():  # nothing of theirs was overwritten
        if path != ".gitignore":
            assert (repo / path).read_bytes() == content, path
    assert (repo / "infra/Pulumi.prod.yaml").is_file()
    commit(repo, "scaffold init")
    rendered = snapshot(repo)

    code, out, err = run(capsys, "init", str(repo), "--defaults")

    assert code == 0, err
    assert "Nothing to change" in err
    assert snapshot(repo) == rendered
    assert git(repo, "status", "--porcelain", "--ignored") == ""


def test_pretend_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = materialize("express-pg-docker-ci", tmp_path / "app")
    before = snapshot(repo)

    code, out, _ = run(capsys, "init", str(repo), "--defaults", "--pretend", "--json")

    assert code == 0
    result = json.loads(out)
    assert result["pretend"] is True
    assert ".scaffold/answers.yml" in result["created"]
    assert ".github/workflows/ci.yml" in result["kept"]  # the prototype's own CI stays
    assert snapshot(repo) == before


def test_exit_codes_for_user_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = materialize("express-pg-docker-ci", tmp_path / "app")

    code, _, err = run(capsys, "init", str(repo), "--data", "aws_region=nowhere")
    assert code == 2
    assert "aws_region" in err

    (repo / "notes.txt").write_text("uncommitted\n")
    code, _, err = run(capsys, "init", str(repo), "--defaults")
    assert code == 4
    assert "--allow-dirty" in err

    code, _, _ = run(capsys, "init", str(repo), "--defaults", "--allow-dirty")
    assert code == 0

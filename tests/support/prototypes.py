"""Materialize fixture prototypes into real git repositories for tests.

A fixture is a folder under tests/fixtures/prototypes/<name>/ holding the final
tree of a small AI-built prototype. Two optional TOML files go with it:

- tests/fixtures/histories/<name>.toml: commits applied BEFORE the final tree,
  so a secret can live only in git history.
- tests/fixtures/expectations/<name>.toml: the facts a correct inspector finds,
  plus a [fixture] table (description, traps, force_add, history_only_paths).

Files that git would interpret inside OUR repository are stored under a
neutral name and renamed on the way out, see RENAMES.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"
PROTOTYPES_DIR = FIXTURES_DIR / "prototypes"
EXPECTATIONS_DIR = FIXTURES_DIR / "expectations"
HISTORIES_DIR = FIXTURES_DIR / "histories"

# A fixture's own .gitignore would make our repository ignore fixture files.
RENAMES = {"gitignore.fixture": ".gitignore", "gitattributes.fixture": ".gitattributes"}

AUTHOR_NAME = "Proto Builder"
AUTHOR_EMAIL = "builder@example.com"
# Fixed dates make commit ids reproducible across machines and runs.
BASE_DATE = datetime(2026, 1, 5, 10, 0, 0, tzinfo=UTC)

_IGNORED_IN_FIXTURES = shutil.ignore_patterns("__pycache__", "*.pyc")


def fixture_names() -> list[str]:
    """Every fixture prototype, sorted."""
    return sorted(
        p.name for p in PROTOTYPES_DIR.iterdir() if p.is_dir() and not p.name.startswith("_")
    )


def fixture_dir(name: str) -> Path:
    path = PROTOTYPES_DIR / name
    if not path.is_dir():
        raise KeyError(f"no fixture prototype named {name!r}; known: {fixture_names()}")
    return path


def load_expectations(name: str) -> dict[str, Any]:
    """The parsed tests/fixtures/expectations/<name>.toml ({} when absent)."""
    fixture_dir(name)
    path = EXPECTATIONS_DIR / f"{name}.toml"
    if not path.is_file():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def load_history(name: str) -> list[dict[str, Any]]:
    """The commits of tests/fixtures/histories/<name>.toml ([] when absent)."""
    fixture_dir(name)
    path = HISTORIES_DIR / f"{name}.toml"
    if not path.is_file():
        return []
    commits: list[dict[str, Any]] = tomllib.loads(path.read_text(encoding="utf-8")).get(
        "commits", []
    )
    return commits


def final_tree_paths(name: str) -> list[str]:
    """Paths (POSIX, relative) of the final tree as materialized, renames applied."""
    root = fixture_dir(name)
    out: list[str] = []
    for path in root.rglob("*"):
        if path.is_dir() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        rel = path.relative_to(root)
        out.append(rel.with_name(RENAMES.get(rel.name, rel.name)).as_posix())
    return sorted(out)


def materialize(name: str, dest: Path, *, git: bool = True) -> Path:
    """Copy fixture `name` into `dest` and (git=True) commit its history and final tree.

    `dest` may exist only if it is empty. Returns `dest`.
    """
    src = fixture_dir(name)
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty; materialize needs an empty folder")
    dest.mkdir(parents=True, exist_ok=True)
    if not git:
        _copy_final_tree(src, dest)
        return dest

    manifest = load_expectations(name).get("fixture", {})
    _git(dest, BASE_DATE, "init", "-q", "-b", "main")
    for index, commit in enumerate(load_history(name)):
        _apply_commit(src, dest, commit, index)
        date = _commit_date(commit, BASE_DATE + timedelta(days=index))
        _git(dest, date, "add", "-A")
        _git(dest, date, "commit", "-q", "--allow-empty", "-m", commit["message"])

    _clear_work_tree(dest)
    _copy_final_tree(src, dest)
    final_date = BASE_DATE + timedelta(days=len(load_history(name)))
    _git(dest, final_date, "add", "-A")
    force = list(manifest.get("force_add", []))
    if force:
        _git(dest, final_date, "add", "-A", "-f", "--", *force)
    message = manifest.get("final_commit_message", "Prototype as exported")
    _git(dest, final_date, "commit", "-q", "--allow-empty", "-m", message)
    return dest


def commit_by_subject(repo: Path, subject: str) -> str:
    """The full sha of the one commit in `repo` whose subject line is `subject`."""
    out = subprocess.run(
        ["git", "log", "--all", "--format=%H%x00%s"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    shas = [
        sha
        for sha, _, subj in (line.partition("\0") for line in out.splitlines())
        if subj == subject
    ]
    if len(shas) != 1:
        raise LookupError(f"{len(shas)} commits have the subject {subject!r} in {repo}")
    return shas[0]


def _copy_final_tree(src: Path, dest: Path) -> None:
    shutil.copytree(src, dest, symlinks=True, dirs_exist_ok=True, ignore=_IGNORED_IN_FIXTURES)
    for old, new in RENAMES.items():
        for path in sorted(dest.rglob(old)):
            if ".git" not in path.relative_to(dest).parts:
                path.rename(path.with_name(new))


def _clear_work_tree(dest: Path) -> None:
    # The final tree replaces whatever history left, so deletions are committed too.
    for child in dest.iterdir():
        if child.name == ".git":
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _apply_commit(src: Path, dest: Path, commit: dict[str, Any], index: int) -> None:
    if "message" not in commit:
        raise ValueError(f"history commit #{index + 1} has no message")
    for pattern in commit.get("copy", []):
        matches = [p for p in src.glob(pattern) if p.is_file()]
        if not matches:
            raise ValueError(f"history commit #{index + 1}: {pattern!r} matches no fixture file")
        for path in matches:
            rel = path.relative_to(src)
            target = dest / rel.with_name(RENAMES.get(rel.name, rel.name))
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    for rel, text in commit.get("files", {}).items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for rel in commit.get("delete", []):
        target = dest / rel
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()


def _commit_date(commit: dict[str, Any], default: datetime) -> datetime:
    value = commit.get("date")
    if value is None:
        return default
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value))


def git_env(date: datetime) -> dict[str, str]:
    """Environment for reproducible commits, independent of the user's git config."""
    stamp = date.strftime("%Y-%m-%dT%H:%M:%S%z")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME=AUTHOR_NAME,
        GIT_AUTHOR_EMAIL=AUTHOR_EMAIL,
        GIT_COMMITTER_NAME=AUTHOR_NAME,
        GIT_COMMITTER_EMAIL=AUTHOR_EMAIL,
        GIT_AUTHOR_DATE=stamp,
        GIT_COMMITTER_DATE=stamp,
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
    )
    return env


def _git(cwd: Path, date: datetime, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false", *args],
        cwd=cwd,
        env=git_env(date),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {cwd}: {result.stderr.strip()}")
    return result.stdout

"""The fixture prototypes materialize into real git repos and their expectations hold together."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from scaffolder import models
from tests.support.prototypes import (
    EXPECTATIONS_DIR,
    HISTORIES_DIR,
    PROTOTYPES_DIR,
    commit_by_subject,
    final_tree_paths,
    fixture_dir,
    fixture_names,
    load_expectations,
    load_history,
    materialize,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
NAMES = fixture_names()

# What each detector's value looks like, so a fixture's fake secret is provider-shaped.
SHAPES: dict[str, str] = {
    "aws-access-key-id": r"\bAKIA[A-Z2-7]{16}\b",
    "aws-secret-access-key": r"['\"=:]\s*['\"]?[A-Za-z0-9+/]{40}\b",
    "openai-api-key": r"\bsk-proj-[A-Za-z0-9_-]{74}T3BlbkFJ[A-Za-z0-9_-]{74}\b",
    "anthropic-api-key": r"\bsk-ant-api03-[A-Za-z0-9_-]{93}AA\b",
    "stripe-secret-key": r"\bsk_live_[A-Za-z0-9]{24,}\b",
    "github-token": r"\bghp_[A-Za-z0-9]{36}\b",
    "slack-bot-token": r"\bxoxb-\d{10,13}-\d{10,13}-[A-Za-z0-9]{24}\b",
    "google-api-key": r"\bAIza[A-Za-z0-9_-]{35}\b",
    "twilio-api-key": r"\bSK[0-9a-f]{32}\b",
    "sendgrid-api-key": r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b",
    "groq-api-key": r"\bgsk_[A-Za-z0-9]{52}\b",
    "deepseek-api-key": r"\bsk-[0-9a-f]{32}\b",
    "private-key": r"-----BEGIN (RSA |EC |OPENSSH )?PRIVATE KEY-----",
    "postgres-url-with-password": r"postgres(ql)?(\+\w+)?://[^:/\s]+:[^@\s]+@",
    "mongodb-url-with-password": r"mongodb(\+srv)?://[^:/\s]+:[^@\s]+@",
    "supabase-service-role-key": r"\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}\b",
    "django-secret-key": r"django-insecure-",
}

KNOWN_TABLES = {
    "fixture", "repo", "apps", "databases", "migrations", "auth", "env_vars",
    "production", "supabase", "secrets", "not_secrets", "warnings",
}  # fmt: skip


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def history_text(name: str, path: str) -> str | None:
    """The newest content a history commit gave `path`, if any."""
    text = None
    for commit in load_history(name):
        text = commit.get("files", {}).get(path, text)
    return text


def file_text(name: str, path: str, *, in_working_tree: bool) -> str:
    if in_working_tree:
        # Some fixtures are deliberately not UTF-8; markers are plain ASCII.
        return (fixture_dir(name) / path).read_bytes().decode("utf-8", errors="replace")
    text = history_text(name, path)
    assert text is not None, f"{name}: {path} is in no history commit"
    return text


def line_of(text: str, line: int) -> str:
    lines = text.splitlines()
    assert 1 <= line <= len(lines), f"line {line} out of range"
    return lines[line - 1]


# -- inventory ---------------------------------------------------------------


def test_enough_fixtures_and_history_only_secrets() -> None:
    assert len(NAMES) >= 12
    history_only = [
        n
        for n in NAMES
        if any(not s.get("in_working_tree", True) for s in load_expectations(n).get("secrets", []))
    ]
    assert len(history_only) >= 2, history_only


def test_every_fixture_has_expectations_and_nothing_is_orphaned() -> None:
    expectations = {p.stem for p in EXPECTATIONS_DIR.glob("*.toml")}
    histories = {p.stem for p in HISTORIES_DIR.glob("*.toml")}
    assert expectations == set(NAMES)
    assert histories <= set(NAMES)


def test_our_repository_ignores_no_fixture_file() -> None:
    """A fixture file our .gitignore swallowed would silently vanish from CI."""
    files = [
        p.relative_to(REPO_ROOT).as_posix()
        for p in (REPO_ROOT / "tests" / "fixtures").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        cwd=REPO_ROOT,
        input="\n".join(files),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == ""
    stored_dotfiles = [f for f in files if Path(f).name in {".gitignore", ".gitattributes"}]
    assert stored_dotfiles == [], "store them as gitignore.fixture / gitattributes.fixture"


# -- materialize -------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_materialize_commits_history_then_final_tree(name: str, tmp_path: Path) -> None:
    repo = materialize(name, tmp_path / name)
    history = load_history(name)
    subjects = git(repo, "log", "--reverse", "--format=%s").splitlines()
    assert subjects[:-1] == [c["message"] for c in history]
    assert len(subjects) == len(history) + 1

    # Every fixture file is committed (forced where the fixture's own .gitignore
    # would drop it), nothing else is, and the work tree is clean.
    tracked = sorted(git(repo, "ls-files").splitlines())
    assert tracked == final_tree_paths(name)
    assert git(repo, "status", "--porcelain") == ""
    assert not list(repo.rglob("gitignore.fixture"))

    fixture = load_expectations(name)["fixture"]
    for path in fixture.get("history_only_paths", []):
        assert not (repo / path).exists()
        assert path not in tracked
        assert git(repo, "log", "--all", "--format=%h", "--", path).strip()
    for path in fixture.get("force_add", []):
        assert any(t == path or t.startswith(path.rstrip("/") + "/") for t in tracked)
        assert (
            subprocess.run(
                ["git", "check-ignore", "-q", "--no-index", path], cwd=repo, check=False
            ).returncode
            == 0
        ), f"{path} is force-added but the fixture does not ignore it"


def test_materialize_is_reproducible(tmp_path: Path) -> None:
    name = next(n for n in NAMES if load_history(n))
    first = materialize(name, tmp_path / "a")
    second = materialize(name, tmp_path / "b")
    assert git(first, "rev-parse", "HEAD") == git(second, "rev-parse", "HEAD")


def test_materialize_without_git_copies_and_renames(tmp_path: Path) -> None:
    name = next(n for n in NAMES if (PROTOTYPES_DIR / n / "gitignore.fixture").exists())
    repo = materialize(name, tmp_path / "plain", git=False)
    assert not (repo / ".git").exists()
    assert (repo / ".gitignore").is_file()
    assert not (repo / "gitignore.fixture").exists()


def test_materialize_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        materialize(NAMES[0], tmp_path)


def test_unknown_fixture_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        load_expectations("no-such-prototype")


def test_committed_node_modules_is_tracked(tmp_path: Path) -> None:
    names = [n for n in NAMES if load_expectations(n)["repo"].get("node_modules_committed")]
    assert names
    for name in names:
        repo = materialize(name, tmp_path / name)
        for folder in load_expectations(name)["repo"]["node_modules_committed"]:
            assert git(repo, "ls-files", "--", folder).strip()


# -- expectations ------------------------------------------------------------


def _enum_values(enum: Any) -> set[str]:
    return {member.value for member in enum}


def _field_names(model: type[Any]) -> set[str]:
    return {f.name for f in dataclasses.fields(model)}


@pytest.mark.parametrize("name", NAMES)
def test_expectations_use_model_vocabulary(name: str) -> None:
    exp = load_expectations(name)
    assert set(exp) <= KNOWN_TABLES, set(exp) - KNOWN_TABLES
    assert exp["fixture"]["description"] and exp["fixture"]["traps"]
    for app in exp.get("apps", []):
        model_fields = _field_names(models.AppFacts)
        assert set(app) <= model_fields, set(app) - model_fields
        assert app["kind"] in _enum_values(models.AppKind)
        assert app["shape"] in _enum_values(models.DeployShape)
        assert app["language"] in _enum_values(models.Language)
        if app.get("package_manager"):
            assert app["package_manager"] in _enum_values(models.PackageManager)
    for db in exp.get("databases", []):
        assert set(db) <= _field_names(models.DatabaseFacts)
        assert db["kind"] in _enum_values(models.DatabaseKind)
        assert db["host"] in _enum_values(models.DatabaseHost)
    for mig in exp.get("migrations", []):
        assert set(mig) <= _field_names(models.MigrationFacts)
        assert mig["tool"] in _enum_values(models.MigrationTool)
    assert set(exp["auth"]["kinds"]) <= _enum_values(models.AuthKind)
    for var in exp.get("env_vars", []):
        assert set(var) <= _field_names(models.EnvVarFacts)
    for secret in exp.get("secrets", []):
        assert secret["kind"] in _enum_values(models.SecretKind)
    for warning in exp.get("warnings", []):
        assert warning["kind"] in _enum_values(models.WarningKind)


@pytest.mark.parametrize("name", NAMES)
def test_expectations_name_existing_paths(name: str) -> None:
    exp = load_expectations(name)
    root = fixture_dir(name)
    tree = set(final_tree_paths(name))

    def exists(path: str) -> bool:
        return path in tree or (root / path).is_dir()

    paths: list[str] = []
    paths += [a["root"] for a in exp.get("apps", []) if a["root"] != "."]
    paths += [lock for a in exp.get("apps", []) for lock in a.get("lockfiles", [])]
    paths += [f for d in exp.get("databases", []) for f in d.get("committed_files", [])]
    paths += [m["directory"] for m in exp.get("migrations", []) if m.get("directory")]
    production = exp["production"]
    paths += [d["path"] for d in production.get("dockerfiles", [])]
    paths += [w["path"] for w in production.get("workflows", [])]
    paths += production.get("health_endpoints", [])
    paths += exp["repo"].get("committed_env_files", [])
    paths += exp["repo"].get("node_modules_committed", [])
    supabase = exp["supabase"]
    paths += supabase.get("service_role_in_browser", [])
    paths += [w["path"] for w in exp.get("warnings", []) if w.get("path")]
    if supabase.get("project_dir"):
        paths.append(supabase["project_dir"])
    paths += [f"supabase/functions/{f}" for f in supabase.get("edge_functions", [])]
    missing = [p for p in paths if not exists(p)]
    assert missing == []


@pytest.mark.parametrize("name", NAMES)
def test_secret_and_not_secret_lines_point_at_their_marker(name: str) -> None:
    exp = load_expectations(name)
    for entry in [*exp.get("secrets", []), *exp.get("not_secrets", [])]:
        in_tree = entry.get("in_working_tree", True)
        text = file_text(name, entry["path"], in_working_tree=in_tree)
        if "line" in entry:
            assert entry["marker"] in line_of(text, entry["line"]), entry
        elif "marker" in entry:
            assert entry["marker"] in text, entry
    for entry in exp.get("secrets", []):
        shape = SHAPES.get(entry["detector"])
        if shape and "line" in entry:
            text = file_text(
                name, entry["path"], in_working_tree=entry.get("in_working_tree", True)
            )
            assert re.search(shape, line_of(text, entry["line"])), entry


def test_example_has_no_provider_shaped_secret() -> None:
    example = REPO_ROOT / "examples"
    texts = [p.read_text(encoding="utf-8") for p in example.rglob("*") if p.is_file()]
    assert texts
    for pattern in SHAPES.values():
        assert not any(re.search(pattern, t) for t in texts), pattern


def test_supabase_tables_are_named_in_migrations() -> None:
    for name in NAMES:
        supabase = load_expectations(name)["supabase"]
        tables = supabase.get("tables_without_rls", []) + supabase.get("tables_with_rls", [])
        sql = (
            "\n".join(
                p.read_text(encoding="utf-8")
                for p in (fixture_dir(name) / "supabase" / "migrations").glob("*.sql")
            )
            if tables
            else ""
        )
        for table in tables:
            assert f"create table {table}" in sql.lower(), (name, table)


def test_readme_lists_every_fixture() -> None:
    readme = (PROTOTYPES_DIR / "README.md").read_text(encoding="utf-8")
    assert [n for n in NAMES if f"`{n}`" not in readme] == []


def test_required_shapes_are_covered() -> None:
    """The issue's minimum: these kinds, auth kinds and traps each appear somewhere."""
    all_exp = [load_expectations(n) for n in NAMES]
    kinds = {a["kind"] for e in all_exp for a in e.get("apps", [])}
    assert {"vite-spa", "nextjs", "express", "fastify", "fastapi", "flask", "django"} <= kinds
    assert {"streamlit"} <= kinds and kinds & {"remix", "sveltekit"}
    auth = {k for e in all_exp for k in e["auth"]["kinds"]}
    assert {"supabase", "nextauth", "clerk", "django", "flask-login", "custom-jwt"} <= auth
    assert "client-only" in auth
    detectors = {s["detector"] for e in all_exp for s in e.get("secrets", [])}
    assert set(SHAPES) <= detectors
    assert any(",env" in e["repo"]["committed_env_files"] for e in all_exp)
    assert any(a.get("lockfile_conflict") for e in all_exp for a in e.get("apps", []))
    dockerfiles = [d for e in all_exp for d in e["production"].get("dockerfiles", [])]
    assert {d["production_grade"] for d in dockerfiles} == {True, False}
    workflows = [w for e in all_exp for w in e["production"].get("workflows", [])]
    assert {w["runs_tests"] for w in workflows} == {True, False}


def _jwt_claims(token: str) -> dict[str, Any]:
    header, payload, signature = token.split(".")
    pad = "=" * (-len(payload) % 4)
    assert json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["alg"] == "HS256"
    assert len(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))) == 32
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + pad))
    return claims


def test_supabase_keys_are_real_format_jwts_with_the_right_role() -> None:
    env = (fixture_dir("lovable-vite-supabase") / ".env").read_text(encoding="utf-8")
    values = dict(line.split("=", 1) for line in env.splitlines() if "=" in line)
    anon = _jwt_claims(values["VITE_SUPABASE_ANON_KEY"])
    service = _jwt_claims(values["VITE_SUPABASE_SERVICE_ROLE_KEY"])
    assert (anon["role"], anon["iss"]) == ("anon", "supabase")
    assert (service["role"], service["iss"]) == ("service_role", "supabase")
    assert anon["ref"] == service["ref"]
    assert f"https://{anon['ref']}.supabase.co" == values["VITE_SUPABASE_URL"]


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in NAMES
        if any("introduced_in" in s for s in load_expectations(n).get("secrets", []))
    ],
)
def test_history_secret_is_introduced_by_the_named_commit(name: str, tmp_path: Path) -> None:
    repo = materialize(name, tmp_path / name)
    for secret in load_expectations(name)["secrets"]:
        if "introduced_in" not in secret:
            continue
        sha = commit_by_subject(repo, secret["introduced_in"])
        before = git(repo, "show", f"{sha}:{secret['path']}")
        assert secret["marker"] in line_of(before, secret["line"])
        parent = subprocess.run(
            ["git", "show", f"{sha}^:{secret['path']}"], cwd=repo, capture_output=True, check=False
        )
        assert parent.returncode != 0 or secret["marker"] not in parent.stdout.decode()
        if not secret.get("in_working_tree", True):
            head = (repo / secret["path"]).read_text() if (repo / secret["path"]).exists() else ""
            assert secret["marker"] not in head


def test_commit_by_subject_rejects_unknown_subjects(tmp_path: Path) -> None:
    repo = materialize(NAMES[0], tmp_path / "r")
    with pytest.raises(LookupError):
        commit_by_subject(repo, "no such commit")

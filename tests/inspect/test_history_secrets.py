"""Secrets that only git history still holds, found in real repositories made in tmp_path."""

from __future__ import annotations

import os
import secrets
import shutil
import string
import subprocess
from pathlib import Path

import pytest

from scaffolder.inspect.history_secrets import HistoryLimits, scan_history_secrets
from scaffolder.models import SecretKind, WarningKind
from scaffolder.redact import fingerprint

ALNUM = string.ascii_letters + string.digits


def rand(n: int) -> str:
    return "".join(secrets.choice(ALNUM) for _ in range(n))


def openai_key() -> str:
    return "sk-" + "proj-" + rand(80)


def git(repo: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    proc = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return proc.stdout.strip()


def commit(repo: Path, message: str, files: dict[str, str], delete: tuple[str, ...] = ()) -> str:
    for rel, text in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for rel in delete:
        (repo / rel).unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


def test_deleted_env_file_is_found_at_the_commit_that_added_it(repo: Path) -> None:
    key = openai_key()
    commit(repo, "start", {"app.py": "print('hi')\n"})
    introduced = commit(repo, "add env", {".env.production": f"PORT=1\nOPENAI_API_KEY={key}\n"})
    commit(repo, "edit env", {".env.production": f"PORT=2\nOPENAI_API_KEY={key}\n"})
    commit(repo, "remove env", {}, delete=(".env.production",))

    findings, warnings = scan_history_secrets(repo, set())

    assert warnings == []
    assert len(findings) == 1
    [found] = findings
    assert (found.detector, found.path, found.line) == ("openai-api-key", ".env.production", 2)
    assert found.commit == introduced
    assert found.in_history and not found.in_working_tree
    assert key not in found.model_dump_json()


def test_secret_renamed_away_keeps_its_old_path(repo: Path) -> None:
    secret = rand(32)
    introduced = commit(repo, "config", {"cfg/settings.py": f"SECRET_KEY = '{secret}'\n"})
    commit(repo, "move", {"app/settings.py": "SECRET_KEY = os.environ['SECRET_KEY']\n"},
           delete=("cfg/settings.py",))  # fmt: skip
    [found] = scan_history_secrets(repo, set())[0]
    assert (found.path, found.commit, found.kind) == (
        "cfg/settings.py",
        introduced,
        SecretKind.HARDCODED_FRAMEWORK_SECRET,
    )


def test_values_still_in_the_tree_are_not_repeated(repo: Path) -> None:
    key = openai_key()
    commit(repo, "one", {"a.py": f"KEY = '{key}'\n"})
    commit(repo, "two", {"a.py": f"# moved\nKEY = '{key}'\n"})  # HEAD blob differs, value same
    assert scan_history_secrets(repo, {fingerprint(key)}) == ([], [])
    found, _ = scan_history_secrets(repo, set())
    assert [f.line for f in found] == [1]  # the old blob; HEAD's blob is the tree scan's job


def test_node_modules_and_binary_paths_in_history_are_skipped(repo: Path) -> None:
    key = openai_key()
    commit(repo, "vendored", {"node_modules/x/index.js": f"k='{key}'\n", "a.png.txt": "x"})
    commit(repo, "clean", {}, delete=("node_modules/x/index.js",))
    assert scan_history_secrets(repo, set())[0] == []


def test_secret_on_another_branch_is_found(repo: Path) -> None:
    commit(repo, "main", {"a.txt": "a\n"})
    git(repo, "checkout", "-q", "-b", "feature")
    token = "ghp_" + rand(36)
    branch_commit = commit(repo, "token", {"deploy.sh": f"GITHUB_TOKEN={token}\n"})
    git(repo, "checkout", "-q", "main")
    [found] = scan_history_secrets(repo, set())[0]
    assert (found.detector, found.commit) == ("github-token", branch_commit)


def test_caps_warn_history_skipped(repo: Path) -> None:
    for i in range(3):
        commit(repo, f"c{i}", {"conf.py": f"JWT_SECRET = '{rand(24)}'\n"})
    findings, warnings = scan_history_secrets(repo, set(), limits=HistoryLimits(max_blobs=1))
    assert len(findings) == 1
    assert [w.kind for w in warnings] == [WarningKind.HISTORY_SKIPPED]


def test_not_a_git_repository(tmp_path: Path) -> None:
    findings, warnings = scan_history_secrets(tmp_path, set())
    assert findings == []
    assert [w.kind for w in warnings] == [WarningKind.NOT_GIT]


def test_repository_without_commits(repo: Path) -> None:
    findings, warnings = scan_history_secrets(repo, set())
    assert findings == []
    assert [w.kind for w in warnings] == [WarningKind.EMPTY]


def test_git_missing(repo: Path) -> None:
    findings, warnings = scan_history_secrets(repo, set(), git_executable="/nonexistent/git")
    assert findings == []
    assert [w.kind for w in warnings] == [WarningKind.NOT_GIT]
    assert "not installed" in warnings[0].message


def test_a_missing_blob_does_not_skip_the_whole_history(repo: Path) -> None:
    """Real exports (a Replit import) lack some blobs; the rest must still be scanned."""
    key = openai_key()
    commit(repo, "start", {"app.py": "print('hi')\n", "notes.txt": "lost to a broken clone\n"})
    commit(repo, "add env", {".env.production": f"OPENAI_API_KEY={key}\n"})
    commit(repo, "clean up", {}, delete=(".env.production", "notes.txt"))
    lost = git(repo, "rev-parse", "HEAD~2:notes.txt")
    (repo / ".git" / "objects" / lost[:2] / lost[2:]).unlink()
    with pytest.raises(subprocess.CalledProcessError):
        git(repo, "rev-list", "--objects", "--all")  # the trap is real

    findings, warnings = scan_history_secrets(repo, set())

    assert warnings == []
    assert [(f.detector, f.path) for f in findings] == [("openai-api-key", ".env.production")]


def test_a_shallow_clone_says_its_older_history_was_not_checked(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    for n in range(3):
        (origin / "app.js").write_text(f"console.log({n})\n")
        git(origin, "add", "-A")
        git(origin, "commit", "-qm", f"c{n}")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))

    _, warnings = scan_history_secrets(clone, set())
    shallow = [w for w in warnings if "shallow" in w.message]
    assert [w.kind for w in shallow] == [WarningKind.HISTORY_SKIPPED]
    assert "git fetch --unshallow" in shallow[0].message
    assert not [w for w in scan_history_secrets(origin, set())[1] if "shallow" in w.message]


# Later versions are scanned by their new lines (history._LineCache); these check that
# a secret whose verdict needs other lines is still found as a whole-file scan finds it.


def test_a_secret_added_inside_an_unchanged_multi_line_call_is_found(repo: Path) -> None:
    secret = rand(24)
    head = "import jwt from 'jsonwebtoken'\nexport const t = jwt.sign({\n  id: 1,\n"
    commit(repo, "one", {"src/auth.ts": head + "}, process.env.JWT_SECRET)\n"})
    introduced = commit(repo, "two", {"src/auth.ts": head + f"}}, '{secret}')\n"})
    commit(repo, "three", {"src/auth.ts": head + "}, process.env.JWT_SECRET)\n"})
    [found] = scan_history_secrets(repo, set())[0]
    assert (found.detector, found.line, found.commit) == ("jwt-secret", 4, introduced)


def test_an_edited_private_key_body_is_found(repo: Path) -> None:
    def pem(body: str) -> str:
        return f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n"

    commit(repo, "one", {"keys/dev.pem": pem(rand(64))})
    introduced = commit(repo, "two", {"keys/dev.pem": pem(rand(64))})
    commit(repo, "three", {}, delete=("keys/dev.pem",))
    found = scan_history_secrets(repo, set())[0]
    assert len(found) == 2  # each body is its own value
    assert introduced in {f.commit for f in found}


def test_a_value_on_an_unchanged_line_is_placed_at_its_first_commit(repo: Path) -> None:
    key = openai_key()
    introduced = commit(repo, "one", {"src/ai.ts": f"const k = '{key}'\n"})
    for n in range(3):
        commit(repo, f"edit {n}", {"src/ai.ts": f"// v{n}\nconst k = '{key}'\n"})
    commit(repo, "gone", {"src/ai.ts": "const k = process.env.OPENAI_API_KEY\n"})
    [found] = scan_history_secrets(repo, set())[0]
    assert (found.commit, found.line) == (introduced, 1)


def test_a_line_seen_outside_code_is_still_judged_in_code(repo: Path) -> None:
    line = f"API_SECRET = '{rand(24)}'"  # a code-only detector's shape
    commit(repo, "config", {"config.yaml": f"{line}\n", "src/a.py": "print(1)\n"})
    introduced = commit(repo, "code", {"src/a.py": f"print(1)\n{line}\n"})
    commit(repo, "clean", {"src/a.py": "print(1)\n"}, delete=("config.yaml",))
    [found] = scan_history_secrets(repo, set())[0]
    assert (found.path, found.line, found.commit) == ("src/a.py", 2, introduced)


def test_two_processes_find_what_one_finds(repo: Path) -> None:
    keys = [openai_key() for _ in range(4)]
    for n, key in enumerate(keys):
        commit(repo, f"add {n}", {f"src/m{n}.ts": f"export const k = '{key}'\n", "a.ts": f"{n}\n"})
    commit(repo, "clean", {}, delete=tuple(f"src/m{n}.ts" for n in range(4)))
    one = scan_history_secrets(repo, set())
    two = scan_history_secrets(repo, set(), limits=HistoryLimits(parallel_bytes=0))
    assert two == one
    assert len(one[0]) == 4


def _recording_git(tmp_path: Path) -> tuple[str, Path]:
    """A fake `git` that appends its subcommand to a log, then runs the real git."""
    log = tmp_path / "git-calls.log"
    fake = tmp_path / "fake-git"
    real = shutil.which("git")
    assert real is not None
    fake.write_text(
        "#!/bin/sh\n"
        # The subcommand is the first argument that is not an option or an option's value.
        f'for a; do case "$a" in -c) skip=1;; *) if [ -n "$skip" ]; then skip=; '
        f'else echo "$a" >> {log}; break; fi;; esac; done\n'
        f'exec {real} "$@"\n'
    )
    fake.chmod(0o755)
    return str(fake), log


def test_recording_fake_git_a_clean_history_never_runs_the_commands_only_a_hit_needs(
    repo: Path, tmp_path: Path
) -> None:
    commit(repo, "start", {"app.py": "print('hi')\n"})
    commit(repo, "edit", {"app.py": "print('hello')\n"})
    fake, log = _recording_git(tmp_path)
    assert scan_history_secrets(repo, set(), git_executable=fake) == ([], [])
    calls = log.read_text().split()
    assert "log" not in calls  # which commit introduced a hit
    assert calls.count("rev-list") == 1  # the object listing, not the commit order
    assert calls.count("rev-parse") == 1  # one question for work tree, shallow and HEAD

    key = openai_key()
    introduced = commit(repo, "add key", {"config.py": f"KEY = '{key}'\n"})
    commit(repo, "remove key", {}, delete=("config.py",))
    log.unlink()
    [found], _ = scan_history_secrets(repo, set(), git_executable=fake)
    assert found.commit == introduced
    calls = log.read_text().split()
    assert calls.count("log") == 1 and calls.count("rev-list") == 2

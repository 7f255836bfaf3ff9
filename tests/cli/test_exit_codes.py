"""docs/exit-codes.md is the contract: each documented case, run through `main`, exits
with its code, and no code the CLI can produce is missing from the table."""

from __future__ import annotations

import ast
import importlib
import json
import os
import pkgutil
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import typer

import scaffolder
from scaffolder.errors import EXIT_CODES, ScaffoldError
from tests.cli.entry import exit_code
from tests.provision.project import OUTPUTS, make_project

REPO = Path(__file__).resolve().parents[2]
TABLE = REPO / "docs" / "exit-codes.md"
PROTOTYPE = REPO / "tests" / "fixtures" / "prototypes" / "flask-sqlite-login"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "app")
    (root / "outputs.json").write_text(json.dumps(OUTPUTS))
    return root


@pytest.fixture
def offline_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield


def _dirty_repo(root: Path) -> Path:
    root.mkdir()
    (root / "app.py").write_text("print('hi')\n")
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "first"], check=True)
    (root / "app.py").write_text("print('changed')\n")
    return root


def _app_raising(error: BaseException) -> typer.Typer:
    cli = typer.Typer()

    @cli.command()
    def fail() -> None:
        raise error

    @cli.command()
    def other() -> None:
        """Keeps `fail` a named subcommand."""

    return cli


Case = Callable[[Path, Path, pytest.MonkeyPatch], int]


def _case_success(tmp: Path, project: Path, mp: pytest.MonkeyPatch) -> int:
    return exit_code(["--version"])


def _case_check_failed(tmp: Path, project: Path, mp: pytest.MonkeyPatch) -> int:
    return exit_code(["audit", str(PROTOTYPE), "--no-history", "--fail-under", "100"])


def _case_unknown_option(tmp: Path, project: Path, mp: pytest.MonkeyPatch) -> int:
    return exit_code(["audit", "--no-such-option"])


def _case_unknown_environment(tmp: Path, project: Path, mp: pytest.MonkeyPatch) -> int:
    return exit_code(["plan", "qa", "-C", str(project)])


def _case_bad_variable_name(tmp: Path, project: Path, mp: pytest.MonkeyPatch) -> int:
    outputs = str(project / "outputs.json")
    argv = ["secrets", "set", "staging", "1-BAD", "-C", str(project), "--outputs", outputs]
    return exit_code(argv)


def _case_missing_path(tmp: Path, project: Path, mp: pytest.MonkeyPatch) -> int:
    return exit_code(["audit", str(tmp / "missing")])


def _case_not_a_project(tmp: Path, project: Path, mp: pytest.MonkeyPatch) -> int:
    return exit_code(["plan", "dev", "--project", str(tmp)])


def _case_malformed_spec(tmp: Path, project: Path, mp: pytest.MonkeyPatch) -> int:
    (project / "infra" / "Pulumi.dev.yaml").write_text("config: [unclosed\n")
    return exit_code(["plan", "dev", "-C", str(project)])


def _case_dirty_tree(tmp: Path, project: Path, mp: pytest.MonkeyPatch) -> int:
    return exit_code(["init", str(_dirty_repo(tmp / "repo")), "--defaults"])


def _case_missing_tool(tmp: Path, project: Path, mp: pytest.MonkeyPatch) -> int:
    (tmp / "empty-bin").mkdir()
    mp.setenv("PATH", str(tmp / "empty-bin"))
    mp.setenv("PULUMI_CONFIG_PASSPHRASE", "p")
    return exit_code(["up", "dev", "-C", str(project)])


def _case_unknown_profile(tmp: Path, project: Path, mp: pytest.MonkeyPatch) -> int:
    mp.setenv("AWS_CONFIG_FILE", str(tmp / "no-aws-config"))
    mp.setenv("AWS_PROFILE", "no-such-profile")
    outputs = str(project / "outputs.json")
    return exit_code(["status", "staging", "-C", str(project), "--outputs", outputs])


def _case_cloud_error(tmp: Path, project: Path, mp: pytest.MonkeyPatch) -> int:
    # An external database's dumps, and moto holds no bucket: S3 refuses the listing.
    external = {k: v for k, v in OUTPUTS.items() if k != "db_instance_identifier"}
    outputs = tmp / "external-outputs.json"
    outputs.write_text(json.dumps(external))
    argv = ["backup", "verify", "staging", "-C", str(project), "--outputs", str(outputs)]
    return exit_code(argv)


def _case_safety(tmp: Path, project: Path, mp: pytest.MonkeyPatch) -> int:
    return exit_code(["destroy", "prod", "--yes", "-C", str(project)])


def _case_unexpected(tmp: Path, project: Path, mp: pytest.MonkeyPatch) -> int:
    mp.setenv("XDG_STATE_HOME", str(tmp / "state"))
    return exit_code(["fail"], cli=_app_raising(LookupError("a bug")))


def _case_interrupted(tmp: Path, project: Path, mp: pytest.MonkeyPatch) -> int:
    return exit_code(["fail"], cli=_app_raising(KeyboardInterrupt()))


CASES: dict[str, tuple[int, Case]] = {
    "version": (0, _case_success),
    "audit under --fail-under": (1, _case_check_failed),
    "unknown option": (2, _case_unknown_option),
    "unknown environment": (2, _case_unknown_environment),
    "secrets set with an invalid name": (2, _case_bad_variable_name),
    "a path that does not exist": (3, _case_missing_path),
    "not a scaffold project": (3, _case_not_a_project),
    "malformed Pulumi.<env>.yaml": (3, _case_malformed_spec),
    "init on uncommitted changes": (4, _case_dirty_tree),
    "no Pulumi CLI": (5, _case_missing_tool),
    "unknown AWS_PROFILE": (6, _case_unknown_profile),
    "AWS fails an operation": (7, _case_cloud_error),
    "destroy prod without the flag": (8, _case_safety),
    "an unexpected error": (70, _case_unexpected),
    "Ctrl-C": (130, _case_interrupted),
}


@pytest.mark.usefixtures("offline_aws")
@pytest.mark.parametrize("name", list(CASES))
def test_each_documented_case_exits_with_its_code(
    name: str, tmp_path: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected, case = CASES[name]
    assert case(tmp_path, project, monkeypatch) == expected


def test_every_code_of_the_table_has_a_case() -> None:
    assert {code for code, _ in CASES.values()} == set(EXIT_CODES)


def _documented_codes() -> set[int]:
    rows = re.findall(r"^\|\s*(\d+)\s*\|", TABLE.read_text(encoding="utf-8"), re.MULTILINE)
    return {int(code) for code in rows}


def test_the_doc_table_and_exit_codes_agree() -> None:
    assert _documented_codes() == set(EXIT_CODES)


def _all_subclasses(cls: type[ScaffoldError]) -> Iterator[type[ScaffoldError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_exit_code_the_cli_can_produce_is_in_the_table() -> None:
    # Import every module, so every ScaffoldError subclass anywhere is registered.
    for module in pkgutil.walk_packages(scaffolder.__path__, "scaffolder."):
        importlib.import_module(module.name)
    codes = {ScaffoldError.exit_code} | {c.exit_code for c in _all_subclasses(ScaffoldError)}
    # Literal codes handed to sys.exit / typer.Exit anywhere in the package.
    for path in Path(scaffolder.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in {"exit", "Exit"}:
                codes |= {
                    a.value
                    for a in node.args
                    if isinstance(a, ast.Constant) and isinstance(a.value, int)
                }
    codes |= {2, 130}  # Typer: usage errors, and a KeyboardInterrupt inside a command
    assert codes <= set(EXIT_CODES), sorted(codes - set(EXIT_CODES))


def _scaffold_on_unreadable(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `scaffold *args` with `folder` made unreadable for the run, then readable again."""
    folder.chmod(0)
    command = [sys.executable, "-m", "scaffolder.cli.app", *args]
    if os.geteuid() == 0:  # root reads anything unless it gives up the capability to
        drop = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}", *command]
    try:
        return subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(sys.platform != "linux", reason="drops Linux capabilities as root")
def test_an_unreadable_path_exits_3_like_a_missing_one(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    done = _scaffold_on_unreadable(locked, "audit", str(locked))
    assert done.returncode == 3, done.stderr
    assert "Cannot read" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="drops Linux capabilities as root")
def test_init_on_an_unreadable_repository_exits_3_naming_the_path(tmp_path: Path) -> None:
    repo = tmp_path / "app"
    repo.mkdir()
    (repo / "package.json").write_text('{"name": "x", "dependencies": {"express": "4"}}')
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e.co"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e.co"}
    for argv in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "p"]):
        subprocess.run(["git", *argv], cwd=repo, env=env, check=True, capture_output=True)
    done = _scaffold_on_unreadable(repo, "init", str(repo), "--defaults")
    assert done.returncode == 3, done.stderr
    assert "Permission denied on" in done.stderr and str(repo) in done.stderr
    assert "unexpected error" not in done.stderr

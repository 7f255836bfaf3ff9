"""`scaffold smoke --ci`: each app's generated CI job, its steps run on the host.

The commands come from `.scaffold/context.json`, the typed context ci.yml was rendered
from (TemplateApp: ci_setup_command, ci_install_command, lint, test and build commands),
so what runs here is what GitHub runs. Each app runs in its own throw-away copy of what
a checkout holds (git's tracked and untracked-but-not-ignored files: your uncommitted
changes, never node_modules or an ignored .env), with a clean environment (no variable
of yours but PATH, HOME, locale and network settings: CI has no secrets either), each
step bounded in time. The outcome is recorded in `.scaffold/ci-run.json` for the audit
and init to read (docs/smoke.md, "CI steps on the host").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from scaffolder.errors import InputError
from scaffolder.git import users_repository
from scaffolder.models import (
    CI_RUN_FILE,
    CiAppOutcome,
    CiRunRecord,
    CiStepOutcome,
    Language,
    TemplateApp,
)
from scaffolder.redact import redact_text
from scaffolder.smoke.host import CommandRun, first_error, run_command
from scaffolder.smoke.plan import read_context

# What a step may inherit from the caller's environment: the tools' locations and the
# network's settings; never a token, a key or a database URL.
_KEPT = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR")
_KEPT_PREFIXES = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy")
_KEPT_CA = ("SSL_CERT_FILE", "SSL_CERT_DIR", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE")
_KEPT_INDEX = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "UV_INDEX_URL")
_IGNORED = ("node_modules", ".venv", "venv", "__pycache__", ".git", ".next", "tmp")
BASH = ("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c")  # GitHub's `run:` shell
# Steps the later ones need: when one fails, the app's other steps are skipped.
_PREREQUISITES = ("setup", "install")


@dataclass(frozen=True)
class CiCommand:
    name: str  # setup, install, lint, test, build
    command: str


@dataclass(frozen=True)
class CiAppPlan:
    app: str
    root: str
    language: Language
    runtime: str  # the exact version CI sets up ("20.18.1", "3.12.8")
    steps: tuple[CiCommand, ...]


@dataclass(frozen=True)
class CiOptions:
    step_timeout_s: float = 600.0


@dataclass(frozen=True)
class CiDeps:
    run: Callable[..., CommandRun] = run_command
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    progress: Callable[[str], None] = field(default=lambda _message: None)


def _steps(app: TemplateApp) -> tuple[CiCommand, ...]:
    named = [
        ("setup", app.ci_setup_command),
        ("install", app.ci_install_command),
        ("lint", app.lint_command),
        ("test", app.test_command),
        ("build", app.build_command),
    ]
    return tuple(CiCommand(name, command) for name, command in named if command)


def plan_ci(root: Path) -> list[CiAppPlan]:
    """Each app's CI steps, from the context ci.yml was rendered from (InputError when the
    project was not initialised, or by a scaffold too old to record them)."""
    ctx = read_context(root, "so there is no generated CI job to run")
    plans: list[CiAppPlan] = []
    for raw in ctx["apps"]:
        try:
            app = TemplateApp.model_validate(raw)
        except ValidationError as exc:
            raise _old_context(root) from exc
        if not app.ci_install_command:
            raise _old_context(root)
        plans.append(CiAppPlan(app.name, app.root, app.language, app.runtime_exact, _steps(app)))
    return plans


def _old_context(root: Path) -> InputError:
    return InputError(
        f"{root / '.scaffold/context.json'} was written by another scaffold version and does "
        "not hold the CI job's commands.",
        hint=f"Run `scaffold init {root}` with this version first, then run this again.",
    )


def clean_env(tmp: Path) -> dict[str, str]:
    """The caller's tool and network settings only, plus CI's own and private prefixes."""
    keep = (*_KEPT, *_KEPT_PREFIXES, *_KEPT_CA, *_KEPT_INDEX)
    env = {k: v for k, v in os.environ.items() if k in keep or k.startswith("npm_config_")}
    prefix = tmp / "prefix"
    (prefix / "bin").mkdir(parents=True, exist_ok=True)
    return env | {
        "PATH": f"{prefix / 'bin'}:{env.get('PATH', '/usr/local/bin:/usr/bin:/bin')}",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        # Wide enough that a test runner's one-line summary is not cut (pytest fits its
        # short summary to the terminal's width): only the output's layout changes.
        "COLUMNS": "300",
        # Global installs (`npm install --global pnpm@9`) land in the copy's own prefix.
        "npm_config_prefix": str(prefix),
        "npm_config_update_notifier": "false",
        "COREPACK_HOME": str(tmp / "corepack"),
        "COREPACK_ENABLE_DOWNLOAD_PROMPT": "0",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }


def _git(root: Path, *args: str) -> tuple[int, str]:
    policy = users_repository(trust_any_owner=True)
    try:
        proc = subprocess.run(
            [*policy.argv(), *args],
            cwd=root,
            env=policy.env(),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return 127, ""
    return proc.returncode, proc.stdout


def checkout_files(root: Path) -> list[str] | None:
    """What a checkout with your uncommitted changes holds; None outside git."""
    code, out = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    if code != 0:
        return None
    return [p for p in out.split("\0") if p and not p.startswith(".scaffold/tmp/")]


def copy_checkout(root: Path, target: Path, files: list[str] | None) -> None:
    """Copy `files` (or, outside git, the folder minus dependencies and caches)."""
    if files is None:
        shutil.copytree(root, target, symlinks=True, ignore=shutil.ignore_patterns(*_IGNORED))
        return
    target.mkdir(parents=True)
    for rel in files:
        source, dest = root / rel, target / rel
        if not source.is_symlink() and not source.is_file():
            continue  # deleted since, or a submodule
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            dest.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, dest)


def _host_command(step: CiCommand, language: Language) -> str:
    """GitHub's runner has pipx; here the tool goes into the job's virtualenv instead."""
    if step.name == "setup" and language is Language.PYTHON:
        return step.command.replace("pipx install ", "python -m pip install -q ", 1)
    return step.command


def _python_candidates(runtime: str) -> list[str]:
    """The host's python<major.minor> when it has the version CI sets up, then scaffold's."""
    minor = ".".join(runtime.split(".")[:2])
    found = shutil.which(f"python{minor}") if minor else None
    return [found, sys.executable] if found else [sys.executable]


def _setup_python(plan: CiAppPlan, tmp: Path, env: dict[str, str], deps: CiDeps) -> CommandRun:
    """actions/setup-python: a fresh virtualenv first on the PATH. A version manager's shim
    may be on the PATH without that version behind it: then scaffold's own Python."""
    venv = tmp / "python"
    made = CommandRun(None, "no Python", 0.0)
    for python in _python_candidates(plan.runtime):
        made = deps.run([python, "-m", "venv", "--clear", str(venv)], tmp, env, timeout=300)
        if made.exit_code == 0:
            break
    env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"
    env["VIRTUAL_ENV"] = str(venv)
    return made


def _outcome(step: CiCommand, run: CommandRun) -> CiStepOutcome:
    error = "" if run.exit_code == 0 else redact_text(first_error(run.output))
    if run.exit_code is None and not error:
        error = "did not finish"
    return CiStepOutcome(
        name=step.name,  # type: ignore[arg-type]  # one of CiStepName (_steps)
        command=step.command,
        exit_code=run.exit_code,
        passed=run.exit_code == 0,
        first_error=error,
        seconds=round(run.seconds, 1),
    )


def _run_app(  # noqa: PLR0917
    root: Path,
    plan: CiAppPlan,
    files: list[str] | None,
    work: Path,
    options: CiOptions,
    deps: CiDeps,
) -> CiAppOutcome:
    outcome = CiAppOutcome(plan.app, plan.root)
    checkout = work / "checkout"
    copy_checkout(root, checkout, files)
    env = clean_env(work)
    if plan.language is Language.PYTHON:
        made = _setup_python(plan, work, env, deps)
        if made.exit_code != 0:
            failed = CiCommand("setup", "python -m venv (actions/setup-python)")
            outcome.steps.append(_outcome(failed, made))
            outcome.skipped = [s.name for s in plan.steps]
            return outcome
    cwd = checkout / plan.root
    stopped = False
    for step in plan.steps:
        if stopped:
            outcome.skipped.append(step.name)
            continue
        deps.progress(f"{plan.app}: {step.name}: {step.command}")
        argv = [*BASH, _host_command(step, plan.language)]
        result = _outcome(step, deps.run(argv, cwd, env, timeout=options.step_timeout_s))
        outcome.steps.append(result)
        # GitHub stops the job at a failed setup or install; a failed lint or test does not
        # stop this run: the build's outcome is worth knowing too.
        stopped = not result.passed and step.name in _PREREQUISITES
    return outcome


def _commit(root: Path) -> tuple[str | None, bool]:
    code, head = _git(root, "rev-parse", "--verify", "-q", "HEAD")
    if code != 0 or not head.strip():
        return None, False
    _, status = _git(root, "status", "--porcelain", "--untracked-files=normal", "--", ".",
                     f":(exclude){CI_RUN_FILE}")  # fmt: skip
    return head.strip(), bool(status.strip())


def run_ci(
    root: Path, plans: list[CiAppPlan], options: CiOptions, deps: CiDeps, version: str
) -> CiRunRecord:
    """Run every app's steps in throw-away copies; the copies are removed in a `finally`."""
    commit, dirty = _commit(root)
    started = deps.now()
    files = checkout_files(root)
    record = CiRunRecord(
        scaffold_version=version,
        commit=commit,
        dirty=dirty,
        started_at=started.isoformat(timespec="seconds"),
        finished_at="",
        step_timeout_s=options.step_timeout_s,
    )
    work = Path(tempfile.mkdtemp(prefix="scaffold-ci-"))
    try:
        for index, plan in enumerate(plans):
            app_work = work / str(index)
            app_work.mkdir()
            record.apps.append(_run_app(root, plan, files, app_work, options, deps))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    record.finished_at = deps.now().isoformat(timespec="seconds")
    return record


def write_record(root: Path, record: CiRunRecord) -> Path:
    """Write `.scaffold/ci-run.json` (replaced whole, never half-written)."""
    path = root / CI_RUN_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".json.{os.getpid()}.{time.monotonic_ns()}")
        partial.write_text(record.to_json(), encoding="utf-8")
        partial.replace(path)
    except OSError as exc:
        raise InputError(
            f"Cannot write {path}: {exc.strerror or exc}.",
            hint="Run it where the project folder is writable.",
        ) from exc
    return path

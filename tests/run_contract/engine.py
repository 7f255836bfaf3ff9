"""The run contract of one repository: `scaffold init`, then each app run on the host as
its generated image runs it (install, build, prune; migrate; ENTRYPOINT + CMD with the
ECS task's environment; the health path) and as its CI job runs it (ci.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from scaffolder.smoke.plan import env_example_names, plan_smoke
from scaffolder.smoke.run import dummy_value
from tests.run_contract import dockerfile as df
from tests.run_contract.ci import run_ci
from tests.run_contract.models import AppRun, ContractResult, Step
from tests.run_contract.runner import kill_group, machine_lock, run_step, without_pip_cache_flag
from tests.run_contract.tls_pg import ScratchPostgres, scratch_postgres

SCAFFOLD = Path(sys.executable).parent / "scaffold"
_COPY_IGNORE = shutil.ignore_patterns("node_modules", ".venv", "__pycache__")
# The host's own settings an app run must not inherit (the task sets its own).
_HOST_ONLY = {"NODE_ENV", "PORT", "HOST", "DATABASE_URL", "VIRTUAL_ENV", "PYTHONPATH"}
_TASK_NAMES = {"HOST", "NODE_ENV", "PORT", "DATABASE_URL", "PGSSLMODE"}


def base_env(tmp: Path) -> dict[str, str]:
    """The host's PATH behind a private prefix for global installs (pnpm, yarn, uv)."""
    prefix = tmp / "root/usr/local"
    (prefix / "bin").mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in _HOST_ONLY}
    env |= {
        "PATH": f"{prefix / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}",
        "npm_config_prefix": str(prefix),
        "npm_config_update_notifier": "false",
        "npm_config_fund": "false",
        "npm_config_audit": "false",
        # One npm cache serves every fixture of the run: cached metadata is used without
        # asking the registry again (what is missing is still fetched).
        "npm_config_prefer_offline": "true",
        "COREPACK_HOME": str(tmp / "corepack"),
        "COREPACK_ENABLE_DOWNLOAD_PROMPT": "0",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    return env


def provide_bundled_tools(app: dict[str, Any], env: dict[str, str], cwd: Path) -> None:
    """Node's images (and GitHub's runners) ship yarn 1; a host may not: put it in the
    private prefix, as the image would have it."""
    toolchain = app.get("toolchain") or {}
    yarn = toolchain.get("package_manager") == "yarn" and not toolchain.get("setup_command")
    if yarn and shutil.which("yarn", path=env["PATH"]) is None:
        npm = ["npm", "install", "--global", "yarn@1.22.22"]
        subprocess.run(npm, cwd=cwd, env=env, check=True, capture_output=True, timeout=300)


def task_env(repo: Path, port: int, db: ScratchPostgres | None) -> dict[str, str]:
    """What the ECS task gets: .env.example names as dummies, HOST, NODE_ENV, PORT, DB_*."""
    env = {n: dummy_value(n) for n in env_example_names(repo) if n not in _TASK_NAMES}
    env |= {"HOST": "0.0.0.0", "NODE_ENV": "production", "PORT": str(port)}
    return env | (db.db_env() if db else {})


def without_host_ca(env: dict[str, str]) -> dict[str, str]:
    """ECS sets no NODE_EXTRA_CA_CERTS: the entrypoint points it at the bundle (which
    holds the host's CAs too, so npx can still download what it needs)."""
    return {k: v for k, v in env.items() if k != "NODE_EXTRA_CA_CERTS"}


def run_contract(
    repo: Path, work: Path, *, ci: bool = True, health_timeout: float = 90
) -> ContractResult:
    """Init `repo` in place, then run every app from temp copies under `work`."""
    started = time.monotonic()
    init = subprocess.run(
        [str(SCAFFOLD), "init", str(repo), "--defaults"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    error = init.stderr.strip().splitlines()[-1:] if init.returncode else []
    result = ContractResult(str(repo), init.returncode, "".join(error)[:300])
    if init.returncode != 0:
        return result
    ctx: dict[str, Any] = json.loads((repo / ".scaffold/context.json").read_text())["ctx"]
    plan = plan_smoke(repo)
    result.database = plan.database
    migrate = {a.name: a for a in plan.apps}
    with contextlib.ExitStack() as stack:
        db = None
        if plan.database == "rds" and plan.apps:
            db = stack.enter_context(scratch_postgres())
        for index, app in enumerate(ctx["apps"]):
            run = AppRun(str(app["name"]), str(app["shape"]), str(app["language"]))
            result.apps.append(run)
            tmp = work / f"{index}-image"
            smoke = migrate.get(run.app)
            if app["shape"] == "static":
                _static(repo, app, tmp, run)
            elif app["shape"] == "server" and smoke is not None:
                # deploy.yml runs the migration task only when there is a database to
                # migrate (a SQLite app keeps its file: nothing runs before traffic).
                command = smoke.migrate_command if plan.database != "none" else None
                _server(repo, app, tmp, run, db, command, health_timeout)
            if ci:
                run.steps += run_ci(repo, app, work / f"{index}-ci", db)
    result.seconds = time.monotonic() - started
    return result


def _copy(repo: Path, context: str, tmp: Path) -> Path:
    target = tmp / "ctx"
    shutil.copytree(repo / context, target, symlinks=True, ignore=_COPY_IGNORE)
    return target


def _static(repo: Path, app: dict[str, Any], tmp: Path, run: AppRun) -> None:
    """Install and build as deploy does; the output folder must hold an index.html."""
    # A checkout, as deploy builds it: a workspace member needs the root's lockfile.
    ctx = _copy(repo, ".", tmp) / str(app["root"])
    env = base_env(tmp) | {"CI": "true"}
    provide_bundled_tools(app, env, tmp)
    toolchain = app.get("toolchain") or {}
    commands = [("setup", toolchain.get("setup_command"))]
    commands += [("install", app.get("install_command")), ("build", app.get("build_command"))]
    for name, command in commands:
        if command:
            run.steps.append(run_step("image", name, ["sh", "-c", command], ctx, env))
            if not run.steps[-1].passed:
                return
    out = ctx / str(app.get("build_output_dir") or "dist")
    run.output_index = (out / "index.html").is_file()
    run.steps.append(
        Step("output", str(app.get("build_output_dir")), f"test -f {out.name}/index.html",
             0 if run.output_index else 1, 0.0, "" if run.output_index else "no index.html")
    )  # fmt: skip


def _server(  # noqa: PLR0917
    repo: Path,
    app: dict[str, Any],
    tmp: Path,
    run: AppRun,
    db: ScratchPostgres | None,
    migrate_command: str | None,
    health_timeout: float,
) -> None:
    stages = df.parse((repo / str(app["dockerfile_path"])).read_text())
    names = [s.name for s in stages]
    target = "runtime" if "runtime" in names else names[-1]
    context = str(app.get("build_context") or app["root"])
    ctx = _copy(repo, context, tmp)
    fs = df.HostFs(ctx, tmp / "root")
    if app["language"] == "python":
        venv = fs.path("/opt/venv")  # the image's venv, made fresh by its first RUN
        venv.parent.mkdir(parents=True, exist_ok=True)
    env = base_env(tmp)
    provide_bundled_tools(app, env, tmp)
    if not _replay(df.replay(stages, target), fs, env, run, "image"):
        return
    plan = df.replay(stages, target)
    _copy_files(plan, fs)
    runtime = {k: fs.command(df.expand(v, env)) for k, v in plan.env.items()}
    task = without_host_ca(env | runtime | task_env(repo, int(app["port"]), db))
    cwd = fs.path(plan.workdir)
    if migrate_command:
        mig_fs, mig_env, mig_dir = fs, task, plan.workdir  # the task runs in the WORKDIR
        if app.get("migrate_target"):
            mig_fs = df.HostFs(_copy(repo, context, tmp / "migrate"), tmp / "migrate/root")
            mig = df.replay(stages, "migrate")
            mig_dir = mig.workdir
            mig_env = base_env(tmp / "migrate")
            if not _replay(mig, mig_fs, mig_env, run, "migrate"):
                return
            mig_env |= {k: mig_fs.command(df.expand(v, mig_env)) for k, v in mig.env.items()}
            mig_env = without_host_ca(mig_env | task_env(repo, int(app["port"]), db))
        entry = _entrypoint(plan.argv, fs)
        argv = [*entry, "sh", "-c", migrate_command]
        run.steps.append(
            run_step(
                "migrate", "migrate", argv, mig_fs.path(mig_dir), mig_env, shown=migrate_command
            )
        )
        if not run.steps[-1].passed:
            return
    with machine_lock(f"port-{app['port']}"):
        _start(run, [fs.command(a) for a in plan.argv], cwd, task, int(app["port"]),
               str(app.get("health_path") or "/healthz"), health_timeout)  # fmt: skip


def _entrypoint(argv: list[str], fs: df.HostFs) -> list[str]:
    """The image's ENTRYPOINT part (the generated script) before a command."""
    for i, arg in enumerate(argv):
        if arg.endswith("scaffold-entrypoint.sh"):
            return [fs.command(a) for a in argv[: i + 1]]
    return []


def _replay(plan: df.Replay, fs: df.HostFs, env: dict[str, str], run: AppRun, phase: str) -> bool:
    for number, (workdir, command, stage_env) in enumerate(plan.steps, 1):
        if df.SKIPPED_RUN.search(command):
            continue
        cwd = fs.path(workdir)
        cwd.mkdir(parents=True, exist_ok=True)
        step_env = env | {k: fs.command(df.expand(v, env)) for k, v in stage_env.items()}
        host = fs.command(
            without_pip_cache_flag(command).replace(
                "corepack enable", f"corepack enable --install-directory {fs.root}/usr/local/bin"
            )
        )
        step = run_step(phase, f"RUN {number}", ["sh", "-c", host], cwd, step_env, shown=command)
        run.steps.append(step)
        if not step.passed:
            return False
    return True


def _copy_files(plan: df.Replay, fs: df.HostFs) -> None:
    """The runtime stage's COPY lines whose source and target differ on the host."""
    for stage, src, dest, workdir in plan.copies:
        source = fs.path(src) if stage else fs.app_dir / src
        target = fs.path(dest, workdir)
        if src in (".", "./") or not source.exists() or source.resolve() == target.resolve():
            continue
        if source.is_dir():
            shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target if not dest.endswith("/") else target / source.name)


def _start(  # noqa: PLR0917
    run: AppRun,
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    port: int,
    path: str,
    timeout: float,
) -> None:
    started = time.monotonic()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, text=True, errors="replace", start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}{path}"
    try:
        status, error = _poll(proc, url, timeout)
    finally:
        kill_group(proc)
    output = proc.stdout.read() if proc.stdout else ""
    code = proc.returncode if status is None else 0
    from tests.run_contract.runner import first_error

    start = Step("start", "start", " ".join(argv), code, time.monotonic() - started,
                 "" if status else (error or first_error(output)))  # fmt: skip
    run.steps.append(start)
    run.health_status = status
    ok = status == 200
    run.steps.append(
        Step("health", path, f"GET {url}", 0 if ok else 1, 0.0, "" if ok else f"status {status}")
    )


def _poll(proc: subprocess.Popen[str], url: str, timeout: float) -> tuple[int | None, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None, ""
        try:
            with urllib.request.urlopen(url, timeout=3) as answer:
                return int(answer.status), ""
        except urllib.error.HTTPError as err:
            if err.code < 500 or time.monotonic() > deadline - 5:
                return int(err.code), f"HTTP {err.code}"
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    return None, f"no answer at {url} within {timeout:.0f}s"

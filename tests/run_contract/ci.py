"""The generated CI job of one app, its `run:` steps replayed on the host in a fresh copy.

actions/setup-python is a fresh virtualenv first on PATH; setup-node is the host's Node;
global installs (`npm install --global pnpm@...`) go to a private prefix. The image build
step (`docker build`) is skipped: the image run replays it. A step the workflow lets fail
(`continue-on-error`, lint by design) is recorded, never blocking.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import yaml

from tests.run_contract.models import Step
from tests.run_contract.runner import machine_lock, run_step, without_pip_cache_flag
from tests.run_contract.tls_pg import ScratchPostgres

_EXPR = re.compile(r"\$\{\{[^}]*\}\}")
_KINDS = ("install", "lint", "test", "build", "set up", "type")


def _job(workflow: dict[str, Any], app: str) -> dict[str, Any] | None:
    for job in (workflow.get("jobs") or {}).values():
        if isinstance(job, dict) and str(job.get("name", "")).startswith(f"{app}:"):
            return job
    return None


def _kind(step: dict[str, Any]) -> str:
    name = str(step.get("name") or step.get("run", "")).lower()
    return next((k for k in _KINDS if k in name), name[:40]).replace("set up", "setup")


def _env(values: Any) -> dict[str, str]:
    if not isinstance(values, dict):
        return {}
    return {str(k): _EXPR.sub("dummy", str(v)) for k, v in values.items()}


def _workflow(path: Path) -> dict[str, Any]:
    """A workflow's YAML; {} for the repository's own file that does not parse."""
    try:
        loaded = yaml.safe_load(path.read_text())
    except yaml.YAMLError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def run_ci(repo: Path, app: dict[str, Any], tmp: Path, db: ScratchPostgres | None) -> list[Step]:
    from tests.run_contract.engine import base_env, provide_bundled_tools

    # scaffold writes ci.yml, or another name when the repository has its own ci.yml.
    workflows = sorted((repo / ".github/workflows").glob("*.y*ml"))
    jobs = (_job(_workflow(p), str(app["name"])) for p in workflows)
    job = next((j for j in jobs if j is not None), None)
    if job is None:
        return [Step("ci", "job", f"{app['name']}: ...", 1, 0.0, "no CI job for the app")]
    checkout = tmp / "checkout"
    shutil.copytree(repo, checkout, symlinks=True, ignore=shutil.ignore_patterns("node_modules"))
    env = base_env(tmp) | {"CI": "true", "GITHUB_ACTIONS": "true"} | _env(job.get("env"))
    env["GITHUB_STEP_SUMMARY"] = str(tmp / "step-summary.md")
    provide_bundled_tools(app, env, tmp)
    if db and "DATABASE_URL" in env:
        env["DATABASE_URL"] = f"postgresql://postgres:{db.password}@localhost:{db.port}/app"
    default_dir = ((job.get("defaults") or {}).get("run") or {}).get("working-directory", ".")
    steps: list[Step] = []
    for step in job.get("steps") or []:
        uses = str(step.get("uses", ""))
        if uses.startswith("actions/setup-python"):
            venv = tmp / "python"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
            env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"
            env["VIRTUAL_ENV"] = str(venv)
        command = step.get("run")
        if not isinstance(command, str) or "docker build" in command or "if" in step:
            continue  # the image is replayed apart; conditional steps report on others
        command = without_pip_cache_flag(
            command.replace("pipx install", "python -m pip install -q")
        )
        cwd = checkout / str(step.get("working-directory") or default_dir)
        blocking = not step.get("continue-on-error") and _kind(step) != "lint"
        # A test may start the app on its fixed port: one fixture at a time per port.
        lock: AbstractContextManager[None] = (
            machine_lock(f"port-{app.get('port')}") if _kind(step) == "test" else nullcontext()
        )
        with lock:
            steps.append(
                run_step("ci", _kind(step), ["bash", "-e", "-c", command], cwd,
                         env | _env(step.get("env")), blocking=blocking, shown=command.strip())
            )  # fmt: skip
        if steps[-1].blocking and not steps[-1].passed:
            break  # GitHub stops the job at a failing step
    return steps

"""One image, built once with public placeholders, started as two environments' tasks.

Shared by the Next.js and the Vite proofs (test_next_public_env.py, test_vite_public_env.py):
a repository is initialized, its generated Dockerfile's build replayed on the host once
(with whatever the Dockerfile gives it: the placeholders), and the runtime image assembled
from its COPY lines once per environment, as ECS starts one image with two task definitions.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

from tests.run_contract import dockerfile as df
from tests.run_contract.engine import SCAFFOLD, _copy, _poll, _replay, base_env
from tests.run_contract.models import AppRun
from tests.run_contract.runner import kill_group, machine_lock

_SCRIPT = re.compile(r'<script[^>]*\ssrc="(/[^"]+\.js)"')


class Built:
    def __init__(self, app: dict[str, Any], plan: df.Replay, fs: df.HostFs) -> None:
        self.app, self.plan, self.fs = app, plan, fs


def init_and_build(repo: Path, build: Path, public_names: list[str]) -> Built:
    """`scaffold init` on `repo`, then its one app's image build replayed in `build`."""
    init = subprocess.run(
        [str(SCAFFOLD), "init", str(repo), "--defaults"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr[-2000:]
    ctx = json.loads((repo / ".scaffold/context.json").read_text())["ctx"]
    assert sorted(ctx["public_env_placeholders"]) == sorted(public_names)
    (app,) = ctx["apps"]
    stages = df.parse((repo / app["dockerfile_path"]).read_text())
    plan = df.replay(stages, "runtime")
    fs = df.HostFs(_copy(repo, ".", build), build / "root")
    run = AppRun(app["name"], app["shape"], app["language"])
    assert _replay(plan, fs, base_env(build), run, "image"), run.steps[-1]
    return Built(app, plan, fs)


def image(built: Built, dest: Path) -> df.HostFs:
    """The runtime stage's files, from its COPY lines, in a folder of their own."""
    made = df.HostFs(dest / "app", dest / "root")
    made.app_dir.mkdir(parents=True)
    for stage, src, target, workdir in built.plan.copies:
        source = built.fs.path(src) if stage else built.fs.app_dir / src
        to = made.path(target, workdir)
        if source.is_dir():
            shutil.copytree(source, to, symlinks=True, dirs_exist_ok=True)
        else:
            to = to / source.name if target.endswith("/") else to
            to.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, to)
    return made


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return str(answer.read().decode())


def task_argv(built: Built, made: df.HostFs, values: dict[str, str], tmp: Path) -> dict[str, Any]:
    """Popen arguments of the image started as ECS does (ENTRYPOINT + CMD) with `values`;
    on a free port, unless the server listens on a hard-coded one (Replit's 5000)."""
    port = int(built.app["port"]) if built.app.get("hard_coded_port_in") else free_port()
    runtime = {k: made.command(v) for k, v in built.plan.env.items()}
    env = base_env(tmp) | runtime | {"PORT": str(port), "HOSTNAME": "127.0.0.1"} | values
    argv = [made.command(a) for a in built.plan.argv]
    return {"args": argv, "cwd": made.path(built.plan.workdir), "env": env, "port": port}


def serve(built: Built, made: df.HostFs, values: dict[str, str], tmp: Path) -> str:
    """Start the image with `values`; the HTML of / and the scripts it loads."""
    task = task_argv(built, made, values, tmp)
    port = task.pop("port")
    with machine_lock(f"port-{port}"):
        proc = subprocess.Popen(
            **task, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            status, error = _poll(proc, base + str(built.app["health_path"]), 90)
            assert status == 200, error
            html = _get(base + "/")
            scripts = _SCRIPT.findall(html)
            assert scripts, html[:500]
            return html + "".join(_get(base + src) for src in scripts)
        finally:
            kill_group(proc)
            output = proc.stdout.read() if proc.stdout else ""
            for value in values.values():
                assert value not in output  # the entrypoint names the variables, never a value


def refused(built: Built, made: df.HostFs, values: dict[str, str], tmp: Path) -> list[str]:
    """Start the image with `values`, expecting it to stop: its stderr lines."""
    task = task_argv(built, made, values, tmp)
    task.pop("port")
    proc = subprocess.run(**task, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1, proc.stdout[-500:]
    return proc.stderr.strip().splitlines()


def no_value_line(name: str) -> str:
    """What the entrypoint says, alone, when the task has no value for `name`."""
    return (
        f"scaffold-entrypoint: {name} has no value in this task's environment: set it as a "
        "variable of this environment's GitHub environment and deploy again "
        "(docs/RUNBOOK.md); the app would serve the build's placeholders"
    )

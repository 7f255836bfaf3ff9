"""One Next.js image, two environments, each serving its own NEXT_PUBLIC_* values.

The fixture tests/fixtures/next-public-env (a Supabase project per environment) is
initialized, its generated Dockerfile's build replayed on the host once (a real `next
build`, with whatever the Dockerfile gives it: the placeholders), and the runtime image
assembled from its COPY lines twice, as ECS starts one image with two task definitions:
ENTRYPOINT + CMD with staging's values, then prod's. Each must serve its own values in
the server-rendered HTML and the browser's JavaScript, and no placeholder.
Opt-in with the run contract (SCAFFOLD_RUN_CONTRACT=1): it installs and builds Next.js.
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

import pytest

from tests.run_contract import dockerfile as df
from tests.run_contract.engine import SCAFFOLD, _copy, _poll, _replay, base_env
from tests.run_contract.models import AppRun
from tests.run_contract.runner import kill_group
from tests.support.prototypes import BASE_DATE, git_env

pytestmark = [pytest.mark.run_contract, pytest.mark.slow]

FIXTURE = Path(__file__).parents[1] / "fixtures" / "next-public-env"
ENVIRONMENTS = {
    "staging": {
        "NEXT_PUBLIC_SUPABASE_URL": "https://stagingref.supabase.co",
        "NEXT_PUBLIC_SUPABASE_ANON_KEY": "eyJhbGciOiJIUzI1NiJ9.staging.c2lnbg",
    },
    "prod": {
        "NEXT_PUBLIC_SUPABASE_URL": "https://prodref.supabase.co",
        "NEXT_PUBLIC_SUPABASE_ANON_KEY": "eyJhbGciOiJIUzI1NiJ9.prod.c2lnbg",
    },
}


class Built:
    def __init__(self, app: dict[str, Any], plan: df.Replay, fs: df.HostFs) -> None:
        self.app, self.plan, self.fs = app, plan, fs


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    tmp = tmp_path_factory.mktemp("next-public-env")
    repo = tmp / "repo"
    shutil.copytree(FIXTURE, repo)
    (repo / "gitignore.fixture").rename(repo / ".gitignore")
    env = git_env(BASE_DATE)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "app"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    init = subprocess.run(
        [str(SCAFFOLD), "init", str(repo), "--defaults"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr[-2000:]
    ctx = json.loads((repo / ".scaffold/context.json").read_text())["ctx"]
    assert sorted(ctx["public_env_placeholders"]) == sorted(ENVIRONMENTS["prod"])
    (app,) = ctx["apps"]
    stages = df.parse((repo / app["dockerfile_path"]).read_text())
    plan = df.replay(stages, "runtime")
    fs = df.HostFs(_copy(repo, ".", tmp / "build"), tmp / "build" / "root")
    run = AppRun(app["name"], app["shape"], app["language"])
    assert _replay(plan, fs, base_env(tmp / "build"), run, "image"), run.steps[-1]
    # The build used placeholders: the browser's JavaScript holds them, no environment's value.
    chunks = "".join(p.read_text() for p in fs.path("/app/.next/static").rglob("*.js"))
    assert "scaffold-public-" in chunks
    assert not any(v in chunks for values in ENVIRONMENTS.values() for v in values.values())
    return Built(app, plan, fs)


def _image(built: Built, dest: Path) -> df.HostFs:
    """The runtime stage's files, from its COPY lines, in a folder of their own."""
    image = df.HostFs(dest / "app", dest / "root")
    image.app_dir.mkdir(parents=True)
    for stage, src, target, workdir in built.plan.copies:
        source = built.fs.path(src) if stage else built.fs.app_dir / src
        to = image.path(target, workdir)
        if source.is_dir():
            shutil.copytree(source, to, symlinks=True, dirs_exist_ok=True)
        else:
            to = to / source.name if target.endswith("/") else to
            to.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, to)
    return image


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return str(answer.read().decode())


def _serve(built: Built, image: df.HostFs, values: dict[str, str], tmp: Path) -> str:
    """Start the image as ECS does (ENTRYPOINT + CMD); the HTML of / and its scripts."""
    port = _free_port()
    runtime = {k: image.command(v) for k, v in built.plan.env.items()}
    env = base_env(tmp) | runtime | {"PORT": str(port), "HOSTNAME": "127.0.0.1"} | values
    proc = subprocess.Popen(
        [image.command(a) for a in built.plan.argv], cwd=image.path(built.plan.workdir),
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        status, error = _poll(proc, base + str(built.app["health_path"]), 90)
        assert status == 200, error
        html = _get(base + "/")
        scripts = re.findall(r'<script src="(/_next/static/[^"]+\.js)"', html)
        assert scripts
        return html + "".join(_get(base + src) for src in scripts)
    finally:
        kill_group(proc)
        output = proc.stdout.read() if proc.stdout else ""
        for value in values.values():
            assert value not in output  # the entrypoint names the variables, never a value


def test_one_image_serves_each_environments_own_public_values(built: Built, tmp_path: Path) -> None:
    for name, values in ENVIRONMENTS.items():
        image = _image(built, tmp_path / name)
        served = _serve(built, image, values, tmp_path / name)
        url, key = values["NEXT_PUBLIC_SUPABASE_URL"], values["NEXT_PUBLIC_SUPABASE_ANON_KEY"]
        assert f"server:{url}/rest/v1|{key}" in served  # rendered at build, in the HTML
        assert f"prerender:{url}|{key}" in served  # the browser component's prerender
        assert f'"{key}"' in served  # compiled into the browser's chunk
        assert "scaffold-public-" not in served
        others = [v for n, vs in ENVIRONMENTS.items() if n != name for v in vs.values()]
        assert not any(other in served for other in others)


def test_a_task_without_a_value_does_not_start(built: Built, tmp_path: Path) -> None:
    image = _image(built, tmp_path / "image")
    values = {"NEXT_PUBLIC_SUPABASE_URL": ENVIRONMENTS["prod"]["NEXT_PUBLIC_SUPABASE_URL"]}
    runtime = {k: image.command(v) for k, v in built.plan.env.items()}
    proc = subprocess.run(
        [image.command(a) for a in built.plan.argv], cwd=image.path(built.plan.workdir),
        env=base_env(tmp_path) | runtime | {"PORT": str(_free_port())} | values,
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "scaffold-entrypoint: NEXT_PUBLIC_SUPABASE_ANON_KEY has no value in this task's "
        "environment: set it as a variable of this environment's GitHub environment and "
        "deploy again (docs/RUNBOOK.md); the app would serve the build's placeholders"
    ]

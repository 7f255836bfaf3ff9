"""The django-startproject fixture, run the way its generated image runs it.

`scaffold init`, then on the host: the Dockerfile's install, its build steps
(`collectstatic` only when it has one), and its CMD with the environment the ECS
task gets. The load balancer's health check carries the task's private IP as Host,
which a startproject's ALLOWED_HOSTS rejects: the health path must still answer 200.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.render.run_init import scaffold_init
from tests.support.prototypes import materialize

pytestmark = pytest.mark.slow
ALB_HOST = "10.0.1.23"  # the load balancer's health check sends the target's IP as Host


def _venv(tmp: Path, repo: Path, dockerfile: str) -> Path:
    """A virtualenv holding what the image's build stage installs; skip if pip cannot."""
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pins = re.findall(r"pip install --no-cache-dir (gunicorn==[\w.]+)", dockerfile)
    proc = subprocess.run(
        [str(venv / "bin/pip"), "install", "-q", "-r", "requirements.txt", *pins],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        pytest.skip(f"pip cannot install the fixture's requirements: {proc.stderr[-300:]}")
    return venv


def _task_env(repo: Path, venv: Path, port: int) -> dict[str, str]:
    """PORT, and every name of .env.example set to a dummy, as ECS would inject them."""
    names = [
        line.split("=", 1)[0]
        for line in (repo / ".env.example").read_text().splitlines()
        if line and not line.startswith("#") and "=" in line
    ]
    env = {name: "dummy" for name in names if name != "DATABASE_URL"}
    return {
        **env,
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
        "HOME": str(repo),
        "PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    }


def _get(url: str, host: str) -> int:
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _run_steps(dockerfile: str) -> list[str]:
    """Each RUN instruction's shell command, continuation lines joined."""
    joined = dockerfile.replace("\\\n", " ")
    return [line[4:] for line in joined.splitlines() if line.startswith("RUN ")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_startproject_builds_starts_and_answers_the_alb_health_check(tmp_path: Path) -> None:
    repo = materialize("django-startproject", tmp_path / "site")
    scaffold_init(repo)
    dockerfile = (repo / "Dockerfile").read_text()
    venv = _venv(tmp_path, repo, dockerfile)
    port = _free_port()
    env = _task_env(repo, venv, port)

    # The build stage's steps after the install: collectstatic only when the image has it.
    for step in _run_steps(dockerfile):
        if "collectstatic" in step:
            proc = subprocess.run(
                ["sh", "-c", step], cwd=repo, env=env, capture_output=True, text=True, check=False
            )
            assert proc.returncode == 0, proc.stderr[-2000:]

    cmd_line = next(line for line in dockerfile.splitlines() if line.startswith("CMD "))
    command = [w.replace("0.0.0.0:8000", f"127.0.0.1:{port}") for w in json.loads(cmd_line[4:])]
    server = subprocess.Popen(
        command, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        health = f"http://127.0.0.1:{port}/healthz"
        deadline = time.monotonic() + 30
        status = 0
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status = _get(health, ALB_HOST)
                break
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.3)
        assert server.poll() is None, server.communicate()[0][-2000:]
        assert status == 200
        # Everything else is still Django's, behind its own host check.
        assert _get(f"http://127.0.0.1:{port}/admin/login/", ALB_HOST) == 400
    finally:
        server.terminate()
        server.wait(timeout=10)

"""The Replit Express + Vite fixture, run on the host the way its generated image runs:
the Dockerfile's RUN steps of the stages the runtime stage copies from (install, build,
and the prune scaffold decides on), then the runtime's CMD with its ENV, and a request
to the port and path of its HEALTHCHECK. No container engine is needed; npm's registry is.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from scaffolder.init.context import build_context
from scaffolder.init.records import InitAnswers
from scaffolder.inspect import inspect_repository
from tests.render import contexts
from tests.support.prototypes import materialize

pytestmark = pytest.mark.slow


def _stages(dockerfile: str) -> dict[str, list[str]]:
    """Stage name -> its instructions (continuation lines joined)."""
    text = dockerfile.replace("\\\n", " ")
    stages: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("FROM "):
            current = stages.setdefault(line.split()[-1], [])
        elif line and not line.startswith("#"):
            current.append(line)
    return stages


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_the_replit_image_steps_build_start_and_answer_health(tmp_path: Path) -> None:
    repo = materialize("replit-express-vite", tmp_path / "repo")
    ctx = build_context(inspect_repository(repo), InitAnswers(project_name="notes"))
    out = contexts.render(ctx, tmp_path / "out")
    stages = _stages((out / "Dockerfile").read_text())
    runtime = stages["runtime"]
    source = next(i.split("--from=")[1].split()[0] for i in runtime if "--from=" in i)
    chain = ["base", "build"] + (["pruned"] if source == "pruned" else [])
    env = {**os.environ, "npm_config_update_notifier": "false"}
    for stage in chain:
        for step in (i[4:] for i in stages[stage] if i.startswith("RUN ")):
            assert "--global" not in step  # npm comes with Node: nothing to install globally
            done = subprocess.run(
                ["sh", "-c", step],
                cwd=repo,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            assert done.returncode == 0, (step, done.stdout[-2000:], done.stderr[-2000:])
    settings = " ".join(i[4:] for i in runtime if i.startswith("ENV "))
    env.update(dict(re.findall(r"(\w+)=(\S+)", settings)))
    url = re.search(r"fetch\('([^']+)'\)", "\n".join(runtime))
    assert url is not None
    command = json.loads(next(i[4:] for i in runtime if i.startswith("CMD ")))
    server = subprocess.Popen(
        command,
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # `npm start` runs node as a child: stop the whole group
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                with urllib.request.urlopen(url.group(1), timeout=2) as answer:
                    assert answer.status == 200
                    assert json.loads(answer.read()) == {"status": "ok"}
                    break
            except OSError:
                assert time.monotonic() < deadline, f"no answer at {url.group(1)}"
                time.sleep(0.5)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)

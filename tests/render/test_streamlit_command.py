"""Streamlit's image: its own health endpoint, and a command that follows the task's PORT.

The CMD is executed as the container would run it, with a recording fake
`streamlit` on the PATH: ECS sets PORT, and Streamlit must bind 0.0.0.0 on it,
headless, with CORS and XSRF protection on (the page and its websocket come from
the load balancer's one origin).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from scaffolder.init.context import build_context
from scaffolder.init.records import InitAnswers
from scaffolder.models import AppFacts, AppKind, DeployShape, Language, RepoFacts
from tests.render.contexts import render


def _recorder(bin_dir: Path) -> Path:
    bin_dir.mkdir()
    fake = bin_dir / "streamlit"
    fake.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(bin_dir / 'argv.json')!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    fake.chmod(0o755)
    return bin_dir / "argv.json"


def test_streamlit_image_uses_its_health_endpoint_and_the_tasks_port(tmp_path: Path) -> None:
    facts = RepoFacts(
        root=str(tmp_path),
        name="dash",
        apps=[
            AppFacts(
                name="dash",
                root=".",
                kind=AppKind.STREAMLIT,
                language=Language.PYTHON,
                shape=DeployShape.SERVER,
                entrypoint="app.py",
                port=8501,
                start_command="streamlit run app.py --server.port 8501",
            )
        ],
    )
    ctx = build_context(facts, InitAnswers(project_name="dash"), exists=lambda _p: False)
    app = ctx.apps[0]
    assert (app.health_path, app.write_health_file) == ("/_stcore/health", False)

    out = render(ctx, tmp_path / "out")
    cmd_line = next(
        line for line in (out / "Dockerfile").read_text().splitlines() if line.startswith("CMD ")
    )
    command = json.loads(cmd_line[4:])
    argv_file = _recorder(tmp_path / "bin")
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "PORT": "9123"}
    subprocess.run(command, env=env, check=True, timeout=30)
    argv = json.loads(argv_file.read_text())

    flags = dict(zip(argv[2::2], argv[3::2], strict=False))
    assert argv[:2] == ["run", "app.py"]
    assert flags["--server.port"] == "9123"
    assert flags["--server.address"] == "0.0.0.0"
    assert flags["--server.headless"] == "true"
    assert flags["--server.enableCORS"] == "true"
    assert flags["--server.enableXsrfProtection"] == "true"

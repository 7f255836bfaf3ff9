"""A Python app's container command: a production server for the web app, unless the
app's own start command runs something else (a bot or scheduler loop beside the app)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.render.contexts import flask_poetry, render


def _cmd(tmp_path: Path, start: str, entrypoint: str) -> list[str]:
    ctx = flask_poetry()
    app = ctx.apps[0].model_copy(update={"start_command": start, "entrypoint": entrypoint})
    out = render(ctx.model_copy(update={"apps": [app]}), tmp_path / "out")
    line = next(
        line
        for line in (out / app.dockerfile_path).read_text().splitlines()
        if line.startswith("CMD ")
    )
    command: list[str] = json.loads(line[4:])
    return command


@pytest.mark.parametrize(("start", "entrypoint"), [("python app.py", "app.py"), ("", "app:app")])
def test_the_web_module_itself_runs_under_gunicorn(
    tmp_path: Path, start: str, entrypoint: str
) -> None:
    assert _cmd(tmp_path, start, entrypoint)[:2] == ["gunicorn", "app:app"]


def test_a_script_that_is_not_the_web_module_keeps_its_own_command(tmp_path: Path) -> None:
    # Replit's `python main.py` starts a trading loop and the dashboard thread.
    assert _cmd(tmp_path, "python main.py", "web_dashboard.py") == ["python", "main.py"]

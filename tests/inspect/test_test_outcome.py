"""A test command known to fail today: its runner finds no test (inspect/test_outcome.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.inspect import inspect_repository
from scaffolder.inspect.test_outcome import JEST_NONE, PYTEST_NONE, VITEST_NONE

VITE = (
    '{"name": "web", "scripts": {"build": "vite build", "test": "%s"},'
    ' "devDependencies": {"vite": "^5.0.0", "vitest": "^1.6.0"}}'
)
FLASK = {
    "requirements.txt": "flask==3.0.3\npytest==8.2.0\n",
    "app.py": "from flask import Flask\napp = Flask(__name__)\n",
}
PYTEST_CONFIG = "[tool.pytest.ini_options]\npython_files = ['check_*.py']\n"


def _failure(tmp_path: Path, files: dict[str, str]) -> str | None:
    for rel, text in {"index.html": "<div id=root></div>", **files}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    (app,) = inspect_repository(tmp_path).apps
    return app.test_failure


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"package.json": VITE % "vitest run", "src/main.ts": ""}, VITEST_NONE),
        ({"package.json": VITE % "jest", "src/main.ts": ""}, JEST_NONE),
        ({"package.json": VITE % "vitest run", "src/main.test.ts": ""}, None),
        ({"package.json": VITE % "jest", "src/__tests__/main.ts": ""}, None),
        ({"package.json": VITE % "vitest run --passWithNoTests", "src/main.ts": ""}, None),
        # a config may change what the runner collects: nothing is predicted
        ({"package.json": VITE % "vitest run", "vitest.config.ts": "test: {include: ['x']}"}, None),
        ({"package.json": VITE % "jest", "jest.config.js": "module.exports = {}"}, None),
        (FLASK, PYTEST_NONE),
        ({**FLASK, "tests/test_app.py": "def test_x(): pass\n"}, None),
        ({**FLASK, "pyproject.toml": PYTEST_CONFIG}, None),
    ],
)  # fmt: skip
def test_a_runner_with_nothing_to_find_fails_and_anything_else_may_pass(
    tmp_path: Path, files: dict[str, str], expected: str | None
) -> None:
    assert _failure(tmp_path, files) == expected


# Not a test outcome, but the same tiny-repository seam: how a .ts entry with no start
# script is started (inspect/node.py, _entry_start).
EXPRESS_TS = {
    "src/server.ts": 'import express from "express";\nconst app = express();\napp.listen(5000);\n',
}


@pytest.mark.parametrize(
    ("deps", "dev", "start", "prunes"),
    [
        ('"ts-node": "^10.9.2"', "", "npx ts-node --transpile-only src/server.ts", True),
        ('"tsx": "^4.7.0"', "", "npx tsx src/server.ts", True),
        ("", '"tsx": "^4.7.0"', "npx tsx src/server.ts", False),  # kept: no prune
        ("", "", "node src/server.ts", True),  # nothing to run it with
    ],
)
def test_a_typescript_entry_without_a_start_script_starts_with_its_runner(
    tmp_path: Path, deps: str, dev: str, start: str, prunes: bool
) -> None:
    from scaffolder.init.node_plan import prune_decision

    manifest = (
        '{"name": "api", "main": "src/server.ts", "dependencies": {"express": "^4.19.2"'
        + (f", {deps}" if deps else "")
        + '}, "devDependencies": {"nodemon": "^3.1.3"'
        + (f", {dev}" if dev else "")
        + "}}"
    )
    for rel, text in {"package.json": manifest, **EXPRESS_TS}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    (app,) = inspect_repository(tmp_path).apps

    assert app.start_command == start
    prune, why = prune_decision(app)
    assert prune is prunes
    assert (
        prunes
        or why == "the server starts with tsx, and package.json lists it in devDependencies only"
    )

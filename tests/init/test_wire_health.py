"""init wires its health module in where the app is created in one plain line, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.init.engine import InitDeps, InitOptions, run_init
from scaffolder.init.wire_health import plan_wiring
from scaffolder.inspect import inspect_repository
from scaffolder.models import AppKind, Language, TemplateApp
from tests.support.builders import template_app

from .helpers import REAL_TEMPLATE, commit, make_repo

EXPRESS_CJS = {
    "package.json": '{"name": "shop", "scripts": {"start": "node index.js"},'
    ' "dependencies": {"express": "^4.19.2"}}\n',
    "index.js": 'const express = require("express");\n\nconst app = express();\n'
    'app.get("/", (req, res) => res.send("hi"));\napp.listen(process.env.PORT || 3000);\n',
}


def _deps() -> InitDeps:
    return InitDeps(inspect=inspect_repository, template=REAL_TEMPLATE, version="1.0.0")


def _app(
    kind: AppKind, *, entrypoint: str | None = None, module: str = "health.cjs"
) -> TemplateApp:
    python = kind in (AppKind.FASTAPI, AppKind.FLASK)
    return template_app(
        name="app",
        kind=kind,
        language=Language.PYTHON if python else Language.NODE,
        runtime_version="3.12" if python else "20",
        install_command="pip install -r requirements.txt" if python else "npm ci",
        start_command="",
        entrypoint=entrypoint,
        write_health_file=True,
        health_file_path=module,
    )


def _write(folder: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder


def test_init_wires_express_health_module_and_a_user_removal_sticks(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "shop", EXPRESS_CJS)

    run_init(repo, InitOptions(), _deps())

    text = (repo / "index.js").read_text()
    assert 'const app = express();\napp.use(require("./health.cjs"));' in text
    commit(repo, "scaffold")
    # The user edits their file and drops the wiring line: a later run keeps both choices.
    edited = text.replace('app.use(require("./health.cjs"));', "").replace('"hi"', '"hello"')
    (repo / "index.js").write_text(edited)
    commit(repo, "ours")
    run_init(repo, InitOptions(), _deps())
    assert (repo / "index.js").read_text() == edited


def test_esm_fastify_built_in_a_function_gets_an_import_and_a_register(tmp_path: Path) -> None:
    _write(tmp_path, {
        "package.json": '{"type": "module"}',
        "src/app.js": 'import Fastify from "fastify";\n\nexport function build() {\n'
        "  const app = Fastify({ logger: true });\n  return app;\n}\n",
    })  # fmt: skip

    wiring = plan_wiring(tmp_path, _app(AppKind.FASTIFY))

    assert wiring is not None and wiring.path == "src/app.js"
    lines = wiring.text.splitlines()
    assert lines[0].startswith('import scaffoldHealth from "../health.cjs";')
    assert lines[5].startswith("  app.register(scaffoldHealth);")


@pytest.mark.parametrize(
    ("kind", "entry", "expected"),
    [
        (AppKind.FASTAPI, "api/main.py", ["from api import healthz", "app.include_router(healthz.router)"]),  # noqa: E501
        (AppKind.FLASK, "main.py", ["import healthz", "app.register_blueprint(healthz.bp)"]),
    ],
)  # fmt: skip
def test_python_app_gets_the_import_and_the_wiring_after_a_multiline_constructor(
    tmp_path: Path, kind: AppKind, entry: str, expected: list[str]
) -> None:
    ctor = "FastAPI(\n    title='x (beta)',\n)" if kind is AppKind.FASTAPI else "Flask(__name__)"
    _write(
        tmp_path,
        {entry: f"import os\n\napp = {ctor}\n\n\n@app.get('/')\ndef root():\n    return 1\n"},
    )
    module = entry.rsplit("/", 1)[0] + "/healthz.py" if "/" in entry else "healthz.py"
    dotted = entry.removesuffix(".py").replace("/", ".")

    wiring = plan_wiring(tmp_path, _app(kind, entrypoint=f"{dotted}:app", module=module))

    assert wiring is not None
    after = wiring.text.split(ctor, 1)[1].splitlines()[1:3]
    assert [line.split("  #")[0] for line in after] == expected


@pytest.mark.parametrize(
    "files",
    [
        # two places build an app: which one serves is not plain
        {"a.js": "const app = express();\n", "b.js": "const app = express();\n"},
        # the statement goes on after the call
        {"index.js": "const app = express(); app.listen(3000);\n"},
        # a TypeScript entry: its compiler would want types for the module
        {"index.ts": "const app = express();\n"},
        # the name the wiring would use is taken
        {"index.js": "const app = express();\nconst scaffoldHealth = 1;\n"},
        # already wired by hand
        {"index.js": 'const app = express();\napp.use(require("./health.cjs"));\n'},
    ],
)
def test_wiring_is_left_to_the_user_when_not_plain(tmp_path: Path, files: dict[str, str]) -> None:
    _write(tmp_path, files)

    assert plan_wiring(tmp_path, _app(AppKind.EXPRESS)) is None


@pytest.mark.parametrize(
    ("module", "wired"), [("commonjs", True), ("esnext", False)]
)  # fmt: skip
def test_a_typescript_entry_run_by_ts_node_as_commonjs_gets_a_require(
    tmp_path: Path, module: str, wired: bool
) -> None:
    deps = '"express": "^4", "ts-node": "^10", "@types/node": "^20"'
    _write(tmp_path, {
        "package.json": f'{{"dependencies": {{{deps}}}}}',
        "tsconfig.json": f'{{"compilerOptions": {{\n  "module": "{module}" /* emitted */\n}}}}\n',
        "src/server.ts": 'import express from "express";\nconst app: Express = express();\n',
    })  # fmt: skip
    app = _app(AppKind.EXPRESS).model_copy(
        update={
            "entrypoint": "src/server.ts",
            "start_command": "npx ts-node --transpile-only src/server.ts",
        }
    )

    wiring = plan_wiring(tmp_path, app)

    if not wired:
        assert wiring is None  # ES module output: no `require` at run time
        return
    assert wiring is not None and wiring.path == "src/server.ts"
    assert 'const app: Express = express();\napp.use(require("../health.cjs"));' in wiring.text

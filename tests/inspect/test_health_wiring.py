"""A health route in a separate module is served only once another file wires it in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffolder.inspect import inspect_repository
from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.health_wiring import is_health_module, is_wired


def _src(path: str, text: str) -> SourceFile:
    return SourceFile(path=path, text=text, size=len(text))


@pytest.mark.parametrize(
    ("module", "importer"),
    [
        ("health.cjs", ("server.js", 'app.use(require("./health.cjs"));')),
        ("server/health.cjs", ("server/index.mjs", 'app.use(createRequire(u)("./health.cjs"))')),
        ("src/routes/health.ts", ("src/app.ts", "import health from './routes/health';")),
        ("app/healthz.py", ("app/main.py", "from app import healthz\n")),
        ("app/healthz.py", ("app/main.py", "from .healthz import router\n")),
        ("healthz.py", ("app.py", "import healthz\napp.register_blueprint(healthz.bp)\n")),
        ("healthz.py", ("mysite/urls.py", 'urlpatterns = [path("", include("healthz"))]')),
    ],
)
def test_a_wired_health_module_is_served(module: str, importer: tuple[str, str]) -> None:
    assert is_health_module(module)
    assert is_wired(module, [_src(module, "x"), _src(*importer)])


@pytest.mark.parametrize(
    ("module", "other"),
    [
        ("health.cjs", ("server.js", "// see health.cjs for the health check\napp.listen(3000)")),
        ("healthz.py", ("app.py", "# healthz.py answers the load balancer\napp = Flask(__name__)")),
        ("healthz.py", ("server.js", 'require("./healthz")')),  # another language's file
        ("health.cjs", ("health.cjs", 'require("./health.cjs")')),  # itself
    ],
)
def test_a_health_module_nothing_imports_is_not_served(module: str, other: tuple[str, str]) -> None:
    assert not is_wired(module, [_src(module, "x"), _src(*other)])


def test_only_modules_named_for_health_need_wiring() -> None:
    assert not is_health_module("server.js") and not is_health_module("app/main.py")
    assert not is_health_module("app/api/healthz/route.ts")


def test_inits_express_health_module_counts_once_the_server_requires_it(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(
        json.dumps({"name": "api", "dependencies": {"express": "^4.19.0"}}), encoding="utf-8"
    )
    (tmp_path / "health.cjs").write_text(
        "module.exports = function health(req, res, next) {\n"
        '  if (req.method === "GET" && req.path === "/healthz") { res.json({}); return; }\n'
        "  next();\n};\n",
        encoding="utf-8",
    )
    server = tmp_path / "server.js"
    server.write_text('const app = require("express")();\napp.listen(3000);\n', encoding="utf-8")
    facts = inspect_repository(tmp_path, scan_history=False)
    assert facts.production.health_endpoints == []
    assert [e.path for e in facts.production.unwired_health] == ["health.cjs"]
    assert facts.apps[0].health_path is None

    server.write_text(
        'const app = require("express")();\napp.use(require("./health.cjs"));\napp.listen(3000);\n',
        encoding="utf-8",
    )
    facts = inspect_repository(tmp_path, scan_history=False)
    assert facts.production.unwired_health == []
    assert facts.apps[0].health_path == "/healthz"

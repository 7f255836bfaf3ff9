# ruff: noqa: E501 - repository contents read best on one line each
"""Where a server's routes live and what its site requests: the one-origin decision's facts."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from scaffolder.init.one_origin import site_api_spec
from scaffolder.inspect import inspect_repository
from scaffolder.inspect.routes import _APP_OBJECTS, _PREFIXED_MOUNT, _js_app_routes
from scaffolder.models import RepoFacts, RouteFacts
from tests.inspect.conftest import write

VITE = {"package.json": json.dumps({"dependencies": {"vite": "5"}}), "index.html": "x"}
EXPRESS = json.dumps({"dependencies": {"express": "4"}})


def _facts(root: Path, files: dict[str, str | bytes]) -> RepoFacts:
    return inspect_repository(write(root, files), scan_history=False)


def _routes(facts: RepoFacts, shape: str) -> RouteFacts:
    (app,) = [a for a in facts.apps if a.shape.value == shape]
    return app.routes


@pytest.mark.parametrize(
    ("server", "prefix"),
    [
        # Express: routes and a mounted router; the router's own paths are relative.
        (
            {
                "server/package.json": EXPRESS,
                "server/index.js": "app.get('/api/health', h);\napp.use('/api', router);\nrouter.get('/users', list);\napp.post(\"/api/login\", login);",
            },
            "/api",
        ),
        # Express with a route at the root of the API's name space.
        (
            {
                "server/package.json": EXPRESS,
                "server/index.js": "app.get('/api/users', a);\napp.post('/login', b);",
            },
            None,
        ),
        # A router mounted without a prefix: where its routes live is unknown.
        (
            {
                "server/package.json": EXPRESS,
                "server/index.js": "app.use('/api/users', users);\napp.use(authRouter);",
            },
            None,
        ),
        # FastAPI: a prefixed router and an included one.
        (
            {
                "server/requirements.txt": "fastapi\nuvicorn\n",
                "server/main.py": "from fastapi import FastAPI, APIRouter\napp = FastAPI()\nrouter = APIRouter(prefix='/api/items')\n@router.get('/{id}')\ndef one(id): ...\napp.include_router(router)\n@app.get('/healthz')\ndef health(): ...\n",
            },
            None,
        ),
        (
            {
                "server/requirements.txt": "fastapi\nuvicorn\n",
                "server/main.py": "from fastapi import FastAPI\napp = FastAPI()\napp.include_router(items.router, prefix='/api/items')\napp.include_router(users.router, prefix=\"/api/users\")\n@app.get('/healthz')\ndef health(): ...\n",
            },
            "/api",
        ),
        # Flask: blueprints with url_prefix, and a page at the root.
        (
            {
                "server/requirements.txt": "flask\n",
                "server/app.py": "from flask import Flask, Blueprint\napp = Flask(__name__)\napi = Blueprint('api', __name__, url_prefix='/api')\n@api.route('/notes')\ndef notes(): ...\napp.register_blueprint(api)\n",
            },
            None,
        ),
        (
            {
                "server/requirements.txt": "flask\n",
                "server/app.py": "from flask import Flask, Blueprint\napp = Flask(__name__)\napi = Blueprint('api', __name__)\n@api.route('/notes')\ndef notes(): ...\napp.register_blueprint(api, url_prefix='/api')\n@app.route('/')\ndef index(): ...\n",
            },
            "/api",
        ),
    ],
    ids=[
        "express-mounted",
        "express-login-at-root",
        "express-unprefixed-router",
        "fastapi-router-included-bare",
        "fastapi-prefixed-includes",
        "flask-bare-register",
        "flask-prefixed-register",
    ],
)
def test_the_servers_common_prefix(
    tmp_path: Path, server: dict[str, str], prefix: str | None
) -> None:
    facts = _facts(tmp_path, {**VITE, "src/App.tsx": "fetch('/api/users')", **server})
    assert _routes(facts, "server").prefix == prefix


def test_what_a_site_requests_on_its_own_origin(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        {
            **VITE,
            "src/api.ts": "const BASE = import.meta.env.VITE_API_URL || 'http://localhost:3000';\n"
            "export const get = (p) => fetch(`${BASE}/v1/items/${p}`);\n"
            "axios.post('/auth', body);\nconst logo = '/logo.png';\nimport x from './y';",
            "server/package.json": EXPRESS,
            "server/index.js": "app.get('/v1/items', a);",
        },
    )
    site = _routes(facts, "static")
    assert site.paths == ["/auth", "/v1"] and site.fallback_vars == ["VITE_API_URL"]
    assert _routes(facts, "server").prefix == "/v1"


def _decide(facts: RepoFacts) -> tuple[str | None, str]:
    spec = site_api_spec(facts, {a.root: a.name for a in facts.apps})
    assert spec is not None
    return spec.path, spec.reason


def test_one_origin_needs_an_api_like_prefix_the_site_requests(tmp_path: Path) -> None:
    server = {"server/package.json": EXPRESS, "server/index.js": "app.use('/api', r);"}
    merged = _facts(tmp_path / "a", {**VITE, "src/a.ts": "fetch('/api/x')", **server})
    assert _decide(merged)[0] == "/api"
    elsewhere = _facts(tmp_path / "b", {**VITE, "src/a.ts": "fetch(API + '/x')", **server})
    assert _decide(elsewhere) == (None, "the site does not request /api/... on its own origin")
    pages = {"server/package.json": EXPRESS, "server/index.js": "app.use('/shifts', r);"}
    page_like = _facts(tmp_path / "c", {**VITE, "src/a.ts": "fetch('/shifts')", **pages})
    path, reason = _decide(page_like)
    assert path is None and "may also be a page of the site" in reason


def test_no_decision_without_exactly_one_site_and_one_server(tmp_path: Path) -> None:
    facts = _facts(tmp_path, {"package.json": EXPRESS, "index.js": "app.get('/api/x', a)"})
    assert site_api_spec(facts, {a.root: a.name for a in facts.apps}) is None


# The pattern _js_app_routes replaced (it was tried at every word of every file).
_WORD_FIRST = re.compile(
    r"\b(\w+)\.(?:get|post|put|patch|delete|all|options|head|use|route)\(\s*"
    r"""(['"`])(/[^'"`\s]*)\2"""
)
_PIECES = [
    *("app", "server", "fastify", "application", "x", "_app", "appx", "app2", "é", "ñapp"),
    *(" ", "\n", ".", "(", "$", "/", "'", '"', "`", ").get("),
    *(".get(", ".use(", ".post( ", ".route(", "'/a'", '"/b"', "`/c`", "'/d"),
]


def test_app_routes_are_those_the_word_first_pattern_found() -> None:
    rng = random.Random(12)
    texts = ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 14))) for _ in range(40_000)]
    texts += ["app.get('/a', x.get('/b')); server.use(\"/c\", r)", "x.post('/d(app.use('/e'"]
    for text in texts:
        expected = [m.group(3) for m in _WORD_FIRST.finditer(text) if m.group(1) in _APP_OBJECTS]
        assert _js_app_routes(text) == expected, text


_PLAIN_PREFIXED_MOUNT = re.compile(
    r"""(?:\bprefix\s*[:=]\s*|\burl_prefix\s*=\s*)(['"`])(/[^'"`\s]*)\1"""
)


@pytest.mark.parametrize(
    "text",
    [
        "router = APIRouter(prefix='/api/items')\napp.include_router(r, prefix=\"/api/u\")\n",
        "bp = Blueprint('b', __name__, url_prefix='/admin')\nfastify.register(r, { prefix: `/v1` })\n",
        "my_prefix='/no' xurl_prefix='/no' _prefix: '/no' url_prefix ='/yes' prefix:'/a b'\n",
        "prefix = '/x'prefix='/y' url_prefix=\n'/z'\npprefix: '/q' urlurl_prefix='/r'",
    ],
)
def test_the_prefix_pattern_finds_what_its_plain_form_finds(text: str) -> None:
    def found(pattern: re.Pattern[str]) -> list[tuple[int, tuple[str | None, ...]]]:
        return [(m.start(), m.groups()) for m in pattern.finditer(text)]

    assert found(_PREFIXED_MOUNT) == found(_PLAIN_PREFIXED_MOUNT)
    assert found(_PREFIXED_MOUNT)

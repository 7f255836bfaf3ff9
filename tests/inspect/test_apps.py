# ruff: noqa: E501 - repository contents read best on one line each
"""App kinds, shapes and the commands to install, build, start and test them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scaffolder.inspect import inspect_repository
from scaffolder.models import AppFacts
from tests.inspect.conftest import write


def _pkg(deps: dict[str, str], **extra: Any) -> str:
    return json.dumps({"dependencies": deps, **extra})


def _apps(root: Path, files: dict[str, str | bytes]) -> dict[str, AppFacts]:
    facts = inspect_repository(write(root, files), scan_history=False)
    return {a.root: a for a in facts.apps}


def test_next_app_router_standalone_with_pnpm_and_nvmrc(tmp_path: Path) -> None:
    apps = _apps(
        tmp_path,
        {
            "package.json": _pkg(
                {"next": "14", "react": "18"},
                name="@acme/Web",
                scripts={"build": "next build", "start": "next start -p 4000", "test": "vitest"},
            ),
            "pnpm-lock.yaml": "lockfileVersion: 6",
            ".nvmrc": "v20.11.1\n",
            "next.config.mjs": "export default { output: 'standalone' }",
            "app/page.tsx": "export default function P() {}",
        },
    )
    app = apps["."]
    assert (app.kind.value, app.shape.value, app.name) == ("nextjs", "server", "web")
    assert app.nextjs_router == "app" and app.nextjs_standalone
    assert app.install_command == "pnpm install --frozen-lockfile"
    assert (app.build_command, app.start_command, app.test_command) == (
        "pnpm run build",
        "pnpm start",
        "pnpm test",
    )
    assert (app.runtime_version, app.runtime_version_source) == ("20", ".nvmrc")
    assert app.port == 4000


def test_static_export_sveltekit_astro_and_server_frameworks(tmp_path: Path) -> None:
    apps = _apps(
        tmp_path,
        {
            "exported/package.json": _pkg({"next": "14"}),
            "exported/next.config.js": "module.exports = { output: 'export' }",
            "exported/pages/index.tsx": "x",
            "kit/package.json": _pkg({"@sveltejs/kit": "2", "@sveltejs/adapter-static": "3"}),
            "kitnode/package.json": _pkg({"@sveltejs/kit": "2", "@sveltejs/adapter-node": "5"}),
            "astro/package.json": _pkg({"astro": "4"}),
            "astrossr/package.json": _pkg({"astro": "4", "@astrojs/node": "8"}),
            "nuxt/package.json": _pkg({"nuxt": "3"}),
            "remix/package.json": _pkg({"@remix-run/node": "2", "@remix-run/react": "2"}),
            "nest/package.json": _pkg({"@nestjs/core": "10", "express": "4"}),
            "fast/package.json": _pkg({"fastify": "4"}),
            "lib/package.json": _pkg({"vite": "5"}),  # no index.html: a library, not an app
        },
    )
    shapes = {root: (a.kind.value, a.shape.value) for root, a in apps.items()}
    assert shapes == {
        "exported": ("nextjs", "static"),
        "kit": ("sveltekit", "static"),
        "kitnode": ("sveltekit", "server"),
        "astro": ("astro", "static"),
        "astrossr": ("astro", "server"),
        "nuxt": ("nuxt", "server"),
        "remix": ("remix", "server"),
        "nest": ("nestjs", "server"),
        "fast": ("fastify", "server"),
    }
    assert apps["exported"].build_output_dir == "out" and apps["exported"].nextjs_router == "pages"
    assert apps["kit"].build_output_dir == "build"
    assert apps["astro"].build_output_dir == "dist"


def test_vite_spa_with_conflicting_lockfiles_and_no_lockfile(tmp_path: Path) -> None:
    apps = _apps(
        tmp_path,
        {
            "client/package.json": _pkg(
                {"vite": "5", "react": "18"}, scripts={"build": "vite build"}
            ),
            "client/index.html": "<div id=root>",
            "client/package-lock.json": "{}",
            "client/bun.lockb": b"\x00bun",
            "client/vite.config.ts": "export default { build: { outDir: './public-dist' } }",
            "admin/package.json": _pkg({"vite": "5"}),
            "admin/index.html": "x",
        },
    )
    client = apps["client"]
    assert client.lockfiles == ["client/bun.lockb", "client/package-lock.json"]
    assert client.lockfile_conflict and client.package_manager.value == "npm"
    assert client.install_command == "npm ci"
    assert client.build_output_dir == "public-dist" and client.port == 4173
    admin = apps["admin"]
    assert admin.lockfiles == [] and admin.install_command == "npm install"
    assert admin.build_command == "npx vite build"


def test_express_server_port_entrypoint_and_yarn(tmp_path: Path) -> None:
    apps = _apps(
        tmp_path,
        {
            "package.json": _pkg(
                {"express": "4"},
                scripts={
                    "start": "node --enable-source-maps src/server.js",
                    "test": 'echo "Error: no test specified" && exit 1',
                },
                engines={"node": ">=18.17"},
            ),
            "yarn.lock": "",
            "src/server.js": "const PORT = process.env.PORT || 5050;\napp.listen(PORT)",
            "src/health.test.js": "test('x', () => {})",
        },
    )
    app = apps["."]
    assert app.entrypoint == "src/server.js" and app.port == 5050
    assert app.start_command == "yarn start" and app.test_command is None
    assert app.install_command == "yarn install --frozen-lockfile --non-interactive"
    assert (app.runtime_version, app.runtime_version_source) == ("18", "engines")
    assert app.has_tests


def test_python_frameworks(tmp_path: Path) -> None:
    apps = _apps(
        tmp_path,
        {
            "api/pyproject.toml": '[project]\nname = "Orders API"\nrequires-python = ">=3.12"\n'
            'dependencies = ["fastapi>=0.110", "uvicorn[standard]"]\n',
            "api/uv.lock": "version = 1",
            "api/app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n"
            "if __name__ == '__main__':\n    uvicorn.run(app, host='0.0.0.0', port=8080)\n",
            "web/requirements.txt": "Flask==3.0\ngunicorn\n",
            "web/app.py": "from flask import Flask\napplication = Flask(__name__)\n",
            "web/Procfile": "web: gunicorn app:application --bind 0.0.0.0:$PORT\n",
            "web/runtime.txt": "python-3.11.9\n",
            "site/manage.py": "import django",
            "site/Pipfile": '[packages]\ndjango = "*"\ndjangorestframework = "*"\n[requires]\npython_version = "3.10"\n',
            "site/Pipfile.lock": "{}",
            "site/site/settings.py": "WSGI_APPLICATION = 'site.wsgi.application'\nDEBUG = True\n",
            "dash/requirements.txt": "streamlit\n",
            "dash/pages/other.py": "import streamlit as st",
            "dash/streamlit_app.py": "import streamlit as st\nst.title('x')",
            "poet/pyproject.toml": '[tool.poetry]\nname = "poet"\n[tool.poetry.dependencies]\npython = "^3.11"\nflask = "*"\n',
            "poet/wsgi.py": "from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n",
        },
    )
    api = apps["api"]
    assert (api.kind.value, api.name, api.entrypoint, api.port) == (
        "fastapi",
        "orders-api",
        "app.main:app",
        8080,
    )
    assert api.install_command == "uv sync --frozen" and api.runtime_version == "3.12"
    assert api.start_command == "uvicorn app.main:app --host 0.0.0.0 --port 8080"
    web = apps["web"]
    assert (web.kind.value, web.entrypoint, web.package_manager.value) == (
        "flask",
        "app:application",
        "pip",
    )
    assert web.install_command == "pip install -r requirements.txt"
    assert web.start_command == "gunicorn app:application --bind 0.0.0.0:$PORT"
    assert (web.runtime_version, web.runtime_version_source) == ("3.11", "runtime.txt")
    site = apps["site"]
    assert (site.kind.value, site.entrypoint, site.port) == ("django", "site.wsgi", 8000)
    assert site.django_rest_framework and site.install_command == "pipenv install --deploy"
    assert site.test_command == "python manage.py test" and site.runtime_version == "3.10"
    assert [e.path for e in site.debug_mode] == ["site/site/settings.py"]
    dash = apps["dash"]
    assert (dash.kind.value, dash.entrypoint, dash.port) == ("streamlit", "streamlit_app.py", 8501)
    poet = apps["poet"]
    assert (
        poet.entrypoint == "wsgi:create_app()"
        and poet.install_command == "poetry install --only main"
    )
    assert poet.port == 5000


def test_two_apps_with_one_name_get_distinct_slugs(tmp_path: Path) -> None:
    apps = _apps(
        tmp_path,
        {
            "package.json": _pkg({"vite": "5"}, name="shop"),
            "index.html": "x",
            "requirements.txt": "fastapi",
            "main.py": "from fastapi import FastAPI\napp = FastAPI()",
        },
    )
    facts = inspect_repository(tmp_path, scan_history=False)
    assert len({a.name for a in facts.apps}) == 2
    assert apps["."] is not None


def test_server_port_beats_a_database_port_in_an_earlier_file(tmp_path: Path) -> None:
    apps = _apps(
        tmp_path,
        {
            "package.json": _pkg({"fastify": "4", "pg": "8"}),
            "src/a-db.ts": "export const pool = new Pool({ host: 'db', port: 5432 })",
            "src/server.ts": "await app.listen({ port: Number(process.env.PORT) || 8081 })",
        },
    )
    assert apps["."].port == 8081


def test_sveltekit_shape_follows_the_adapter_its_config_imports(tmp_path: Path) -> None:
    """Modelled on an unseen prototype (VARCAVIA-Inc/varcavia-poc): adapter-auto, -node and
    -static all in devDependencies, svelte.config.js imports adapter-node. It was called
    static, so init planned an S3 site for a Node server whose build/ has no index.html."""
    every = {
        "@sveltejs/kit": "2",
        "@sveltejs/adapter-auto": "3",
        "@sveltejs/adapter-node": "5",
        "@sveltejs/adapter-static": "3",
    }
    apps = _apps(
        tmp_path,
        {
            "node/package.json": _pkg(every),
            "node/svelte.config.js": 'import adapter from "@sveltejs/adapter-node";\n'
            'export default { kit: { adapter: adapter({ out: "build" }) } };\n',
            "static/package.json": _pkg(every),
            "static/svelte.config.ts": "import adapter from '@sveltejs/adapter-static';\n",
            "auto/package.json": _pkg({"@sveltejs/kit": "2", "@sveltejs/adapter-auto": "3"}),
            "auto/svelte.config.js": "import adapter from '@sveltejs/adapter-auto';\n",
        },
    )
    shapes = {root: a.shape.value for root, a in apps.items()}
    assert shapes == {"node": "server", "static": "static", "auto": "server"}


def test_a_subfolder_app_with_its_own_requirements_does_not_take_the_roots_uv_lock(
    tmp_path: Path,
) -> None:
    """Modelled on an unseen Replit prototype (wmthompson1/product-ontime-analysis): a root
    uv project, and mcp_server/ with app.py and its own requirements.txt. The subfolder was
    given the root's uv.lock, so its image ran `uv sync --frozen` where no pyproject.toml
    exists ("No `pyproject.toml` found"). A uv workspace member keeps the root's lock."""
    apps = _apps(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "workspace"\nrequires-python = ">=3.11"\n'
            'dependencies = ["fastapi"]\n[tool.uv.workspace]\nmembers = ["member"]\n',
            "uv.lock": "version = 1",
            "main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            "mcp_server/requirements.txt": "fastapi\nuvicorn\n",
            "mcp_server/app.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            "member/pyproject.toml": '[project]\nname = "member"\ndependencies = ["flask"]\n',
            "member/app.py": "from flask import Flask\napp = Flask(__name__)\n",
        },
    )
    managers = {root: (a.package_manager.value, a.install_command) for root, a in apps.items()}
    assert managers["mcp_server"] == ("pip", "pip install -r requirements.txt")
    assert managers["member"][0] == "uv" and managers["."][0] == "uv"

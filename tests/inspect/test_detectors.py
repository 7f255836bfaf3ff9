# ruff: noqa: E501 - repository contents read best on one line each
"""Databases, migrations, auth, env vars and production pieces on small repositories."""

from __future__ import annotations

import json
from pathlib import Path

from scaffolder.inspect import inspect_repository
from scaffolder.models import RepoFacts
from tests.inspect.conftest import write


def _facts(root: Path, files: dict[str, str | bytes]) -> RepoFacts:
    return inspect_repository(write(root, files), scan_history=False)


def _pkg(deps: dict[str, str], **extra: object) -> str:
    return json.dumps({"dependencies": deps, **extra})


def test_databases_by_client(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        {
            "web/package.json": _pkg(
                {"next": "14", "drizzle-orm": "0.30", "@neondatabase/serverless": "0.9"}
            ),
            "web/drizzle.config.ts": "export default { dialect: 'postgresql', out: './migrations',"
            " dbCredentials: { url: process.env.NEON_DATABASE_URL! } }",
            "web/migrations/0000_init.sql": "create table a();",
            "web/migrations/0001_more.sql": "create table b();",
            "chat/package.json": _pkg({"express": "4", "mongoose": "8"}),
            "chat/db.js": "const mongoose = require('mongoose')\n"
            "mongoose.connect(process.env.MONGODB_URI)",
            "legacy/requirements.txt": "flask\nflask-sqlalchemy\npymysql\n",
            "legacy/app.py": "from flask import Flask\napp = Flask(__name__)\n"
            "app.config['SQLALCHEMY_DATABASE_URI'] = 'mysql+pymysql://localhost/db'\n",
        },
    )
    got = {
        (d.kind.value, d.host.value): (sorted(d.clients), d.url_env_var) for d in facts.databases
    }
    assert got == {
        ("postgres", "neon"): (["drizzle"], "NEON_DATABASE_URL"),
        ("mongodb", "other"): (["mongoose"], "MONGODB_URI"),
        ("mysql", "other"): (["pymysql", "sqlalchemy"], None),
    }
    [drizzle] = facts.migrations
    assert (drizzle.tool.value, drizzle.directory, drizzle.head, drizzle.count) == (
        "drizzle-kit",
        "web/migrations",
        "0001_more",
        2,
    )
    assert drizzle.app_root == "web" and drizzle.deploy_command == "npx drizzle-kit migrate"


def test_prisma_push_without_history_and_django_engine(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        {
            "package.json": _pkg(
                {"next": "14", "@prisma/client": "5"}, scripts={"db": "prisma db push"}
            ),
            "prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("PG_URL")\n}\n',
            "backend/manage.py": "import django",
            "backend/requirements.txt": "django\npsycopg2-binary\n",
            "backend/proj/settings.py": "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql'}}",
            "backend/blog/migrations/__init__.py": "",
            "backend/blog/migrations/0001_initial.py": "x",
            "backend/blog/migrations/0002_post_slug.py": "x",
        },
    )
    got = {(d.kind.value, d.host.value): sorted(d.clients) for d in facts.databases}
    assert got == {("postgres", "self"): ["django", "prisma", "psycopg2"]}
    assert facts.databases[0].url_env_var == "PG_URL"
    tools = {m.tool.value: m for m in facts.migrations}
    assert tools["prisma-db-push"].deploy_command == "npx prisma db push"
    django = tools["django"]
    assert (django.app_root, django.head, django.count) == ("backend", "0002_post_slug", 2)
    assert django.deploy_command == "python manage.py migrate --noinput"
    assert "PG_URL" in {e.name for e in facts.env_vars}


def test_alembic_head_is_the_revision_nobody_revises(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        {
            "alembic.ini": "[alembic]\nscript_location = migrations\n",
            "migrations/env.py": "x",
            "migrations/script.py.mako": "x",
            "migrations/versions/b_second.py": 'revision = "bbb"\ndown_revision = "aaa"\n',
            "migrations/versions/a_first.py": 'revision: str = "aaa"\ndown_revision = None\n',
            "migrations/versions/c_third.py": "revision = 'ccc'\ndown_revision = 'bbb'\n",
            "db/seed.sql": "insert into x values (1);",
            "supabase/seed.sql": "insert into y values (1);",
        },
    )
    tools = {m.tool.value: m for m in facts.migrations}
    assert tools["alembic"].head == "ccc" and tools["alembic"].count == 3
    assert tools["alembic"].directory == "migrations/versions"
    assert tools["alembic"].deploy_command == "alembic upgrade head"
    loose = tools["loose-sql"]
    assert (loose.directory, loose.count, loose.deploy_command) == ("db", 1, None)


def test_auth_kinds(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        {
            "a/package.json": _pkg({"@clerk/nextjs": "5", "next": "14"}),
            "b/package.json": _pkg({"express": "4", "express-session": "1"}),
            "c/login.py": "from flask_login import LoginManager",
            "d/auth.ts": "const t = jwt.sign({ sub }, secret)",
        },
    )
    assert sorted(a.kind.value for a in facts.auth) == [
        "clerk",
        "custom-jwt",
        "custom-session",
        "flask-login",
    ]
    only_client = _facts(
        tmp_path / "spa",
        {"src/login.ts": "localStorage.setItem('isLoggedIn', 'true')"},
    )
    assert [a.kind.value for a in only_client.auth] == ["client-only"]


def test_env_vars_every_way_they_are_read(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        {
            "package.json": _pkg({"vite": "5"}),
            "index.html": "x",
            "src/api.ts": "const url = import.meta.env.VITE_API_URL ?? 'http://localhost';\n"
            "const mode = import.meta.env.MODE;\nconst k = import.meta.env.SECRET_THING;",
            "server/package.json": _pkg({"express": "4"}),
            "server/index.js": "const { DB_HOST, DB_PORT = 5432 } = process.env;\n"
            "const s = process.env['SESSION_SECRET'] || 'dev';\nconst n = process.env.NODE_ENV;",
            "worker/job.py": "import os\nA = os.environ['API_TOKEN']\nB = os.getenv('LOG_LEVEL', 'info')\n"
            "C = os.environ.get('REDIS_URL')\nD = config('SENTRY_DSN', default='')\n",
            "supabase/functions/hook/index.ts": "Deno.env.get('RESEND_KEY')",
            ".env.example": "EXTRA_SETTING=\n# comment\nexport OTHER=1\n",
        },
    )
    got = {e.name: (e.public, e.has_default_in_code) for e in facts.env_vars}
    assert got == {
        "VITE_API_URL": (True, True),
        "SECRET_THING": (True, False),  # read in a static SPA's code: it ships to the browser
        "DB_HOST": (False, False),
        "DB_PORT": (False, True),
        "SESSION_SECRET": (False, True),
        "NODE_ENV": (False, False),
        "API_TOKEN": (False, False),
        "LOG_LEVEL": (False, True),
        "REDIS_URL": (False, False),
        "SENTRY_DSN": (False, True),
        "RESEND_KEY": (False, False),
        "EXTRA_SETTING": (False, False),
        "OTHER": (False, False),
    }
    line = {e.name: e.evidence[0] for e in facts.env_vars}["LOG_LEVEL"]
    assert (line.path, line.line) == ("worker/job.py", 3)


def test_production_pieces(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        {
            "package.json": _pkg({"express": "4", "pino": "8", "@sentry/node": "7"}),
            "package-lock.json": '{"lockfileVersion": 3}',  # so `npm install` ignores one
            "src/app.ts": "app.get('/api/health', (req, res) => res.send('ok'))",
            "src/app.test.ts": "app.get('/healthz')",
            "Dockerfile": 'FROM node:latest\nCOPY . .\nRUN npm install\nCMD ["npm", "run", "dev"]\n',
            "deploy/Dockerfile.prod": "FROM node:20-slim AS build\nRUN npm ci\nFROM build\nUSER node\n"
            'CMD ["node", "dist/server.js"]\n',
            "py.Dockerfile": "FROM python:3.12\nRUN pip install flask\nUSER app\n"
            'CMD ["flask", "run", "--reload"]\n',
            "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n",
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
            "    environment: staging\n    steps:\n      - run: npm ci\n      - run: npm test\n"
            "      - uses: amondnet/vercel-action@v25\n",
            ".gitlab-ci.yml": "x: 1",
            "infra/main.tf": "x",
            "fly.toml": "app = 'x'",
            ".env.production": "A=1",
        },
    )
    prod = facts.production
    docker = {d.path: d for d in prod.dockerfiles}
    assert docker["deploy/Dockerfile.prod"].production_grade
    assert docker["deploy/Dockerfile.prod"].app_root == "deploy"
    assert sorted(docker["Dockerfile"].problems) == sorted(
        [
            "unpinned base image node:latest (latest)",
            "runs a dev server (npm run dev)",
            "no USER: the container runs as root",
            "installs with `npm install` instead of the lockfile (npm ci / frozen)",
        ]
    )
    assert sorted(docker["py.Dockerfile"].problems) == [
        "pip installs packages by name, not from a requirements or lock file",
        "runs flask run (the development server)",
        "runs with --reload (auto-reload is for development)",
    ]
    [workflow] = prod.workflows
    assert workflow.runs_tests and workflow.deploys
    assert [e.line for e in workflow.evidence] == [8, 9]
    assert prod.compose_files == ["docker-compose.yml"] and prod.other_ci == [".gitlab-ci.yml"]
    assert (
        prod.test_files == 1 and prod.iac == ["terraform"] and prod.deploy_configs == ["fly.toml"]
    )
    assert [(e.path, e.snippet) for e in prod.health_endpoints] == [("src/app.ts", "/api/health")]
    assert prod.logging_libraries == ["pino"] and prod.error_tracking == ["sentry"]
    assert prod.environments == ["production", "staging"]
    [app] = facts.apps
    assert app.health_path == "/api/health" and app.has_tests


def test_sequelize_migrations_and_django_environ_reads(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        {
            "api/package.json": _pkg(
                {"express": "4", "sequelize": "6", "sequelize-cli": "6", "mysql2": "3"}
            ),
            "api/yarn.lock": "",
            "api/migrations/20240101-create-user.js": "module.exports = { up: async (queryInterface) => {} }",
            "api/migrations/20240202-add-email.js": "module.exports = { up: async (queryInterface) => {} }",
            "site/settings.py": "import environ\nenv = environ.Env()\nSECRET_KEY = env('DJANGO_SECRET_KEY')\n"
            "DEBUG = env.bool('DJANGO_DEBUG', default=False)\nX = os.getenv('PLAIN')\n",
        },
    )
    [migration] = facts.migrations
    assert (migration.tool.value, migration.app_root, migration.head, migration.count) == (
        "sequelize",
        "api",
        "20240202-add-email.js",
        2,
    )
    assert migration.deploy_command == "yarn sequelize-cli db:migrate"
    got = {e.name: e.has_default_in_code for e in facts.env_vars}
    assert got == {"DJANGO_SECRET_KEY": False, "DJANGO_DEBUG": True, "PLAIN": False}
    [db] = facts.databases
    assert (db.kind.value, sorted(db.clients)) == ("mysql", ["mysql2", "sequelize"])


def test_supabase_auth_from_python(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        {"app.py": "res = supabase.auth.sign_in_with_password({'email': e, 'password': p})\n"},
    )
    assert [(a.kind.value, a.evidence[0].line) for a in facts.auth] == [("supabase", 1)]


def test_neon_is_decided_per_project(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        {
            "web/package.json": _pkg(
                {"next": "14", "@prisma/client": "5", "@prisma/adapter-neon": "5"}
            ),
            "web/prisma/schema.prisma": 'datasource db {\n provider = "postgresql"\n url = env("DATABASE_URL")\n}',
            "api/package.json": _pkg({"express": "4", "pg": "8"}),
            "api/db.js": "import { Pool } from 'pg'\n"
            "const pool = new Pool({ connectionString: process.env.DATABASE_URL })",
        },
    )
    got = {(d.host.value, tuple(d.clients)) for d in facts.databases}
    assert got == {("neon", ("prisma",)), ("self", ("pg",))}


def test_a_driver_nothing_imports_is_no_database(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        {
            # Starters and AI builders add drivers "for later": declared, never imported.
            "package.json": _pkg({"react": "18", "vite": "5", "pg": "8", "mongoose": "8"}),
            "src/main.tsx": "import React from 'react'\nconsole.log('pg is not used here')\n",
            "tools/requirements.txt": "requests\npsycopg2-binary\n",
            "tools/fetch.py": "import requests\nprint(requests.get('https://x').status_code)\n",
        },
    )
    assert facts.databases == []


def test_a_driver_is_used_when_imported_or_loaded_by_a_layer(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        {
            "api/package.json": _pkg({"express": "4", "mysql2": "3"}),
            "api/src/db.ts": 'import mysql from "mysql2/promise"\n',
            "jobs/package.json": _pkg({"knex": "3", "pg": "8"}),  # knex loads pg by name
            "jobs/knexfile.js": "module.exports = { client: 'pg' }\n",
            "etl/requirements.txt": "psycopg2-binary\n",
            "etl/load.py": "from psycopg2.extras import execute_values\n",
        },
    )
    got = {(d.kind.value, tuple(sorted(d.clients))) for d in facts.databases}
    assert got == {("mysql", ("mysql2",)), ("postgres", ("knex", "pg", "psycopg2"))}

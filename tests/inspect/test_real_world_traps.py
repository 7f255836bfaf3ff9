"""Traps met running scaffold on real AI-built repositories (Lovable, v0, Replit).

Each test is a small, hand-written reproduction of what a real repository held;
no code from those repositories is copied here.
"""

from __future__ import annotations

from pathlib import Path

from scaffolder.inspect import inspect_repository
from scaffolder.inspect.dockerfile import inspect_dockerfile
from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.patterns import is_placeholder
from scaffolder.inspect.secrets import scan_text
from scaffolder.inspect.supabase import inspect_supabase


def _files(tree: dict[str, str]) -> list[SourceFile]:
    return [SourceFile(path=p, text=t, size=len(t)) for p, t in tree.items()]


def test_a_setup_page_that_prints_the_service_role_name_is_no_leak() -> None:
    """A Lovable admin page shows `SUPABASE_SERVICE_ROLE=<your key>` as instructions."""
    page = (
        "export function DataSources() {\n"
        "  return (<div>\n"
        '    <div>SUPABASE_URL={"https://x.supabase.co"}</div>\n'
        '    <div>SUPABASE_SERVICE_ROLE={"<YOUR_SERVICE_ROLE_KEY>"}</div>\n'
        "  </div>);\n"
        "}\n"
    )
    tree = {"vite.config.ts": "export default {}\n", "src/pages/admin/DataSources.tsx": page}
    facts, _ = inspect_supabase(_files(tree))
    assert facts.service_role_in_browser == []


def test_browser_code_that_reads_the_service_role_key_is_still_reported() -> None:
    code = 'const k = env["SUPABASE_SERVICE_ROLE_KEY"];\nexport default k;\n'
    facts, _ = inspect_supabase(_files({"src/lib/admin.ts": code, "vite.config.ts": ""}))
    [evidence] = facts.service_role_in_browser
    assert (evidence.path, evidence.line, evidence.snippet) == (
        "src/lib/admin.ts",
        1,
        "SUPABASE_SERVICE_ROLE_KEY",
    )


def test_supabase_named_only_in_docs_is_not_a_supabase_project() -> None:
    """A Neon + Drizzle app whose docs and agent notes mention supabase.co: RLS is moot."""
    tree = {
        "docs/DEPLOY.md": "Alternatively use https://abc.supabase.co with @supabase/supabase-js\n",
        ".agents/skills/neon/references/js.md": "import { createClient } from '@supabase/ssr'\n",
        "migrations/0000_init.sql": "CREATE TABLE accounts (id serial primary key);\n",
        "src/db.ts": "import { drizzle } from 'drizzle-orm/neon-http';\n",
    }
    facts, _ = inspect_supabase(_files(tree))
    assert not facts.used
    assert facts.tables == []


def test_supabase_in_an_env_file_or_code_still_counts() -> None:
    facts, _ = inspect_supabase(_files({".env": "VITE_SUPABASE_URL=https://abc.supabase.co\n"}))
    assert facts.used


def test_secret_scanner_patterns_are_not_database_urls() -> None:
    """A .git-secrets-patterns file and a rotation guide hold regexes, not credentials."""
    text = (
        "postgresql://[^:]+:[^@]+@\n"
        "postgres://[^:]+:[^@]+@[^/]+/\n"
        "git secrets --add 'postgresql://[^:]+:[^@]+@'\n"
    )
    assert scan_text(".git-secrets-patterns", text) == []
    assert scan_text("docs/CREDENTIAL_ROTATION_GUIDE.md", text) == []


def test_bracketed_password_placeholder_is_not_a_secret() -> None:
    """Supabase's dashboard shows `postgresql://postgres:[YOUR-PASSWORD]@db.[REF].supabase.co`."""
    line = "DATABASE_URL=postgresql://postgres:[YOUR-PASSWORD]@db.[PROJECT-REF].supabase.co:5432/postgres\n"
    assert scan_text("docs/DEPLOYMENT.md", line) == []


def test_real_database_urls_are_still_found() -> None:
    line = 'url = "postgresql://app:Zq8vT2mLp9RwX4@db.internal.acme.io:5432/app"\n'
    [found] = scan_text("src/db.ts", line)
    assert found.detector == "postgres-url-with-password"
    ipv6 = 'url = "postgres://app:Zq8vT2mLp9RwX4@[2001:db8::7]:5432/app"\n'
    assert [f.detector for f in scan_text("src/db.ts", ipv6)] == ["postgres-url-with-password"]


def test_placeholder_fallbacks_for_api_keys_and_oauth_secrets_are_not_secrets() -> None:
    """A Replit-built Next app keeps the build alive with placeholder fallbacks."""
    code = (
        'const a = process.env.OPENAI_API_KEY || "sk-placeholder-for-build";\n'
        'const b = process.env.AUTH_GOOGLE_SECRET || "placeholder";\n'
        'const c = process.env.GOOGLE_CLIENT_SECRET || "placeholder";\n'
        'const d = process.env.AUTH_SECRET || "placeholder-secret-for-build";\n'
        'const e = process.env.SESSION_SECRET || "placeholder";\n'
    )
    # A signing secret signs with whatever literal it falls back to: those stay.
    assert [(f.line, f.detector) for f in scan_text("src/lib/env.ts", code)] == [
        (4, "fallback-secret"),
        (5, "fallback-secret"),
    ]
    assert is_placeholder("sk-placeholder-for-build")


def test_a_global_tool_install_is_not_an_unlocked_install() -> None:
    """scaffold's own Node image installs pnpm with `npm install --global`."""
    text = (
        "FROM node:20.18.1-bookworm-slim AS base\n"
        "RUN npm install --global pnpm@9.15.0\n"
        "FROM base AS build\n"
        "COPY package.json pnpm-lock.yaml ./\n"
        "RUN pnpm install --frozen-lockfile\n"
        "USER 1000:1000\n"
        'CMD ["pnpm", "start"]\n'
    )
    facts = inspect_dockerfile(SourceFile(path="Dockerfile", text=text, size=len(text)))
    assert facts.problems == []
    assert facts.production_grade
    loose = text.replace("pnpm install --frozen-lockfile", "pnpm install")
    assert not inspect_dockerfile(
        SourceFile(path="Dockerfile", text=loose, size=1)
    ).production_grade


def _write(root: Path, tree: dict[str, str]) -> Path:
    for rel, text in tree.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


_DASHBOARD = (
    "from flask import Flask\n"
    "app = Flask(__name__)\n"
    "app.secret_key = os.environ['SECRET_KEY']\n"
    "@app.route('/healthz')\n"
    "def healthz():\n"
    "    return 'ok'\n"
)


def test_replit_attached_copies_do_not_become_the_entrypoint(tmp_path: Path) -> None:
    """Replit's agent keeps pasted copies of the app in attached_assets/ (sorted first)."""
    repo = _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "bot"\ndependencies = ["flask>=3"]\n',
            "attached_assets/web_dashboard_1752767174296.py": _DASHBOARD,
            "web_dashboard.py": _DASHBOARD,
        },
    )
    [app] = inspect_repository(repo, scan_history=False).apps
    assert app.entrypoint == "web_dashboard:app"
    assert app.start_command == "gunicorn --bind 0.0.0.0:5000 web_dashboard:app"


def test_replit_deployment_run_is_the_python_start_command(tmp_path: Path) -> None:
    """main.py starts the trading loop and the dashboard thread: gunicorn alone would not."""
    repo = _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "bot"\ndependencies = ["flask>=3"]\n',
            ".replit": (
                'entrypoint = "main.py"\nrun = "python main.py --dev"\n\n'
                '[deployment]\nrun = ["sh", "-c", "python main.py"]\n'
                'deploymentTarget = "gce"\n'
            ),
            "main.py": "from web_dashboard import app\napp.run(host='0.0.0.0', port=5000)\n",
            "web_dashboard.py": _DASHBOARD,
        },
    )
    [app] = inspect_repository(repo, scan_history=False).apps
    assert app.start_command == "python main.py"
    assert app.port == 5000


def test_a_replit_run_naming_a_missing_file_is_ignored(tmp_path: Path) -> None:
    repo = _write(
        tmp_path,
        {
            "requirements.txt": "flask\n",
            ".replit": '[deployment]\nrun = ["python", "gone.py"]\n',
            "web_dashboard.py": _DASHBOARD,
        },
    )
    [app] = inspect_repository(repo, scan_history=False).apps
    assert app.start_command == "gunicorn --bind 0.0.0.0:5000 web_dashboard:app"


def test_cron_data_collectors_are_not_ci(tmp_path: Path) -> None:
    """A Streamlit app's workflows scrape prices every 5 minutes: that is not CI."""
    cron = (
        "name: Collect data\non:\n  schedule:\n    - cron: '*/5 * * * *'\n"
        "  workflow_dispatch:\njobs:\n  run:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: python collector.py\n"
    )
    ci = (
        "name: CI\non: [push, pull_request]\njobs:\n  t:\n    runs-on: x\n"
        "    steps:\n      - run: pytest\n"
    )
    nightly = cron.replace("python collector.py", "pytest")
    repo = _write(
        tmp_path,
        {
            "requirements.txt": "streamlit\n",
            "app.py": "import streamlit as st\n",
            ".github/workflows/collector.yml": cron,
            ".github/workflows/nightly.yml": nightly,
            ".github/workflows/ci.yml": ci,
        },
    )
    workflows = inspect_repository(repo, scan_history=False).production.workflows
    assert sorted(w.path for w in workflows) == [
        ".github/workflows/ci.yml",
        ".github/workflows/nightly.yml",
    ]

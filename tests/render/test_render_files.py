"""What the generated Dockerfiles, health endpoints and runbook say, per context."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.render.contexts import CONTEXTS

EXACT_TAG = re.compile(
    r"^FROM (node|python):\d+\.\d+\.\d+-(bookworm-slim|slim-bookworm)(@sha256:[0-9a-f]{64})? AS \w"
)


def _instructions(dockerfile: Path) -> list[str]:
    """Instructions with continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", dockerfile.read_text())
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _last(instructions: list[str], keyword: str) -> str:
    return [i for i in instructions if i.startswith(keyword + " ")][-1]


SERVER_CASES = {
    # context: (dockerfile, install fragment, CMD)
    "express_pg": ("Dockerfile", "npm ci --omit=dev", ["node", "server.js"]),
    "nextjs_standalone": ("Dockerfile", "pnpm install --frozen-lockfile", ["node", "server.js"]),
    "fastapi_alembic": (
        "Dockerfile",
        "uv sync --frozen --no-dev",
        ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"],
    ),
    "django": (
        "Dockerfile",
        "pip install --no-cache-dir -r requirements.txt",
        [
            "gunicorn",
            "--bind",
            "0.0.0.0:8000",
            "--workers",
            "2",
            "--access-logfile",
            "-",
            "healthz:application",
        ],
    ),
    "streamlit": (
        "Dockerfile",
        "pip install --no-cache-dir -r requirements.txt",
        [
            "sh",
            "-c",
            'exec streamlit run dashboard.py --server.port "${PORT:-8501}" --server.address 0.0.0.0'
            " --server.headless true --server.enableCORS true"
            " --server.enableXsrfProtection true --browser.gatherUsageStats false",
        ],
    ),
    "flask_poetry": (
        "Dockerfile.production",
        "poetry export",
        [
            "gunicorn",
            "app:app",
            "--bind",
            "0.0.0.0:5000",
            "--workers",
            "2",
            "--access-logfile",
            "-",
        ],
    ),
    "express_unlocked": (
        "Dockerfile",
        "npm install --no-audit --no-fund --omit=dev",
        ["node", "server.js"],
    ),
    "remix_berry": ("Dockerfile", "yarn install --immutable", ["yarn", "start"]),
    "monorepo": (
        "server/Dockerfile",
        "yarn install --frozen-lockfile --non-interactive",
        ["node", "dist/index.js"],
    ),
}


@pytest.mark.parametrize("name", sorted(SERVER_CASES))
def test_server_dockerfile(rendered: dict[str, Path], name: str) -> None:
    relpath, install, command = SERVER_CASES[name]
    app = next(a for a in CONTEXTS[name]().apps if a.shape == "server")
    dockerfile = rendered[name] / relpath
    lines = _instructions(dockerfile)
    froms = [line for line in lines if line.startswith("FROM ")]
    assert len(froms) >= 2, "multi-stage"
    stages = {line.split()[-1] for line in froms}
    external = [line for line in froms if line.split()[1] not in stages]
    assert external, froms
    assert all(EXACT_TAG.match(line) for line in external), froms
    user = _last(lines, "USER").split()[1]
    assert user.split(":")[0].isdigit() and user.split(":")[0] != "0", "numeric, non-root"
    assert _last(lines, "EXPOSE") == f"EXPOSE {app.port}"
    health = "/_stcore/health" if app.kind == "streamlit" else app.health_path
    healthcheck = _last(lines, "HEALTHCHECK")
    assert f"http://127.0.0.1:{app.port}{health}" in healthcheck
    assert "curl" not in healthcheck
    assert json.loads(_last(lines, "CMD")[4:]) == command
    assert any(install in line for line in lines if line.startswith("RUN ")), install
    ignore = (dockerfile.parent / ".dockerignore").read_text().splitlines()
    assert {"**/.env", "**/node_modules", ".git"} <= set(ignore)


def test_nextjs_image_runs_the_standalone_server(rendered: dict[str, Path]) -> None:
    text = (rendered["nextjs_standalone"] / "Dockerfile").read_text()
    assert "COPY --from=build --chown=node:node /app/.next/standalone ./" in text
    assert "/app/.next/static ./.next/static" in text
    assert "ARG NEXT_PUBLIC_SITE_URL" in text  # baked in at build time
    assert "npm install --global pnpm@" in text  # on the PATH of the unprivileged user


def test_unlocked_npm_app_says_to_commit_a_lockfile(rendered: dict[str, Path]) -> None:
    text = (rendered["express_unlocked"] / "Dockerfile").read_text()
    assert "npm ci" not in text  # would fail without a lockfile
    assert "commit the lockfile" in text


def test_yarn_berry_brings_its_release_into_the_build(rendered: dict[str, Path]) -> None:
    lines = _instructions(rendered["remix_berry"] / "Dockerfile")
    build = lines.index("FROM base AS build")
    assert lines[build + 1] == "COPY . ."
    assert "RUN corepack enable" in lines


def test_django_collects_static_files_without_a_real_secret(rendered: dict[str, Path]) -> None:
    text = (rendered["django"] / "Dockerfile").read_text()
    assert "collectstatic --noinput" in text
    assert "secrets.token_urlsafe" in text
    assert "gunicorn==" in text


def test_static_apps_get_no_container(rendered: dict[str, Path]) -> None:
    assert not list(rendered["vite_supabase"].glob("**/Dockerfile*"))
    assert not (rendered["vite_supabase"] / ".dockerignore").exists()
    assert not (rendered["monorepo"] / "client" / "Dockerfile").exists()
    assert not (rendered["monorepo"] / "Dockerfile").exists()


def test_existing_dev_dockerfile_is_left_alone(rendered: dict[str, Path]) -> None:
    # flask_poetry's engine decision: ours goes to Dockerfile.production.
    assert not (rendered["flask_poetry"] / "Dockerfile").exists()
    assert (
        "docker build --file 'Dockerfile.production'"
        in (rendered["flask_poetry"] / ".github/workflows/deploy.yml").read_text()
    )


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_express_health_middleware_answers_and_passes_on(rendered: dict[str, Path]) -> None:
    module = rendered["express_pg"] / "health.cjs"
    script = f"""
const health = require({json.dumps(str(module))});
const calls = [];
const res = {{
  set: (k, v) => calls.push(["set", k, v]),
  status(code) {{ calls.push(["status", code]); return this; }},
  json: (body) => calls.push(["json", body]),
}};
let nexted = 0;
health({{ method: "GET", path: "/healthz" }}, res, () => nexted++);
health({{ method: "GET", path: "/users" }}, res, () => nexted++);
process.stdout.write(JSON.stringify({{ calls, nexted }}));
"""
    proc = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    result = json.loads(proc.stdout)
    assert ["status", 200] in result["calls"]
    assert ["json", {"status": "ok"}] in result["calls"]
    assert result["nexted"] == 1


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_fastify_health_plugin_is_valid_javascript(rendered: dict[str, Path]) -> None:
    module = rendered["monorepo"] / "server" / "health.cjs"
    subprocess.run(["node", "--check", str(module)], check=True)
    assert 'fastify.get("/healthz"' in module.read_text()


def test_flask_health_blueprint_serves_healthz(rendered: dict[str, Path]) -> None:
    flask = pytest.importorskip("flask")
    root = rendered["flask_poetry"]
    sys.path.insert(0, str(root))
    try:
        import healthz  # the generated module

        app = flask.Flask("probe")
        app.register_blueprint(healthz.bp)
        response = app.test_client().get("/healthz")
    finally:
        sys.path.remove(str(root))
        sys.modules.pop("healthz", None)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("name", "relpath", "wiring"),
    [
        ("fastapi_alembic", "app/healthz.py", "app.include_router(healthz.router)"),
        ("django", "healthz.py", "serve `healthz:application`"),
    ],
)
def test_python_health_modules_compile_and_say_how_to_wire_them(
    rendered: dict[str, Path], name: str, relpath: str, wiring: str
) -> None:
    path = rendered[name] / relpath
    compile(path.read_text(), str(path), "exec")
    assert wiring in path.read_text()


def test_nextjs_route_handler(rendered: dict[str, Path]) -> None:
    route = rendered["nextjs_standalone"] / "src/app/api/healthz/route.ts"
    text = route.read_text()
    assert "export function GET(): Response" in text
    assert 'dynamic = "force-dynamic"' in text


def test_runbook_is_tailored(rendered: dict[str, Path]) -> None:
    sections = ["## Deploy", "## Roll back", "## Backups", "## Rotate a secret", "## Alarms"]
    for root in rendered.values():
        text = (root / "docs" / "RUNBOOK.md").read_text()
        assert all(s in text for s in sections), root
        assert "{{" not in text and "{%" not in text
    rds = (rendered["express_pg"] / "docs/RUNBOOK.md").read_text()
    for alarm in (
        "5xx rate",
        "latency",
        "unhealthy targets",
        "RDS CPU",
        "RDS free storage",
        "RDS connections",
        "backup job failed",
        "restore test failed",
        "no verified restore in 8 days",
    ):
        assert f"| {alarm} |" in rds, alarm
    assert "Required reviewers" in rds
    assert "restore-db-instance" in rds
    _assert_rds_restore_procedure(rds)
    # The restore check runs as a task inside the VPC, in a reviewer-free GitHub environment.
    assert "--in-task" in rds and "`prod-backup`" in rds and "USD 0.012 an hour" in rds
    assert "self-hosted" not in rds and "SCAFFOLD_VPC_RUNNER" not in rds
    supabase = (rendered["vite_supabase"] / "docs/RUNBOOK.md").read_text()
    assert "restore-check" not in supabase  # dumps restore on GitHub's runner
    assert "SUPABASE_ACCESS_TOKEN" in supabase
    assert "supabase db push" in supabase
    assert "RDS CPU" not in supabase
    assert "unhealthy targets" not in supabase
    assert "pg_restore" in supabase
    streamlit = (rendered["streamlit"] / "docs/RUNBOOK.md").read_text()
    assert "no database" in streamlit
    assert "backup job failed" not in streamlit
    django = (rendered["django"] / "docs/RUNBOOK.md").read_text()
    assert "ALLOWED_HOSTS" in django


def _assert_rds_restore_procedure(runbook: str) -> None:
    """RDS: final snapshot, restore beside the live instance, check, copy back, clean up."""
    procedure = runbook[runbook.index("### Restore a backup") : runbook.index("## Rotate a secret")]
    steps = [
        "--desired-count 0",
        "create-db-snapshot",
        "db-snapshot-available",
        "restore-db-instance-from-db-snapshot",
        "--manage-master-user-password",
        "pg_dump --host",
        "--single-transaction restore.dump",
        "delete-db-instance",
    ]
    positions = [procedure.index(step) for step in steps]
    assert positions == sorted(positions), steps
    # DATABASE_URL is composed from DB_* in RDS environments: a secret cannot switch it.
    assert "does **not** switch the app" in procedure
    assert "then redeploy" not in procedure.split("does **not**")[1]
    assert "PGPASSWORD=$(" in procedure and "echo" not in procedure  # never printed


def test_the_restore_check_image_is_scaffold_and_a_pinned_postgres_client(
    rendered: dict[str, Path],
) -> None:
    """RDS only: backup-verify.yml builds infra/restore-check/Dockerfile for the task."""
    from scaffolder.runtime_images import RESTORE_CHECK_IMAGE
    from tests.render.contexts import SCAFFOLD_VERSION

    lines = _instructions(rendered["express_pg"] / "infra/restore-check/Dockerfile")
    assert lines[0] == f"FROM {RESTORE_CHECK_IMAGE}"
    text = "\n".join(lines)
    assert f'"scaffold-prod=={SCAFFOLD_VERSION}"' in text  # the stack's image tag
    assert '"psycopg[binary]==3.' in text  # exact, not a range
    assert "USER 10001" in text and 'ENTRYPOINT ["scaffold"]' in text
    for name in ("vite_supabase", "streamlit"):
        assert not (rendered[name] / "infra/restore-check").exists(), name

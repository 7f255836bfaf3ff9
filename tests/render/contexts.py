"""Hand-built InitContexts covering the shapes of the generated system, and a render helper.

The contexts are built by hand (not by the inspector) so the template can be
tested on its own; each mirrors a prototype family (docs/architecture.md,
'Shapes').
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scaffolder.environment.spec import default_spec, render_spec_yaml
from scaffolder.init.python_apps import streamlit_start
from scaffolder.init.template_decisions import with_template_decisions
from scaffolder.models import (
    AppKind,
    EnvName,
    InitContext,
    Language,
    MigrationTool,
    PackageManager,
    ServiceSpec,
    TemplateApp,
    TemplateMigrations,
)
from scaffolder.toolchain import from_template_fields
from tests.support.builders import template_app

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
SCAFFOLD_VERSION = "0.1.0"
REPOSITORY = "acme/shop"


def _specs(
    project: str,
    apps: list[TemplateApp],
    env_vars: list[str],
    database: str,
    environments: list[EnvName],
) -> dict[str, str]:
    services = [
        ServiceSpec(name=a.name, shape=a.shape, port=a.port, health_path=a.health_path)
        for a in apps
    ]
    external = {"supabase": "supabase", "neon": "neon", "external": "other"}.get(database)
    return {
        env: render_spec_yaml(
            default_spec(
                project=project,
                env=env,
                region="eu-west-1",
                services=services,
                secret_names=env_vars,
                self_hosted_postgres=database == "rds",
                external_provider=external,
                alarm_email="ops@example.com",
                github_repository=REPOSITORY,
            )
        )
        for env in environments
    }


def _context(
    project: str,
    apps: list[TemplateApp],
    *,
    database: str,
    migrations: list[TemplateMigrations] | None = None,
    env_vars: list[str] | None = None,
    public: list[str] | None = None,
    functions: list[str] | None = None,
    environments: list[EnvName] | None = None,
) -> InitContext:
    names = sorted(set(env_vars or []) | set(public or []))
    # The engine decides each Node app's toolchain (scaffolder/toolchain.py); a hand-built
    # app gets the one its package manager and install command imply.
    apps = [
        a.model_copy(
            update={"toolchain": from_template_fields(a.package_manager, a.install_command)}
        )
        if a.language is Language.NODE
        else a
        for a in apps
    ]
    return InitContext(
        project=project,
        apps=apps,
        database=database,  # type: ignore[arg-type]
        migrations=migrations or [],
        supabase_functions=functions or [],
        env_vars=names,
        public_env_vars=sorted(public or []),
        environment_specs=_specs(
            project, apps, names, database, environments or ["dev", "staging", "prod"]
        ),
    )


def express_pg() -> InitContext:
    app = template_app(
        package_manager=PackageManager.NPM,
        test_command="npm test",
        lint_command="npm run lint",
        port=3000,
        write_dockerfile=True,
        write_health_file=True,
        health_file_path="health.cjs",
    )
    return _context(
        "express-pg",
        [app],
        database="rds",
        migrations=[
            TemplateMigrations(
                tool=MigrationTool.DRIZZLE_KIT,
                deploy_command="npx drizzle-kit migrate",
                directory="drizzle",
            )
        ],
        env_vars=["DATABASE_URL", "SESSION_SECRET"],
    )


def nextjs_standalone() -> InitContext:
    app = template_app(
        name="web",
        kind=AppKind.NEXTJS,
        package_manager=PackageManager.PNPM,
        runtime_version="22.11",
        install_command="pnpm install --frozen-lockfile",
        build_command="pnpm run build",
        start_command="pnpm start",
        lint_command="pnpm run lint",
        port=3000,
        health_path="/api/healthz",
        nextjs_standalone=True,
        write_dockerfile=True,
        write_health_file=True,
        health_file_path="src/app/api/healthz/route.ts",
    )
    return _context(
        "next-shop",
        [app],
        database="rds",
        migrations=[
            TemplateMigrations(
                tool=MigrationTool.PRISMA_MIGRATE,
                deploy_command="npx prisma migrate deploy",
                directory="prisma/migrations",
            )
        ],
        env_vars=["DATABASE_URL", "NEXTAUTH_SECRET", "STRIPE_SECRET_KEY"],
        public=["NEXT_PUBLIC_SITE_URL"],
    )


def nextjs_supabase() -> InitContext:
    """A v0 / Lovable-on-Next app: a Supabase project per environment, public values per env."""
    app = template_app(
        name="web",
        kind=AppKind.NEXTJS,
        package_manager=PackageManager.NPM,
        runtime_version="22.11",
        install_command="npm ci",
        build_command="npm run build",
        start_command="npm start",
        port=3000,
        health_path="/api/healthz",
        nextjs_standalone=True,
        write_dockerfile=True,
    )
    return _context(
        "next-supa",
        [app],
        database="supabase",
        migrations=[
            TemplateMigrations(tool=MigrationTool.SUPABASE, deploy_command="supabase db push")
        ],
        public=["NEXT_PUBLIC_SUPABASE_ANON_KEY", "NEXT_PUBLIC_SUPABASE_URL"],
        environments=["staging", "prod"],
    )


def vite_supabase() -> InitContext:
    app = template_app(
        name="site",
        kind=AppKind.VITE_SPA,
        shape="static",
        package_manager=PackageManager.BUN,
        install_command="bun install --frozen-lockfile",
        build_command="bun run build",
        start_command="",
        lint_command="bun run lint",
        test_command="bun run test",
        build_output_dir="dist",
    )
    return _context(
        "vite-supa",
        [app],
        database="supabase",
        migrations=[
            TemplateMigrations(tool=MigrationTool.SUPABASE, deploy_command="supabase db push")
        ],
        public=["VITE_SUPABASE_URL", "VITE_SUPABASE_ANON_KEY"],
        functions=["send-email", "stripe-webhook"],
        environments=["staging", "prod"],
    )


def fastapi_alembic() -> InitContext:
    app = template_app(
        name="backend",
        kind=AppKind.FASTAPI,
        language=Language.PYTHON,
        package_manager=PackageManager.UV,
        runtime_version="3.11",
        install_command="uv sync --frozen",
        start_command="uvicorn app.main:app --host 0.0.0.0 --port 8000",
        test_command="uv run pytest",
        lint_command="uv run ruff check .",
        port=8000,
        entrypoint="app.main:app",
        write_dockerfile=True,
        write_health_file=True,
        health_file_path="app/healthz.py",
    )
    return _context(
        "fastapi-alembic",
        [app],
        database="rds",
        migrations=[
            TemplateMigrations(
                tool=MigrationTool.ALEMBIC,
                deploy_command="alembic upgrade head",
                directory="alembic/versions",
            )
        ],
        env_vars=["DATABASE_URL", "JWT_SECRET", "OPENAI_API_KEY"],
    )


def django_app() -> InitContext:
    app = template_app(
        name="mysite",
        kind=AppKind.DJANGO,
        language=Language.PYTHON,
        package_manager=PackageManager.PIP,
        runtime_version="3.12",
        install_command="pip install -r requirements.txt",
        # What scaffolder.init.python_apps decides: serve the health module's WSGI wrapper.
        start_command=(
            "gunicorn --bind 0.0.0.0:8000 --workers 2 --access-logfile - healthz:application"
        ),
        test_command="python manage.py test",
        port=8000,
        entrypoint="mysite.wsgi",
        write_dockerfile=True,
        write_health_file=True,
        health_file_path="healthz.py",
        collect_static=True,
        health_wraps="mysite.wsgi:application",
    )
    return _context(
        "django-site",
        [app],
        database="rds",
        migrations=[
            TemplateMigrations(
                tool=MigrationTool.DJANGO, deploy_command="python manage.py migrate --noinput"
            )
        ],
        env_vars=["DATABASE_URL", "DJANGO_SECRET_KEY", "ALLOWED_HOSTS"],
        environments=["dev", "prod"],
    )


def streamlit_app() -> InitContext:
    app = template_app(
        name="dashboard",
        kind=AppKind.STREAMLIT,
        language=Language.PYTHON,
        package_manager=PackageManager.PIP,
        runtime_version="3.12",
        install_command="pip install -r requirements.txt",
        start_command=streamlit_start("dashboard.py", 8501),
        port=8501,
        health_path="/_stcore/health",
        entrypoint="dashboard.py",
        write_dockerfile=True,
    )
    return _context("streamlit-dash", [app], database="none", env_vars=["OPENAI_API_KEY"])


def flask_poetry() -> InitContext:
    app = template_app(
        name="flaskapp",
        kind=AppKind.FLASK,
        language=Language.PYTHON,
        package_manager=PackageManager.POETRY,
        runtime_version="3.11",
        install_command="poetry install --no-root",
        start_command="python app.py",
        test_command="poetry run pytest",
        port=5000,
        entrypoint="app.py",
        write_dockerfile=True,
        dockerfile_path="Dockerfile.production",
        write_health_file=True,
        health_file_path="healthz.py",
    )
    return _context("flask-neon", [app], database="neon", env_vars=["DATABASE_URL", "SECRET_KEY"])


def monorepo() -> InitContext:
    client = template_app(
        name="client",
        root="client",
        kind=AppKind.VITE_SPA,
        shape="static",
        package_manager=PackageManager.NPM,
        build_command="npm run build",
        start_command="",
        build_output_dir="dist",
    )
    server = template_app(
        name="server",
        root="server",
        kind=AppKind.FASTIFY,
        package_manager=PackageManager.YARN,
        runtime_version="18",
        install_command="yarn install --frozen-lockfile",
        build_command="yarn build",
        start_command="node dist/index.js",
        test_command="yarn test",
        port=8080,
        write_dockerfile=True,
        dockerfile_path="server/Dockerfile",
        write_health_file=True,
        health_file_path="server/health.cjs",
    )
    return _context(
        "mono",
        [client, server],
        database="external",
        migrations=[
            TemplateMigrations(
                tool=MigrationTool.PRISMA_MIGRATE,
                app_root="server",
                deploy_command="npx prisma migrate deploy",
                directory="server/prisma/migrations",
            )
        ],
        env_vars=["DATABASE_URL", "JWT_SECRET"],
        public=["VITE_API_URL"],
    )


def express_unlocked() -> InitContext:
    """No lockfile (the engine falls back to `npm install`), and no database."""
    app = (
        express_pg()
        .apps[0]
        .model_copy(
            update={
                "name": "bot",
                "install_command": "npm install",
                "write_health_file": False,
                "health_file_path": None,
                "lint_command": None,
            }
        )
    )
    return _context(
        "groq-bot", [app], database="none", env_vars=["GROQ_API_KEY"], environments=["dev"]
    )


def remix_berry() -> InitContext:
    """Yarn 2+ (berry): its release and settings live in the repository."""
    app = template_app(
        name="fieldnotes",
        kind=AppKind.REMIX,
        package_manager=PackageManager.YARN,
        runtime_version="22",
        install_command="yarn install --immutable",
        build_command="yarn build",
        start_command="yarn start",
        port=3000,
        health_path="/",
        write_dockerfile=True,
    )
    return _context(
        "fieldnotes",
        [app],
        database="supabase",
        migrations=[
            TemplateMigrations(tool=MigrationTool.SUPABASE, deploy_command="supabase db push")
        ],
        env_vars=["SUPABASE_SERVICE_ROLE_KEY"],
        public=["PUBLIC_SUPABASE_URL"],
    )


CONTEXTS = {
    "express_pg": express_pg,
    "nextjs_standalone": nextjs_standalone,
    "nextjs_supabase": nextjs_supabase,
    "vite_supabase": vite_supabase,
    "fastapi_alembic": fastapi_alembic,
    "django": django_app,
    "streamlit": streamlit_app,
    "flask_poetry": flask_poetry,
    "monorepo": monorepo,
    "express_unlocked": express_unlocked,
    "remix_berry": remix_berry,
}


def answers_for(ctx: InitContext) -> dict[str, Any]:
    return {
        "project_name": ctx.project,
        "aws_region": "eu-west-1",
        "environments": list(ctx.environment_specs),
        "alarm_email": "ops@example.com",
        "github_repository": REPOSITORY,
    }


def render(ctx: InitContext, dst: Path, answers: dict[str, Any] | None = None) -> Path:
    """Render the real template into `dst` with Copier, as `scaffold init` does."""
    import copier

    data = {
        **(answers or answers_for(ctx)),
        "ctx": with_template_decisions(ctx).model_dump(mode="json"),
        "scaffold_version": SCAFFOLD_VERSION,
    }
    copier.run_copy(
        str(TEMPLATES_DIR),
        str(dst),
        data=data,
        defaults=True,
        unsafe=False,
        quiet=True,
        vcs_ref=None,
    )
    return dst

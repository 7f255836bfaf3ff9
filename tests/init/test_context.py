"""build_context: RepoFacts + answers -> InitContext, from hand-made facts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scaffolder.environment.spec import parse_spec
from scaffolder.init.context import GITIGNORE_ADDITIONS, build_context, database_choice
from scaffolder.init.records import InitAnswers
from scaffolder.models import (
    AppFacts,
    AppKind,
    DatabaseFacts,
    DatabaseHost,
    DatabaseKind,
    DeployShape,
    DockerfileFacts,
    EnvVarFacts,
    Evidence,
    Language,
    MigrationFacts,
    MigrationTool,
    PackageManager,
    ProductionPieces,
    RepoFacts,
    SupabaseFacts,
)
from tests.support.builders import repo_facts

ANSWERS = InitAnswers(
    project_name="shop", alarm_email="ops@example.com", github_repository="acme/shop"
)


def app(kind: AppKind, **extra: object) -> AppFacts:
    python = kind in (AppKind.FASTAPI, AppKind.FLASK, AppKind.DJANGO, AppKind.STREAMLIT)
    fields: dict[str, object] = {
        "name": "web",
        "root": ".",
        "kind": kind,
        "language": Language.PYTHON if python else Language.NODE,
        "shape": DeployShape.STATIC if kind is AppKind.VITE_SPA else DeployShape.SERVER,
    }
    fields.update(extra)
    return AppFacts.model_validate(fields)


def facts(*apps: AppFacts, **extra: object) -> RepoFacts:
    return repo_facts(*apps, root="/nonexistent", **extra)


def nothing(_path: str) -> bool:
    return False


def only(*paths: str) -> Callable[[str], bool]:
    return lambda path: path in paths


@pytest.mark.parametrize(
    ("package_manager", "lockfiles", "expected"),
    [
        (PackageManager.NPM, ["package-lock.json"], "npm ci"),
        (PackageManager.NPM, [], "npm install --no-audit --no-fund"),  # nothing to freeze
        (PackageManager.PNPM, ["pnpm-lock.yaml"], "pnpm install --frozen-lockfile"),
        (PackageManager.YARN, ["yarn.lock"], "yarn install --frozen-lockfile --non-interactive"),
        (PackageManager.BUN, ["bun.lockb"], "bun install --frozen-lockfile"),
    ],
)
def test_install_command_honours_the_lockfile(
    package_manager: PackageManager, lockfiles: list[str], expected: str
) -> None:
    ctx = build_context(
        facts(app(AppKind.EXPRESS, package_manager=package_manager, lockfiles=lockfiles)),
        ANSWERS,
        exists=nothing,
    )
    assert ctx.apps[0].install_command == expected


def test_python_install_commands() -> None:
    uv = app(AppKind.FASTAPI, package_manager=PackageManager.UV, lockfiles=["uv.lock"])
    pip = app(AppKind.FLASK, package_manager=PackageManager.PIP)
    assert build_context(facts(uv), ANSWERS, exists=nothing).apps[0].install_command == (
        "uv sync --frozen --no-dev"
    )
    assert (
        build_context(facts(pip), ANSWERS, exists=only("requirements.txt")).apps[0].install_command
        == "pip install --no-cache-dir -r requirements.txt"
    )


def test_runtime_versions_detected_or_pinned() -> None:
    detected = build_context(
        facts(app(AppKind.EXPRESS, runtime_version="v18.19.0")), ANSWERS, exists=nothing
    )
    assert detected.apps[0].runtime_version == "18.19.0"
    assert (
        build_context(facts(app(AppKind.EXPRESS, runtime_version="lts/*")), ANSWERS, exists=nothing)
        .apps[0]
        .runtime_version
        == "20"
    )
    assert (
        build_context(facts(app(AppKind.FASTAPI)), ANSWERS, exists=nothing).apps[0].runtime_version
        == "3.12"
    )
    assert (
        build_context(facts(app(AppKind.FASTAPI, runtime_version="^3.11")), ANSWERS, exists=nothing)
        .apps[0]
        .runtime_version
        == "3.11"
    )


def test_commands_and_ports_per_framework() -> None:
    fastapi = build_context(
        facts(app(AppKind.FASTAPI, entrypoint="app.main:app")), ANSWERS, exists=nothing
    ).apps[0]
    assert fastapi.start_command == "uvicorn app.main:app --host 0.0.0.0 --port 8000"
    assert fastapi.port == 8000
    flask = build_context(
        facts(app(AppKind.FLASK, entrypoint="app.py", port=5000)), ANSWERS, exists=nothing
    ).apps[0]
    assert flask.start_command == "gunicorn --bind 0.0.0.0:5000 app:app"
    nextjs = build_context(
        facts(app(AppKind.NEXTJS, nextjs_standalone=True, package_manager=PackageManager.PNPM)),
        ANSWERS,
        exists=nothing,
    ).apps[0]
    assert nextjs.start_command == "node server.js"
    assert nextjs.build_command == "pnpm run build"
    assert nextjs.port == 3000


def test_static_spa_gets_no_dockerfile_and_no_start_command() -> None:
    spa = build_context(facts(app(AppKind.VITE_SPA)), ANSWERS, exists=nothing).apps[0]
    assert spa.shape == "static"
    assert not spa.write_dockerfile
    assert spa.start_command == ""
    assert spa.build_output_dir == "dist"
    assert not spa.write_health_file


def test_dockerfile_decisions_never_overwrite_theirs() -> None:
    none = build_context(facts(app(AppKind.EXPRESS)), ANSWERS, exists=nothing)
    assert (none.apps[0].write_dockerfile, none.apps[0].dockerfile_path) == (True, "Dockerfile")

    dev = DockerfileFacts(path="Dockerfile", production_grade=False, problems=["runs npm run dev"])
    dev_only = build_context(
        facts(app(AppKind.EXPRESS), production=ProductionPieces(dockerfiles=[dev])),
        ANSWERS,
        exists=only("Dockerfile"),
    )
    assert dev_only.apps[0].write_dockerfile
    assert dev_only.apps[0].dockerfile_path == "Dockerfile.production"

    good = DockerfileFacts(path="api/Dockerfile", app_root="api", production_grade=True)
    prod = build_context(
        facts(app(AppKind.FASTAPI, root="api"), production=ProductionPieces(dockerfiles=[good])),
        ANSWERS,
        exists=only("api/Dockerfile"),
    )
    assert not prod.apps[0].write_dockerfile
    assert prod.apps[0].dockerfile_path == "api/Dockerfile"
    assert "production-grade" in prod.skipped["api/Dockerfile"]


@pytest.mark.parametrize(
    ("facts_app", "exists", "path", "route"),
    [
        (app(AppKind.EXPRESS), nothing, "health.cjs", "/healthz"),
        (app(AppKind.FASTIFY, root="server"), nothing, "server/health.cjs", "/healthz"),
        (app(AppKind.FASTAPI, entrypoint="app.main:app"), nothing, "app/healthz.py", "/healthz"),
        (app(AppKind.FLASK, entrypoint="app.py"), nothing, "healthz.py", "/healthz"),
        (app(AppKind.DJANGO), nothing, "healthz.py", "/healthz"),
        (
            app(AppKind.NEXTJS, nextjs_router="app"),
            only("tsconfig.json", "src/app"),
            "src/app/api/healthz/route.ts",
            "/api/healthz",
        ),
        (
            app(AppKind.NEXTJS, nextjs_router="pages"),
            nothing,
            "pages/api/healthz.js",
            "/api/healthz",
        ),
    ],
)
def test_health_module_per_framework(
    facts_app: AppFacts, exists: Callable[[str], bool], path: str, route: str
) -> None:
    ctx_app = build_context(facts(facts_app), ANSWERS, exists=exists).apps[0]
    assert ctx_app.write_health_file
    assert ctx_app.health_file_path == path
    assert ctx_app.health_path == route


def test_no_health_file_when_one_exists_or_the_framework_has_its_own() -> None:
    existing = build_context(
        facts(app(AppKind.EXPRESS, health_path="/health")), ANSWERS, exists=nothing
    ).apps[0]
    assert (existing.write_health_file, existing.health_path) == (False, "/health")
    streamlit = build_context(facts(app(AppKind.STREAMLIT)), ANSWERS, exists=nothing).apps[0]
    assert (streamlit.write_health_file, streamlit.health_path) == (False, "/_stcore/health")
    taken = build_context(facts(app(AppKind.EXPRESS)), ANSWERS, exists=only("health.cjs"))
    assert not taken.apps[0].write_health_file
    assert "health.cjs" in taken.skipped


@pytest.mark.parametrize(
    ("databases", "supabase", "expected"),
    [
        ([], False, "none"),
        ([DatabaseFacts(kind=DatabaseKind.POSTGRES, host=DatabaseHost.SELF)], False, "rds"),
        ([DatabaseFacts(kind=DatabaseKind.SQLITE, host=DatabaseHost.LOCAL_FILE)], False, "rds"),
        ([DatabaseFacts(kind=DatabaseKind.POSTGRES, host=DatabaseHost.SUPABASE)], True, "supabase"),
        ([], True, "supabase"),
        ([DatabaseFacts(kind=DatabaseKind.POSTGRES, host=DatabaseHost.NEON)], False, "neon"),
        ([DatabaseFacts(kind=DatabaseKind.MONGODB, host=DatabaseHost.OTHER)], False, "external"),
    ],
)
def test_database_choice(databases: list[DatabaseFacts], supabase: bool, expected: str) -> None:
    repo = facts(app(AppKind.EXPRESS), databases=databases, supabase=SupabaseFacts(used=supabase))
    assert database_choice(repo) == expected


def test_migrations_get_deploy_commands_through_the_package_runner() -> None:
    repo = facts(
        app(AppKind.NEXTJS, package_manager=PackageManager.PNPM),
        migrations=[
            MigrationFacts(tool=MigrationTool.PRISMA_MIGRATE),
            MigrationFacts(tool=MigrationTool.ALEMBIC, app_root="api"),
            MigrationFacts(tool=MigrationTool.LOOSE_SQL),
            MigrationFacts(tool=MigrationTool.KNEX, deploy_command="npm run migrate"),
        ],
    )
    ctx = build_context(repo, ANSWERS, exists=nothing)
    commands = {(m.tool, m.app_root): m.deploy_command for m in ctx.migrations}
    assert commands == {
        (MigrationTool.PRISMA_MIGRATE, "."): "pnpm exec prisma migrate deploy",
        (MigrationTool.ALEMBIC, "api"): "alembic upgrade head",
        (MigrationTool.KNEX, "."): "npm run migrate",
    }


def test_env_var_names_only_split_public_and_specs_per_environment() -> None:
    repo = facts(
        app(AppKind.NEXTJS),
        env_vars=[
            EnvVarFacts(name="STRIPE_SECRET_KEY"),
            EnvVarFacts(name="DATABASE_URL"),
            EnvVarFacts(name="NEXT_PUBLIC_SITE_URL", public=True),
        ],
        databases=[DatabaseFacts(kind=DatabaseKind.POSTGRES, host=DatabaseHost.SELF)],
    )
    answers = ANSWERS.model_copy(update={"environments": ["dev", "prod"]})
    ctx = build_context(repo, answers, exists=nothing)
    assert ctx.env_vars == ["DATABASE_URL", "STRIPE_SECRET_KEY"]
    assert ctx.public_env_vars == ["NEXT_PUBLIC_SITE_URL"]
    assert set(ctx.environment_specs) == {"dev", "prod"}
    from ruamel.yaml import YAML

    prod = parse_spec(YAML(typ="safe").load(ctx.environment_specs["prod"]), source="prod")
    assert prod.database is not None and prod.database.multi_az
    assert prod.alarms.email == "ops@example.com"
    assert prod.ci is not None and prod.ci.github_repository == "acme/shop"
    assert prod.secret_names == ["DATABASE_URL", "STRIPE_SECRET_KEY"]
    assert prod.services[0].health_path == "/api/healthz"
    dev = parse_spec(YAML(typ="safe").load(ctx.environment_specs["dev"]), source="dev")
    assert dev.alarms.email is None
    assert ctx.gitignore_additions == GITIGNORE_ADDITIONS
    assert {".env", ".env.*", "!.env.example", "*.db", "*.sqlite", ".scaffold/tmp/"} <= set(
        ctx.gitignore_additions
    )


def test_a_rerun_is_a_fixed_point_over_its_own_output() -> None:
    """Our own Dockerfile, health module and .env.example names must not change the decisions."""
    first = build_context(
        facts(app(AppKind.EXPRESS), env_vars=[EnvVarFacts(name="API_KEY")]), ANSWERS, exists=nothing
    )
    generated = {"Dockerfile", "health.cjs", ".env.example"}
    ours = DockerfileFacts(path="Dockerfile", production_grade=True)
    rerun_facts = facts(
        app(AppKind.EXPRESS, health_path="/healthz"),
        production=ProductionPieces(
            dockerfiles=[ours], health_endpoints=[Evidence(path="health.cjs")]
        ),
        env_vars=[
            EnvVarFacts(name="API_KEY"),
            EnvVarFacts(name="PORT", evidence=[Evidence(path=".env.example")]),
        ],
    )
    again = build_context(
        rerun_facts, ANSWERS, exists=only(*generated), generated=generated, previous=first
    )
    assert again == first


def test_platform_terminal_and_test_only_names_are_not_asked_for() -> None:
    """A v0 workspace read TERM_PROGRAM and CI in a CLI plugin and E2E_* in Playwright specs."""
    names = {
        "CI": ["scripts/build.ts"],
        "NODE_ENV": ["src/lib/env.ts"],
        "PORT": ["server.ts"],
        "TERM_PROGRAM": ["plugin/src/setup.ts"],
        "VERCEL_ENV": ["src/lib/env.ts"],
        "NEXT_PUBLIC_VERCEL_URL": ["src/app/layout.tsx"],
        "GITHUB_SHA": ["src/lib/version.ts"],
        "REPLIT_DEPLOYMENT": ["main.py"],
        "E2E_BASE_URL": ["tests/e2e/login.spec.ts", "playwright.config.ts"],
        "TEST_USER_PASSWORD": ["e2e/auth.setup.ts"],
        "GITHUB_TOKEN": ["src/lib/github.ts"],
        "OPENAI_API_KEY": ["src/lib/ai.ts", "tests/ai.test.ts"],
        "NEXT_PUBLIC_SUPABASE_URL": ["src/lib/supabase.ts"],
    }
    repo = facts(
        app(AppKind.NEXTJS),
        env_vars=[
            EnvVarFacts(
                name=n,
                public=n.startswith("NEXT_PUBLIC_"),
                evidence=[Evidence(path=p) for p in paths],
            )
            for n, paths in names.items()
        ],
    )
    ctx = build_context(repo, ANSWERS, exists=nothing)
    assert ctx.env_vars == ["GITHUB_TOKEN", "OPENAI_API_KEY"]
    assert ctx.public_env_vars == ["NEXT_PUBLIC_SUPABASE_URL"]


def test_edge_function_settings_are_supabase_secrets_not_aws_ones() -> None:
    """A Lovable CRM: 60 edge functions read AXIOM_API_KEY etc. through Deno.env.get."""
    fn = "supabase/functions/import-leads/index.ts"
    repo = facts(
        app(AppKind.VITE_SPA),
        supabase=SupabaseFacts(used=True, project_dir="supabase", edge_functions=["import-leads"]),
        env_vars=[
            EnvVarFacts(name="AXIOM_API_KEY", evidence=[Evidence(path=fn)]),
            EnvVarFacts(name="SUPABASE_SERVICE_ROLE_KEY", evidence=[Evidence(path=fn)]),
            EnvVarFacts(
                name="OPENAI_API_KEY",
                evidence=[Evidence(path=fn), Evidence(path="server/ai.ts")],
            ),
            EnvVarFacts(
                name="VITE_SUPABASE_URL", public=True, evidence=[Evidence(path="src/x.ts")]
            ),
        ],
    )
    ctx = build_context(repo, ANSWERS, exists=nothing)
    assert ctx.supabase_function_env_vars == ["AXIOM_API_KEY"]
    assert ctx.env_vars == ["OPENAI_API_KEY"]
    assert ctx.public_env_vars == ["VITE_SUPABASE_URL"]

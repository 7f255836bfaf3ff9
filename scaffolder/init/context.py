"""RepoFacts + answers -> InitContext: everything the template renders besides the answers.

`build_context` is a function of its arguments. Two of them exist so that a
re-run reaches a fixed point instead of reacting to scaffold's own output:
`generated` (paths the template wrote last time: a Dockerfile or health module
of ours is not the user's) and `previous` (the last context: a per-app decision
such as "write a Dockerfile at Dockerfile.production" is kept once made, so an
update never drops a file it wrote).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Literal

from scaffolder.environment.spec import default_spec, render_spec_yaml
from scaffolder.init.apps import runner, template_app
from scaffolder.init.envnames import owner_supplied
from scaffolder.init.node_plan import finish_apps
from scaffolder.init.one_origin import api_base_vars, same_origin_vars, site_api_spec
from scaffolder.init.python_apps import python_runtime
from scaffolder.init.records import InitAnswers
from scaffolder.init.safe_names import check_safe_for_templates
from scaffolder.init.template_decisions import with_template_decisions
from scaffolder.inspect.sqlite_plan import keeps_sqlite
from scaffolder.models import (
    AppFacts,
    DatabaseHost,
    DatabaseKind,
    EnvVarFacts,
    InitContext,
    MigrationFacts,
    MigrationTool,
    RepoFacts,
    ServiceSpec,
    TemplateApp,
    TemplateMigrations,
)

DatabaseChoice = Literal["rds", "supabase", "neon", "external", "none"]

GITIGNORE_ADDITIONS = [
    ".env",
    ".env.*",
    "!.env.example",
    "*.db",
    "*.sqlite",
    "*.sqlite3",
    ".pulumi/",
    "infra/.pulumi/",
    # The virtualenv Pulumi creates for infra/requirements.txt.
    "infra/venv/",
    ".scaffold/tmp/",
]

# The command that applies pending migrations, per tool; `{run}` is the package runner.
_DEPLOY_COMMANDS: dict[MigrationTool, str] = {
    MigrationTool.PRISMA_MIGRATE: "{run} prisma migrate deploy",
    MigrationTool.PRISMA_DB_PUSH: "{run} prisma db push --skip-generate",
    MigrationTool.DRIZZLE_KIT: "{run} drizzle-kit migrate",
    MigrationTool.ALEMBIC: "{run} alembic upgrade head",
    MigrationTool.DJANGO: "{run} python manage.py migrate --noinput",
    MigrationTool.SUPABASE: "supabase db push",
    MigrationTool.KNEX: "{run} knex migrate:latest",
    MigrationTool.SEQUELIZE: "{run} sequelize-cli db:migrate",
}


def build_context(
    facts: RepoFacts,
    answers: InitAnswers,
    *,
    exists: Callable[[str], bool] | None = None,
    generated: Collection[str] = (),
    previous: InitContext | None = None,
) -> InitContext:
    """The template context for `facts` under `answers` (see the module docstring)."""
    generated_set = set(generated)
    root = Path(facts.root)

    def user_has(path: str) -> bool:
        if path in generated_set:
            return False
        return exists(path) if exists is not None else (root / path).exists()

    dockerfiles = [d for d in facts.production.dockerfiles if d.path not in generated_set]
    apps: list[TemplateApp] = []
    skipped: dict[str, str] = {}
    for app in facts.apps:
        template, app_skipped = template_app(
            _without_own_health(app, facts, generated_set), dockerfiles, user_has
        )
        template = _keep_previous_decisions(template, previous)
        template = python_runtime(template, app)
        apps.append(template)
        skipped.update(app_skipped)
    if previous is not None:
        for path, why in previous.skipped.items():
            skipped.setdefault(path, why)
    migrations = _migrations(facts)
    apps = finish_apps(apps, migrations, facts)
    database = database_choice(facts)
    function_vars = _supabase_function_vars(facts, generated_set)
    secret_vars, public_vars = _env_vars(facts, generated_set, previous)
    context = InitContext(
        project=answers.project_name,
        apps=apps,
        database=database,
        migrations=migrations,
        supabase_functions=sorted(facts.supabase.edge_functions),
        env_vars=secret_vars,
        public_env_vars=public_vars,
        supabase_function_env_vars=function_vars,
        skipped=dict(sorted(skipped.items())),
        gitignore_additions=list(GITIGNORE_ADDITIONS),
        sqlite_kept=keeps_sqlite(facts),
    )
    context.site_api = site_api_spec(facts, {a.root: a.name for a in apps})
    context.api_base_env_vars = api_base_vars(public_vars)
    context.same_origin_env_vars = same_origin_vars(facts, context.site_api, public_vars)
    context = with_template_decisions(context)
    check_safe_for_templates(context)  # before any of it reaches a template or a spec
    context.environment_specs = environment_specs(context, answers)
    return context


def _without_own_health(app: AppFacts, facts: RepoFacts, generated: set[str]) -> AppFacts:
    """Forget a health endpoint that only exists in a health module scaffold wrote."""
    if not app.health_path:
        return app
    seen = [e.path for e in facts.production.health_endpoints]
    if seen and all(path in generated for path in seen):
        return app.model_copy(update={"health_path": None})
    return app


def _keep_previous_decisions(app: TemplateApp, previous: InitContext | None) -> TemplateApp:
    if previous is None:
        return app
    before = next((a for a in previous.apps if a.name == app.name and a.root == app.root), None)
    if before is None:
        return app
    keep = {
        "write_dockerfile": before.write_dockerfile,
        "dockerfile_path": before.dockerfile_path,
        "write_health_file": before.write_health_file,
        "health_file_path": before.health_file_path,
    }
    if before.write_health_file:
        keep["health_path"] = before.health_path
    return app.model_copy(update=keep)


def database_choice(facts: RepoFacts) -> DatabaseChoice:
    """Which database the generated system uses (docs/architecture.md, 'Shapes')."""
    hosts = {d.host for d in facts.databases}
    if keeps_sqlite(facts):
        return "none"  # no RDS the app could not use; DATA001 stays open with the way out
    if DatabaseHost.SUPABASE in hosts or (facts.supabase.used and not facts.databases):
        return "supabase"
    if DatabaseHost.NEON in hosts:
        return "neon"
    for db in facts.databases:
        if db.kind is DatabaseKind.SQLITE or (
            db.kind is DatabaseKind.POSTGRES and db.host is DatabaseHost.SELF
        ):
            return "rds"  # SQLite apps get a path to Postgres on RDS
    return "external" if facts.databases else "none"


def _migrations(facts: RepoFacts) -> list[TemplateMigrations]:
    result: list[TemplateMigrations] = []
    for migration in facts.migrations:
        command = migration.deploy_command or _default_deploy_command(migration, facts)
        if command:
            result.append(
                TemplateMigrations(
                    tool=migration.tool,
                    app_root=migration.app_root,
                    deploy_command=command,
                    directory=migration.directory,
                )
            )
    return result


def _default_deploy_command(migration: MigrationFacts, facts: RepoFacts) -> str | None:
    pattern = _DEPLOY_COMMANDS.get(migration.tool)
    if pattern is None:
        return None  # loose .sql files: no runner to call; the audit says so
    app = next((a for a in facts.apps if a.root == migration.app_root), None)
    python_tool = migration.tool in (MigrationTool.ALEMBIC, MigrationTool.DJANGO)
    run = runner(app) if app is not None else ("" if python_tool else "npx")
    return pattern.format(run=run).strip()


# Supabase gives every edge function these itself.
_SUPABASE_PROVIDED = frozenset(
    {"SUPABASE_URL", "SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_DB_URL"}
)


def _supabase_function_vars(facts: RepoFacts, generated: set[str]) -> list[str]:
    """Names read only inside supabase/functions/: the functions' secrets, not the app's."""
    return sorted(
        var.name
        for var in facts.env_vars
        if _only_in_functions(var, facts, generated)
        and var.name not in _SUPABASE_PROVIDED
        and owner_supplied(var)
    )


def _only_in_functions(var: EnvVarFacts, facts: RepoFacts, generated: set[str]) -> bool:
    # Files scaffold wrote (.env.example lists function names too) are not evidence,
    # or a re-run would see the name "outside" the functions and move it.
    project = facts.supabase.project_dir
    prefix = f"{project}/functions/"
    paths = [e.path for e in var.evidence if e.path not in generated]
    return bool(project and paths) and all(path.startswith(prefix) for path in paths)


def _env_vars(
    facts: RepoFacts, generated: set[str], previous: InitContext | None
) -> tuple[list[str], list[str]]:
    """Names only. A name seen only in files scaffold wrote is kept only if it was known before."""
    known = set(previous.env_vars + previous.public_env_vars) if previous else set()
    secret: set[str] = set()
    public: set[str] = set()
    for var in facts.env_vars:
        if not owner_supplied(var) or _only_in_functions(var, facts, generated):
            continue
        paths = [e.path for e in var.evidence]
        if paths and all(p in generated for p in paths) and var.name not in known:
            continue
        (public if var.public else secret).add(var.name)
    return sorted(secret), sorted(public - secret)


def environment_specs(context: InitContext, answers: InitAnswers) -> dict[str, str]:
    """infra/Pulumi.<env>.yaml text per chosen environment."""
    services = [
        ServiceSpec(name=a.name, shape=a.shape, port=a.port, health_path=a.health_path)
        for a in context.apps
    ]
    external = {"supabase": "supabase", "neon": "neon", "external": "other"}.get(context.database)
    return {
        env: render_spec_yaml(
            default_spec(
                project=answers.project_name,
                env=env,
                region=answers.aws_region,
                services=services,
                secret_names=context.env_vars,
                self_hosted_postgres=context.database == "rds",
                external_provider=external,
                alarm_email=answers.alarm_email or None,
                github_repository=answers.github_repository or None,
            ).model_copy(update={"site_api": context.site_api})
        )
        for env in answers.environments
    }

"""Inspection's output: repository -> RepoFacts (docs/architecture.md, 'Stages')."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from scaffolder.models.base import Evidence
from scaffolder.models.ci_run import RecordedCiRun
from scaffolder.models.record import Record


class AppKind(StrEnum):
    VITE_SPA = "vite-spa"
    CREATE_REACT_APP = "create-react-app"  # react-scripts: static, build/, REACT_APP_*
    NEXTJS = "nextjs"
    REMIX = "remix"
    SVELTEKIT = "sveltekit"
    NUXT = "nuxt"
    ASTRO = "astro"
    EXPRESS = "express"
    FASTIFY = "fastify"
    HONO = "hono"  # on @hono/node-server, or Bun's `export default { fetch: app.fetch }`
    NESTJS = "nestjs"
    FASTAPI = "fastapi"
    FLASK = "flask"
    DJANGO = "django"
    STREAMLIT = "streamlit"


class Language(StrEnum):
    NODE = "node"
    PYTHON = "python"


class DeployShape(StrEnum):
    """How the generated system runs an app (docs/architecture.md, 'Shapes')."""

    SERVER = "server"  # container on ECS Fargate behind an ALB
    STATIC = "static"  # S3 + CloudFront, one prefix per release


class PackageManager(StrEnum):
    NPM = "npm"
    PNPM = "pnpm"
    YARN = "yarn"
    BUN = "bun"
    PIP = "pip"
    POETRY = "poetry"
    UV = "uv"
    PIPENV = "pipenv"


@dataclass(kw_only=True, slots=True)
class RouteFacts(Record):
    """Where a server's routes live and what a site requests (scaffolder/inspect/routes.py)."""

    # server: the one first path segment all its routes and mounts share ("/api"), health
    # checks aside; None when they spread out, or when routers are mounted without a prefix.
    prefix: str | None = None
    # server: a few of its top-level routes and mounts; site: the first path segments it
    # requests on its own origin ("/api" for fetch("/api/x") or `${VITE_API_URL}/api/x`).
    paths: list[str] = field(default_factory=list)
    unprefixed_routers: bool = False  # server: a router included with no prefix
    # site: API base variables it falls back from when empty (`VITE_API_URL || "http://…"`).
    fallback_vars: list[str] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class BrowserBundleFacts(Record):
    """What a server app's own build writes for browsers (scaffolder/inspect/browser_bundle.py):
    an Express server whose `npm run build` also runs `vite build`, a SvelteKit or Astro
    server. The bundler compiles the variables with these prefixes into those files."""

    builder: str  # "vite", "sveltekit", "astro", "remix"
    source_root: str  # the browser code, repo-relative ("client", or the app root)
    output_dir: str  # where the build writes it, relative to the app root ("dist/public")
    env_prefixes: list[str] = field(default_factory=list)  # ["VITE_"]
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class AppFacts(Record):
    name: str  # a slug: package.json name, pyproject name, or the folder name
    root: str  # folder relative to the repo root, "." for the root itself
    kind: AppKind
    language: Language
    shape: DeployShape
    package_manager: PackageManager | None = None
    lockfiles: list[str] = field(default_factory=list)  # paths relative to the repo root
    lockfile_conflict: bool = False  # two managers' lockfiles side by side
    runtime_version: str | None = None  # "20", "3.11"
    runtime_version_source: str | None = None  # ".nvmrc", "engines", ".python-version"...
    install_command: str | None = None
    build_command: str | None = None
    start_command: str | None = None
    test_command: str | None = None
    # What test_command prints first when it cannot pass today (no test for its runner
    # to find: inspect/test_outcome.py); None when it may pass.
    test_failure: str | None = None
    lint_command: str | None = None
    port: int | None = None
    build_output_dir: str | None = None  # static shape: "dist", "build", "out"
    nextjs_router: Literal["app", "pages"] | None = None
    nextjs_standalone: bool = False
    django_rest_framework: bool = False
    # Django settings with STATIC_ROOT and staticfiles: `collectstatic` can run at build time.
    django_collectstatic: bool = False
    entrypoint: str | None = None  # "main:app", "app.py", "server.js", "myproject.wsgi"
    health_path: str | None = None  # an existing health endpoint, if any
    # The server listens on a literal port and never reads PORT: the file that does it.
    hard_coded_port_in: str | None = None
    # package.json's packageManager / engines.<manager>, when it names an exact version.
    package_manager_version: str | None = None
    package_manager_version_source: str | None = None  # "packageManager", "engines"
    # Packages in devDependencies only, and those the server's runtime code imports at
    # module level (following its relative imports from the entry): a prune breaks those.
    dev_only_dependencies: list[str] = field(default_factory=list)
    runtime_dev_imports: list[str] = field(default_factory=list)
    has_tests: bool = False
    # A Python app with no requirements.txt, pyproject.toml or Pipfile: the third-party
    # packages its code imports (inspect/python_imports.py), which nothing would install.
    undeclared_dependencies: list[str] = field(default_factory=list)
    # A tsconfig `extends` naming a package neither package.json nor the lockfile has
    # (inspect/config_extends.py): the build fails with TS6053.
    unresolved_extends: list[Evidence] = field(default_factory=list)
    # Framework debug mode switched on unconditionally (Flask debug=True, Django DEBUG = True).
    debug_mode: list[Evidence] = field(default_factory=list)
    routes: RouteFacts = field(default_factory=RouteFacts)
    # A server whose build also writes a browser bundle with public variables compiled in.
    browser_bundle: BrowserBundleFacts | None = None
    evidence: list[Evidence] = field(default_factory=list)


class DatabaseKind(StrEnum):
    POSTGRES = "postgres"
    SQLITE = "sqlite"
    MONGODB = "mongodb"
    MYSQL = "mysql"


class DatabaseHost(StrEnum):
    SELF = "self"  # the app expects a Postgres we provision (RDS)
    SUPABASE = "supabase"
    NEON = "neon"
    LOCAL_FILE = "local-file"  # SQLite
    OTHER = "other"


@dataclass(kw_only=True, slots=True)
class DatabaseFacts(Record):
    kind: DatabaseKind
    host: DatabaseHost
    clients: list[str] = field(default_factory=list)  # prisma, drizzle, sqlalchemy, pg, ...
    url_env_var: str | None = None  # DATABASE_URL, SUPABASE_URL...
    committed_files: list[str] = field(default_factory=list)  # committed .db/.sqlite files
    evidence: list[Evidence] = field(default_factory=list)


class MigrationTool(StrEnum):
    PRISMA_MIGRATE = "prisma-migrate"
    PRISMA_DB_PUSH = "prisma-db-push"  # schema pushed without migration history
    DRIZZLE_KIT = "drizzle-kit"
    ALEMBIC = "alembic"
    DJANGO = "django"
    SUPABASE = "supabase"
    KNEX = "knex"
    SEQUELIZE = "sequelize"
    LOOSE_SQL = "loose-sql"  # .sql files with no runner


@dataclass(kw_only=True, slots=True)
class MigrationFacts(Record):
    tool: MigrationTool
    app_root: str = "."
    directory: str | None = None
    deploy_command: str | None = None  # what deploy.yml runs before traffic shifts
    head: str | None = None  # newest migration's id / file name
    count: int = 0
    evidence: list[Evidence] = field(default_factory=list)


class AuthKind(StrEnum):
    SUPABASE = "supabase"
    NEXTAUTH = "nextauth"
    CLERK = "clerk"
    DJANGO = "django"
    FLASK_LOGIN = "flask-login"
    CUSTOM_JWT = "custom-jwt"
    CUSTOM_SESSION = "custom-session"
    CLIENT_ONLY = "client-only"  # "auth" that only happens in the browser


@dataclass(kw_only=True, slots=True)
class AuthFacts(Record):
    kind: AuthKind
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class EnvVarFacts(Record):
    name: str
    public: bool = False  # reaches the browser (VITE_*, NEXT_PUBLIC_*, PUBLIC_*, NUXT_PUBLIC_*)
    has_default_in_code: bool = False
    evidence: list[Evidence] = field(default_factory=list)
    # Where a server value is imported from SvelteKit's $env/static/private: the build
    # inlines it, so the image build needs it (and would bake a secret into the image).
    read_at_build: list[Evidence] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class DockerfileFacts(Record):
    path: str
    app_root: str = "."
    production_grade: bool
    problems: list[str] = field(default_factory=list)  # "runs npm run dev", "no USER", ...


@dataclass(kw_only=True, slots=True)
class WorkflowFacts(Record):
    path: str
    runs_tests: bool
    deploys: bool = False
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class RecordedVerification(Record):
    """`scaffold backup verify ENV --json`, committed at .scaffold/verifications/ENV.json."""

    path: str
    environment: str
    passed: bool
    finished_at: str | None = None


@dataclass(kw_only=True, slots=True)
class ProductionPieces(Record):
    dockerfiles: list[DockerfileFacts] = field(default_factory=list)
    compose_files: list[str] = field(default_factory=list)
    workflows: list[WorkflowFacts] = field(default_factory=list)
    other_ci: list[str] = field(default_factory=list)  # .gitlab-ci.yml, .circleci/...
    test_files: int = 0
    health_endpoints: list[Evidence] = field(default_factory=list)
    logging_libraries: list[str] = field(default_factory=list)
    error_tracking: list[str] = field(default_factory=list)  # sentry, bugsnag, ...
    iac: list[str] = field(default_factory=list)  # terraform, pulumi, cdk, sst, serverless
    deploy_configs: list[str] = field(default_factory=list)  # vercel.json, netlify.toml, fly.toml
    # Environment names the repository already defines: infra/Pulumi.<env>.yaml stacks,
    # GitHub `environment:` keys in workflows, .env.<env> files. Sorted, de-duplicated.
    environments: list[str] = field(default_factory=list)
    # Health routes defined in a module nothing imports or includes (e.g. the health.cjs or
    # healthz.py `scaffold init` writes, before the one wiring line is added): not reachable.
    unwired_health: list[Evidence] = field(default_factory=list)
    # Of `environments`, those only files `scaffold init` wrote name (infra/Pulumi.<env>.yaml,
    # the generated workflows): planned until the repository records the stack exists.
    planned_environments: list[str] = field(default_factory=list)
    # Environments the repository records as created: a stack outputs file
    # (.scaffold/outputs/<env>.json) or a backup verification (.scaffold/verifications/<env>.json).
    provisioned_environments: list[str] = field(default_factory=list)
    verifications: list[RecordedVerification] = field(default_factory=list)


class SecretKind(StrEnum):
    PROVIDER_KEY = "provider-key"  # a key matching a provider's pattern
    PRIVATE_KEY = "private-key"
    DATABASE_URL = "database-url"  # a URL with a password in it
    SUPABASE_SERVICE_ROLE = "supabase-service-role"
    HARDCODED_FRAMEWORK_SECRET = "hardcoded-framework-secret"  # SECRET_KEY, secret_key...
    FALLBACK_SECRET = "fallback-secret"  # process.env.X || "dev-secret"
    ENV_FILE = "env-file"  # a committed .env-like file
    CREDENTIAL_DOCUMENT = "credential-document"  # an app account's password in a README/notes


@dataclass(kw_only=True, slots=True)
class SecretFinding(Record):
    kind: SecretKind
    detector: str  # "aws-access-key-id", "openai-api-key", "django-secret-key", ...
    description: str
    path: str
    line: int | None = None
    preview: str  # redacted, e.g. "sk-a...f3"; never the value
    fingerprint: str  # sha256 of the value, to de-duplicate tree and history hits
    in_working_tree: bool = True
    in_history: bool = False
    commit: str | None = None  # the commit that introduced it, when found in history


@dataclass(kw_only=True, slots=True)
class TableRls(Record):
    schema_name: str = "public"
    table: str
    rls_enabled: bool
    evidence: Evidence


@dataclass(kw_only=True, slots=True)
class SupabaseFacts(Record):
    used: bool = False
    project_dir: str | None = None  # "supabase"
    edge_functions: list[str] = field(default_factory=list)
    tables: list[TableRls] = field(default_factory=list)
    service_role_in_browser: list[Evidence] = field(default_factory=list)
    anon_keys_seen: int = 0  # public by design; counted, never reported as leaks


class WarningKind(StrEnum):
    UNREADABLE = "unreadable"
    BINARY = "binary"
    TOO_LARGE = "too-large"
    SYMLINK_LOOP = "symlink-loop"
    NOT_UTF8 = "not-utf8"
    MALFORMED = "malformed"
    NOT_GIT = "not-git"
    EMPTY = "empty"
    HISTORY_SKIPPED = "history-skipped"


@dataclass(kw_only=True, slots=True)
class ScanWarning(Record):
    kind: WarningKind
    path: str | None = None
    message: str


@dataclass(kw_only=True, slots=True)
class LockfileDrift(Record):
    """A lockfile that no longer matches a package.json it covers: the frozen install fails."""

    lockfile: str  # repo-relative path
    manifest: str  # the package.json it no longer matches
    package_manager: PackageManager
    missing: list[str] = field(default_factory=list)  # "zod ^3.23.8": not in the lockfile
    changed: list[str] = field(default_factory=list)  # "express ^4.19 in package.json, ^4.18 in..."
    extra: list[str] = field(default_factory=list)  # in the lockfile, gone from package.json
    frozen_install: str  # "npm ci"
    fix_command: str  # "npm install", "cd web && pnpm install"
    first_error: str  # the first error line the frozen install prints
    error_detail: str | None = None  # npm's "Missing: zod@^3.23.8 from lock file"


WeaknessSeverity = Literal["high", "medium", "low", "informational", "unknown"]
WeaknessConfidence = Literal["high", "medium", "low", "unknown"]


@dataclass(kw_only=True, slots=True)
class WorkflowWeakness(Record):
    """One zizmor finding in a GitHub workflow the repository already had."""

    ident: str  # zizmor's audit id: "unpinned-uses", "template-injection", ...
    severity: WeaknessSeverity
    confidence: WeaknessConfidence
    path: str  # repo-relative workflow path
    line: int | None = None
    description: str
    url: str | None = None  # zizmor's documentation of the audit


@dataclass(kw_only=True, slots=True)
class RepoFacts(Record):
    root: str  # absolute path of the repository that was inspected
    name: str  # a slug for the project
    is_git: bool = False
    git_remote: str | None = None  # "owner/name" when an origin on GitHub is known
    head_commit: str | None = None
    files_scanned: int = 0
    bytes_scanned: int = 0
    apps: list[AppFacts] = field(default_factory=list)
    databases: list[DatabaseFacts] = field(default_factory=list)
    migrations: list[MigrationFacts] = field(default_factory=list)
    auth: list[AuthFacts] = field(default_factory=list)
    env_vars: list[EnvVarFacts] = field(default_factory=list)
    production: ProductionPieces = field(default_factory=ProductionPieces)
    secrets: list[SecretFinding] = field(default_factory=list)
    committed_env_files: list[str] = field(default_factory=list)
    node_modules_committed: list[str] = field(default_factory=list)
    supabase: SupabaseFacts = field(default_factory=SupabaseFacts)
    lockfile_drift: list[LockfileDrift] = field(default_factory=list)
    # `.scaffold/ci-run.json`: the CI steps `scaffold smoke --ci` ran, and their outcomes.
    ci_run: RecordedCiRun | None = None
    # zizmor's findings in the repository's own workflows (not the ones scaffold wrote).
    workflow_weaknesses: list[WorkflowWeakness] = field(default_factory=list)
    warnings: list[ScanWarning] = field(default_factory=list)

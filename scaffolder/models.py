"""Typed models at every boundary (docs/architecture.md, 'Data flows one way').

repository --inspect--> RepoFacts --rules--> Finding --score--> ReadinessReport
RepoFacts + answers --> Answers --copier--> files in the repo
infra/Pulumi.<env>.yaml --> EnvironmentSpec --stacks--> AWS
stack outputs (StackOutputs) --> operations

Every model forbids unknown fields so that a typo is an error, not silence.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scaffolder.runtime_images import NODE_DEFAULT_EXACT


class Model(BaseModel):
    # defer_build: a model's validator is built when it is first used, not at import;
    # a command uses a few of these models, and building all ~50 costs ~30 ms a run.
    model_config = ConfigDict(extra="forbid", frozen=False, defer_build=True)


# --------------------------------------------------------------------------
# Inspection: repository -> RepoFacts
# --------------------------------------------------------------------------


class Evidence(Model):
    """Where a fact was seen. `snippet` is never a secret value."""

    path: str
    line: int | None = None
    snippet: str | None = None


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


class RouteFacts(Model):
    """Where a server's routes live and what a site requests (scaffolder/inspect/routes.py)."""

    # server: the one first path segment all its routes and mounts share ("/api"), health
    # checks aside; None when they spread out, or when routers are mounted without a prefix.
    prefix: str | None = None
    # server: a few of its top-level routes and mounts; site: the first path segments it
    # requests on its own origin ("/api" for fetch("/api/x") or `${VITE_API_URL}/api/x`).
    paths: list[str] = Field(default_factory=list)
    unprefixed_routers: bool = False  # server: a router included with no prefix
    # site: API base variables it falls back from when empty (`VITE_API_URL || "http://…"`).
    fallback_vars: list[str] = Field(default_factory=list)


class AppFacts(Model):
    name: str  # a slug: package.json name, pyproject name, or the folder name
    root: str  # folder relative to the repo root, "." for the root itself
    kind: AppKind
    language: Language
    shape: DeployShape
    package_manager: PackageManager | None = None
    lockfiles: list[str] = Field(default_factory=list)  # paths relative to the repo root
    lockfile_conflict: bool = False  # two managers' lockfiles side by side
    runtime_version: str | None = None  # "20", "3.11"
    runtime_version_source: str | None = None  # ".nvmrc", "engines", ".python-version"...
    install_command: str | None = None
    build_command: str | None = None
    start_command: str | None = None
    test_command: str | None = None
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
    dev_only_dependencies: list[str] = Field(default_factory=list)
    runtime_dev_imports: list[str] = Field(default_factory=list)
    has_tests: bool = False
    # Framework debug mode switched on unconditionally (Flask debug=True, Django DEBUG = True).
    debug_mode: list[Evidence] = Field(default_factory=list)
    routes: RouteFacts = Field(default_factory=RouteFacts)
    evidence: list[Evidence] = Field(default_factory=list)


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


class DatabaseFacts(Model):
    kind: DatabaseKind
    host: DatabaseHost
    clients: list[str] = Field(default_factory=list)  # prisma, drizzle, sqlalchemy, pg, ...
    url_env_var: str | None = None  # DATABASE_URL, SUPABASE_URL...
    committed_files: list[str] = Field(default_factory=list)  # committed .db/.sqlite files
    evidence: list[Evidence] = Field(default_factory=list)


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


class MigrationFacts(Model):
    tool: MigrationTool
    app_root: str = "."
    directory: str | None = None
    deploy_command: str | None = None  # what deploy.yml runs before traffic shifts
    head: str | None = None  # newest migration's id / file name
    count: int = 0
    evidence: list[Evidence] = Field(default_factory=list)


class AuthKind(StrEnum):
    SUPABASE = "supabase"
    NEXTAUTH = "nextauth"
    CLERK = "clerk"
    DJANGO = "django"
    FLASK_LOGIN = "flask-login"
    CUSTOM_JWT = "custom-jwt"
    CUSTOM_SESSION = "custom-session"
    CLIENT_ONLY = "client-only"  # "auth" that only happens in the browser


class AuthFacts(Model):
    kind: AuthKind
    evidence: list[Evidence] = Field(default_factory=list)


class EnvVarFacts(Model):
    name: str
    public: bool = False  # reaches the browser (VITE_*, NEXT_PUBLIC_*, PUBLIC_*, NUXT_PUBLIC_*)
    has_default_in_code: bool = False
    evidence: list[Evidence] = Field(default_factory=list)


class DockerfileFacts(Model):
    path: str
    app_root: str = "."
    production_grade: bool
    problems: list[str] = Field(default_factory=list)  # "runs npm run dev", "no USER", ...


class WorkflowFacts(Model):
    path: str
    runs_tests: bool
    deploys: bool = False
    evidence: list[Evidence] = Field(default_factory=list)


class RecordedVerification(Model):
    """`scaffold backup verify ENV --json`, committed at .scaffold/verifications/ENV.json."""

    path: str
    environment: str
    passed: bool
    finished_at: str | None = None


class ProductionPieces(Model):
    dockerfiles: list[DockerfileFacts] = Field(default_factory=list)
    compose_files: list[str] = Field(default_factory=list)
    workflows: list[WorkflowFacts] = Field(default_factory=list)
    other_ci: list[str] = Field(default_factory=list)  # .gitlab-ci.yml, .circleci/...
    test_files: int = 0
    health_endpoints: list[Evidence] = Field(default_factory=list)
    logging_libraries: list[str] = Field(default_factory=list)
    error_tracking: list[str] = Field(default_factory=list)  # sentry, bugsnag, ...
    iac: list[str] = Field(default_factory=list)  # terraform, pulumi, cdk, sst, serverless
    deploy_configs: list[str] = Field(default_factory=list)  # vercel.json, netlify.toml, fly.toml
    # Environment names the repository already defines: infra/Pulumi.<env>.yaml stacks,
    # GitHub `environment:` keys in workflows, .env.<env> files. Sorted, de-duplicated.
    environments: list[str] = Field(default_factory=list)
    # Health routes defined in a module nothing imports or includes (e.g. the health.cjs or
    # healthz.py `scaffold init` writes, before the one wiring line is added): not reachable.
    unwired_health: list[Evidence] = Field(default_factory=list)
    # Of `environments`, those only files `scaffold init` wrote name (infra/Pulumi.<env>.yaml,
    # the generated workflows): planned until the repository records the stack exists.
    planned_environments: list[str] = Field(default_factory=list)
    # Environments the repository records as created: a stack outputs file
    # (.scaffold/outputs/<env>.json) or a backup verification (.scaffold/verifications/<env>.json).
    provisioned_environments: list[str] = Field(default_factory=list)
    verifications: list[RecordedVerification] = Field(default_factory=list)


class SecretKind(StrEnum):
    PROVIDER_KEY = "provider-key"  # a key matching a provider's pattern
    PRIVATE_KEY = "private-key"
    DATABASE_URL = "database-url"  # a URL with a password in it
    SUPABASE_SERVICE_ROLE = "supabase-service-role"
    HARDCODED_FRAMEWORK_SECRET = "hardcoded-framework-secret"  # SECRET_KEY, secret_key...
    FALLBACK_SECRET = "fallback-secret"  # process.env.X || "dev-secret"
    ENV_FILE = "env-file"  # a committed .env-like file
    CREDENTIAL_DOCUMENT = "credential-document"  # an app account's password in a README/notes


class SecretFinding(Model):
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


class TableRls(Model):
    schema_name: str = "public"
    table: str
    rls_enabled: bool
    evidence: Evidence


class SupabaseFacts(Model):
    used: bool = False
    project_dir: str | None = None  # "supabase"
    edge_functions: list[str] = Field(default_factory=list)
    tables: list[TableRls] = Field(default_factory=list)
    service_role_in_browser: list[Evidence] = Field(default_factory=list)
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


class ScanWarning(Model):
    kind: WarningKind
    path: str | None = None
    message: str


class LockfileDrift(Model):
    """A lockfile that no longer matches a package.json it covers: the frozen install fails."""

    lockfile: str  # repo-relative path
    manifest: str  # the package.json it no longer matches
    package_manager: PackageManager
    missing: list[str] = Field(default_factory=list)  # "zod ^3.23.8": not in the lockfile
    changed: list[str] = Field(default_factory=list)  # "express ^4.19 in package.json, ^4.18 in..."
    extra: list[str] = Field(default_factory=list)  # in the lockfile, gone from package.json
    frozen_install: str  # "npm ci"
    fix_command: str  # "npm install", "cd web && pnpm install"
    first_error: str  # the first error line the frozen install prints
    error_detail: str | None = None  # npm's "Missing: zod@^3.23.8 from lock file"


class WorkflowWeakness(Model):
    """One zizmor finding in a GitHub workflow the repository already had."""

    ident: str  # zizmor's audit id: "unpinned-uses", "template-injection", ...
    severity: Literal["high", "medium", "low", "informational", "unknown"]
    confidence: Literal["high", "medium", "low", "unknown"]
    path: str  # repo-relative workflow path
    line: int | None = None
    description: str
    url: str | None = None  # zizmor's documentation of the audit


class RepoFacts(Model):
    root: str  # absolute path of the repository that was inspected
    name: str  # a slug for the project
    is_git: bool = False
    git_remote: str | None = None  # "owner/name" when an origin on GitHub is known
    head_commit: str | None = None
    files_scanned: int = 0
    bytes_scanned: int = 0
    apps: list[AppFacts] = Field(default_factory=list)
    databases: list[DatabaseFacts] = Field(default_factory=list)
    migrations: list[MigrationFacts] = Field(default_factory=list)
    auth: list[AuthFacts] = Field(default_factory=list)
    env_vars: list[EnvVarFacts] = Field(default_factory=list)
    production: ProductionPieces = Field(default_factory=ProductionPieces)
    secrets: list[SecretFinding] = Field(default_factory=list)
    committed_env_files: list[str] = Field(default_factory=list)
    node_modules_committed: list[str] = Field(default_factory=list)
    supabase: SupabaseFacts = Field(default_factory=SupabaseFacts)
    lockfile_drift: list[LockfileDrift] = Field(default_factory=list)
    # zizmor's findings in the repository's own workflows (not the ones scaffold wrote).
    workflow_weaknesses: list[WorkflowWeakness] = Field(default_factory=list)
    warnings: list[ScanWarning] = Field(default_factory=list)


# --------------------------------------------------------------------------
# Audit: RepoFacts -> Finding -> ReadinessReport
# --------------------------------------------------------------------------


class Dimension(StrEnum):
    CODE = "code"
    SECURITY = "security"
    DATA = "data"
    OPERATIONS = "operations"
    COST = "cost"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


FindingStatus = Literal["open", "planned"]


class Finding(Model):
    rule_id: str  # "SEC001"
    title: str
    dimension: Dimension
    severity: Severity
    why: str  # one sentence: why this breaks in production
    fix: str  # what closes it
    fix_command: str | None = None  # the scaffold command that closes it, if one does
    evidence: list[Evidence] = Field(default_factory=list)
    # "planned": `scaffold init` prepared the fix (files written) but its cause is still there
    # (no verified restore, no stack, a health module not wired in); `planned` says what is
    # prepared and what is left. The score counts it as open; `planned_score` does not.
    status: FindingStatus = "open"
    planned: str | None = None


class DimensionScore(Model):
    dimension: Dimension
    score: int = Field(ge=0, le=100)
    findings: int = 0
    planned_score: int | None = Field(default=None, ge=0, le=100)  # once the planned work is done


class LaunchStep(Model):
    order: int
    title: str
    command: str | None = None
    closes: list[str] = Field(default_factory=list)  # rule ids


class CostLine(Model):
    resource: str
    monthly_usd: float


RlsCell = Literal["allowed", "denied", "error"]


class RlsOperations(Model):
    """What one role could do to another user's row: each cell allowed, denied or error."""

    select: RlsCell
    insert: RlsCell
    update: RlsCell
    delete: RlsCell


class RlsAccess(Model):
    anon: RlsOperations  # anyone holding the anon key, signed out
    authenticated_other: RlsOperations  # a signed-in user, against another user's rows


class RlsTableProbe(Model):
    model_config = ConfigDict(
        extra="forbid",
        serialize_by_alias=True,
        validate_by_name=True,
        validate_by_alias=True,
        defer_build=True,
    )

    schema_name: str = Field(default="public", alias="schema")
    table: str
    rls_enabled: bool
    access: RlsAccess


class RlsProbe(Model):
    """`scaffold audit --probe-rls`: the access matrix measured in a scratch Postgres."""

    probed: bool
    reason: str | None = None  # why it was not probed
    tables: list[RlsTableProbe] = Field(default_factory=list)


class ReadinessReport(Model):
    schema_version: Literal["1"] = "1"
    tool_version: str
    repository: str
    score: int = Field(ge=0, le=100)
    # The score once every planned finding is done (planned findings count as open in `score`).
    planned_score: int | None = Field(default=None, ge=0, le=100)
    dimensions: list[DimensionScore]
    findings: list[Finding]
    top_risks: list[str]  # rule ids, most severe first
    launch_plan: list[LaunchStep]
    warnings: list[ScanWarning] = Field(default_factory=list)
    estimated_monthly_cost_usd: dict[str, float] = Field(default_factory=dict)  # env -> USD
    facts: RepoFacts
    rls_probe: RlsProbe | None = None  # only with --probe-rls


# --------------------------------------------------------------------------
# Environments: infra/Pulumi.<env>.yaml -> EnvironmentSpec
# --------------------------------------------------------------------------

EnvName = Literal["dev", "staging", "prod"]
NatMode = Literal["gateway", "instance", "none"]
ENV_NAMES: tuple[EnvName, ...] = ("dev", "staging", "prod")


class DatabaseSpec(Model):
    """An RDS Postgres the tool provisions."""

    engine_version: str = "16"
    instance_class: str = "db.t4g.micro"
    allocated_storage_gb: int = 20
    max_allocated_storage_gb: int = 100
    multi_az: bool = False
    backup_retention_days: int = 1
    point_in_time_recovery: bool = False  # continuous backup in AWS Backup (prod)
    deletion_protection: bool = False
    final_snapshot: bool = False
    performance_insights: bool = True
    database_name: str = "app"


class ExternalDatabaseSpec(Model):
    """A Postgres the tool does not host (Supabase, Neon): dump-based backups."""

    provider: Literal["supabase", "neon", "other"]
    url_secret_key: str = "DATABASE_URL"  # key in the app secret holding the connection URL


class BackupSpec(Model):
    schedule: str = "cron(0 3 * * ? *)"  # AWS Backup / EventBridge cron, UTC
    retention_days: int = 1
    cold_storage_after_days: int | None = None
    restore_test_schedule: str | None = None  # None: verify on demand only (dev)
    verify_window_days: int | None = None  # alarm when no verified restore for this long
    probe_sql: str = "SELECT 1"  # a user-configurable probe that must return a row
    # Copy each daily recovery point to a locked vault in this region (prod's default:
    # the paired region of scaffolder/aws_rules/regions.py); None: one region only.
    copy_region: str | None = Field(default=None, pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


_HOSTNAME = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _valid_domain(value: str | None) -> str | None:
    if value is None:
        return None
    if not _HOSTNAME.match(value):
        raise ValueError(
            f"domain {value!r} is not a lowercase host name such as app.example.com "
            "(no scheme, port, path or wildcard)"
        )
    return value


class ServiceSpec(Model):
    name: str  # the app's slug
    shape: Literal["server", "static"]
    port: int = 8080
    health_path: str = "/healthz"
    cpu: int = 256
    memory: int = 512
    desired_count: int = 1
    min_count: int = 1
    max_count: int = 2
    log_retention_days: int = 14
    # The public name (a server only): an ACM certificate and HTTPS on the load balancer.
    # None: the environment's `domain` if set, else CloudFront's own https name.
    domain: str | None = None

    @field_validator("domain")
    @classmethod
    def _domain_is_a_hostname(cls, value: str | None) -> str | None:
        return _valid_domain(value)


# An API path CloudFront can route: "/api", "/api/v1" (no trailing slash, no wildcard).
API_PATH_PATTERN = r"^(/[A-Za-z0-9._~-]+)+$"


class SiteApiSpec(Model):
    """A static site and the server its pages call (docs/provision.md, "One origin").

    With `path`, one CloudFront distribution serves both: the site is the default
    behaviour and `<path>/*` goes to the server's load balancer, so the browser
    stays on one origin (no mixed content, no CORS). Without it (the API has
    routes outside one prefix) each keeps its own distribution; `reason` says why.
    """

    site: str  # a static service's name
    api: str  # a server service's name
    path: str | None = Field(default=None, pattern=API_PATH_PATTERN)
    reason: str = ""  # what `scaffold init` saw in the code; `plan --details` shows it


class AlarmSpec(Model):
    email: str | None = None
    webhook_url: str | None = None


class CiAccessSpec(Model):
    github_repository: str  # "owner/name"
    github_environment: str  # the GitHub environment whose OIDC claim may assume the role
    # Only workflows run from this branch may assume the CI roles (job_workflow_ref).
    default_branch: str = "main"


class EnvironmentSpec(Model):
    project: str
    environment: EnvName
    region: str = "us-east-1"
    database: DatabaseSpec | None = None
    external_database: ExternalDatabaseSpec | None = None
    services: list[ServiceSpec] = Field(default_factory=list)
    secret_names: list[str] = Field(default_factory=list)  # the names in .env.example
    backups: BackupSpec = Field(default_factory=BackupSpec)
    alarms: AlarmSpec = Field(default_factory=AlarmSpec)
    ci: CiAccessSpec | None = None
    # How private subnets reach the internet (scaffolder_stacks/network.py, docs/provision.md):
    # "gateway": `nat_gateways` managed NAT gateways; "instance": one small NAT
    # instance; "none": no egress, VPC endpoints for ECR, S3, logs, secrets, KMS, SSM.
    nat: NatMode = "gateway"
    nat_gateways: int = 1  # counts NAT gateways: only with nat "gateway"
    tags: dict[str, str] = Field(default_factory=dict)
    # AWS Budgets limit (USD/month); None: 1.5x the estimate, rounded up to 10 USD.
    monthly_budget_usd: float | None = Field(default=None, gt=0)
    # The VPC's IPv4 block (/16 to /23); the subnets are carved from it
    # (scaffolder/aws_rules/addressing.py).
    cidr: str = "10.0.0.0/16"
    # The public name of the environment's only server (docs/provision.md, "HTTPS,
    # domains and certificates").
    domain: str | None = None
    # An SPA and its API behind one distribution (SiteApiSpec); None: each on its own.
    site_api: SiteApiSpec | None = None

    @field_validator("domain")
    @classmethod
    def _domain_is_a_hostname(cls, value: str | None) -> str | None:
        return _valid_domain(value)

    def domain_of(self, service: ServiceSpec) -> str | None:
        """The service's own domain, else the environment's for its only server."""
        if service.domain or service.shape != "server":
            return service.domain
        servers = [s for s in self.services if s.shape == "server"]
        return self.domain if len(servers) == 1 else None

    @field_validator("cidr")
    @classmethod
    def _cidr_holds_the_subnets(cls, value: str) -> str:
        from scaffolder.aws_rules.addressing import vpc_network

        vpc_network(value)  # ValueError: one sentence saying what is needed
        return value

    @model_validator(mode="after")
    def _nat_and_copy_agree(self) -> EnvironmentSpec:
        if self.nat != "gateway" and self.nat_gateways != 0:
            raise ValueError(
                f"nat_gateways counts NAT gateways, which nat {self.nat!r} does not create: "
                "set nat_gateways to 0, or nat to 'gateway'"
            )
        if self.backups.copy_region == self.region:
            raise ValueError(
                f"backups.copy_region is the environment's own region ({self.region}): "
                "name another region, or null for no copies"
            )
        return self

    @model_validator(mode="after")
    def _site_api_names_services(self) -> EnvironmentSpec:
        pair = self.site_api
        if pair is None:
            return self
        shapes = {s.name: s.shape for s in self.services}
        for role, name, shape in (("site", pair.site, "static"), ("api", pair.api, "server")):
            if shapes.get(name) != shape:
                raise ValueError(
                    f"site_api.{role} is {name!r}, which is not a {shape} service of this "
                    f"environment: name one of {sorted(n for n, s in shapes.items() if s == shape)}"
                )
        return self


# Key under `config:` in infra/Pulumi.<env>.yaml that holds the EnvironmentSpec.
SPEC_CONFIG_KEY = "scaffold:spec"


# --------------------------------------------------------------------------
# Stack outputs -> operations
# --------------------------------------------------------------------------

# The metric the "no verified restore" alarm watches, and ops publishes.
RESTORE_METRIC_NAMESPACE = "Scaffold/Backups"
RESTORE_METRIC_NAME = "RestoreVerified"  # value 1 on success, 0 on failure; dim Environment

# Release ledger: deploy.yml writes one JSON ReleaseRecord per release to
# s3://<artifacts_bucket>/releases/<env>/<release_id>.json; rollback reads it.
RELEASES_PREFIX = "releases"

# `scaffold up` publishes the StackOutputs JSON here (an SSM SecureString under the
# environment's key), so CI reads them with the deploy role, without Pulumi state.
OUTPUTS_PARAMETER_PREFIX = "/scaffold"


def outputs_parameter_name(project: str, environment: str) -> str:
    """`/scaffold/<project>/<env>/outputs`: the stacks write it, `--from ssm` reads it.

    Through scaffolder.aws_rules.naming: SSM accepts only a-zA-Z0-9_.- between the slashes.
    """
    from scaffolder.aws_rules.naming import SSM_PARAMETER, physical_name

    return physical_name(SSM_PARAMETER, project, environment, "outputs")


class DnsRecord(Model):
    name: str
    type: str
    value: str


class ServiceOutputs(Model):
    name: str
    shape: Literal["server", "static"]
    url: str
    health_url: str
    # server shape
    cluster_name: str | None = None
    service_name: str | None = None
    task_family: str | None = None
    ecr_repository_url: str | None = None
    # static shape
    site_bucket_name: str | None = None
    distribution_id: str | None = None
    # server with a domain whose hosted zone is not in the account: the CNAME
    # records that validate its certificate, for the user to add at their DNS host.
    certificate_records: list[DnsRecord] = Field(default_factory=list)


class StackOutputs(Model):
    project: str
    environment: EnvName
    region: str
    services: list[ServiceOutputs] = Field(default_factory=list)
    db_instance_identifier: str | None = None
    db_secret_arn: str | None = None  # the RDS-managed master user secret
    db_security_group_id: str | None = None
    db_subnet_group_name: str | None = None
    db_name: str | None = None
    backup_vault_name: str | None = None
    backup_bucket_name: str  # logical dumps, manifests and verification reports
    artifacts_bucket_name: str  # release ledger
    kms_key_arn: str
    app_secret_arn: str  # Secrets Manager secret holding the app's variables (JSON)
    alarm_topic_arn: str
    deploy_role_arn: str | None = None
    verify_role_arn: str | None = None  # backup-verify.yml's role (with a database)


class ReleaseRecord(Model):
    release_id: str  # git sha + run number, e.g. "3f2a9c1-42"
    environment: EnvName
    service: str
    created_at: str  # ISO 8601 UTC
    git_sha: str
    image_digest: str | None = None  # server shape
    task_definition_arn: str | None = None  # server shape
    site_prefix: str | None = None  # static shape: "releases/<release_id>"
    migration_head: str | None = None  # the newest migration applied with this release
    status: Literal["deployed", "healthy", "failed", "rolled-back"] = "deployed"


# --------------------------------------------------------------------------
# Init: RepoFacts + answers -> the context the Copier template renders
# --------------------------------------------------------------------------


class NodeToolchain(Model):
    """How one Node app installs, prunes and runs tools (scaffolder/toolchain.py)."""

    package_manager: PackageManager
    version: str | None = None  # exact; None: the one bundled with the Node image
    version_source: str = "bundled with Node"  # packageManager, engines, scaffold's pin...
    setup_command: str | None = None  # installs that version (the image and CI run it)
    manifests: list[str] = Field(default_factory=lambda: ["package.json"])  # copied first
    install: str  # every dependency, frozen to the lockfile (build, CI)
    production_install: str  # production dependencies only
    prune: str | None = None  # drops devDependencies after a build; None: no such command
    exec_prefix: str = "npx"
    locked: bool = True  # False: no lockfile, `npm install`


class TemplateApp(Model):
    """One app of the repository, as the template needs it."""

    name: str
    root: str  # "." or "server", relative to the repo root
    kind: AppKind
    language: Language
    shape: Literal["server", "static"]
    package_manager: PackageManager | None = None
    runtime_version: str  # always set: detected, or the template's pinned default
    install_command: str  # honours the lockfile: npm ci, pnpm install --frozen-lockfile...
    build_command: str | None = None
    start_command: str  # what the container runs (server) or "" for static
    test_command: str | None = None
    lint_command: str | None = None
    port: int = 8080
    health_path: str = "/healthz"
    build_output_dir: str | None = None  # static shape
    nextjs_standalone: bool = False
    entrypoint: str | None = None
    write_dockerfile: bool = False  # False when the user has a production-grade one
    dockerfile_path: str = "Dockerfile"  # relative to the repo root
    write_health_file: bool = False  # no health endpoint exists and the framework allows one
    health_file_path: str | None = None  # relative to the repo root
    # Docker build context, repo-relative; None means the app root. A JS workspace member
    # whose lockfile sits higher up is built from the folder holding that lockfile.
    build_context: str | None = None
    toolchain: NodeToolchain | None = None  # Node apps
    # The server listens on a literal port (this file) and ignores PORT: `port` is that one.
    hard_coded_port_in: str | None = None
    # False when the server's runtime code imports a devDependency (the reason says which).
    prune_dev_dependencies: bool = True
    keep_dev_dependencies_reason: str | None = None
    # The image has a `migrate` stage keeping development dependencies, because the
    # migration tool the deploy runs is one of them (the reason says which).
    migrate_target: bool = False
    migrate_target_reason: str | None = None
    # Files the audit flagged as secrets, relative to the build context: .dockerignore lines.
    dockerignore_secrets: list[str] = Field(default_factory=list)
    # Django: the image runs `collectstatic` only when the settings allow it (STATIC_ROOT
    # and staticfiles); otherwise the Dockerfile says why it skips it, never editing settings.
    collect_static: bool = False
    # The WSGI application ("mysite.wsgi:application") the health module wraps: the image
    # serves the module's own `application`, which answers health_path before the app
    # (Django's ALLOWED_HOSTS would reject the load balancer's check, sent to the task's IP).
    health_wraps: str | None = None
    # Set by init/template_decisions.py from runtime_version and the pins in
    # scaffolder/runtime_images.py: the image's FROM, and the exact version CI installs.
    base_image: str = ""
    runtime_exact: str = ""


class TemplateMigrations(Model):
    tool: MigrationTool
    app_root: str = "."
    deploy_command: str  # run as a one-off task before traffic shifts
    directory: str | None = None  # MigrationFacts.directory: deploy.yml reads the head there
    # The server app whose image runs it (init/template_decisions.py); "" with no server.
    app_name: str = ""


class InitContext(Model):
    """Everything the template may use besides the user's answers.

    Computed afresh from RepoFacts on every run (never stored in the answers
    file), so a changed repository changes the generated files on update.
    """

    project: str
    apps: list[TemplateApp]
    database: Literal["rds", "supabase", "neon", "external", "none"]
    migrations: list[TemplateMigrations] = Field(default_factory=list)
    supabase_functions: list[str] = Field(default_factory=list)
    env_vars: list[str] = Field(default_factory=list)  # names only, never values
    public_env_vars: list[str] = Field(default_factory=list)
    # Names only Supabase edge functions read (Deno.env.get): set with `supabase secrets
    # set`, never in AWS Secrets Manager or the app's .env.example.
    supabase_function_env_vars: list[str] = Field(default_factory=list)
    environment_specs: dict[str, str] = Field(default_factory=dict)  # env -> Pulumi.<env>.yaml text
    skipped: dict[str, str] = Field(default_factory=dict)  # path -> why it was not written
    gitignore_additions: list[str] = Field(default_factory=list)
    # The app's own SQLite database, kept because its code cannot use Postgres yet (no
    # Postgres driver): no RDS is provisioned (database is "none"); DATA001 says how to move.
    sqlite_kept: bool = False
    # The Node version CI sets up for tools alone (the Supabase CLI): the default image's.
    tool_node_version: str = NODE_DEFAULT_EXACT
    # An SPA and its API on one origin (scaffolder/init/one_origin.py), written into every
    # environment's spec; None: not one static app and one server.
    site_api: SiteApiSpec | None = None
    # The site's API base variables (VITE_API_URL...): those the deploy builds with "" (same
    # origin) once the API is under the site; the others need the site's own URL.
    api_base_env_vars: list[str] = Field(default_factory=list)
    same_origin_env_vars: list[str] = Field(default_factory=list)

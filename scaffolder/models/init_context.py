"""Init's output: RepoFacts + answers -> the context the Copier template renders.

See docs/architecture.md, 'Stages'.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from scaffolder.models.environment import SiteApiSpec
from scaffolder.models.repo import (
    AppKind,
    Language,
    MigrationTool,
    PackageManager,
)
from scaffolder.models.validated import Model
from scaffolder.runtime_images import NODE_DEFAULT_EXACT, RESTORE_CHECK_IMAGE


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
    # Set when test_command cannot pass today (inspect/test_outcome.py): CI runs the step
    # but it blocks nothing until the repository variable TESTS_BLOCKING is "true".
    test_failure: str | None = None
    lint_command: str | None = None
    port: int = 8080
    health_path: str = "/healthz"
    build_output_dir: str | None = None  # static shape
    nextjs_standalone: bool = False
    # A server whose build also writes a browser bundle (AppFacts.browser_bundle): where,
    # relative to the app root ("dist/public"), and the prefixes compiled into it.
    browser_bundle_dir: str | None = None
    browser_env_prefixes: list[str] = Field(default_factory=list)
    # Set by init/template_decisions.py (init/public_placeholders.py): the placeholder the
    # image is built with per browser-visible name, and the files and folders of the
    # runtime image (relative to its WORKDIR) its entrypoint puts the task's values in.
    public_env_placeholders: dict[str, str] = Field(default_factory=dict)
    public_env_paths: list[str] = Field(default_factory=list)
    entrypoint: str | None = None
    write_dockerfile: bool = False  # False when the user has a production-grade one
    dockerfile_path: str = "Dockerfile"  # relative to the repo root
    write_health_file: bool = False  # no health endpoint exists and the framework allows one
    health_file_path: str | None = None  # relative to the repo root
    # The user's file init added the health module's wiring line to (init/wire_health.py);
    # None: not wired by init (wired by the user, or not safe to wire: the audit says planned).
    health_wired_in: str | None = None
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
    # Set by init/template_decisions.py from scaffolder/toolchain.py (ci_toolchain): what the
    # CI job runs to set up the package manager and install every dependency; ci.yml and
    # `scaffold smoke --ci` both read these.
    ci_setup_command: str | None = None
    ci_install_command: str = ""
    python_tool_version: str | None = None  # uv, poetry, pipenv: the image and CI install it


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
    # Every server image's public name -> the placeholder it is built with (each app's own
    # are TemplateApp.public_env_placeholders); its entrypoint puts the task's value in its
    # place (init/public_placeholders.py).
    public_env_placeholders: dict[str, str] = Field(default_factory=dict)
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
    # The base of the restore-check image backup-verify.yml builds (RDS only).
    restore_check_image: str = RESTORE_CHECK_IMAGE
    # An SPA and its API on one origin (scaffolder/init/one_origin.py), written into every
    # environment's spec; None: not one static app and one server.
    site_api: SiteApiSpec | None = None
    # The site's API base variables (VITE_API_URL...): those the deploy builds with "" (same
    # origin) once the API is under the site; the others need the site's own URL.
    api_base_env_vars: list[str] = Field(default_factory=list)
    same_origin_env_vars: list[str] = Field(default_factory=list)

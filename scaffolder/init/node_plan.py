"""Decisions about a Node app's image that the template only lays out.

- its toolchain (scaffolder/toolchain.py), with the package manager version the
  repository declares;
- whether devDependencies can be pruned after the build (not when the server's
  runtime code imports one);
- whether the image needs a `migrate` stage (the migration tool the deploy runs is a
  devDependency, or the runtime image keeps only Next.js's traced server);
- which files the audit flagged as secrets the build context must leave out.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from scaffolder.models import (
    AppFacts,
    Language,
    MigrationTool,
    NodeToolchain,
    RepoFacts,
    SecretKind,
    TemplateApp,
    TemplateMigrations,
)
from scaffolder.toolchain import is_berry, node_toolchain

Exists = Callable[[str], bool]

# The package whose binary each migration tool's deploy command runs.
MIGRATION_PACKAGES: dict[MigrationTool, str] = {
    MigrationTool.PRISMA_MIGRATE: "prisma",
    MigrationTool.PRISMA_DB_PUSH: "prisma",
    MigrationTool.DRIZZLE_KIT: "drizzle-kit",
    MigrationTool.KNEX: "knex",
    MigrationTool.SEQUELIZE: "sequelize-cli",
}


def toolchain_for(app: AppFacts, exists: Exists) -> NodeToolchain:
    pm = app.package_manager
    assert pm is not None and app.language is Language.NODE
    has_yarnrc = exists(posixpath.normpath(posixpath.join(app.root, ".yarnrc.yml")))
    return node_toolchain(
        pm,
        locked=bool(app.lockfiles),
        berry=is_berry(app.package_manager_version, has_yarnrc),
        version=app.package_manager_version,
        version_source=app.package_manager_version_source,
    )


def prune_decision(app: AppFacts) -> tuple[bool, str | None]:
    """(prune devDependencies after the build?, why not)."""
    if not app.runtime_dev_imports:
        return True, None
    # inspect/node.py records a TypeScript runner the start command uses as "<name> starts ..."
    started = {
        n for n in app.runtime_dev_imports if any(
            (e.snippet or "").startswith(f"{n} starts ") for e in app.evidence
        )
    }  # fmt: skip
    imported = [n for n in app.runtime_dev_imports if n not in started]
    why = [f"the server's runtime code imports {', '.join(imported)} at module level"]
    why = why if imported else []
    why += [f"the server starts with {name}" for name in sorted(started)]
    return False, f"{'; '.join(why)}, and package.json lists it in devDependencies only"


def drops_dev_dependencies(app: TemplateApp) -> bool:
    """Whether the runtime image lacks devDependencies."""
    if app.toolchain is None or app.build_context:
        return False  # a workspace image keeps the whole install
    if app.nextjs_standalone:
        return True  # only the traced server is copied
    if not app.build_command:
        return True  # production install
    return app.toolchain.prune is not None and app.prune_dev_dependencies


def migration_app(apps: list[TemplateApp], migration: TemplateMigrations) -> TemplateApp | None:
    """The server app that runs a migration: the one in its folder, else the first server."""
    servers = [a for a in apps if a.shape == "server"]
    return next(
        (a for a in servers if a.root == migration.app_root), servers[0] if servers else None
    )


def with_migrate_targets(
    apps: list[TemplateApp], migrations: list[TemplateMigrations], facts: RepoFacts
) -> list[TemplateApp]:
    """Mark the apps whose image needs a `migrate` stage keeping development dependencies."""
    dev_only = {a.root: set(a.dev_only_dependencies) for a in facts.apps}
    result = list(apps)
    for migration in migrations:
        package = MIGRATION_PACKAGES.get(migration.tool)
        app = migration_app(result, migration)
        if package is None or app is None or not app.write_dockerfile:
            continue
        if not drops_dev_dependencies(app):
            continue
        if app.nextjs_standalone:
            why = f"the runtime image holds only Next.js's traced server, without {package}"
        elif package in dev_only.get(app.root, set()):
            why = (
                f"{package} (the migration tool) is a devDependency, which the runtime image drops"
            )
        else:
            continue
        index = result.index(app)
        result[index] = app.model_copy(
            update={"migrate_target": True, "migrate_target_reason": why}
        )
    return result


_SECRET_FILE_NAMES = frozenset({"secrets.toml", "credentials.json", "secrets.json"})


def _is_secrets_file(path: str) -> bool:
    """A file that is all settings (an env file by another name, secrets.toml), never code."""
    name = posixpath.basename(path).lower()
    if name in _SECRET_FILE_NAMES:
        return True
    stem, ext = posixpath.splitext(name)
    return "env" in stem.replace("environment", "env") and ext in ("", ".txt", ".local", ".bak")


def _covered(path: str) -> bool:
    """Already left out by the .dockerignore's fixed lines (**/.env, **/.env.*)."""
    name = posixpath.basename(path)
    return name == ".env" or (name.startswith(".env.") and name != ".env.example")


def dockerignore_secrets(app: TemplateApp, facts: RepoFacts) -> list[str]:
    """Files the audit flagged as secrets, under the app's build context, relative to it."""
    paths = {p for p in facts.committed_env_files if not _covered(p)}
    for finding in facts.secrets:
        if _covered(finding.path):
            continue
        if finding.in_working_tree and (
            finding.kind is SecretKind.ENV_FILE or _is_secrets_file(finding.path)
        ):
            paths.add(finding.path)
    context = app.build_context or app.root
    out: set[str] = set()
    for path in paths:
        if "\n" in path or "\r" in path:
            continue
        if context == ".":
            rel = path
        elif path.startswith(context + "/"):
            rel = path[len(context) + 1 :]
        else:
            continue
        out.add("".join("\\" + ch if ch in "*?[\\" else ch for ch in rel))
    return sorted(out)


def finish_apps(
    apps: list[TemplateApp], migrations: list[TemplateMigrations], facts: RepoFacts
) -> list[TemplateApp]:
    """The decisions that need every app and the whole repository's facts."""
    apps = with_migrate_targets(apps, migrations, facts)
    return [
        a.model_copy(update={"dockerignore_secrets": dockerignore_secrets(a, facts)})
        if a.write_dockerfile
        else a
        for a in apps
    ]

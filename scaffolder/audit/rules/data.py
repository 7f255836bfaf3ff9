"""Data rules: where the data lives, how its schema changes, whether it can be restored."""

from __future__ import annotations

from collections.abc import Iterator

from scaffolder.audit.rules.base import AuditContext, Hit, Stage, joined, rule, unique_evidence
from scaffolder.inspect.sqlite_plan import keeps_sqlite
from scaffolder.models import DatabaseKind, Dimension, Evidence, MigrationTool, Severity

DATA = Dimension.DATA

# Databases scaffold provisions or backs up: Postgres (RDS, Supabase, Neon) and SQLite's path
# to Postgres. Anything else gets DATA007.
_HOSTED_KINDS = {DatabaseKind.POSTGRES, DatabaseKind.SQLITE}


@rule(
    id="DATA001",
    dimension=DATA,
    severity=Severity.HIGH,
    title="SQLite used as the production database",
    why=(
        "A container's disk is wiped on every deploy and cannot be shared by two copies of the "
        "app, so data is lost and the app cannot scale past one instance."
    ),
    fix=(
        "Move to Postgres: switch the ORM's provider to postgresql and read DATABASE_URL; "
        "`scaffold init` provisions an RDS Postgres per environment."
    ),
    action="Switch the app from SQLite to Postgres (ORM provider and DATABASE_URL)",
    stage=Stage.MANUAL,
    fix_command="scaffold init",
)
def sqlite_in_production(ctx: AuditContext) -> Iterator[Hit]:
    sqlite = [db for db in ctx.facts.databases if db.kind == DatabaseKind.SQLITE]
    if sqlite:
        evidence = unique_evidence(e for db in sqlite for e in db.evidence[:2])
        yield Hit(evidence=evidence, fix=SQLITE_KEPT_FIX if keeps_sqlite(ctx.facts) else None)


# What init really does for a Python app with no Postgres driver (inspect/sqlite_plan.py).
SQLITE_KEPT_FIX = (
    "Move to Postgres: add a Postgres driver (psycopg) to the requirements, read DATABASE_URL "
    "(Django: dj-database-url) and drop SQLite-only options such as "
    "connect_args={'check_same_thread': False}; until then `scaffold init` keeps the SQLite "
    "file and provisions no database, and once the code can use Postgres it provisions an RDS "
    "Postgres per environment."
)


@rule(
    id="DATA002",
    dimension=DATA,
    severity=Severity.HIGH,
    title="Database file committed",
    why=(
        "Real user rows ship with every clone and fork, and a deploy can replace production "
        "data with your laptop's copy."
    ),
    fix=(
        "Run `git rm --cached` on the file, add *.db and *.sqlite to .gitignore, and purge it "
        "from history if it ever held real users' data."
    ),
    action="Untrack committed database files and add them to .gitignore",
    stage=Stage.MANUAL,
)
def committed_database_file(ctx: AuditContext) -> Iterator[Hit]:
    files = [f for db in ctx.facts.databases for f in db.committed_files if f]
    files = list(dict.fromkeys(files))
    if files:
        yield Hit(
            evidence=tuple(Evidence(path=f) for f in files),
            title=f"Database file committed: {joined(files)}",
        )


@rule(
    id="DATA003",
    dimension=DATA,
    severity=Severity.HIGH,
    title="No database migrations",
    why=(
        "Without versioned migrations, staging and prod drift from your laptop and there is no "
        "safe way to change the schema during a deploy."
    ),
    fix=(
        "Adopt your ORM's migration tool (prisma migrate, drizzle-kit, alembic, Django "
        "migrations, supabase migration) and commit the migration files."
    ),
    action="Adopt a migration tool and commit a baseline migration",
    stage=Stage.MANUAL,
)
def no_migrations(ctx: AuditContext) -> Iterator[Hit]:
    relational = [db for db in ctx.facts.databases if db.kind != DatabaseKind.MONGODB]
    if relational and not ctx.facts.migrations:
        yield Hit(evidence=unique_evidence(e for db in relational for e in db.evidence[:1]))


@rule(
    id="DATA004",
    dimension=DATA,
    severity=Severity.HIGH,
    title="Schema applied with `prisma db push`",
    why=(
        "`db push` keeps no migration history, so against production it can drop columns to "
        "match the schema and staging has nothing to replay."
    ),
    fix=(
        "Create a baseline with `npx prisma migrate dev --name init`, commit prisma/migrations, "
        "and deploy with `prisma migrate deploy`."
    ),
    action="Replace `prisma db push` with a baseline migration (prisma migrate dev --name init)",
    stage=Stage.MANUAL,
)
def prisma_db_push(ctx: AuditContext) -> Iterator[Hit]:
    pushes = [m for m in ctx.facts.migrations if m.tool == MigrationTool.PRISMA_DB_PUSH]
    if pushes:
        evidence = [e for m in pushes for e in m.evidence] or [
            Evidence(path=m.directory or m.app_root or ".") for m in pushes
        ]
        yield Hit(evidence=unique_evidence(evidence))


@rule(
    id="DATA005",
    dimension=DATA,
    severity=Severity.MEDIUM,
    title="SQL files with no migration runner",
    why=(
        "Nobody can tell which of these files ran against which database, so deploys apply "
        "them by hand or not at all."
    ),
    fix=(
        "Move them into a tool that records what ran (supabase/migrations, alembic, "
        "node-pg-migrate, drizzle-kit) and let deploys run it."
    ),
    action="Put loose .sql files under a migration runner",
    stage=Stage.MANUAL,
)
def loose_sql(ctx: AuditContext) -> Iterator[Hit]:
    loose = [m for m in ctx.facts.migrations if m.tool == MigrationTool.LOOSE_SQL]
    if loose:
        evidence = [e for m in loose for e in m.evidence] or [
            Evidence(path=m.directory or m.app_root or ".") for m in loose
        ]
        yield Hit(evidence=unique_evidence(evidence))


def has_scaffold_prod(ctx: AuditContext) -> bool:
    """True once infra/ defines a prod stack: scaffold schedules and verifies its backups."""
    production = ctx.facts.production
    return "prod" in production.environments and "pulumi" in production.iac


VERIFIED_RECORD = ".scaffold/verifications/prod.json"


@rule(
    id="DATA006",
    dimension=DATA,
    severity=Severity.HIGH,
    title="No verified backups",
    why=(
        "A backup nobody has restored is a hope: the first restore usually happens during the "
        "outage, and fails."
    ),
    fix=(
        "`scaffold init` schedules backups for every environment; after `scaffold up prod`, "
        "run `scaffold backup verify prod` to restore into a scratch Postgres and check it."
    ),
    action="Verify that prod's backup restores",
    stage=Stage.BACKUP_PROD,
    fix_command="scaffold backup verify prod",
)
def no_verified_backups(ctx: AuditContext) -> Iterator[Hit]:
    # Only databases scaffold can back up; DATA007 covers the others.
    hosted = [db for db in ctx.facts.databases if db.kind in _HOSTED_KINDS]
    if not hosted:
        return
    recorded = [v for v in ctx.facts.production.verifications if v.environment == "prod"]
    if any(v.passed for v in recorded):
        return  # the cause is gone: a restore of prod's backup passed its checks
    evidence = unique_evidence(
        [*(Evidence(path=v.path, snippet="failed") for v in recorded)]
        + [e for db in hosted for e in db.evidence[:1]]
    )
    if recorded:
        yield Hit(
            evidence=evidence,
            title="Prod's recorded backup verification failed",
            fix=(
                "Read the failed checks in the report, fix them, and run "
                "`scaffold backup verify prod` again; record the passing report with "
                f"`scaffold backup verify prod --json > {VERIFIED_RECORD}`."
            ),
        )
    elif has_scaffold_prod(ctx):
        yield Hit(
            evidence=evidence,
            planned=(
                "infra/ defines prod's backups and the backup-verify workflow restores them "
                "weekly, but no verified restore is recorded: after `scaffold up prod`, run "
                f"`scaffold backup verify prod --json > {VERIFIED_RECORD}` and commit it"
            ),
        )
    else:
        yield Hit(evidence=evidence)


@rule(
    id="DATA007",
    dimension=DATA,
    severity=Severity.MEDIUM,
    title="Database that scaffold does not host",
    why=(
        "scaffold provisions and backs up Postgres only, so this database gets no managed "
        "instance, backups or restore checks from it."
    ),
    fix=(
        "Use a managed service with backups on (MongoDB Atlas, PlanetScale) and keep its URL in "
        "the secret store, or move the data to Postgres."
    ),
    action="Choose a managed host with backups for the database scaffold does not host",
    stage=Stage.MANUAL,
)
def unhosted_database(ctx: AuditContext) -> Iterator[Hit]:
    for db in ctx.facts.databases:
        if db.kind not in _HOSTED_KINDS:
            yield Hit(
                evidence=unique_evidence(db.evidence[:2]),
                title=f"{_kind_label(db.kind)} is not hosted or backed up by scaffold",
            )


def _kind_label(kind: DatabaseKind) -> str:
    return {DatabaseKind.MONGODB: "MongoDB", DatabaseKind.MYSQL: "MySQL"}.get(kind, str(kind))

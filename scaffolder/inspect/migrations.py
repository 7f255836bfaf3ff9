"""Migration tooling: which tool, where its history lives, and what deploy runs."""

from __future__ import annotations

import re
from collections import defaultdict

from scaffolder.inspect.apps import app_for_path
from scaffolder.inspect.index import RepoIndex, basename, suffix
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.manifests import join, parent_dir
from scaffolder.inspect.node import EXEC
from scaffolder.models import AppFacts, Evidence, MigrationFacts, MigrationTool, PackageManager

T = MigrationTool
_DRIZZLE_OUT = lazy_regex(r"\bout\s*:\s*['\"](?:\./)?([^'\"]+?)/?['\"]")
_KNEX_DIR = lazy_regex(r"directory\s*:\s*['\"](?:\./)?([^'\"]+?)/?['\"]")
_REVISION = lazy_regex(r"^revision(?:\s*:\s*str)?\s*=\s*['\"]([\w-]+)['\"]", re.M)
_DOWN = lazy_regex(r"^down_revision(?:\s*:[^=]+)?\s*=\s*(.+)$", re.M)
_QUOTED = lazy_regex(r"['\"]([\w-]+)['\"]")
_DJANGO_MIGRATION = lazy_regex(r"(?:^|/)([\w]+)/migrations/(\d{4}_\w+)\.py$")
_SUPABASE_SQL = lazy_regex(r"(?:^|/)supabase/migrations/[^/]+\.sql$")


def _exec(app: AppFacts | None) -> str:
    return EXEC[app.package_manager or PackageManager.NPM] if app and app.package_manager else "npx"


def _root(apps: list[AppFacts], path: str) -> tuple[str, AppFacts | None]:
    app = app_for_path(apps, path)
    return (app.root if app else "."), app


def _scripts_mention(index: RepoIndex, text: str) -> str | None:
    for pkg in index.manifests.packages.values():
        if any(text in s for s in pkg.scripts.values()):
            return pkg.path
    return None


def _prisma(index: RepoIndex, apps: list[AppFacts]) -> list[MigrationFacts]:
    out: list[MigrationFacts] = []
    schemas = [p for p in index.paths if basename(p) == "schema.prisma"]
    for schema in schemas:
        folder = parent_dir(schema)
        mdir = join(folder, "migrations")
        names = sorted(
            {
                p.split("/")[-2]
                for p in index.paths
                if p.startswith(mdir + "/") and p.endswith("/migration.sql")
            }
        )
        root, app = _root(apps, schema)
        if names:
            out.append(
                MigrationFacts(
                    tool=T.PRISMA_MIGRATE,
                    app_root=root,
                    directory=mdir,
                    head=names[-1],
                    count=len(names),
                    deploy_command=f"{_exec(app)} prisma migrate deploy",
                    evidence=[Evidence(path=join(mdir, names[-1]) + "/migration.sql")],
                )
            )
        elif pkg_path := _scripts_mention(index, "prisma db push"):
            out.append(
                MigrationFacts(
                    tool=T.PRISMA_DB_PUSH,
                    app_root=root,
                    deploy_command=f"{_exec(app)} prisma db push",
                    evidence=[
                        Evidence(path=schema),
                        Evidence(path=pkg_path, snippet="prisma db push"),
                    ],
                )
            )
    return out


def _drizzle(index: RepoIndex, apps: list[AppFacts]) -> list[MigrationFacts]:
    out: list[MigrationFacts] = []
    for source in index.files:
        if not basename(source.path).startswith("drizzle.config."):
            continue
        match = _DRIZZLE_OUT.search(source.text)
        mdir = join(parent_dir(source.path), match.group(1) if match else "drizzle")
        sql = sorted(p for p in index.paths if parent_dir(p) == mdir and p.endswith(".sql"))
        root, app = _root(apps, source.path)
        if sql:
            command, head, directory = "drizzle-kit migrate", basename(sql[-1])[:-4], mdir
        else:  # no generated history: the schema is pushed straight to the database
            command, head, directory = "drizzle-kit push", None, None
        out.append(
            MigrationFacts(
                tool=T.DRIZZLE_KIT,
                app_root=root,
                directory=directory,
                head=head,
                count=len(sql),
                deploy_command=f"{_exec(app)} {command}",
                evidence=[Evidence(path=source.path)],
            )
        )
    return out


def _alembic_head(index: RepoIndex, versions: list[str]) -> str | None:
    revisions: dict[str, str] = {}
    downs: set[str] = set()
    for path in versions:
        text = index.text(path) or ""
        if match := _REVISION.search(text):
            revisions[match.group(1)] = path
        if down := _DOWN.search(text):
            downs.update(_QUOTED.findall(down.group(1)))
    heads = sorted(r for r in revisions if r not in downs)
    return heads[-1] if heads else None


def _alembic(index: RepoIndex, apps: list[AppFacts]) -> list[MigrationFacts]:
    out: list[MigrationFacts] = []
    envs = [
        p
        for p in index.paths
        if basename(p) == "env.py" and join(parent_dir(p), "script.py.mako") in index.path_set
    ]
    for env in envs:
        script_dir = parent_dir(env)
        vdir = join(script_dir, "versions")
        versions = sorted(p for p in index.paths if parent_dir(p) == vdir and p.endswith(".py"))
        ini = next(
            (
                p
                for p in (join(parent_dir(script_dir), "alembic.ini"), "alembic.ini")
                if index.exists(p)
            ),
            None,
        )
        root = parent_dir(ini) if ini else _root(apps, env)[0]
        out.append(
            MigrationFacts(
                tool=T.ALEMBIC,
                app_root=root,
                directory=vdir,
                head=_alembic_head(index, versions),
                count=len(versions),
                deploy_command="alembic upgrade head",
                evidence=[Evidence(path=ini or env)],
            )
        )
    return out


def _django(index: RepoIndex, apps: list[AppFacts]) -> list[MigrationFacts]:
    by_root: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for path in index.paths:
        match = _DJANGO_MIGRATION.search(path)
        if match and "/migrations/" in path:
            root, _ = _root(apps, path)
            by_root[root].append((match.group(2), match.group(1), path))
    out: list[MigrationFacts] = []
    for root, found in sorted(by_root.items()):
        if not index.exists(join(root, "manage.py")):
            continue
        found.sort()
        dirs = {parent_dir(p) for _, _, p in found}
        stem, _label, path = found[-1]
        out.append(
            MigrationFacts(
                tool=T.DJANGO,
                app_root=root,
                directory=dirs.pop() if len(dirs) == 1 else None,
                head=stem,
                count=len(found),
                deploy_command="python manage.py migrate --noinput",
                evidence=[Evidence(path=path)],
            )
        )
    return out


def _supabase(index: RepoIndex, apps: list[AppFacts]) -> list[MigrationFacts]:
    by_dir: dict[str, list[str]] = defaultdict(list)
    for path in index.paths:
        if _SUPABASE_SQL.search(path):
            by_dir[parent_dir(path)].append(path)
    out: list[MigrationFacts] = []
    for mdir, files in sorted(by_dir.items()):
        files.sort()
        out.append(
            MigrationFacts(
                tool=T.SUPABASE,
                app_root=_root(apps, mdir + "/x")[0],
                directory=mdir,
                head=basename(files[-1]),
                count=len(files),
                deploy_command="supabase db push",
                evidence=[Evidence(path=files[-1])],
            )
        )
    return out


def _js_runner(index: RepoIndex, apps: list[AppFacts]) -> list[MigrationFacts]:
    out: list[MigrationFacts] = []
    for pkg in index.manifests.packages.values():
        knexfile = next(
            (
                join(pkg.folder, f"knexfile.{e}")
                for e in ("js", "ts", "cjs", "mjs")
                if index.exists(join(pkg.folder, f"knexfile.{e}"))
            ),
            None,
        )
        if (
            knexfile
            or "sequelize-cli" in pkg.deps
            or index.exists(join(pkg.folder, ".sequelizerc"))
        ):
            tool = T.KNEX if knexfile else T.SEQUELIZE
            match = _KNEX_DIR.search(index.text(knexfile) or "") if knexfile else None
            mdir = join(pkg.folder, match.group(1) if match else "migrations")
            files = sorted(
                p
                for p in index.paths
                if parent_dir(p) == mdir and suffix(p) in {".js", ".ts", ".cjs", ".mjs"}
            )
            app = app_for_path(apps, pkg.path)
            command = "knex migrate:latest" if knexfile else "sequelize-cli db:migrate"
            out.append(
                MigrationFacts(
                    tool=tool,
                    app_root=pkg.folder,
                    directory=mdir,
                    head=basename(files[-1]) if files else None,
                    count=len(files),
                    deploy_command=f"{_exec(app)} {command}",
                    evidence=[Evidence(path=knexfile or pkg.path)],
                )
            )
    return out


def _loose_sql(
    index: RepoIndex, apps: list[AppFacts], claimed: list[MigrationFacts]
) -> list[MigrationFacts]:
    taken = [m.directory for m in claimed if m.directory]
    loose = [
        p
        for p in index.paths
        if p.endswith(".sql")
        and not any(p.startswith(d + "/") for d in taken)
        and "/supabase/" not in "/" + p  # seed.sql and friends belong to the Supabase CLI
    ]
    if not loose:
        return []
    dirs = {parent_dir(p) for p in loose}
    return [
        MigrationFacts(
            tool=T.LOOSE_SQL,
            app_root=_root(apps, loose[0])[0],
            directory=dirs.pop() if len(dirs) == 1 else None,
            count=len(loose),
            head=None,
            evidence=[Evidence(path=p) for p in loose[:5]],
        )
    ]


def detect_migrations(index: RepoIndex, apps: list[AppFacts]) -> list[MigrationFacts]:
    found = (
        _prisma(index, apps)
        + _drizzle(index, apps)
        + _alembic(index, apps)
        + _django(index, apps)
        + _supabase(index, apps)
        + _js_runner(index, apps)
    )
    return found + _loose_sql(index, apps, found)

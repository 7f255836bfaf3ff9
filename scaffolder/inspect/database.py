"""Which databases the app talks to, through which client, and where they live."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scaffolder.inspect.index import RepoIndex, under, basename, evidence, suffix
from scaffolder.inspect.manifests import PackageJson
from scaffolder.models import DatabaseFacts, DatabaseHost, DatabaseKind, EnvVarFacts, Evidence

K, H = DatabaseKind, DatabaseHost
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")

# package -> (kind, host, client name); raw drivers join an existing fact when one exists.
_NODE_DRIVERS: dict[str, tuple[DatabaseKind, DatabaseHost, str]] = {
    "@neondatabase/serverless": (K.POSTGRES, H.NEON, ""),  # tells the host, not a client
    "pg": (K.POSTGRES, H.SELF, "pg"),
    "postgres": (K.POSTGRES, H.SELF, "postgres"),
    "@vercel/postgres": (K.POSTGRES, H.OTHER, "vercel-postgres"),
    "better-sqlite3": (K.SQLITE, H.LOCAL_FILE, "better-sqlite3"),
    "sqlite3": (K.SQLITE, H.LOCAL_FILE, "sqlite3"),
    "@libsql/client": (K.SQLITE, H.OTHER, "libsql"),
    "mongoose": (K.MONGODB, H.OTHER, "mongoose"),
    "mongodb": (K.MONGODB, H.OTHER, "mongodb"),
    "mysql2": (K.MYSQL, H.OTHER, "mysql2"),
    "mysql": (K.MYSQL, H.OTHER, "mysql"),
}
_PY_DRIVERS: dict[str, tuple[DatabaseKind, DatabaseHost, str]] = {
    "psycopg2": (K.POSTGRES, H.SELF, "psycopg2"),
    "psycopg2-binary": (K.POSTGRES, H.SELF, "psycopg2"),
    "psycopg": (K.POSTGRES, H.SELF, "psycopg"),
    "asyncpg": (K.POSTGRES, H.SELF, "asyncpg"),
    "pymongo": (K.MONGODB, H.OTHER, "pymongo"),
    "motor": (K.MONGODB, H.OTHER, "motor"),
    "mongoengine": (K.MONGODB, H.OTHER, "mongoengine"),
    "pymysql": (K.MYSQL, H.OTHER, "pymysql"),
    "mysqlclient": (K.MYSQL, H.OTHER, "mysqlclient"),
}
# Query builders and ORMs that sit on whichever SQL driver the app installs.
_SQL_LAYERS = {
    "knex": "knex",
    "sequelize": "sequelize",
    "typeorm": "typeorm",
    "kysely": "kysely",
    "sqlalchemy": "sqlalchemy",
    "flask-sqlalchemy": "sqlalchemy",
    "sqlmodel": "sqlmodel",
    "peewee": "peewee",
}
_SQL_KINDS = (K.POSTGRES, K.SQLITE, K.MYSQL)
_PRISMA_PROVIDER = re.compile(r"datasource\s+\w+\s*\{[^}]*?provider\s*=\s*\"(\w+)\"", re.S)
_PRISMA_URL = re.compile(r"datasource\s+\w+\s*\{[^}]*?url\s*=\s*env\(\s*\"(\w+)\"", re.S)
_DRIZZLE_DIALECT = re.compile(r"\b(?:dialect|driver)\s*:\s*['\"]([\w-]+)['\"]")
_ENV_IN_CONFIG = re.compile(r"(?:process\.env\.|process\.env\[['\"])(\w+)")
_URL_LITERAL = re.compile(r"['\"](sqlite|postgres(?:ql)?|mysql|mongodb)(?:\+\w+)?(?:\+srv)?:/")
_DJANGO_ENGINE = re.compile(r"django\.db\.backends\.(\w+)")
_SQLITE_IMPORT = re.compile(r"^\s*import sqlite3\b", re.M)
_NEON_IMPORT = re.compile(r"drizzle-orm/neon|@neondatabase/serverless|@prisma/adapter-neon")
_KIND_WORDS = {
    "postgresql": K.POSTGRES,
    "postgres": K.POSTGRES,
    "pg": K.POSTGRES,
    "cockroachdb": K.POSTGRES,
    "sqlite": K.SQLITE,
    "sqlite3": K.SQLITE,
    "better-sqlite": K.SQLITE,
    "turso": K.SQLITE,
    "libsql": K.SQLITE,
    "mysql": K.MYSQL,
    "mysql2": K.MYSQL,
    "mongodb": K.MONGODB,
}
_URL_NAMES = {
    K.POSTGRES: re.compile(r"(?:^|_)(?:DATABASE|POSTGRES|PG|DB)_?(?:URL|URI)$|^DATABASE_URL"),
    K.MONGODB: re.compile(r"MONGO\w*_?(?:URL|URI)$"),
    K.MYSQL: re.compile(r"^(?:MYSQL\w*|DATABASE)_(?:URL|URI)$"),
    K.SQLITE: re.compile(r"(?:DATABASE|SQLITE|DB)\w*_?(?:URL|URI|PATH|FILE)$"),
}


@dataclass
class _Signal:
    kind: DatabaseKind
    host: DatabaseHost
    client: str
    evidence: Evidence
    url_env_var: str | None = None
    joins: bool = False  # a raw driver: add to an existing fact of the same kind


def _default_host(kind: DatabaseKind, neon: bool) -> DatabaseHost:
    if kind is K.POSTGRES:
        return H.NEON if neon else H.SELF
    return H.LOCAL_FILE if kind is K.SQLITE else H.OTHER


def _uses_neon(index: RepoIndex) -> bool:
    if any("@neondatabase/serverless" in p.deps for p in index.manifests.packages.values()):
        return True
    return index.first(_NEON_IMPORT, index.code_files, "neon") is not None


def _supabase(index: RepoIndex, pkgs: list[PackageJson]) -> list[_Signal]:
    for pkg in pkgs:
        for dep in ("@supabase/supabase-js", "@supabase/ssr"):
            if dep in pkg.deps:
                return [_Signal(K.POSTGRES, H.SUPABASE, "supabase-js", Evidence(path=pkg.path))]
    for project in index.manifests.python.values():
        if "supabase" in project.deps:
            path = (
                project.folder + "/" + project.files[0]
                if project.folder != "."
                else project.files[0]
            )
            return [_Signal(K.POSTGRES, H.SUPABASE, "supabase-py", Evidence(path=path))]
    if index.exists("supabase/config.toml"):
        return [
            _Signal(K.POSTGRES, H.SUPABASE, "supabase-cli", Evidence(path="supabase/config.toml"))
        ]
    return []


def _prisma(index: RepoIndex, neon: bool) -> list[_Signal]:
    out: list[_Signal] = []
    for source in index.files:
        if suffix(source.path) != ".prisma" or "datasource" not in source.text:
            continue
        match = _PRISMA_PROVIDER.search(source.text)
        kind = _KIND_WORDS.get(match.group(1)) if match else None
        if kind is None or match is None:
            continue
        url = _PRISMA_URL.search(source.text)
        out.append(
            _Signal(
                kind,
                _default_host(kind, neon),
                "prisma",
                evidence(source, match),
                url.group(1) if url else None,
            )
        )
    return out


def _drizzle(index: RepoIndex, neon: bool) -> list[_Signal]:
    out: list[_Signal] = []
    for source in index.files:
        if not basename(source.path).startswith("drizzle.config."):
            continue
        match = _DRIZZLE_DIALECT.search(source.text)
        kind = _KIND_WORDS.get(match.group(1)) if match else None
        if kind is None or match is None:
            continue
        env = _ENV_IN_CONFIG.search(source.text)
        host = _default_host(kind, neon)
        out.append(
            _Signal(kind, host, "drizzle", evidence(source, match), env.group(1) if env else None)
        )
    return out


def _python_code(index: RepoIndex, neon: bool) -> list[_Signal]:
    out: list[_Signal] = []
    for source in index.code_files:
        if not source.path.endswith(".py"):
            continue
        text = source.text
        if "create_engine" in text or "SQLALCHEMY_DATABASE_URI" in text:
            for match in _URL_LITERAL.finditer(text):
                kind = _KIND_WORDS.get(match.group(1), K.POSTGRES)
                out.append(
                    _Signal(kind, _default_host(kind, neon), "sqlalchemy", evidence(source, match))
                )
        if "django.db.backends" in text:
            for engine in _DJANGO_ENGINE.finditer(text):
                found = _KIND_WORDS.get(engine.group(1))
                if found is not None:
                    host = _default_host(found, neon)
                    out.append(_Signal(found, host, "django", evidence(source, engine)))
        if "dj_database_url" in text:
            out.append(
                _Signal(
                    K.POSTGRES,
                    _default_host(K.POSTGRES, neon),
                    "django",
                    evidence(source),
                    "DATABASE_URL",
                )
            )
        if "sqlite3" in text and (imported := _SQLITE_IMPORT.search(text)):
            out.append(
                _Signal(K.SQLITE, H.LOCAL_FILE, "sqlite3", evidence(source, imported), joins=True)
            )
    return out


def _drivers(index: RepoIndex, pkgs: list[PackageJson], neon: bool) -> list[_Signal]:
    out: list[_Signal] = []
    for pkg in pkgs:
        for dep, (kind, host, client) in _NODE_DRIVERS.items():
            if dep in pkg.deps:
                out.append(_Signal(kind, host, client, Evidence(path=pkg.path), joins=True))
    for project in index.manifests.python.values():
        path = (
            project.folder + "/" + project.files[0] if project.folder != "." else project.files[0]
        )
        for dist, (kind, host, client) in _PY_DRIVERS.items():
            if dist in project.deps:
                out.append(
                    _Signal(
                        kind,
                        _default_host(kind, neon) if host is H.SELF else host,
                        client,
                        Evidence(path=path),
                        joins=True,
                    )
                )
    return out


def _merge(signals: list[_Signal]) -> list[DatabaseFacts]:
    facts: dict[tuple[DatabaseKind, DatabaseHost], DatabaseFacts] = {}
    for signal in sorted(signals, key=lambda s: s.joins):
        key = (signal.kind, signal.host)
        if signal.joins and key not in facts:
            # A raw driver next to an ORM of the same kind is the ORM's driver.
            key = next((k for k in facts if k[0] is signal.kind), key)
        fact = facts.setdefault(key, DatabaseFacts(kind=key[0], host=key[1]))
        if signal.client and signal.client not in fact.clients:
            fact.clients.append(signal.client)
        if signal.url_env_var and not fact.url_env_var:
            fact.url_env_var = signal.url_env_var
        if signal.evidence not in fact.evidence:
            fact.evidence.append(signal.evidence)
    return list(facts.values())


def _read_by_app(env: EnvVarFacts) -> bool:
    return any(not ev.path.startswith("supabase/functions/") for ev in env.evidence)


def _project_layers(index: RepoIndex) -> dict[str, set[str]]:
    """folder -> the SQL layers its manifest depends on."""
    out: dict[str, set[str]] = {}
    for pkg in index.manifests.packages.values():
        out.setdefault(pkg.folder, set()).update(c for d, c in _SQL_LAYERS.items() if d in pkg.deps)
    for project in index.manifests.python.values():
        found = {c for d, c in _SQL_LAYERS.items() if d in project.deps}
        out.setdefault(project.folder, set()).update(found)
    return out


def _attach_sql_layers(index: RepoIndex, facts: list[DatabaseFacts]) -> None:
    # A layer joins the databases its own project talks to (or the only SQL database there is).
    sql = [f for f in facts if f.kind in _SQL_KINDS]
    for folder, layers in sorted(_project_layers(index).items()):
        for fact in sql:
            mine = len(sql) == 1 or any(under(e.path, folder) for e in fact.evidence)
            if mine:
                fact.clients.extend(c for c in sorted(layers) if c not in fact.clients)


def _url_from_env(fact: DatabaseFacts, env_vars: list[EnvVarFacts]) -> str | None:
    if fact.host is H.SUPABASE:
        # The app's own read beats the edge functions' (Deno) read of the same project.
        reads = [e for e in env_vars if e.name.endswith("SUPABASE_URL")]
        reads.sort(key=lambda e: (not _read_by_app(e), e.name))
        return reads[0].name if reads else None
    pattern = _URL_NAMES.get(fact.kind)
    if pattern is None:
        return None
    return next((e.name for e in env_vars if pattern.search(e.name)), None)


def detect_databases(
    index: RepoIndex, env_vars: list[EnvVarFacts], committed_db_files: list[str]
) -> list[DatabaseFacts]:
    pkgs = list(index.manifests.packages.values())
    neon = _uses_neon(index)
    signals = (
        _supabase(index, pkgs)
        + _prisma(index, neon)
        + _drizzle(index, neon)
        + _python_code(index, neon)
        + _drivers(index, pkgs, neon)
    )
    for path in committed_db_files:
        signals.append(
            _Signal(K.SQLITE, H.LOCAL_FILE, "sqlite-file", Evidence(path=path), joins=True)
        )
    facts = _merge(signals)
    _attach_sql_layers(index, facts)
    for fact in facts:
        if fact.kind is K.SQLITE:
            fact.committed_files = sorted(committed_db_files)
            if "sqlite-file" in fact.clients and len(fact.clients) > 1:
                fact.clients.remove("sqlite-file")
        if fact.url_env_var is None:
            fact.url_env_var = _url_from_env(fact, env_vars)
    return sorted(facts, key=lambda f: (f.kind.value, f.host.value))


def committed_database_files(tracked: list[str], paths: list[str], is_git: bool) -> list[str]:
    """SQLite files in git (or, outside git, in the folder)."""
    return sorted(p for p in (tracked if is_git else paths) if p.lower().endswith(SQLITE_SUFFIXES))

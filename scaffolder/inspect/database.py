"""Which databases the app talks to, through which client, and where they live."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from scaffolder.inspect.dbclients import (
    KIND_WORDS,
    NODE_DRIVERS,
    PY_DRIVERS,
    SQL_KINDS,
    SQL_LAYERS,
    URL_NAMES,
)
from scaffolder.inspect.driver_use import node_driver_used, python_driver_used
from scaffolder.inspect.index import (
    RepoIndex,
    basename,
    evidence,
    project_folders,
    suffix,
    under,
)
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.manifests import PackageJson
from scaffolder.models import DatabaseFacts, DatabaseHost, DatabaseKind, EnvVarFacts, Evidence

K, H = DatabaseKind, DatabaseHost
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")

_PRISMA_PROVIDER = lazy_regex(r"datasource\s+\w+\s*\{[^}]*?provider\s*=\s*\"(\w+)\"", re.S)
_PRISMA_URL = lazy_regex(r"datasource\s+\w+\s*\{[^}]*?url\s*=\s*env\(\s*\"(\w+)\"", re.S)
_DRIZZLE_DIALECT = lazy_regex(r"\b(?:dialect|driver)\s*:\s*['\"]([\w-]+)['\"]")
_ENV_IN_CONFIG = lazy_regex(r"(?:process\.env\.|process\.env\[['\"])(\w+)")
_URL_LITERAL = lazy_regex(r"['\"](sqlite|postgres(?:ql)?|mysql|mongodb)(?:\+\w+)?(?:\+srv)?:/")
_DJANGO_ENGINE = lazy_regex(r"django\.db\.backends\.(\w+)")
_SQLITE_IMPORT = lazy_regex(r"^\s*import sqlite3\b", re.M)
_NEON_PACKAGES = ("@neondatabase/serverless", "@prisma/adapter-neon")
_NEON_IMPORT = lazy_regex(r"drizzle-orm/neon|@neondatabase/serverless|@prisma/adapter-neon")


@dataclass
class _Signal:
    kind: DatabaseKind
    host: DatabaseHost
    client: str
    evidence: Evidence
    url_env_var: str | None = None
    joins: bool = False  # a raw driver: add to an existing fact of the same kind


def _default_host(kind: DatabaseKind) -> DatabaseHost:
    if kind is K.POSTGRES:
        return H.SELF  # _on_neon moves it when the project talks to Neon
    return H.LOCAL_FILE if kind is K.SQLITE else H.OTHER


def _neon_folders(index: RepoIndex) -> list[str]:
    """Project folders whose Postgres is Neon: a Neon driver in the manifest or the code."""
    folders = [
        p.folder
        for p in index.manifests.packages.values()
        if any(d in p.deps for d in _NEON_PACKAGES)
    ]
    projects = _deepest_first(index.manifests.packages)
    for source, _ in index.search(_NEON_IMPORT, index.code_files, "neon"):
        folders.append(_project_of(source.path, projects))
    return folders


def _on_neon(signals: list[_Signal], folders: list[str]) -> None:
    for signal in signals:
        mine = any(under(signal.evidence.path, f) for f in folders)
        if mine and signal.kind is K.POSTGRES and signal.host is H.SELF:
            signal.host = H.NEON


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


def _prisma(index: RepoIndex) -> list[_Signal]:
    out: list[_Signal] = []
    for source in index.files:
        if suffix(source.path) != ".prisma" or "datasource" not in source.text:
            continue
        match = _PRISMA_PROVIDER.search(source.text)
        kind = KIND_WORDS.get(match.group(1)) if match else None
        if kind is None or match is None:
            continue
        url = _PRISMA_URL.search(source.text)
        out.append(
            _Signal(
                kind,
                _default_host(kind),
                "prisma",
                evidence(source, match),
                url.group(1) if url else None,
            )
        )
    return out


def _drizzle(index: RepoIndex) -> list[_Signal]:
    out: list[_Signal] = []
    for source in index.files:
        if not basename(source.path).startswith("drizzle.config."):
            continue
        match = _DRIZZLE_DIALECT.search(source.text)
        kind = KIND_WORDS.get(match.group(1)) if match else None
        if kind is None or match is None:
            continue
        env = _ENV_IN_CONFIG.search(source.text)
        host = _default_host(kind)
        out.append(
            _Signal(kind, host, "drizzle", evidence(source, match), env.group(1) if env else None)
        )
    return out


def _python_code(index: RepoIndex) -> list[_Signal]:
    out: list[_Signal] = []
    for source in index.code_files:
        if not source.path.endswith(".py"):
            continue
        text = source.text
        if "create_engine" in text or "SQLALCHEMY_DATABASE_URI" in text:
            for match in _URL_LITERAL.finditer(text):
                kind = KIND_WORDS.get(match.group(1), K.POSTGRES)
                out.append(
                    _Signal(kind, _default_host(kind), "sqlalchemy", evidence(source, match))
                )
        if "django.db.backends" in text:
            for engine in _DJANGO_ENGINE.finditer(text):
                found = KIND_WORDS.get(engine.group(1))
                if found is not None:
                    host = _default_host(found)
                    out.append(_Signal(found, host, "django", evidence(source, engine)))
        if "dj_database_url" in text:
            out.append(
                _Signal(
                    K.POSTGRES,
                    _default_host(K.POSTGRES),
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


def _drivers(index: RepoIndex, pkgs: list[PackageJson]) -> list[_Signal]:
    out: list[_Signal] = []
    for pkg in pkgs:
        deps = set(pkg.deps)
        for dep, (kind, host, client) in NODE_DRIVERS.items():
            if dep in deps and node_driver_used(index, pkg.folder, dep, deps):
                out.append(_Signal(kind, host, client, Evidence(path=pkg.path), joins=True))
    for project in index.manifests.python.values():
        path = (
            project.folder + "/" + project.files[0] if project.folder != "." else project.files[0]
        )
        for dist, (kind, host, client) in PY_DRIVERS.items():
            if dist in project.deps and python_driver_used(
                index, project.folder, dist, project.deps
            ):
                out.append(
                    _Signal(
                        kind,
                        _default_host(kind) if host is H.SELF else host,
                        client,
                        Evidence(path=path),
                        joins=True,
                    )
                )
    return out


def _deepest_first(folders: Iterable[str]) -> list[str]:
    return sorted(folders, key=lambda f: -1 if f == "." else len(f), reverse=True)


def _project_of(path: str, projects: list[str]) -> str:
    return next((f for f in projects if under(path, f)), ".")


def _merge(signals: list[_Signal], projects: list[str]) -> list[DatabaseFacts]:
    facts: dict[tuple[DatabaseKind, DatabaseHost], DatabaseFacts] = {}
    for signal in sorted(signals, key=lambda s: s.joins):
        key = (signal.kind, signal.host)
        if signal.joins and key not in facts:
            # A raw driver next to an ORM of the same kind, in the same project, is its driver.
            folder = _project_of(signal.evidence.path, projects)
            key = next(
                (
                    k
                    for k, fact in facts.items()
                    if k[0] is signal.kind and any(under(e.path, folder) for e in fact.evidence)
                ),
                key,
            )
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
        out.setdefault(pkg.folder, set()).update(c for d, c in SQL_LAYERS.items() if d in pkg.deps)
    for project in index.manifests.python.values():
        found = {c for d, c in SQL_LAYERS.items() if d in project.deps}
        out.setdefault(project.folder, set()).update(found)
    return out


def _attach_sql_layers(index: RepoIndex, facts: list[DatabaseFacts]) -> None:
    # A layer joins the databases its own project talks to (or the only SQL database there is).
    sql = [f for f in facts if f.kind in SQL_KINDS]
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
    pattern = URL_NAMES.get(fact.kind)
    if pattern is None:
        return None
    return next((e.name for e in env_vars if pattern.search(e.name)), None)


def detect_databases(
    index: RepoIndex, env_vars: list[EnvVarFacts], committed_db_files: list[str]
) -> list[DatabaseFacts]:
    pkgs = list(index.manifests.packages.values())
    signals = (
        _supabase(index, pkgs)
        + _prisma(index)
        + _drizzle(index)
        + _python_code(index)
        + _drivers(index, pkgs)
    )
    for path in committed_db_files:
        signals.append(
            _Signal(K.SQLITE, H.LOCAL_FILE, "sqlite-file", Evidence(path=path), joins=True)
        )
    _on_neon(signals, _neon_folders(index))
    projects = _deepest_first(project_folders(index))
    facts = _merge(signals, projects)
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

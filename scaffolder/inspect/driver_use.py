"""Is a database driver a project declares actually used?

A driver in package.json or requirements.txt is not proof of a database: AI
builders add `pg` or `mongoose` "for later", starters ship with drivers nobody
imports, and a database "in use" drives high-severity findings (no backups, no
migrations). A driver counts when the project's code imports it, or when the
project also depends on a layer that loads drivers by name (knex, Sequelize,
TypeORM, Kysely, SQLAlchemy, Django, Drizzle), which never shows an import.
"""

from __future__ import annotations

import re
from functools import cache

from scaffolder.inspect.index import RepoIndex, under

# Layers that load a driver by its name from configuration, so the code never imports it.
NODE_LOADERS = frozenset({"knex", "sequelize", "typeorm", "kysely", "drizzle-orm", "mikro-orm"})
PY_LOADERS = frozenset(
    {
        "sqlalchemy",
        "flask-sqlalchemy",
        "sqlmodel",
        "django",
        "dj-database-url",
        "peewee",
        "tortoise-orm",
    }
)
# Distribution name -> the module code imports.
PY_MODULES = {
    "psycopg2-binary": "psycopg2",
    "mysqlclient": "MySQLdb",
}
_NODE_SUFFIXES = (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts", ".vue", ".svelte")


@cache
def _node_import(package: str) -> re.Pattern[str]:
    name = re.escape(package)
    return re.compile(
        rf"""(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|\bimport\s+)['"]{name}(?:/[^'"]*)?['"]"""
    )


@cache
def _python_import(module: str) -> re.Pattern[str]:
    name = re.escape(module)
    return re.compile(rf"^\s*(?:import\s+{name}\b|from\s+{name}(?:\.|\s+import\b))", re.M)


def node_driver_used(index: RepoIndex, folder: str, package: str, deps: set[str]) -> bool:
    if deps & NODE_LOADERS:
        return True
    pattern = _node_import(package)
    return any(
        source.path.endswith(_NODE_SUFFIXES)
        and under(source.path, folder)
        and package in source.text
        and pattern.search(source.text)
        for source in index.code_files
    )


def python_driver_used(index: RepoIndex, folder: str, dist: str, deps: set[str]) -> bool:
    if deps & PY_LOADERS:
        return True
    module = PY_MODULES.get(dist, dist.replace("-", "_"))
    pattern = _python_import(module)
    return any(
        source.path.endswith(".py")
        and under(source.path, folder)
        and module in source.text
        and pattern.search(source.text)
        for source in index.code_files
    )

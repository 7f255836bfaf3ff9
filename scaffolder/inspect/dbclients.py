"""Which package or word means which database: the tables database.py reads."""

from __future__ import annotations

from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.models import DatabaseHost, DatabaseKind

K, H = DatabaseKind, DatabaseHost

# package -> (kind, host, client name); raw drivers join an existing fact when one exists.
NODE_DRIVERS: dict[str, tuple[DatabaseKind, DatabaseHost, str]] = {
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
PY_DRIVERS: dict[str, tuple[DatabaseKind, DatabaseHost, str]] = {
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
SQL_LAYERS = {
    "knex": "knex",
    "sequelize": "sequelize",
    "typeorm": "typeorm",
    "kysely": "kysely",
    "sqlalchemy": "sqlalchemy",
    "flask-sqlalchemy": "sqlalchemy",
    "sqlmodel": "sqlmodel",
    "peewee": "peewee",
}
SQL_KINDS = (K.POSTGRES, K.SQLITE, K.MYSQL)

KIND_WORDS = {
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
URL_NAMES = {
    K.POSTGRES: lazy_regex(r"(?:^|_)(?:DATABASE|POSTGRES|PG|DB)_?(?:URL|URI)$|^DATABASE_URL"),
    K.MONGODB: lazy_regex(r"MONGO\w*_?(?:URL|URI)$"),
    K.MYSQL: lazy_regex(r"^(?:MYSQL\w*|DATABASE)_(?:URL|URI)$"),
    K.SQLITE: lazy_regex(r"(?:DATABASE|SQLITE|DB)\w*_?(?:URL|URI|PATH|FILE)$"),
}

"""Whether a repository's SQLite database stays SQLite: one decision, read by init and the audit.

`scaffold init` keeps such an app on its SQLite file (no RDS); the audit's DATA001 fix and
its cost estimate must say the same, so both call `keeps_sqlite` from here.
"""

from __future__ import annotations

from scaffolder.models import DatabaseKind, DeployShape, Language, RepoFacts


def keeps_sqlite(facts: RepoFacts) -> bool:
    """A Python app whose SQL database is SQLite and that has no Postgres driver.

    Its code cannot talk to Postgres (`sqlite3.connect`, Django's sqlite3 ENGINE,
    SQLAlchemy's `connect_args={"check_same_thread": False}`, and no psycopg to load):
    handing it an RDS DATABASE_URL would provision a database it never uses, or
    crash it on start. It keeps its SQLite file until its code moves (DATA001's fix).
    A Postgres driver in its requirements makes it a Postgres fact, hence RDS. Node
    apps keep the RDS path: Prisma and Drizzle switch providers without a new driver.
    """
    sql = [d for d in facts.databases if d.kind in (DatabaseKind.SQLITE, DatabaseKind.POSTGRES)]
    servers = [a for a in facts.apps if a.shape is DeployShape.SERVER]
    return (
        bool(sql and servers)
        and all(d.kind is DatabaseKind.SQLITE for d in sql)
        and all(a.language is Language.PYTHON for a in servers)
    )

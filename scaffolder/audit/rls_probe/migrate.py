"""Apply a repository's Supabase migrations to the scratch database, as `supabase db reset`
would: every `supabase/migrations/*.sql` in file-name order (seed.sql is not needed).

Each statement runs on its own, so one that needs what the scratch database lacks (an
extension such as pg_cron or pg_net, a platform schema) costs only itself: the file is
reported with its first error and the rest of the schema still gets built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scaffolder.audit.rls_probe.result import MigrationFailure

STATEMENT_TIMEOUT = "30s"


def migration_files(root: Path, project_dir: str | None) -> list[Path]:
    """supabase/migrations/*.sql of the repository, in the order the CLI applies them."""
    folder = root / (project_dir or "supabase") / "migrations"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".sql" and p.is_file())


def split_statements(text: str) -> list[tuple[int, str]]:
    """(line, statement) pairs, by Postgres's own parser; the whole text when it cannot parse.

    BEGIN / COMMIT / ROLLBACK are dropped: every statement is already its own transaction.
    """
    from pglast import ast, parse_sql
    from pglast.parser import ParseError

    try:
        raws = parse_sql(text)
    except ParseError:
        return [(1, text)]
    data = text.encode("utf-8")
    out = []
    for raw in raws:
        if isinstance(raw.stmt, ast.TransactionStmt):
            continue
        start = raw.stmt_location or 0
        end = start + raw.stmt_len if raw.stmt_len else len(data)
        chunk = data[start:end].decode("utf-8", errors="replace")
        out.append((data.count(b"\n", 0, start) + 1 + _leading_lines(chunk), chunk.strip()))
    return out


def _leading_lines(chunk: str) -> int:
    """Blank lines before the statement's first word (the parser's offset includes them)."""
    return chunk[: len(chunk) - len(chunk.lstrip())].count("\n")


def apply_migrations(conn: Any, root: Path, files: list[Path]) -> list[MigrationFailure]:
    """Run every statement of every file on `conn` (autocommit); one failure per bad file."""
    import psycopg

    conn.execute(f"set statement_timeout = '{STATEMENT_TIMEOUT}'")
    failures = []
    for path in files:
        relative = path.relative_to(root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            failures.append(MigrationFailure(relative, None, f"cannot read it: {exc}"))
            continue
        first: MigrationFailure | None = None
        failed = 0
        for line, statement in split_statements(text):
            if not statement:
                continue
            try:
                conn.execute(statement.encode("utf-8"))
            except psycopg.Error as exc:
                failed += 1
                if first is None:
                    first = MigrationFailure(relative, line, first_line(exc))
        if first is not None:
            failures.append(
                MigrationFailure(first.path, first.line, first.error, statements=failed)
            )
    conn.execute("reset statement_timeout")
    return failures


def first_line(exc: Exception) -> str:
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    text = primary or str(exc) or type(exc).__name__
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__

"""pg_dump and pg_restore, with the password kept off the command line.

The connection string passed as --dbname never holds the password: it goes into
a .pgpass file (0600, in a private temp dir) named by PGPASSFILE, which the
Postgres client tools read and `ps` cannot show.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from psycopg.conninfo import make_conninfo

from scaffolder.errors import CloudError, MissingToolError
from scaffolder.local_postgres import Runner, require_pg_tool
from scaffolder.ops.backup.scratch import LOCK_TIMEOUT, with_network_defaults


@dataclass
class RestoreOutcome:
    returncode: int
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.errors


def public_conninfo(info: Mapping[str, str]) -> str:
    """A libpq connection string for `info` without its password, with bounded network waits."""
    return make_conninfo(
        **{k: v for k, v in with_network_defaults(info).items() if k != "password"}
    )


def _pgpass_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


@contextmanager
def password_env(info: Mapping[str, str]) -> Iterator[dict[str, str]]:
    """Environment for a client tool: PGPASSFILE pointing at a private .pgpass."""
    password = info.get("password")
    if not password:
        yield {}
        return
    with tempfile.TemporaryDirectory(prefix="scaffold-pgpass-") as tmp:
        path = Path(tmp) / ".pgpass"
        path.touch(mode=0o600)
        path.write_text(f"*:*:*:*:{_pgpass_escape(password)}\n", encoding="utf-8")
        yield {"PGPASSFILE": str(path)}


def pg_dump(
    info: Mapping[str, str],
    out: Path,
    *,
    runner: Runner,
    snapshot: str | None = None,
    excluded_schemas: tuple[str, ...] = (),
) -> None:
    """A custom-format dump of the database in `info` into `out`."""
    args = [require_pg_tool("pg_dump"), "--format=custom", f"--file={out}", "--no-password"]
    # Without it pg_dump waits forever behind a lock a migration holds.
    args.append(f"--lock-wait-timeout={LOCK_TIMEOUT}")
    if snapshot:
        args.append(f"--snapshot={snapshot}")
    args += [f"--exclude-schema={schema}" for schema in excluded_schemas]
    args.append(f"--dbname={public_conninfo(info)}")
    with password_env(info) as env:
        result = runner(args, env=env)
    if result.returncode == 0:
        return
    detail = _error_lines(result.stderr)[:1] or [f"exit status {result.returncode}"]
    if "server version mismatch" in result.stderr:
        raise MissingToolError(
            f"pg_dump is older than the database server: {detail[0]}",
            hint="Install a pg_dump at least as new as the server (e.g. postgresql-client-16).",
        )
    raise CloudError(
        f"pg_dump could not dump the database: {detail[0]}",
        hint="Check the database URL, that the server is reachable, and that the user can "
        "read every table; use the direct (not pooled) connection URL.",
    )


def pg_restore(info: Mapping[str, str], dump: Path, *, runner: Runner) -> RestoreOutcome:
    """Restore `dump` into the (empty) database in `info`, collecting every error."""
    tool = require_pg_tool("pg_restore")
    # No --exit-on-error: a verification wants every error, not the first.
    args = [
        tool,
        "--no-owner",
        "--no-privileges",
        "--no-password",
        f"--dbname={public_conninfo(info)}",
        str(dump),
    ]
    with password_env(info) as env:
        result = runner(args, env=env)
    return RestoreOutcome(returncode=result.returncode, errors=_error_lines(result.stderr))


def _error_lines(stderr: str) -> list[str]:
    lines = [line.strip() for line in stderr.splitlines()]
    return [line[:300] for line in lines if "error:" in line]


def file_digest(path: Path) -> tuple[str, int]:
    """sha256 hex digest and size of a file, streamed."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size

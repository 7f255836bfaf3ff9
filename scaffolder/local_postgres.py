"""A throwaway local Postgres: initdb + pg_ctl in a temp dir on a free 127.0.0.1 port.

`scaffold backup verify` restores dumps into one of these by default, and the
tests use it as their real database. Postgres refuses to run as root, so when
scaffold runs as root (containers, CI images) the cluster runs as the `postgres`
user through `runuser`, in a temp dir that user owns.

The superuser gets a random password for TCP connections; the Unix socket lives
in a 0700 directory so no other local user can reach the restored data.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Protocol

from scaffolder.errors import CloudError, MissingToolError

POSTGRES_TOOL_HINT = (
    "Install the PostgreSQL client and server binaries (e.g. `apt-get install postgresql`), "
    "or pass --target-url to restore into a Postgres you already run."
)


class Runner(Protocol):
    def __call__(
        self,
        args: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run `args` and return its completed process (never raises on exit status)."""


def run_command(
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """The default Runner: a subprocess with captured text output, no shell."""
    merged = {**os.environ, **env} if env is not None else None
    try:
        return subprocess.run(
            list(args), env=merged, capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError as exc:
        raise MissingToolError(f"{args[0]} is not installed.", hint=POSTGRES_TOOL_HINT) from exc
    except subprocess.TimeoutExpired as exc:
        raise CloudError(
            f"{Path(args[0]).name} did not finish within {timeout:.0f}s.",
            hint="Postgres was slow to reach or to start from here; run the command again, "
            "or from closer to the database.",
        ) from exc


def find_pg_tool(name: str) -> str | None:
    """A Postgres binary on PATH, or the newest one under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> int:
        folder = Path(path).parent.parent.name
        return int(folder) if folder.isdigit() else 0

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    return candidates[-1] if candidates else None


def require_pg_tool(name: str) -> str:
    path = find_pg_tool(name)
    if path is None:
        raise MissingToolError(f"{name} is not installed.", hint=POSTGRES_TOOL_HINT)
    return path


def free_port() -> int:
    """A port that was free on 127.0.0.1 a moment ago (start() retries on a race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class EphemeralCluster:
    """A local Postgres cluster that exists between start() and stop()."""

    def __init__(
        self,
        *,
        runner: Runner = run_command,
        startup_timeout: int = 60,
        attempts: int = 3,
    ) -> None:
        self._run = runner
        self._timeout = startup_timeout
        self._attempts = attempts
        self.user = "postgres"
        self.password = secrets.token_urlsafe(24)
        self.host = "127.0.0.1"
        self.port = 0
        self._root: Path | None = None
        self._running = False

    # -- public -----------------------------------------------------------

    def conninfo(self, dbname: str = "postgres") -> dict[str, str]:
        return {
            "host": self.host,
            "port": str(self.port),
            "user": self.user,
            "password": self.password,
            "dbname": dbname,
        }

    def start(self) -> EphemeralCluster:
        prefix = self._user_prefix()
        initdb = require_pg_tool("initdb")
        pg_ctl = require_pg_tool("pg_ctl")
        self._root = Path(tempfile.mkdtemp(prefix="scaffold-pg-", dir=_temp_base(bool(prefix))))
        try:
            self._prepare_dirs(bool(prefix))
            self._initdb(prefix, initdb)
            self._start_server(prefix, pg_ctl)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        root = self._root
        if root is None:
            return
        # postmaster.pid too: a signal during `pg_ctl start` (SIGTERM, Ctrl-C) can leave a
        # server running that start() never saw come up.
        if self._running or (root / "data" / "postmaster.pid").exists():
            pg_ctl = find_pg_tool("pg_ctl")
            if pg_ctl:
                self._run(
                    [
                        *self._user_prefix(),
                        pg_ctl,
                        "-D",
                        str(root / "data"),
                        "-m",
                        "immediate",
                        "-w",
                        "stop",
                    ],
                    timeout=self._timeout,
                )
            self._running = False
        shutil.rmtree(root, ignore_errors=True)
        self._root = None

    def __enter__(self) -> EphemeralCluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- steps ------------------------------------------------------------

    def _user_prefix(self) -> list[str]:
        """`runuser -u postgres --` when running as root; nothing otherwise."""
        if os.geteuid() != 0:
            return []
        runuser = shutil.which("runuser")
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            runuser = None
        if runuser is None:
            raise MissingToolError(
                "Postgres cannot run as root, and there is no `postgres` user with `runuser` "
                "to run the scratch cluster as.",
                hint="Create a `postgres` user (the postgresql package does), run scaffold as a "
                "non-root user, or pass --target-url.",
            )
        return [runuser, "-u", "postgres", "--"]

    def _prepare_dirs(self, as_postgres: bool) -> None:
        assert self._root is not None
        (self._root / "sock").mkdir(mode=0o700)
        pwfile = self._root / "pwfile"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        pwfile.chmod(0o600)
        if as_postgres:
            import pwd

            entry = pwd.getpwnam("postgres")
            for path in (self._root, self._root / "sock", pwfile):
                os.chown(path, entry.pw_uid, entry.pw_gid)

    def _initdb(self, prefix: list[str], initdb: str) -> None:
        assert self._root is not None
        result = self._run(
            [
                *prefix,
                initdb,
                "-D",
                str(self._root / "data"),
                "-U",
                self.user,
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                f"--pwfile={self._root / 'pwfile'}",
            ],
            timeout=self._timeout * 2,
        )
        (self._root / "pwfile").unlink(missing_ok=True)
        if result.returncode != 0:
            raise MissingToolError(
                f"initdb could not create a scratch Postgres cluster: {_last_line(result)}",
                hint=POSTGRES_TOOL_HINT,
            )

    def _start_server(self, prefix: list[str], pg_ctl: str) -> None:
        assert self._root is not None
        last = ""
        for _ in range(self._attempts):
            self.port = free_port()
            options = (
                f"-p {self.port} -k {self._root / 'sock'} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
            )
            result = self._run(
                [
                    *prefix,
                    pg_ctl,
                    "-D",
                    str(self._root / "data"),
                    "-l",
                    str(self._root / "log"),
                    "-w",
                    "-t",
                    str(self._timeout),
                    "-o",
                    options,
                    "start",
                ],
                timeout=self._timeout + 10,
            )
            if result.returncode == 0:
                self._running = True
                return
            # The server may have half-started; make sure it is gone before retrying.
            self._run(
                [*prefix, pg_ctl, "-D", str(self._root / "data"), "-m", "immediate", "stop"],
                timeout=self._timeout,
            )
            last = self._log_tail() or _last_line(result)
        raise MissingToolError(
            f"The scratch Postgres cluster did not start: {last}", hint=POSTGRES_TOOL_HINT
        )

    def _log_tail(self) -> str:
        assert self._root is not None
        try:
            lines = (self._root / "log").read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return lines[-1] if lines else ""


def _temp_base(as_postgres: bool) -> str | None:
    """A temp dir the `postgres` user can reach: TMPDIR may be private to root.

    mkdtemp still makes a unique 0700 directory inside it, so /tmp is safe here.
    """
    shared = "/tmp"  # noqa: S108
    base = tempfile.gettempdir()
    if as_postgres and not os.stat(base).st_mode & 0o001 and os.path.isdir(shared):
        return shared
    return None


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    text = (result.stderr or result.stdout or "").strip()
    return text.splitlines()[-1] if text else f"exit status {result.returncode}"

"""The scratch cluster and the client tools: passwords stay off command lines,
and missing or broken Postgres binaries give one clear sentence."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from scaffolder.errors import CloudError, MissingToolError
from scaffolder.local_postgres import EphemeralCluster, run_command
from scaffolder.ops.backup.dump import password_env, pg_dump, pg_restore
from tests.ops import pg

pytestmark = pytest.mark.postgres


class RecordingRunner:
    """Runs the real command, and records its arguments and its .pgpass file's mode."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], dict[str, str], int | None]] = []

    def __call__(
        self,
        args: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess[str]:
        env = dict(env or {})
        mode = None
        if "PGPASSFILE" in env:
            mode = stat.S_IMODE(Path(env["PGPASSFILE"]).stat().st_mode)
        self.calls.append((list(args), env, mode))
        return run_command(args, env=env, timeout=timeout)


def test_password_goes_through_a_private_pgpass_file(
    source_db: dict[str, str],
    admin_info: dict[str, str],
    tmp_path: Path,
) -> None:
    runner = RecordingRunner()
    dump = tmp_path / "x.dump"
    pg_dump(source_db, dump, runner=runner)
    target = pg.create_database(admin_info, "copy")
    try:
        outcome = pg_restore(target, dump, runner=runner)
    finally:
        pg.drop_database(admin_info, target["dbname"])

    assert outcome.ok, outcome.errors
    for args, env, mode in runner.calls:
        assert not any(source_db["password"] in arg for arg in args)
        assert "PGPASSWORD" not in env
        assert mode == 0o600
        assert not Path(env["PGPASSFILE"]).exists()  # removed afterwards


def test_pgpass_escapes_colons_and_backslashes() -> None:
    with password_env({"password": "a:b\\c"}) as env:
        assert Path(env["PGPASSFILE"]).read_text() == "*:*:*:*:a\\:b\\\\c\n"
    with password_env({"user": "x"}) as env:
        assert env == {}


def test_pg_dump_failure_is_one_sentence(tmp_path: Path, admin_info: dict[str, str]) -> None:
    with pytest.raises(CloudError) as caught:
        pg_dump({**admin_info, "dbname": "does_not_exist"}, tmp_path / "x.dump", runner=run_command)
    assert "pg_dump could not dump the database" in str(caught.value)
    assert "does_not_exist" in str(caught.value)
    assert admin_info["password"] not in str(caught.value)


def test_missing_binary_is_a_missing_tool_error() -> None:
    with pytest.raises(MissingToolError) as caught:
        run_command(["scaffold-no-such-pg-tool", "--version"])
    assert caught.value.exit_code == 5
    assert "is not installed" in caught.value.message


def test_initdb_failure_is_a_missing_tool_error_and_cleans_up() -> None:
    def failing(
        args: Sequence[str], *, env: Mapping[str, str] | None = None, timeout: float | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(list(args), 1, "", "initdb: error: out of disk\n")

    cluster = EphemeralCluster(runner=failing)
    with pytest.raises(MissingToolError) as caught:
        cluster.start()
    assert "initdb could not create a scratch Postgres cluster: initdb: error: out of disk" in (
        caught.value.message
    )
    assert cluster._root is None  # the temp dir is gone


def test_cluster_runs_as_postgres_when_root_and_is_removed_on_stop() -> None:
    cluster = EphemeralCluster().start()
    root = cluster._root
    assert root is not None
    try:
        if os.geteuid() == 0:
            assert root.stat().st_uid != 0
        with pg.connect(cluster.conninfo()) as conn:
            assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
    finally:
        cluster.stop()
    assert not root.exists()

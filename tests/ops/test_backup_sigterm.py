"""SIGTERM during `scaffold backup verify` cleans up like Ctrl-C: a real `scaffold`
process, AWS as a moto server on 127.0.0.1, a real dump restored into a real
scratch cluster; the signal arrives while the probe runs in that cluster."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from scaffolder.models import StackOutputs
from tests.ops.conftest import REGION, MotoProvider, provision_outputs

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parents[2]


class ServerProvider(MotoProvider):
    """A ClientProvider for the tests' own setup calls against the moto server."""

    def __init__(self, endpoint: str) -> None:
        super().__init__()
        self.endpoint = endpoint

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(  # type: ignore[call-overload]
            service,
            region_name=REGION,
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


@pytest.fixture
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """The child's TMPDIR. Under /tmp and world-traversable (sticky, like /tmp itself):
    as root the scratch cluster runs as `postgres`, which must reach its folder."""
    path = Path(tempfile.mkdtemp(prefix="scaffold-sigterm-test-", dir="/tmp"))
    path.chmod(0o1777)
    try:
        yield path
    finally:
        # Only when the test failed: a cluster scaffold left running (SIGQUIT: immediate stop).
        found = _postmaster(path)
        if found and _alive(found[2]):
            os.kill(found[2], signal.SIGQUIT)
            time.sleep(1)
        shutil.rmtree(path, ignore_errors=True)


def _url(info: dict[str, str]) -> str:
    return (
        f"postgresql://{info['user']}:{info['password']}@{info['host']}:{info['port']}/"
        f"{info['dbname']}"
    )


def _env(endpoint: str, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": REGION,
            "TMPDIR": str(tmp),
            "XDG_STATE_HOME": str(tmp / "state"),
        }
    )
    return env


def _scaffold(*args: str) -> list[str]:
    return [sys.executable, "-m", "scaffolder.cli.app", *args]


def _postmaster(tmp: Path) -> tuple[Path, int, int] | None:
    """(socket dir, port, pid) of the scratch cluster once it runs, else None."""
    for pidfile in tmp.glob("scaffold-pg-*/data/postmaster.pid"):
        try:
            lines = pidfile.read_text().splitlines()
        except OSError:
            continue
        if len(lines) >= 4 and lines[0].isdigit() and lines[3].isdigit():
            return pidfile.parent.parent / "sock", int(lines[3]), int(lines[0])
    return None


def _probe_is_running(sock: Path, port: int) -> bool:
    """True once the restored database is being probed (pg_sleep shows in pg_stat_activity)."""
    try:
        with psycopg.connect(host=str(sock), port=port, user="postgres", dbname="postgres") as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()"
            ).fetchone()
    except psycopg.Error:
        return False
    return bool(row and row[0])


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie nobody reaped is gone for our purposes


def _wait_for_probe(child: subprocess.Popen[str], tmp: Path) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert child.poll() is None, child.communicate()[1]
        found = _postmaster(tmp)
        if found and _probe_is_running(found[0], found[1]):
            return found[2]
        time.sleep(0.2)
    child.kill()
    pytest.fail(f"the probe never ran: {child.communicate()[1]}")


def test_sigterm_during_verify_stops_the_cluster_and_leaves_no_temp_dir(
    tmp_path: Path,
    moto_endpoint: str,
    shared_tmp: Path,
    source_db: dict[str, str],
) -> None:
    outputs: StackOutputs = provision_outputs(ServerProvider(moto_endpoint))
    (tmp_path / "outputs.json").write_text(outputs.model_dump_json())
    common = ["--project", str(tmp_path), "--outputs", str(tmp_path / "outputs.json")]
    env = _env(moto_endpoint, shared_tmp)
    taken = subprocess.run(
        _scaffold("backup", "run", "staging", *common, "--database-url", _url(source_db)),
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert taken.returncode == 0, taken.stderr

    verify = _scaffold(
        "backup", "verify", "staging", *common, "--probe", "SELECT 1 FROM pg_sleep(50)"
    )
    child = subprocess.Popen(
        verify, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    postmaster = _wait_for_probe(child, shared_tmp)

    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=90)

    assert child.returncode == 130, err
    assert "Stopped by SIGTERM" in err and "Traceback" not in err
    assert not _alive(postmaster), "the scratch cluster's postgres still runs"
    left = [p.name for p in shared_tmp.iterdir() if p.name != "state"]
    assert left == [], f"temp files left behind: {left}"

"""Apps reach a TLS Postgres through the generated entrypoint, verifying its certificate.

A real local Postgres serves TLS with a certificate from a private CA made here; that
CA stands in for the RDS bundle (SCAFFOLD_DB_CA_BUNDLE, the image's default being
/etc/ssl/certs/rds-global-bundle.pem). A Node app on node-postgres (installed from
npm), a psycopg app and a SQLAlchemy app run as the container would run them:
`sh scaffold-entrypoint.sh <command>` with only the DB_* variables ECS injects.
They connect when the bundle holds the server's CA and are refused when it does not,
or when the certificate names another host (verify-full, not just verify-ca).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from scaffolder.local_postgres import find_pg_tool
from tests.render.contexts import CONTEXTS, render
from tests.support.tls_postgres import TlsPostgres, tls_postgres

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(find_pg_tool("initdb") is None, reason="no Postgres server binaries"),
]

NODE_APP = """
const { Client } = require("pg");
// An ssl option the app passes in code (argv[2], JSON), as some apps do.
const own = process.argv[2] ? { ssl: JSON.parse(process.argv[2]) } : {};
const client = new Client({ connectionString: process.env.DATABASE_URL, ...own });
client
  .connect()
  .then(() => client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
  .then((res) => { console.log(res.rows[0].ssl ? "tls" : "plain"); return client.end(); })
  .catch((err) => { console.error(err.code || err.message); process.exit(1); });
"""
PSYCOPG_APP = """
import os, psycopg
with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
    row = conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()
print("tls" if row and row[0] else "plain")
"""
# SQLAlchemy's default postgresql:// driver is psycopg2; apps on psycopg 3 name it.
SQLALCHEMY_APP = """
import os
from sqlalchemy import create_engine, text
url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
with create_engine(url).connect() as conn:
    on = conn.execute(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).scalar()
print("tls" if on else "plain")
"""


@pytest.fixture(scope="module")
def tls_server() -> Iterator[TlsPostgres]:
    with tls_postgres() as server:
        yield server


@pytest.fixture(scope="module")
def entrypoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = render(CONTEXTS["express_pg"](), tmp_path_factory.mktemp("tls-render"))
    return out / "scaffold-entrypoint.sh"


@pytest.fixture(scope="module")
def node_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    npm = shutil.which("npm")
    if not shutil.which("node") or not npm:
        pytest.skip("node and npm are needed for the node-postgres app")
    folder = tmp_path_factory.mktemp("node-app")
    (folder / "package.json").write_text('{"name": "tls-app", "private": true}\n')
    proc = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--loglevel=error", "pg@8"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        pytest.skip(f"npm could not install pg: {proc.stderr.strip()[-300:]}")
    (folder / "app.js").write_text(NODE_APP)
    return folder


def _run(
    entrypoint: Path,
    server: TlsPostgres,
    command: list[str],
    *,
    bundle: Path,
    host: str = "localhost",
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """The container's start: only what ECS injects, plus the stand-in bundle's path."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": tempfile.gettempdir(),
        "DB_HOST": host,
        "DB_PORT": str(server.port),
        "DB_NAME": "postgres",
        "DB_USER": "postgres",
        "DB_PASSWORD": server.password,
        "SCAFFOLD_DB_CA_BUNDLE": str(bundle),
    }
    return subprocess.run(
        ["/bin/sh", str(entrypoint), *command],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


PYTHON_APPS = {"psycopg": PSYCOPG_APP, "sqlalchemy": SQLALCHEMY_APP}


@pytest.mark.parametrize("app", sorted(PYTHON_APPS))
def test_python_apps_connect_verified(entrypoint: Path, tls_server: TlsPostgres, app: str) -> None:
    command = [sys.executable, "-c", PYTHON_APPS[app]]
    ok = _run(entrypoint, tls_server, command, bundle=tls_server.ca)
    assert (ok.returncode, ok.stdout.strip()) == (0, "tls"), ok.stderr
    untrusted = _run(entrypoint, tls_server, command, bundle=tls_server.other_ca)
    assert untrusted.returncode != 0
    assert "certificate verify failed" in untrusted.stderr
    # The right CA, but a certificate for another name than the one dialled.
    wrong_name = _run(entrypoint, tls_server, command, bundle=tls_server.ca, host="127.0.0.1")
    assert wrong_name.returncode != 0
    assert 'does not match host name "127.0.0.1"' in wrong_name.stderr


def test_a_node_postgres_app_connects_verified(
    entrypoint: Path, tls_server: TlsPostgres, node_app: Path
) -> None:
    command = ["node", "app.js"]
    ok = _run(entrypoint, tls_server, command, bundle=tls_server.ca, cwd=node_app)
    assert (ok.returncode, ok.stdout.strip()) == (0, "tls"), ok.stderr
    untrusted = _run(entrypoint, tls_server, command, bundle=tls_server.other_ca, cwd=node_app)
    assert untrusted.returncode != 0
    assert untrusted.stderr.strip().endswith("SELF_SIGNED_CERT_IN_CHAIN"), untrusted.stderr
    wrong_name = _run(
        entrypoint,
        tls_server,
        command,
        bundle=tls_server.ca,
        host="127.0.0.1",
        cwd=node_app,
    )
    assert wrong_name.returncode != 0
    assert wrong_name.stderr.strip().endswith("ERR_TLS_CERT_ALTNAME_INVALID"), wrong_name.stderr


def test_the_ssl_option_a_node_app_passes_in_code_wins(
    entrypoint: Path, tls_server: TlsPostgres, node_app: Path
) -> None:
    # The composed URL carries no sslmode, which node-postgres would let replace it:
    # an app that chose not to verify still connects, even with a bundle that cannot.
    command = ["node", "app.js", json.dumps({"rejectUnauthorized": False})]
    own = _run(entrypoint, tls_server, command, bundle=tls_server.other_ca, cwd=node_app)
    assert (own.returncode, own.stdout.strip()) == (0, "tls"), own.stderr

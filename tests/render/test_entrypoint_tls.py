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

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from scaffolder.ops.pgcluster import EphemeralCluster, find_pg_tool
from tests.render.contexts import CONTEXTS, render

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


@dataclass
class TlsPostgres:
    port: int
    password: str
    trusted_ca: Path  # signed the server's certificate (issued for "localhost" only)
    other_ca: Path  # a CA the server's certificate does not chain to


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _cert(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None,
    san: list[x509.GeneralName] | None = None,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    issuer_name, issuer_key = issuer or (_name(subject), key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
    )
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _write_certificates(folder: Path) -> tuple[Path, Path, Path, Path]:
    """Two CAs, and a server certificate from the first for DNS name localhost only."""
    ca_key, other_key, server_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _cert("scaffold test CA", ca_key, None)
    other = _cert("scaffold untrusted CA", other_key, None)
    server = _cert("localhost", server_key, (ca.subject, ca_key), [x509.DNSName("localhost")])
    paths = [folder / n for n in ("ca.pem", "other-ca.pem", "server.crt", "server.key")]
    paths[0].write_bytes(_pem(ca))
    paths[1].write_bytes(_pem(other))
    paths[2].write_bytes(_pem(server) + _pem(ca))
    paths[3].write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths[0], paths[1], paths[2], paths[3]


def _hand_key_to_server(folder: Path, key: Path) -> None:
    """Postgres reads its key only if the server user owns it, mode 0600 (it runs as
    `postgres` when the tests run as root)."""
    folder.chmod(0o755)
    key.chmod(0o600)
    if os.geteuid() == 0:
        import pwd

        entry = pwd.getpwnam("postgres")
        os.chown(key, entry.pw_uid, entry.pw_gid)


@pytest.fixture(scope="module")
def tls_postgres() -> Iterator[TlsPostgres]:
    # Under /tmp, not pytest's private tmp dir: the `postgres` user must reach the files.
    folder = Path(tempfile.mkdtemp(prefix="scaffold-tls-", dir="/tmp"))
    ca, other, cert, key = _write_certificates(folder)
    _hand_key_to_server(folder, key)
    cluster = EphemeralCluster().start()
    try:
        info = cluster.conninfo()
        with psycopg.connect(autocommit=True, sslmode="disable", **info) as conn:
            conn.execute(f"ALTER SYSTEM SET ssl_cert_file = '{cert}'")
            conn.execute(f"ALTER SYSTEM SET ssl_key_file = '{key}'")
            conn.execute("ALTER SYSTEM SET ssl = on")
            conn.execute("SELECT pg_reload_conf()")
        # Serving TLS now, with the certificate the test made (reload is asynchronous).
        with psycopg.connect(
            sslmode="verify-full", sslrootcert=str(ca), **{**info, "host": "localhost"}
        ) as conn:
            assert conn.pgconn.ssl_in_use
        yield TlsPostgres(cluster.port, cluster.password, ca, other)
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


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
def test_python_apps_connect_verified(
    entrypoint: Path, tls_postgres: TlsPostgres, app: str
) -> None:
    command = [sys.executable, "-c", PYTHON_APPS[app]]
    ok = _run(entrypoint, tls_postgres, command, bundle=tls_postgres.trusted_ca)
    assert (ok.returncode, ok.stdout.strip()) == (0, "tls"), ok.stderr
    untrusted = _run(entrypoint, tls_postgres, command, bundle=tls_postgres.other_ca)
    assert untrusted.returncode != 0
    assert "certificate verify failed" in untrusted.stderr
    # The right CA, but a certificate for another name than the one dialled.
    wrong_name = _run(
        entrypoint, tls_postgres, command, bundle=tls_postgres.trusted_ca, host="127.0.0.1"
    )
    assert wrong_name.returncode != 0
    assert 'does not match host name "127.0.0.1"' in wrong_name.stderr


def test_a_node_postgres_app_connects_verified(
    entrypoint: Path, tls_postgres: TlsPostgres, node_app: Path
) -> None:
    command = ["node", "app.js"]
    ok = _run(entrypoint, tls_postgres, command, bundle=tls_postgres.trusted_ca, cwd=node_app)
    assert (ok.returncode, ok.stdout.strip()) == (0, "tls"), ok.stderr
    untrusted = _run(entrypoint, tls_postgres, command, bundle=tls_postgres.other_ca, cwd=node_app)
    assert untrusted.returncode != 0
    assert untrusted.stderr.strip().endswith("SELF_SIGNED_CERT_IN_CHAIN"), untrusted.stderr
    wrong_name = _run(
        entrypoint,
        tls_postgres,
        command,
        bundle=tls_postgres.trusted_ca,
        host="127.0.0.1",
        cwd=node_app,
    )
    assert wrong_name.returncode != 0
    assert wrong_name.stderr.strip().endswith("ERR_TLS_CERT_ALTNAME_INVALID"), wrong_name.stderr


def test_the_ssl_option_a_node_app_passes_in_code_wins(
    entrypoint: Path, tls_postgres: TlsPostgres, node_app: Path
) -> None:
    # The composed URL carries no sslmode, which node-postgres would let replace it:
    # an app that chose not to verify still connects, even with a bundle that cannot.
    command = ["node", "app.js", json.dumps({"rejectUnauthorized": False})]
    own = _run(entrypoint, tls_postgres, command, bundle=tls_postgres.other_ca, cwd=node_app)
    assert (own.returncode, own.stdout.strip()) == (0, "tls"), own.stderr

"""A scratch Postgres serving TLS with a certificate for `localhost` from a private CA
(standing in for RDS and its CA bundle). Stopped and removed on exit, always."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from scaffolder.ops.pgcluster import EphemeralCluster


@dataclass
class ScratchPostgres:
    port: int
    password: str
    ca: Path

    def db_env(self) -> dict[str, str]:
        """What ECS gives an RDS task; the generated entrypoint composes DATABASE_URL."""
        return {
            "DB_HOST": "localhost",  # the name the certificate is issued for
            "DB_PORT": str(self.port),
            "DB_NAME": "app",
            "DB_USER": "postgres",
            "DB_PASSWORD": self.password,
            "SCAFFOLD_DB_CA_BUNDLE": str(self.ca),  # the image's default: RDS's bundle
        }


def _cert(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer[0].subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
    )
    if issuer:
        san = x509.SubjectAlternativeName([x509.DNSName("localhost")])
        builder = builder.add_extension(san, critical=False)
    return builder.sign(issuer[1] if issuer else key, hashes.SHA256())


def _write(folder: Path) -> tuple[Path, Path, Path]:
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _cert("scaffold run-contract CA", ca_key, None)
    server = _cert("localhost", key, (ca, ca_key))
    pem = serialization.Encoding.PEM
    paths = folder / "ca.pem", folder / "server.crt", folder / "server.key"
    # The bundle the entrypoint trusts: the private CA, plus the host's extra CAs (a
    # proxy's) so that tools a migration downloads (npx) still reach their registry.
    host = os.environ.get("NODE_EXTRA_CA_CERTS")
    extra = Path(host).read_bytes() if host and Path(host).is_file() else b""
    paths[0].write_bytes(ca.public_bytes(pem) + extra)
    paths[1].write_bytes(server.public_bytes(pem) + ca.public_bytes(pem))
    paths[2].write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    folder.chmod(0o755)
    paths[2].chmod(0o600)
    if os.geteuid() == 0:  # the server runs as `postgres` then, and must own its key
        import pwd

        entry = pwd.getpwnam("postgres")
        os.chown(paths[2], entry.pw_uid, entry.pw_gid)
    return paths


@contextlib.contextmanager
def scratch_postgres() -> Iterator[ScratchPostgres]:
    folder = Path(tempfile.mkdtemp(prefix="scaffold-rc-tls-", dir="/tmp"))
    cluster = EphemeralCluster()
    try:
        ca, cert, key = _write(folder)
        cluster.start()
        info = cluster.conninfo()
        with psycopg.connect(autocommit=True, sslmode="disable", **info) as conn:
            conn.execute(f"ALTER SYSTEM SET ssl_cert_file = '{cert}'")
            conn.execute(f"ALTER SYSTEM SET ssl_key_file = '{key}'")
            conn.execute("ALTER SYSTEM SET ssl = on")
            conn.execute("SELECT pg_reload_conf()")
            conn.execute("CREATE DATABASE app")
        for _ in range(50):  # the reload is asynchronous
            with psycopg.connect(sslmode="prefer", **info) as conn:
                if conn.pgconn.ssl_in_use:
                    break
            time.sleep(0.1)
        yield ScratchPostgres(cluster.port, cluster.password, ca)
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)

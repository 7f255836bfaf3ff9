"""A scratch Postgres serving TLS with a certificate for `localhost` from a private CA.

The CA stands in for RDS's bundle. A second CA, which signed nothing the server
holds, lets a test show that an untrusted certificate is refused. The server is
stopped and its files removed on exit, always.
"""

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

from scaffolder.local_postgres import EphemeralCluster


@dataclass
class TlsPostgres:
    port: int
    password: str
    ca: Path  # signed the server's certificate (issued for "localhost" only)
    other_ca: Path  # a CA the server's certificate does not chain to
    database: str = "postgres"

    def db_env(self) -> dict[str, str]:
        """What ECS gives an RDS task; the generated entrypoint composes DATABASE_URL."""
        return {
            "DB_HOST": "localhost",  # the name the certificate is issued for
            "DB_PORT": str(self.port),
            "DB_NAME": self.database,
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


def _write(folder: Path, extra_ca: bytes) -> tuple[Path, Path, Path, Path]:
    """ca.pem (+ `extra_ca`), other-ca.pem, server.crt (chain) and server.key."""
    ca_key, other_key, key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _cert("scaffold test CA", ca_key, None)
    other = _cert("scaffold untrusted CA", other_key, None)
    server = _cert("localhost", key, (ca, ca_key))
    pem = serialization.Encoding.PEM
    paths = [folder / n for n in ("ca.pem", "other-ca.pem", "server.crt", "server.key")]
    paths[0].write_bytes(ca.public_bytes(pem) + extra_ca)
    paths[1].write_bytes(other.public_bytes(pem))
    paths[2].write_bytes(server.public_bytes(pem) + ca.public_bytes(pem))
    paths[3].write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    # Postgres reads its key only if the server user owns it, mode 0600 (it runs as
    # `postgres` when the tests run as root).
    folder.chmod(0o755)
    paths[3].chmod(0o600)
    if os.geteuid() == 0:
        import pwd

        entry = pwd.getpwnam("postgres")
        os.chown(paths[3], entry.pw_uid, entry.pw_gid)
    return paths[0], paths[1], paths[2], paths[3]


@contextlib.contextmanager
def tls_postgres(*, database: str | None = None, extra_ca: bytes = b"") -> Iterator[TlsPostgres]:
    """A TLS Postgres; `database` is created when given; `extra_ca` joins the CA bundle."""
    # Under /tmp, not pytest's private tmp dir: the `postgres` user must reach the files.
    folder = Path(tempfile.mkdtemp(prefix="scaffold-tls-", dir="/tmp"))
    cluster = EphemeralCluster()
    try:
        ca, other, cert, key = _write(folder, extra_ca)
        cluster.start()
        info = cluster.conninfo()
        with psycopg.connect(autocommit=True, sslmode="disable", **info) as conn:
            conn.execute(f"ALTER SYSTEM SET ssl_cert_file = '{cert}'")
            conn.execute(f"ALTER SYSTEM SET ssl_key_file = '{key}'")
            conn.execute("ALTER SYSTEM SET ssl = on")
            conn.execute("SELECT pg_reload_conf()")
            if database:
                conn.execute(f'CREATE DATABASE "{database}"')
        verified = {**info, "host": "localhost"}
        for _ in range(50):  # the reload is asynchronous
            with psycopg.connect(sslmode="prefer", **info) as conn:
                if conn.pgconn.ssl_in_use:
                    break
            time.sleep(0.1)
        # Serving TLS now, with the certificate made here.
        with psycopg.connect(sslmode="verify-full", sslrootcert=str(ca), **verified) as conn:
            assert conn.pgconn.ssl_in_use
        yield TlsPostgres(cluster.port, cluster.password, ca, other, database or "postgres")
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)

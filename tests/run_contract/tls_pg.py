"""The run contract's database: tests/support/tls_postgres.py with an `app` database,
standing in for RDS and its CA bundle."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from tests.support.tls_postgres import TlsPostgres, tls_postgres

ScratchPostgres = TlsPostgres


@contextlib.contextmanager
def scratch_postgres() -> Iterator[TlsPostgres]:
    # The bundle the entrypoint trusts: the private CA, plus the host's extra CAs (a
    # proxy's) so that tools a migration downloads (npx) still reach their registry.
    host = os.environ.get("NODE_EXTRA_CA_CERTS")
    extra = Path(host).read_bytes() if host and Path(host).is_file() else b""
    with tls_postgres(database="app", extra_ca=extra) as server:
        yield server

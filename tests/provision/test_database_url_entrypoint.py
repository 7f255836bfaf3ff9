"""The entrypoint snippet of docs/provision.md composes DATABASE_URL as documented."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "provision.md"
# Characters RDS may put in a generated password, and a few it never would.
PASSWORD = "p%ss:w?rd#&+=!$`'\\;~é"


def _snippet() -> str:
    section = DOC.read_text("utf-8").split("## How the app reaches its database", 1)[1]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match, "no sh block under 'How the app reaches its database'"
    return match.group(1)


def _shells() -> list[str]:
    return [s for s in ("sh", "bash", "dash") if shutil.which(s)]


def _run(shell: str, tmp_path: Path, env: dict[str, str]) -> str:
    script = tmp_path / "entrypoint.sh"
    script.write_text(_snippet())
    printer = [sys.executable, "-c", "import os; print(os.environ.get('DATABASE_URL', ''))"]
    base = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
    out = subprocess.run(
        [shell, str(script), *printer], env={**base, **env}, capture_output=True, check=True
    )
    return out.stdout.decode("utf-8").strip()


DB = {"DB_HOST": "db.internal", "DB_PORT": "5432", "DB_NAME": "app", "DB_USER": "app_admin"}


@pytest.mark.parametrize("shell", _shells())
def test_composes_an_encoded_url_when_unset(shell: str, tmp_path: Path) -> None:
    url = _run(shell, tmp_path, {**DB, "DB_PASSWORD": PASSWORD})
    encoded = quote(PASSWORD, safe="")
    assert url == f"postgresql://app_admin:{encoded}@db.internal:5432/app"
    parts = urlsplit(url)
    assert parts.hostname == "db.internal" and parts.port == 5432 and parts.password == encoded


@pytest.mark.parametrize("shell", _shells())
def test_makes_verified_tls_the_default(shell: str, tmp_path: Path) -> None:
    names = ("PGSSLMODE", "PGSSLROOTCERT", "NODE_EXTRA_CA_CERTS")
    printer = f"import os; print('|'.join(os.environ.get(n, '') for n in {names!r}))"
    script = tmp_path / "entrypoint.sh"
    script.write_text(_snippet())
    env = {"PATH": os.environ["PATH"], **DB, "DB_PASSWORD": "x"}
    out = subprocess.run(
        [shell, str(script), sys.executable, "-c", printer],
        env=env,
        capture_output=True,
        check=True,
    )
    bundle = "/etc/ssl/certs/rds-global-bundle.pem"
    assert out.stdout.decode().strip() == f"verify-full|{bundle}|{bundle}"


@pytest.mark.parametrize("shell", _shells())
def test_keeps_a_database_url_that_is_set_and_does_nothing_without_rds(
    shell: str, tmp_path: Path
) -> None:
    mine = "postgresql://u:p@elsewhere:5432/x"
    assert _run(shell, tmp_path, {**DB, "DB_PASSWORD": "x", "DATABASE_URL": mine}) == mine
    assert _run(shell, tmp_path, {}) == ""

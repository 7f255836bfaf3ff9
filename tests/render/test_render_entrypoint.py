"""The generated image entrypoint composes DATABASE_URL from the DB_* names ECS injects.

The script scaffold writes next to each server app's Dockerfile is run here for real,
under `sh` (and bash in POSIX mode, and dash, when present), the way the image runs it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from scaffolder.init.template_decisions import with_template_decisions
from tests.render.contexts import CONTEXTS

RDS = sorted(n for n, build in CONTEXTS.items() if build().database == "rds")
# Not RDS, and no Next.js app with public values (tests/render/test_next_public_env.py).
NOT_RDS = sorted(
    n
    for n, build in CONTEXTS.items()
    if build().database != "rds"
    and any(a.write_dockerfile for a in build().apps)
    and not with_template_decisions(build()).public_env_placeholders
)
SHELLS = [
    [sh]
    for sh in ("/bin/sh", shutil.which("dash"), shutil.which("busybox"))
    if sh and Path(sh).exists()
]
if shutil.which("bash"):
    SHELLS.append([str(shutil.which("bash")), "--posix"])
SHELLS = [s if not s[0].endswith("busybox") else [s[0], "sh"] for s in SHELLS]

PRINT_URL = ["sh", "-c", 'printf "%s" "${DATABASE_URL-<unset>}"']
PRINT_TLS = [
    "sh",
    "-c",
    'printf "%s|%s|%s" "${PGSSLMODE-<unset>}" "${PGSSLROOTCERT-<unset>}" '
    '"${NODE_EXTRA_CA_CERTS-<unset>}"',
]
PASSWORD = "p@ss:w/rd?&=#% ~x.y_z-é'\"$`\\"
# Any readable file stands in for the RDS bundle the image carries (else the script warns).
BUNDLE = str(Path(__file__))
DB = {
    "DB_HOST": "shop.abc123.eu-west-1.rds.amazonaws.com",
    "DB_PORT": "5432",
    "DB_NAME": "shop",
    "DB_USER": "app user",
    "DB_PASSWORD": PASSWORD,
    "SCAFFOLD_DB_CA_BUNDLE": BUNDLE,
}


def _script(rendered: dict[str, Path], name: str) -> Path:
    return rendered[name] / "scaffold-entrypoint.sh"


def _start(
    shell: list[str], script: Path, env: dict[str, str], command: list[str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*shell, str(script), *command],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )


def _run(shell: list[str], script: Path, env: dict[str, str], command: list[str]) -> str:
    proc = _start(shell, script, env, command)
    assert proc.stderr == ""
    return proc.stdout


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
def test_composes_an_encoded_url_from_db_variables(
    rendered: dict[str, Path], shell: list[str]
) -> None:
    url = _run(shell, _script(rendered, "express_pg"), DB, PRINT_URL)
    user, password = quote("app user", safe=""), quote(PASSWORD, safe="")
    # No sslmode in the URL: node-postgres would let it replace the app's own ssl option.
    assert url == (
        f"postgresql://{user}:{password}@shop.abc123.eu-west-1.rds.amazonaws.com:5432/shop"
    )
    assert re.fullmatch(r"[A-Za-z0-9._~%-]+", password)  # nothing left to misparse


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
def test_verified_tls_is_the_default_and_settings_already_made_are_kept(
    rendered: dict[str, Path], shell: list[str]
) -> None:
    script = _script(rendered, "express_pg")
    assert _run(shell, script, DB, PRINT_TLS) == f"verify-full|{BUNDLE}|{BUNDLE}"
    production = {k: v for k, v in DB.items() if k != "SCAFFOLD_DB_CA_BUNDLE"}
    proc = _start(shell, script, production, PRINT_TLS)
    bundle = "/etc/ssl/certs/rds-global-bundle.pem"  # where the Dockerfile puts it
    assert proc.stdout == f"verify-full|{bundle}|{bundle}"
    if not Path(bundle).exists():
        assert "cannot be verified" in proc.stderr  # said before the app's first connect
    own = {"PGSSLMODE": "no-verify", "PGSSLROOTCERT": "/a.pem", "NODE_EXTRA_CA_CERTS": "/b.pem"}
    assert _run(shell, script, {**DB, **own}, PRINT_TLS) == "no-verify|/a.pem|/b.pem"
    # A DATABASE_URL the task was given is someone else's database: no TLS settings added.
    given = {**DB, "DATABASE_URL": "postgresql://u:p@elsewhere/x"}
    assert _run(shell, script, given, PRINT_TLS) == "<unset>|<unset>|<unset>"


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
def test_a_set_database_url_is_kept_and_nothing_is_composed_without_db_host(
    rendered: dict[str, Path], shell: list[str]
) -> None:
    script = _script(rendered, "fastapi_alembic")
    given = "postgresql://u:p@db.internal:6543/x?sslmode=verify-full"
    assert _run(shell, script, {**DB, "DATABASE_URL": given}, PRINT_URL) == given
    assert _run(shell, script, {}, PRINT_URL) == "<unset>"
    no_port = {k: v for k, v in DB.items() if k != "DB_PORT"}
    assert _run(shell, script, no_port, PRINT_URL).endswith(":5432/shop")


def test_the_command_runs_as_given_and_its_exit_code_is_kept(rendered: dict[str, Path]) -> None:
    script = _script(rendered, "django")
    args = ["python3", "-c", "import json, sys; print(json.dumps(sys.argv[1:]))", "a b", "$HOME"]
    assert json.loads(_run(["/bin/sh"], script, DB, args)) == ["a b", "$HOME"]
    # The migration task's command (`sh -c "<deploy command>"`) sees the composed URL too,
    # and its failure is the task's failure.
    proc = subprocess.run(
        ["/bin/sh", str(script), "sh", "-c", 'test -n "$DATABASE_URL" && exit 3'],
        env={"PATH": "/usr/bin:/bin", **DB},
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 3


def _runtime_stage(dockerfile: Path) -> list[str]:
    lines = [ln for ln in dockerfile.read_text().splitlines() if ln and not ln.startswith("#")]
    last_from = max(i for i, ln in enumerate(lines) if ln.startswith("FROM "))
    return lines[last_from:]


@pytest.mark.parametrize("name", RDS)
def test_rds_images_run_through_the_entrypoint(rendered: dict[str, Path], name: str) -> None:
    app = next(a for a in CONTEXTS[name]().apps if a.write_dockerfile)
    stage = _runtime_stage(rendered[name] / app.dockerfile_path)
    copy = "COPY scaffold-entrypoint.sh /usr/local/bin/scaffold-entrypoint.sh"
    entry = 'ENTRYPOINT ["/bin/sh", "/usr/local/bin/scaffold-entrypoint.sh"]'
    assert copy in stage and entry in stage
    # The RDS CA bundle, at the path the script defaults to, readable by the app user.
    bundle = (
        "ADD --chmod=644 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem "
        "/etc/ssl/certs/rds-global-bundle.pem"
    )
    assert bundle in stage
    assert stage.index(bundle) < stage.index(next(ln for ln in stage if ln.startswith("USER ")))
    # Copied before the unprivileged user takes over; COPY's source is in the build context.
    assert stage.index(copy) < stage.index(next(ln for ln in stage if ln.startswith("USER ")))
    assert (rendered[name] / app.root / "scaffold-entrypoint.sh").is_file()
    # The one-off migration task overrides the command only, so it runs through the script.
    deploy = (rendered[name] / ".github/workflows/deploy-environment.yml").read_text()
    assert "containerOverrides" in deploy and "entryPoint" not in deploy


@pytest.mark.parametrize("name", NOT_RDS)
def test_other_images_have_no_entrypoint(rendered: dict[str, Path], name: str) -> None:
    app = next(a for a in CONTEXTS[name]().apps if a.write_dockerfile)
    text = (rendered[name] / app.dockerfile_path).read_text()
    assert "ENTRYPOINT" not in text and "rds-global-bundle" not in text
    assert not list(rendered[name].glob("**/scaffold-entrypoint.sh"))

"""deploy-environment.yml records each app's migration head, read from the checked-out repository.

The step's own script runs here over small repository trees, one per migration tool,
then the ledger helper writes release records through a recording fake `aws`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scaffolder.models import ReleaseRecord
from tests.render import workflow_model as wm

needs_jq = pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")

TREES: dict[str, tuple[dict[str, str], str, str | None, str]] = {
    # tool: (files, app root, migrations directory, expected head)
    "prisma-migrate": (
        {
            "prisma/migrations/20240101000000_init/migration.sql": "",
            "prisma/migrations/20240301000000_orders/migration.sql": "",
            "prisma/migrations/migration_lock.toml": "",
        },
        ".",
        "prisma/migrations",
        "20240301000000_orders",
    ),
    "drizzle-kit": (
        {"drizzle/0000_init.sql": "", "drizzle/0001_orders.sql": "", "drizzle/meta/x.json": ""},
        ".",
        "drizzle",
        "0001_orders",
    ),
    "alembic": (
        {
            # Random revision ids: the head is the one no file points down to, not the last name.
            "alembic/versions/ffff_init.py": 'revision = "ffff"\ndown_revision = None\n',
            "alembic/versions/0aaa_orders.py": 'revision: str = "0aaa"\ndown_revision = "ffff"\n',
            "alembic/versions/1bbb_items.py": "revision = '1bbb'\ndown_revision = ('0aaa',)\n",
        },
        ".",
        "alembic/versions",
        "1bbb",
    ),
    "django": (
        {
            "shop/migrations/0001_initial.py": "",
            "shop/migrations/0002_orders.py": "",
            "accounts/migrations/0001_initial.py": "",
            ".venv/lib/django/contrib/auth/migrations/0012_x.py": "",  # not the app's
        },
        ".",
        None,
        "accounts.0001_initial,shop.0002_orders",
    ),
    "supabase": (
        {
            "supabase/migrations/20240101_init.sql": "",
            "supabase/migrations/20240202_rls.sql": "",
            "supabase/seed.sql": "",
        },
        ".",
        "supabase/migrations",
        "20240202_rls.sql",
    ),
    "knex": (
        {"migrations/20240101_a.js": "", "migrations/20240102_b.ts": "", "migrations/x.md": ""},
        ".",
        "migrations",
        "20240102_b.ts",
    ),
    "prisma-db-push": ({"prisma/schema.prisma": ""}, ".", None, ""),
}


def _step(rendered: dict[str, Path], context: str, fragment: str) -> dict[str, object]:
    job = wm.deploy_job(rendered[context])
    return wm.steps(job)[wm.index_of(job, fragment)]


def _bash(script: str, env: dict[str, str], cwd: Path) -> None:
    proc = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr


def _heads(script: str, tmp_path: Path, migrations: list[dict[str, object]]) -> dict[str, str]:
    repo = tmp_path / "repo"
    repo.mkdir(exist_ok=True)
    env = {**os.environ, "RUNNER_TEMP": str(tmp_path), "MIGRATIONS": json.dumps(migrations)}
    _bash(script, env, repo)
    heads: dict[str, str] = json.loads((tmp_path / "migration-heads.json").read_text())
    return heads


@pytest.mark.parametrize("tool", sorted(TREES))
def test_each_tools_head_is_read_from_the_checkout(
    rendered: dict[str, Path], tmp_path: Path, tool: str
) -> None:
    script = str(_step(rendered, "express_pg", "migration head")["run"])
    files, root, directory, expected = TREES[tool]
    for rel, text in files.items():
        path = tmp_path / "repo" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    migration: dict[str, object] = {
        "service": "api",
        "tool": tool,
        "root": root,
        "directory": directory,
    }
    heads = _heads(script, tmp_path, [migration])
    assert heads == ({"api": expected} if expected else {})


def test_the_step_gets_its_input_through_env(rendered: dict[str, Path]) -> None:
    step = _step(rendered, "monorepo", "migration head")
    env = step["env"]
    assert isinstance(env, dict)
    assert json.loads(env["MIGRATIONS"]) == [
        {
            "service": "server",
            "tool": "prisma-migrate",
            "root": "server",
            "directory": "server/prisma/migrations",
        }
    ]
    assert "${{" not in str(step["run"])


@needs_jq
def test_release_records_carry_the_migration_head(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    """Prepare, find the head, record: the server's record has it, the site's has none."""
    prepare = str(_step(rendered, "monorepo", "ledger helpers")["run"])
    find = str(_step(rendered, "monorepo", "migration head")["run"])
    record = str(_step(rendered, "monorepo", "Record the releases as healthy")["run"])
    migrations_dir = tmp_path / "repo" / "server" / "prisma" / "migrations"
    (migrations_dir / "20240505000000_add_orders").mkdir(parents=True)
    (migrations_dir / "20240505000000_add_orders" / "migration.sql").write_text("")
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    aws = fake_bin / "aws"  # a recording fake: `aws s3 cp SRC s3://bucket/key` copies locally
    aws.write_text(
        '#!/bin/sh\nmkdir -p "$LEDGER/$(dirname "${4#s3://}")"\ncp "$3" "$LEDGER/${4#s3://}"\n'
    )
    aws.chmod(0o755)
    (tmp_path / "outputs.json").write_text('{"artifacts_bucket_name": "artifacts"}')
    step_env = _step(rendered, "monorepo", "migration head")["env"]
    assert isinstance(step_env, dict)
    env = wm.deploy_step_env(
        tmp_path,
        fake_bin,
        LEDGER=str(tmp_path / "ledger"),
        STATUS="healthy",
        MIGRATIONS=str(step_env["MIGRATIONS"]),
        DIGEST_SERVER="sha256:" + "a" * 64,
        TASKDEF_SERVER="arn:aws:ecs:eu-west-1:123456789012:task-definition/mono-prod-server:7",
    )
    for script in (prepare, find, record):
        _bash(script, env, tmp_path / "repo")
    ledger = tmp_path / "ledger" / "artifacts" / "releases" / "prod"
    server = ReleaseRecord.model_validate_json((ledger / "3f2a9c1-42-server.json").read_text())
    client = ReleaseRecord.model_validate_json((ledger / "3f2a9c1-42-client.json").read_text())
    assert server.migration_head == "20240505000000_add_orders"
    assert client.migration_head is None


@needs_jq
def test_without_migrations_the_head_is_null(rendered: dict[str, Path], tmp_path: Path) -> None:
    job = wm.deploy_job(rendered["streamlit"])
    assert not any("migration head" in name for name in wm.step_names(job))
    prepare = str(wm.steps(job)[wm.index_of(job, "ledger helpers")]["run"])
    _bash(prepare, {**os.environ, "RUNNER_TEMP": str(tmp_path)}, tmp_path)
    assert json.loads((tmp_path / "migration-heads.json").read_text()) == {}

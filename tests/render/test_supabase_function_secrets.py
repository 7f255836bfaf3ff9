"""Edge functions get their settings in every environment's own Supabase project.

The deploy copies them from the environment's app secret (Secrets Manager) with
`supabase secrets set`, before deploying the functions. Run here with recording
fake `aws` and `npx` (the Supabase CLI runs through npx): the values reach the
CLI, never the log, and no file holding them is left behind.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.render import fake_cli
from tests.render import workflow_model as wm
from tests.render.contexts import render, vite_supabase

NAMES = ["RESEND_API_KEY", "STRIPE_WEBHOOK_SECRET"]
VALUES = {"RESEND_API_KEY": "re_live_9f8e7d", "STRIPE_WEBHOOK_SECRET": 'whsec_"q"\nline2'}

pytestmark = pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ctx = vite_supabase().model_copy(update={"supabase_function_env_vars": NAMES})
    return render(ctx, tmp_path_factory.mktemp("functions"))


def _fake_npx(bin_dir: Path) -> Path:
    """Records argv and the content of the --env-file it is given."""
    log = bin_dir / "npx.jsonl"
    script = bin_dir / "npx"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\nfrom pathlib import Path\n"
        "args = sys.argv[1:]\n"
        "env_file = args[args.index('--env-file') + 1] if '--env-file' in args else None\n"
        "content = Path(env_file).read_text() if env_file else None\n"
        f"with open({str(log)!r}, 'a') as f:\n"
        "    record = {'args': args, 'env_file': env_file, 'content': content}\n"
        "    f.write(json.dumps(record) + '\\n')\n"
    )
    script.chmod(0o755)
    return log


def _step(out: Path) -> dict[str, Any]:
    job = wm.deploy_job(out)
    secrets = wm.index_of(job, "edge functions' secrets")
    assert secrets < wm.index_of(job, "Supabase: push migrations and deploy functions")
    return wm.steps(job)[secrets]


def _run(out: Path, tmp_path: Path, secret: dict[str, str]) -> tuple[Any, list[Any], Path]:
    step = _step(out)
    aws_log = fake_cli.install(
        tmp_path / "bin",
        {"aws secretsmanager get-secret-value": json.dumps(secret)},
    )
    npx_log = _fake_npx(tmp_path / "bin")
    (tmp_path / "outputs.json").write_text(json.dumps({"app_secret_arn": "arn:aws:sm:app"}))
    env = {
        **os.environ,
        **{k: str(v) for k, v in step["env"].items() if "${{" not in str(v)},
        "SUPABASE_PROJECT_REF": "abcd1234",
        "SUPABASE_ACCESS_TOKEN": "sbp_token",
        "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}",
        "RUNNER_TEMP": str(tmp_path),
        "DEPLOY_ENV": "prod",
    }
    proc = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step["run"]],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    calls = (
        [json.loads(line) for line in npx_log.read_text().splitlines()] if npx_log.exists() else []
    )
    assert any(
        c["args"][:2] == ["secretsmanager", "get-secret-value"] for c in fake_cli.calls(aws_log)
    )
    return proc, calls, tmp_path


def test_names_only_in_the_workflow(out: Path) -> None:
    text = (out / ".github/workflows/deploy-environment.yml").read_text()
    assert json.loads(_step(out)["env"]["FUNCTION_SECRETS"]) == NAMES
    assert all(value not in text for value in VALUES.values())


def test_the_functions_get_the_environments_values_never_printed(out: Path, tmp_path: Path) -> None:
    proc, calls, tmp = _run(out, tmp_path, {**VALUES, "DATABASE_URL": "postgres://app"})
    assert proc.returncode == 0, proc.stderr
    (call,) = calls
    assert call["args"][:4] == [
        "--yes",
        "supabase@" + call["args"][1].split("@")[1],
        "secrets",
        "set",
    ]
    assert call["args"][-2:] == ["--project-ref", "abcd1234"]
    written = dict(line.split("=", 1) for line in call["content"].splitlines())
    assert {k: json.loads(v) for k, v in written.items()} == VALUES  # only the functions' names
    for value in [*VALUES.values(), "re_live"]:
        assert value not in proc.stdout + proc.stderr
    assert not Path(call["env_file"]).exists()
    assert not (tmp / "app-secret.json").exists()


def test_a_missing_setting_stops_the_deploy_by_name(out: Path, tmp_path: Path) -> None:
    proc, calls, _ = _run(out, tmp_path, {"RESEND_API_KEY": "re_live_9f8e7d"})
    assert proc.returncode == 1
    assert "STRIPE_WEBHOOK_SECRET" in proc.stdout
    assert "re_live_9f8e7d" not in proc.stdout + proc.stderr
    assert calls == []


def test_runbook_asks_for_the_function_settings_and_the_backup_url(out: Path) -> None:
    runbook = (out / "docs/RUNBOOK.md").read_text()
    setup = runbook.split("## One-time setup", 1)[1].split("## Deploy", 1)[0]
    assert "scaffold secrets set <env> DATABASE_URL" in setup
    assert "scaffold backup run" in setup
    assert "RESEND_API_KEY, STRIPE_WEBHOOK_SECRET" in setup
    assert "supabase secrets set" in setup

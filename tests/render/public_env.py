"""Run the generated pieces that carry browser-visible values, for real: the deploy job's
promote step (bash and jq, with the recording fake `aws`) and the image's entrypoint
(sh and node). Shared by the Next.js and the Vite render tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.render import fake_cli
from tests.render import workflow_model as wm


def promote(
    root: Path, tmp_path: Path, values: dict[str, str], *, service: str, repo: str, digest: str
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    """`<service>: promote the built image...` of the prod deploy, given these GitHub
    environment variables, over a current task definition that holds an older value."""
    family = repo.rsplit("/", 1)[-1]
    outputs = {
        "artifacts_bucket_name": "artifacts",
        "services": [{"name": service, "task_family": family, "ecr_repository_url": repo}],
    }
    (tmp_path / "outputs.json").write_text(json.dumps(outputs))
    old = sorted(values)[-1] if values else "NONE"
    current = {
        "taskDefinitionArn": f"arn:aws:ecs:eu-west-1:1:task-definition/{family}:7",
        "revision": 7,
        "family": family,
        "containerDefinitions": [
            {
                "name": service,
                "image": "old",
                # The previous deploy's value is replaced, the stack's own settings kept.
                "environment": [
                    {"name": "PORT", "value": "3000"},
                    {"name": old, "value": "https://old.example.com"},
                ],
                "secrets": [{"name": "SESSION_SECRET", "valueFrom": "arn:secret"}],
            }
        ],
    }
    log = fake_cli.install(
        tmp_path / "bin",
        {
            "aws ecr describe-images": digest + "\n",
            "aws ecs describe-task-definition": current,
            "aws ecs register-task-definition": f"{current['taskDefinitionArn'][:-1]}8\n",
        },
    )
    job = wm.deploy_job(root)
    helper = wm.steps(job)[wm.index_of(job, "ledger helpers")]["run"]
    step = wm.steps(job)[wm.index_of(job, f"{service}: promote the built image")]
    # What GitHub gives the step: `${{ vars.NAME }}` is "" for a variable not set.
    given = {k: values.get(k, "") for k, v in step["env"].items() if "vars." in str(v)}
    env = wm.deploy_step_env(
        tmp_path,
        tmp_path / "bin",
        GITHUB_OUTPUT=str(tmp_path / "github_output"),
        IMAGES=json.dumps({service: {"repository": repo, "digest": digest}}),
        **{k: str(v) for k, v in step["env"].items() if "vars." not in str(v)},
        **given,
    )
    run = ["bash", "-eo", "pipefail", "-c"]
    assert subprocess.run([*run, helper], env=env, check=False).returncode == 0
    proc = subprocess.run([*run, step["run"]], env=env, capture_output=True, text=True, check=False)
    return proc, fake_cli.calls(log)


def registered_container(calls: list[dict[str, Any]]) -> dict[str, Any]:
    """The container definition the promote step registered."""
    register = next(c for c in calls if c["args"][:2] == ["ecs", "register-task-definition"])
    definition: dict[str, Any] = json.loads(next(iter(register["files"].values())))
    return dict(definition["containerDefinitions"][0])


def run_entrypoint(
    script: Path, app: Path, env: dict[str, str], command: tuple[str, ...] = ("true",)
) -> subprocess.CompletedProcess[str]:
    """The image's entrypoint script in `app` (its WORKDIR), then `command`."""
    path = os.pathsep.join({str(Path(shutil.which("node") or "node").parent), "/usr/bin", "/bin"})
    return subprocess.run(
        ["/bin/sh", str(script), *command],
        cwd=app,
        env={"PATH": path, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

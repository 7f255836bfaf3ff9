"""A generated project's infra/ folder, as `scaffold init` writes it."""

from __future__ import annotations

import json
from pathlib import Path

from scaffolder.environment.spec import render_spec_yaml
from scaffolder.models import ENV_NAMES
from tests.stacks.specs import server_spec

OUTPUTS = {
    "project": "notes",
    "environment": "staging",
    "region": "us-east-1",
    "services": [
        {"name": "api", "shape": "server", "url": "http://alb", "health_url": "http://alb/h"}
    ],
    "backup_bucket_name": "notes-staging-backups",
    "artifacts_bucket_name": "notes-staging-artifacts",
    "kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/k",
    "app_secret_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:notes/staging/app",
    "alarm_topic_arn": "arn:aws:sns:us-east-1:123456789012:notes-staging-alarms",
    "db_instance_identifier": "notes-staging-db",
}


def make_project(root: Path) -> Path:
    infra = root / "infra"
    infra.mkdir(parents=True)
    (infra / "Pulumi.yaml").write_text(
        "name: notes\nruntime: python\ndescription: notes infrastructure\n", encoding="utf-8"
    )
    for env in ENV_NAMES:
        (infra / f"Pulumi.{env}.yaml").write_text(render_spec_yaml(server_spec(env)), "utf-8")
    return root


def outputs_json() -> str:
    return json.dumps(OUTPUTS)

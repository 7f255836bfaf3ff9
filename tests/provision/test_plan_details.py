"""`scaffold plan --json` shows inputs (secrets hidden) and the names AWS receives; --details."""

from __future__ import annotations

import json
import os
from pathlib import Path

from scaffolder.aws_rules.naming import NAME_INPUTS
from scaffolder.models import AlarmSpec
from scaffolder.provision.mockrun import GraphResource
from scaffolder.provision.plan import plan_spec, planned_inputs
from tests.provision.project import make_project
from tests.provision.test_provision_cli import scaffold
from tests.stacks.specs import server_spec

WEBHOOK = "https://hooks.example.com/services/T000/B000/very-secret-token"


def test_plan_lists_inputs_with_secret_values_hidden() -> None:
    spec = server_spec("prod").model_copy(
        update={"alarms": AlarmSpec(email="ops@example.com", webhook_url=WEBHOOK)}
    )
    plan = plan_spec(spec)
    dumped = plan.model_dump_json()
    assert "very-secret-token" not in dumped
    (hook,) = [r for r in plan.resources if r.name.endswith("-alarms-webhook")]
    assert hook.inputs["endpoint"] == "[secret]" and hook.inputs["protocol"] == "https"
    (db,) = [r for r in plan.resources if r.type == "aws:rds/instance:Instance"]
    assert db.inputs["instanceClass"] == spec.database.instance_class  # type: ignore[union-attr]
    assert db.physical_name == "notes-prod-db"


def test_known_secret_inputs_are_hidden_even_when_not_marked() -> None:
    resource = GraphResource(
        type="aws:rds/instance:Instance",
        name="db",
        inputs={"password": "hunter2", "tags": {"a": "b"}, "nested": [{"secretString": "x"}]},
    )
    inputs = planned_inputs(resource)
    assert inputs["password"] == "[secret]" and inputs["nested"] == [{"secretString": "[secret]"}]
    assert inputs["tags"] == {"a": "b"}


def test_every_named_resource_has_its_physical_name() -> None:
    spec = server_spec("staging").model_copy(update={"project": "a" * 44})
    plan = plan_spec(spec)
    named = [r for r in plan.resources if r.type in NAME_INPUTS]
    assert named and all(r.physical_name for r in named)
    # Everything is named explicitly: no Pulumi random suffix to guess.
    assert not any((r.physical_name or "").endswith("-xxxxxxx") for r in plan.resources)
    (alb,) = [r for r in plan.resources if r.type == "aws:lb/loadBalancer:LoadBalancer"]
    assert alb.physical_name is not None and len(alb.physical_name) <= 32


def test_plan_cli_json_and_details(tmp_path: Path) -> None:
    project = make_project(tmp_path / "app")
    result = scaffold("plan", "staging", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    resources = json.loads(result.stdout)["resources"]
    (vpc,) = [r for r in resources if r["type"] == "aws:ec2/vpc:Vpc"]
    assert vpc["inputs"]["cidrBlock"] == "10.0.0.0/16" and vpc["physical_name"] is None
    (cluster,) = [r for r in resources if r["type"] == "aws:ecs/cluster:Cluster"]
    assert cluster["physical_name"] == cluster["inputs"]["name"]

    wide = {**os.environ, "COLUMNS": "300"}  # rich wraps cells to the terminal's width
    details = scaffold("plan", "staging", "--details", cwd=project, env=wide)
    assert details.returncode == 0, details.stderr
    assert "instanceClass=" in details.stdout and "cidrBlock=10.0.0.0/16" in details.stdout
    assert cluster["physical_name"] in details.stdout

"""infra/__main__.py's entry point reads the spec from Pulumi config like the CLI would."""

from __future__ import annotations

import json
from typing import Any

import pulumi

from scaffolder.models import StackOutputs
from scaffolder.provision.mockrun import run_under_mocks
from tests.stacks.specs import server_spec


def test_run_from_config_builds_the_environment_from_stack_config() -> None:
    from scaffolder_stacks.environment import run_from_config

    spec = server_spec("staging")
    # As infra/Pulumi.staging.yaml holds it: the spec without region, plus aws:region.
    document = spec.model_dump(mode="json", exclude={"region"})

    def program() -> dict[str, Any]:
        pulumi.runtime.set_all_config(
            {"scaffold:spec": json.dumps(document), "aws:region": "eu-central-1"}
        )
        return run_from_config()

    try:
        graph = run_under_mocks(program, project="notes", stack="staging", region="eu-central-1")
    finally:
        pulumi.runtime.set_all_config({})
    outputs = StackOutputs.model_validate(graph.outputs)
    assert outputs.region == "eu-central-1" and outputs.environment == "staging"
    subnets = graph.of_type("aws:ec2/subnet:Subnet")
    assert {s.inputs["availabilityZone"] for s in subnets} == {"eu-central-1a", "eu-central-1b"}
    assert graph.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")

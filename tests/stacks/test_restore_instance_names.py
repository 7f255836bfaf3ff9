"""The instance `scaffold backup verify` restores into is one the deploy role may create.

The role's policy allows `rds:RestoreDBInstanceFromDBSnapshot` and `rds:DeleteDBInstance`
on `<restore prefix>-*`; ops names the instance `<restore prefix>-<stamp>`. Both
come from scaffolder.aws_rules.naming, so a long or non-ASCII project cannot split them apart
(the old id was cut from the front to fit 63 characters and left the pattern).
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from typing import Any

import pytest

from scaffolder.ops.backup.rds import restore_test_id
from tests.stacks.graphs import graph_for
from tests.stacks.test_physical_names import LONG_PROJECT, NON_ASCII_PROJECT, full_spec

STAMP = "20260122T030000Z"


def _restore_patterns(policy: dict[str, Any]) -> list[str]:
    return [
        resource.rsplit(":db:", 1)[1]
        for statement in policy["Statement"]
        if "rds:RestoreDBInstanceFromDBSnapshot" in statement.get("Action", [])
        for resource in statement.get("Resource", [])
        if ":db:" in resource
    ]


def test_a_short_project_keeps_its_readable_id() -> None:
    assert restore_test_id("shop", "prod", STAMP) == "shop-prod-restore-20260122t030000z"


@pytest.mark.parametrize("project", [LONG_PROJECT, NON_ASCII_PROJECT, "My_App--2", "x" * 80])
def test_the_restore_id_is_valid_and_inside_the_deploy_roles_pattern(project: str) -> None:
    spec = full_spec(project, "staging", "acme/app")
    graph = graph_for(spec)
    policies = [
        json.loads(r.inputs["policy"])
        for r in graph.of_type("aws:iam/rolePolicy:RolePolicy")
        if "DatabaseSnapshots" in r.inputs.get("policy", "")
    ]
    patterns = [p for policy in policies for p in _restore_patterns(policy)]
    assert patterns, "the deploy role may restore into some instance"
    name = restore_test_id(spec.project, spec.environment, STAMP)
    assert len(name) <= 63 and re.fullmatch(r"[a-z][a-z0-9-]*[a-z0-9]", name) and "--" not in name
    assert any(fnmatchcase(name, pattern) for pattern in patterns), (name, patterns)

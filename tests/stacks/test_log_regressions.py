"""The log checks are not vacuous: each weakening of item 5 (issue 10) fails them."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from scaffolder.provision.mockrun import GraphResource, ResourceGraph
from scaffolder_stacks.access_logs import LOG_DELIVERY, delivery_statements
from scaffolder_stacks.database import log_parameters
from tests.stacks import graph_checks
from tests.stacks.graphs import graph_for
from tests.stacks.log_checks import LIFECYCLE, LOG_GROUP, SSE
from tests.stacks.specs import server_spec


def _lb(g: ResourceGraph) -> GraphResource:
    return g.of_type("aws:lb/loadBalancer:LoadBalancer")[0]


def _log_bucket_id(g: ResourceGraph) -> str:
    name = _lb(g).inputs["accessLogs"]["bucket"]
    bucket = next(b for b in g.of_type("aws:s3/bucket:Bucket") if b.inputs["bucket"] == name)
    return f"{bucket.name}-id"


def _no_access_logs(g: ResourceGraph) -> None:
    _lb(g).inputs.pop("accessLogs")


def _access_logs_off(g: ResourceGraph) -> None:
    _lb(g).inputs["accessLogs"]["enabled"] = False


def _logs_under_kms(g: ResourceGraph) -> None:
    bucket = _log_bucket_id(g)
    sse = next(c for c in g.of_type(SSE) if c.inputs["bucket"] == bucket)
    sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] = "aws:kms"


def _elb_cannot_write(g: ResourceGraph) -> None:
    bucket = _log_bucket_id(g)
    policy = next(
        p for p in g.of_type("aws:s3/bucketPolicy:BucketPolicy") if p.inputs["bucket"] == bucket
    )
    document = json.loads(policy.inputs["policy"])
    document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != "ElbLogDelivery"]
    policy.inputs["policy"] = json.dumps(document)


def _logs_kept_forever(g: ResourceGraph) -> None:
    bucket = _log_bucket_id(g)
    g.resources = [
        r for r in g.resources if not (r.type == LIFECYCLE and r.inputs["bucket"] == bucket)
    ]


def _rds_log_group(g: ResourceGraph, kind: str) -> GraphResource:
    return next(r for r in g.of_type(LOG_GROUP) if str(r.inputs["name"]).endswith(f"/{kind}"))


def _rds_creates_its_log_group(g: ResourceGraph) -> None:
    group = _rds_log_group(g, "postgresql")
    g.resources = [r for r in g.resources if r is not group]


def _rds_logs_forever(g: ResourceGraph) -> None:
    _rds_log_group(g, "upgrade").inputs.pop("retentionInDays")


def _rds_logs_unencrypted(g: ResourceGraph) -> None:
    _rds_log_group(g, "postgresql").inputs.pop("kmsKeyId")


def _set_parameter(g: ResourceGraph, name: str, value: str | None) -> None:
    group = g.of_type("aws:rds/parameterGroup:ParameterGroup")[0]
    parameters = [p for p in group.inputs["parameters"] if p["name"] != name]
    if value is not None:
        parameters.append({"name": name, "value": value})
    group.inputs["parameters"] = parameters


REGRESSIONS: dict[str, Callable[[ResourceGraph], None]] = {
    "no-access-logs": _no_access_logs,
    "access-logs-off": _access_logs_off,
    "access-logs-under-kms": _logs_under_kms,
    "elb-cannot-write": _elb_cannot_write,
    "access-logs-kept-forever": _logs_kept_forever,
    "rds-creates-its-log-group": _rds_creates_its_log_group,
    "rds-logs-forever": _rds_logs_forever,
    "rds-logs-unencrypted": _rds_logs_unencrypted,
    "slow-statements-logged": lambda g: _set_parameter(g, "log_min_duration_statement", "1000"),
    "bind-values-logged": lambda g: _set_parameter(g, "log_parameter_max_length", None),
    "bind-values-logged-on-error": lambda g: _set_parameter(
        g, "log_parameter_max_length_on_error", "-1"
    ),
    "failing-statements-logged": lambda g: _set_parameter(g, "log_min_error_statement", "error"),
    "error-details-logged": lambda g: _set_parameter(g, "log_error_verbosity", "default"),
    "all-statements-logged": lambda g: _set_parameter(g, "log_statement", "all"),
}


@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_a_weakened_log_setup_fails_the_checks(name: str) -> None:
    spec = server_spec("prod")
    graph = graph_for(spec)
    assert graph_checks.problems(graph, spec) == []
    REGRESSIONS[name](graph)
    assert graph_checks.problems(graph, spec) != []


def test_bind_parameter_settings_only_where_postgres_has_them() -> None:
    assert "log_parameter_max_length" in log_parameters("16")
    assert "log_parameter_max_length" not in log_parameters("12")
    assert log_parameters("12")["log_min_duration_statement"] == "-1"


def test_newer_regions_deliver_through_the_service_principal_only() -> None:
    older = delivery_statements("arn:aws:s3:::b", "111122223333", "eu-west-1")
    newer = delivery_statements("arn:aws:s3:::b", "111122223333", "eu-central-2")
    assert [s["Principal"] for s in newer] == [{"Service": LOG_DELIVERY}]
    assert {"AWS": "arn:aws:iam::156460612806:root"} in [s["Principal"] for s in older]
    assert {s["Resource"] for s in older} == {"arn:aws:s3:::b/alb/AWSLogs/111122223333/*"}

"""Graph checks on logs (issue 10, item 5): ALB access logs, RDS log groups, and no
SQL text or values in the database's logs. graph_checks.ALL_CHECKS runs them."""

from __future__ import annotations

import json
from typing import Any

from scaffolder.models import EnvironmentSpec
from scaffolder.provision.mockrun import ACCOUNT_ID, GraphResource, ResourceGraph
from scaffolder_stacks.access_logs import ELB_ACCOUNTS, LOG_DELIVERY

LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
# What keeps SQL text, literals and bind values out of the PostgreSQL log.
QUIET_DATABASE_LOGS = {
    "log_statement": "none",
    "log_min_duration_statement": "-1",
    "log_min_error_statement": "panic",
    "log_error_verbosity": "terse",
    "log_parameter_max_length": "0",
    "log_parameter_max_length_on_error": "0",
}


def _on_bucket(graph: ResourceGraph, type_: str, bucket: GraphResource) -> list[GraphResource]:
    return [r for r in graph.of_type(type_) if r.inputs.get("bucket") == f"{bucket.name}-id"]


def _statements(resource: GraphResource) -> list[dict[str, Any]]:
    policy = resource.inputs.get("policy") or "{}"
    document = policy if isinstance(policy, dict) else json.loads(policy)
    statements: list[dict[str, Any]] = document.get("Statement", [])
    return statements


def _log_bucket_problems(graph: ResourceGraph, bucket: GraphResource, prefix: str) -> list[str]:
    problems = []
    rules = [rule for c in _on_bucket(graph, SSE, bucket) for rule in c.inputs.get("rules", [])]
    algorithms = {
        r.get("applyServerSideEncryptionByDefault", {}).get("sseAlgorithm") for r in rules
    }
    if algorithms != {"AES256"}:
        problems.append(f"{bucket.name}: ALB logs need SSE-S3 (AES256), not {algorithms}")
    objects = f"/{prefix}/AWSLogs/{ACCOUNT_ID}/*"
    allowed = {
        json.dumps(s.get("Principal"), sort_keys=True)
        for p in _on_bucket(graph, "aws:s3/bucketPolicy:BucketPolicy", bucket)
        for s in _statements(p)
        if s.get("Effect") == "Allow"
        and s.get("Action") == "s3:PutObject"
        and str(s.get("Resource", "")).endswith(objects)
    }
    wanted = {json.dumps({"Service": LOG_DELIVERY})}
    region = str(graph.outputs.get("region", ""))
    if region in ELB_ACCOUNTS:
        wanted.add(json.dumps({"AWS": f"arn:aws:iam::{ELB_ACCOUNTS[region]}:root"}))
    if allowed != wanted:
        problems.append(f"{bucket.name}: ELB may write {sorted(allowed)}, not {sorted(wanted)}")
    expiring = [
        rule
        for c in _on_bucket(graph, LIFECYCLE, bucket)
        for rule in c.inputs.get("rules", [])
        if rule.get("status") == "Enabled" and rule.get("expiration", {}).get("days")
    ]
    if not expiring:
        problems.append(f"{bucket.name}: access logs never expire")
    return problems


def check_alb_access_logs(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    """Every load balancer logs to an SSE-S3 bucket that ELB may write and that expires."""
    problems = []
    buckets = {str(b.inputs.get("bucket")): b for b in graph.of_type("aws:s3/bucket:Bucket")}
    for lb in graph.of_type(LOAD_BALANCER):
        logs = lb.inputs.get("accessLogs") or {}
        bucket = buckets.get(str(logs.get("bucket")))
        if not logs.get("enabled") or bucket is None:
            problems.append(f"{lb.name}: no access logs to a bucket of this stack")
            continue
        problems += _log_bucket_problems(graph, bucket, str(logs.get("prefix", "")))
    return problems


def check_database_logs(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    """RDS's exported logs go to log groups this stack creates (retention, the environment
    key), and the parameters keep SQL text and values out of them."""
    problems = []
    keys = {
        f"arn:aws:kms:{spec.region}:{ACCOUNT_ID}:key/{k.name}"
        for k in graph.of_type("aws:kms/key:Key")
    }
    groups = {str(g.inputs.get("name")): g.inputs for g in graph.of_type(LOG_GROUP)}
    for db in graph.of_type("aws:rds/instance:Instance"):
        identifier = db.inputs.get("identifier")
        for kind in db.inputs.get("enabledCloudwatchLogsExports", []):
            group = groups.get(f"/aws/rds/instance/{identifier}/{kind}")
            if group is None:
                problems.append(f"{db.name}: RDS would create its {kind} log group itself")
            elif not group.get("retentionInDays") or group.get("kmsKeyId") not in keys:
                problems.append(f"{db.name}: {kind} logs kept forever or not under the key")
        params = {
            p["name"]: p["value"]
            for g in graph.of_type("aws:rds/parameterGroup:ParameterGroup")
            if g.inputs.get("name", g.name) == db.inputs.get("parameterGroupName")
            for p in g.inputs.get("parameters", [])
        }
        for name, value in QUIET_DATABASE_LOGS.items():
            if params.get(name) != value:
                problems.append(f"{db.name}: {name} is {params.get(name)!r}, not {value!r}")
    return problems

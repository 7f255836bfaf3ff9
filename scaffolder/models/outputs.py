"""What operations read: stack outputs, the release ledger, the restore metric.

See docs/architecture.md, 'Contracts between stages'.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from scaffolder.models.environment import EnvName
from scaffolder.models.validated import Model

# The metric the "no verified restore" alarm watches, and ops publishes.
RESTORE_METRIC_NAMESPACE = "Scaffold/Backups"
RESTORE_METRIC_NAME = "RestoreVerified"  # value 1 on success, 0 on failure; dim Environment

# Release ledger: deploy.yml writes one JSON ReleaseRecord per release to
# s3://<artifacts_bucket>/releases/<env>/<release_id>.json; rollback reads it.
RELEASES_PREFIX = "releases"

# `scaffold up` publishes the StackOutputs JSON here (an SSM SecureString under the
# environment's key), so CI reads them with the deploy role, without Pulumi state.
OUTPUTS_PARAMETER_PREFIX = "/scaffold"
# Where a reader finds the outputs (ops/published_outputs.py): "ssm" or "pulumi"; and
# the project whose published outputs to read when there is no checkout to take it
# from (the restore-check task, stacks/restore_task.py; AWS_REGION gives the region).
OUTPUTS_SOURCE_ENV = "SCAFFOLD_OUTPUTS_SOURCE"
PROJECT_NAME_ENV = "SCAFFOLD_PROJECT_NAME"


def outputs_parameter_name(project: str, environment: str) -> str:
    """`/scaffold/<project>/<env>/outputs`: the stacks write it, `--from ssm` reads it.

    Through scaffolder.aws_rules.naming: SSM accepts only a-zA-Z0-9_.- between the slashes.
    """
    from scaffolder.aws_rules.naming import SSM_PARAMETER, physical_name

    return physical_name(SSM_PARAMETER, project, environment, "outputs")


class DnsRecord(Model):
    name: str
    type: str
    value: str


class ServiceOutputs(Model):
    name: str
    shape: Literal["server", "static"]
    url: str
    health_url: str
    # server shape
    cluster_name: str | None = None
    service_name: str | None = None
    task_family: str | None = None
    ecr_repository_url: str | None = None
    # static shape
    site_bucket_name: str | None = None
    distribution_id: str | None = None
    # server with a domain whose hosted zone is not in the account: the CNAME
    # records that validate its certificate, for the user to add at their DNS host.
    certificate_records: list[DnsRecord] = Field(default_factory=list)


class RestoreTaskOutputs(Model):
    """The one-off ECS task `backup run|verify --in-task` starts (stacks/restore_task.py)."""

    cluster_name: str
    task_family: str
    container_name: str
    subnet_ids: list[str]
    security_group_ids: list[str]
    image: str  # <repository url>:<tag>; backup-verify.yml builds it when the tag is missing
    log_group_name: str


class StackOutputs(Model):
    project: str
    environment: EnvName
    region: str
    services: list[ServiceOutputs] = Field(default_factory=list)
    db_instance_identifier: str | None = None
    db_secret_arn: str | None = None  # the RDS-managed master user secret
    db_security_group_id: str | None = None
    db_subnet_group_name: str | None = None
    db_name: str | None = None
    backup_vault_name: str | None = None
    backup_bucket_name: str  # logical dumps, manifests and verification reports
    artifacts_bucket_name: str  # release ledger
    kms_key_arn: str
    app_secret_arn: str  # Secrets Manager secret holding the app's variables (JSON)
    alarm_topic_arn: str
    deploy_role_arn: str | None = None
    verify_role_arn: str | None = None  # backup-verify.yml's role (with a database)
    restore_task: RestoreTaskOutputs | None = None  # with an RDS database


class ReleaseRecord(Model):
    release_id: str  # git sha + run number, e.g. "3f2a9c1-42"
    environment: EnvName
    service: str
    created_at: str  # ISO 8601 UTC
    git_sha: str
    image_digest: str | None = None  # server shape
    task_definition_arn: str | None = None  # server shape
    site_prefix: str | None = None  # static shape: "releases/<release_id>"
    migration_head: str | None = None  # the newest migration applied with this release
    status: Literal["deployed", "healthy", "failed", "rolled-back"] = "deployed"

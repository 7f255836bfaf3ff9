"""RDS Postgres: private, encrypted with the environment key, TLS-only, backed up."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from scaffolder.aws_rules import naming
from scaffolder.models import DatabaseSpec
from scaffolder_stacks._common import child

MASTER_USERNAME = "app_admin"
# The log groups RDS exports to (enabled_cloudwatch_logs_exports).
LOG_EXPORTS = ("postgresql", "upgrade")
# No SQL text and no bound or literal values reach the logs, where anyone reading logs
# would see them. Statement logging is off (`log_min_duration_statement` would log the
# text of slow statements with the literals ORMs inline); slow queries are found with
# Performance Insights and pg_stat_statements, which show normalized statements. Failing
# statements are not logged (`log_min_error_statement`), errors leave out DETAIL lines
# such as "Key (email)=(...) already exists" (`terse`), and bind parameters are never
# printed (PostgreSQL 13+). DDL such as `ALTER ROLE ... PASSWORD` is not logged either.
LOG_PARAMETERS = {
    "log_statement": "none",
    "log_min_duration_statement": "-1",
    "log_min_error_statement": "panic",
    "log_error_verbosity": "terse",
    "log_parameter_max_length": "0",
    "log_parameter_max_length_on_error": "0",
}


def log_parameters(major: str) -> dict[str, str]:
    """LOG_PARAMETERS that PostgreSQL `major` knows (bind parameters: 13 and later)."""
    if int(major) >= 13:
        return dict(LOG_PARAMETERS)
    return {k: v for k, v in LOG_PARAMETERS.items() if not k.startswith("log_parameter_")}


@dataclass
class DatabaseArgs:
    identifier: str  # physical DB instance identifier
    spec: DatabaseSpec
    subnet_ids: list[pulumi.Output[str]]
    security_group_id: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    tags: dict[str, str]
    log_retention_days: int = 30


class Database(pulumi.ComponentResource):
    instance: aws.rds.Instance
    subnet_group: aws.rds.SubnetGroup

    def __init__(
        self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:database:Database", name, None, opts)
        spec = args.spec
        major = spec.engine_version.split(".")[0]
        params = aws.rds.ParameterGroup(
            f"{name}-params",
            # A new major version replaces the group: the family in its name lets
            # the new one exist beside the old one while the instance moves over.
            name=naming.physical_name(naming.RDS_PARAMETER_GROUP, args.identifier, f"pg{major}"),
            family=f"postgres{major}",
            description=f"{args.identifier}: TLS required, no SQL text or values in logs",
            parameters=[
                aws.rds.ParameterGroupParameterArgs(name=name, value=value)
                for name, value in {"rds.force_ssl": "1", **log_parameters(major)}.items()
            ],
            tags=args.tags,
            opts=child(self),
        )
        self.subnet_group = aws.rds.SubnetGroup(
            f"{name}-subnets",
            name=naming.physical_name(naming.RDS_SUBNET_GROUP, args.identifier, "subnets"),
            subnet_ids=args.subnet_ids,
            description="Private subnets only",
            tags=args.tags,
            opts=child(self),
        )
        # Created before the instance, so RDS does not create them itself: unencrypted
        # and kept forever. Encrypted with the environment key, expiring.
        self.log_groups = [
            aws.cloudwatch.LogGroup(
                f"{name}-log-{kind}",
                name=f"/aws/rds/instance/{args.identifier}/{kind}",
                retention_in_days=args.log_retention_days,
                kms_key_id=args.kms_key_arn,
                tags=args.tags,
                opts=child(self),
            )
            for kind in LOG_EXPORTS
        ]
        self.instance = aws.rds.Instance(
            name,
            identifier=args.identifier,
            engine="postgres",
            engine_version=spec.engine_version,
            instance_class=spec.instance_class,
            allocated_storage=spec.allocated_storage_gb,
            max_allocated_storage=spec.max_allocated_storage_gb,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=args.kms_key_arn,
            db_name=spec.database_name,
            username=MASTER_USERNAME,
            # RDS generates and rotates the password in Secrets Manager: it never
            # passes through Pulumi config or state.
            manage_master_user_password=True,
            master_user_secret_kms_key_id=args.kms_key_arn,
            parameter_group_name=params.name,
            db_subnet_group_name=self.subnet_group.name,
            vpc_security_group_ids=[args.security_group_id],
            publicly_accessible=False,
            multi_az=spec.multi_az,
            backup_retention_period=spec.backup_retention_days,
            backup_window="02:00-02:45",  # before the AWS Backup job at 03:00 UTC
            maintenance_window="mon:04:00-mon:04:45",
            copy_tags_to_snapshot=True,
            deletion_protection=spec.deletion_protection,
            skip_final_snapshot=not spec.final_snapshot,
            final_snapshot_identifier=(
                naming.physical_name(naming.RDS_SNAPSHOT, args.identifier, "final")
                if spec.final_snapshot
                else None
            ),
            delete_automated_backups=not spec.final_snapshot,
            performance_insights_enabled=spec.performance_insights,
            performance_insights_kms_key_id=args.kms_key_arn if spec.performance_insights else None,
            performance_insights_retention_period=7 if spec.performance_insights else None,
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            auto_minor_version_upgrade=True,
            apply_immediately=False,
            tags=args.tags,
            opts=child(self, depends_on=self.log_groups),
        )
        self.register_outputs(
            {
                "identifier": self.instance.identifier,
                "arn": self.instance.arn,
                "endpoint": self.instance.address,
            }
        )

    @property
    def master_secret_arn(self) -> pulumi.Output[str]:
        return self.instance.master_user_secrets.apply(
            lambda secrets: (secrets[0].secret_arn or "") if secrets else ""
        )

"""RDS Postgres: private, encrypted with the environment key, TLS-only, backed up."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from scaffolder.models import DatabaseSpec
from stacks import naming
from stacks._common import child

MASTER_USERNAME = "app_admin"


@dataclass
class DatabaseArgs:
    identifier: str  # physical DB instance identifier
    spec: DatabaseSpec
    subnet_ids: list[pulumi.Output[str]]
    security_group_id: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    tags: dict[str, str]


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
            description=f"{args.identifier}: TLS required, slow queries logged",
            parameters=[
                aws.rds.ParameterGroupParameterArgs(name="rds.force_ssl", value="1"),
                aws.rds.ParameterGroupParameterArgs(
                    name="log_min_duration_statement", value="1000"
                ),
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
            enabled_cloudwatch_logs_exports=["postgresql", "upgrade"],
            auto_minor_version_upgrade=True,
            apply_immediately=False,
            tags=args.tags,
            opts=child(self),
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

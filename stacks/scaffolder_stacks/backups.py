"""AWS Backup vault, plan and restore testing, the dumps bucket, and backup alarms."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from scaffolder.aws_rules import naming
from scaffolder.environment import catalog
from scaffolder.models import RESTORE_METRIC_NAME, RESTORE_METRIC_NAMESPACE, BackupSpec
from scaffolder_stacks._common import SecureBucket, SecureBucketArgs, account_bucket_name, child
from scaffolder_stacks.alarms import metric_alarm
from scaffolder_stacks.backup_copy import CopyVault, CopyVaultArgs

CONTINUOUS_MAX_DAYS = 35  # AWS Backup's limit for continuous (PITR) recovery points


@dataclass
class BackupsArgs:
    prefix: str
    environment: str
    spec: BackupSpec
    alarm_names: dict[str, str]  # from scaffolder.environment.catalog.backup_alarm_names
    kms_key_arn: pulumi.Input[str]
    topic_arn: pulumi.Input[str]
    tags: dict[str, str]
    db_arn: pulumi.Input[str] | None = None
    # Where AWS Backup's restore tests put the instance: the environment's own
    # subnets and database security group (the default VPC may not exist).
    db_subnet_group_name: pulumi.Input[str] | None = None
    db_security_group_id: pulumi.Input[str] | None = None
    point_in_time_recovery: bool = False
    force_destroy_bucket: bool = False
    copy_region: str | None = None  # catalog.backup_copy_region: a locked vault there


class Backups(pulumi.ComponentResource):
    bucket: SecureBucket
    vault: aws.backup.Vault | None = None
    copy_vault: CopyVault | None = None

    def __init__(
        self, name: str, args: BackupsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:backups:Backups", name, None, opts)
        # Logical dumps, manifests and verification reports (ops writes them).
        self.bucket = SecureBucket(
            f"{name}-bucket",
            SecureBucketArgs(
                tags=args.tags,
                bucket_name=account_bucket_name(args.prefix, "backups", self),
                kms_key_arn=args.kms_key_arn,
                force_destroy=args.force_destroy_bucket,
            ),
            opts=child(self),
        )
        if args.db_arn is not None:
            self._aws_backup(name, args, args.db_arn)
        if "not-verified" in args.alarm_names and args.spec.verify_window_days:
            days = catalog.verify_evaluation_days(args.spec.verify_window_days)
            metric_alarm(
                f"{name}-not-verified",
                alarm_name=args.alarm_names["not-verified"],
                topic_arn=args.topic_arn,
                parent=self,
                alarm_description=(
                    f"No backup of {args.environment} was restored and verified "
                    f"within {args.spec.verify_window_days} days."
                ),
                namespace=RESTORE_METRIC_NAMESPACE,
                metric_name=RESTORE_METRIC_NAME,
                dimensions={"Environment": args.environment},
                statistic="Maximum",
                period=86400,
                evaluation_periods=days,
                datapoints_to_alarm=days,
                threshold=1,
                comparison_operator="LessThanThreshold",
                # No data at all is the failure this alarm exists for.
                treat_missing_data="breaching",
                tags=args.tags,
            )
        self.register_outputs(
            {
                "bucket_name": self.bucket.bucket.bucket,
                "vault_name": self.vault.name if self.vault else None,
            }
        )

    def _aws_backup(self, name: str, args: BackupsArgs, db_arn: pulumi.Input[str]) -> None:
        spec = args.spec
        self.vault = aws.backup.Vault(
            f"{name}-vault",
            name=naming.physical_name(naming.BACKUP_VAULT, args.prefix, "vault"),
            kms_key_arn=args.kms_key_arn,
            tags=args.tags,
            opts=child(self),
        )
        role = aws.iam.Role(
            f"{name}-role",
            name=naming.physical_name(naming.IAM_ROLE, args.prefix, "backup"),
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "sts:AssumeRole",
                            "Principal": {"Service": "backup.amazonaws.com"},
                        }
                    ],
                }
            ),
            tags=args.tags,
            opts=child(self),
        )
        for policy in (
            "AWSBackupServiceRolePolicyForBackup",
            "AWSBackupServiceRolePolicyForRestores",
        ):
            aws.iam.RolePolicyAttachment(
                f"{name}-{policy}",
                role=role.name,
                policy_arn=f"arn:aws:iam::aws:policy/service-role/{policy}",
                opts=child(self),
            )
        copy_actions = None
        if args.copy_region is not None:
            self.copy_vault = CopyVault(
                f"{name}-copy",
                CopyVaultArgs(
                    prefix=args.prefix,
                    region=args.copy_region,
                    retention_days=spec.retention_days,
                    tags=args.tags,
                ),
                opts=child(self),
            )
            copy_actions = [
                aws.backup.PlanRuleCopyActionArgs(
                    destination_vault_arn=self.copy_vault.vault.arn,
                    lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(
                        delete_after=spec.retention_days
                    ),
                )
            ]
        rules = [
            aws.backup.PlanRuleArgs(
                rule_name="daily",
                copy_actions=copy_actions,
                target_vault_name=self.vault.name,
                schedule=spec.schedule,
                start_window=60,
                completion_window=360,
                lifecycle=aws.backup.PlanRuleLifecycleArgs(
                    delete_after=spec.retention_days,
                    cold_storage_after=spec.cold_storage_after_days,
                ),
                recovery_point_tags=args.tags,
            )
        ]
        if args.point_in_time_recovery:
            rules.append(
                aws.backup.PlanRuleArgs(
                    rule_name="continuous",
                    target_vault_name=self.vault.name,
                    enable_continuous_backup=True,
                    lifecycle=aws.backup.PlanRuleLifecycleArgs(
                        delete_after=min(spec.retention_days, CONTINUOUS_MAX_DAYS)
                    ),
                    recovery_point_tags=args.tags,
                )
            )
        plan = aws.backup.Plan(
            f"{name}-plan",
            name=naming.physical_name(naming.BACKUP_PLAN, args.prefix, "plan"),
            rules=rules,
            tags=args.tags,
            opts=child(self),
        )
        aws.backup.Selection(
            f"{name}-selection",
            name=naming.physical_name(naming.BACKUP_SELECTION, args.prefix, "db"),
            plan_id=plan.id,
            iam_role_arn=role.arn,
            resources=[db_arn],
            opts=child(self),
        )
        if spec.restore_test_schedule:
            self._restore_testing(name, args, db_arn, role.arn)
        self._failure_alarms(name, args)

    def _restore_testing(
        self, name: str, args: BackupsArgs, db_arn: pulumi.Input[str], role_arn: pulumi.Input[str]
    ) -> None:
        assert self.vault is not None
        # Restore-testing names allow only letters, digits and underscores.
        plan_name = naming.physical_name(naming.RESTORE_TESTING_PLAN, args.prefix, "restore-test")
        testing = aws.backup.RestoreTestingPlan(
            f"{name}-restore-testing",
            name=plan_name,
            schedule_expression=args.spec.restore_test_schedule,
            start_window_hours=2,
            recovery_point_selection=aws.backup.RestoreTestingPlanRecoveryPointSelectionArgs(
                algorithm="LATEST_WITHIN_WINDOW",
                include_vaults=[self.vault.arn],
                recovery_point_types=["SNAPSHOT"],
                selection_window_days=7,
            ),
            tags=args.tags,
            opts=child(self),
        )
        aws.backup.RestoreTestingSelection(
            f"{name}-restore-selection",
            name=naming.physical_name(naming.RESTORE_TESTING_SELECTION, args.prefix, "db"),
            restore_testing_plan_name=testing.name,
            protected_resource_type="RDS",
            protected_resource_arns=[db_arn],
            iam_role_arn=role_arn,
            validation_window_hours=2,
            restore_metadata_overrides=self._restore_overrides(args),
            opts=child(self),
        )

    @staticmethod
    def _restore_overrides(args: BackupsArgs) -> dict[str, pulumi.Input[str]] | None:
        """Without these, AWS Backup infers the default VPC (or fails where there is none)."""
        overrides: dict[str, pulumi.Input[str]] = {}
        if args.db_subnet_group_name is not None:
            overrides["dbSubnetGroupName"] = args.db_subnet_group_name
        if args.db_security_group_id is not None:
            # AWS Backup's RDS restore metadata holds the group ids as a JSON list.
            overrides["vpcSecurityGroupIds"] = pulumi.Output.json_dumps([args.db_security_group_id])
        return overrides or None

    def _failure_alarms(self, name: str, args: BackupsArgs) -> None:
        assert self.vault is not None
        jobs = {
            "backup-failed": ("NumberOfBackupJobsFailed", "A backup job failed."),
            "restore-failed": (
                "NumberOfRestoreJobsFailed",
                "A restore (including a scheduled restore test) failed.",
            ),
        }
        for key, (metric, description) in jobs.items():
            if key not in args.alarm_names:
                continue
            metric_alarm(
                f"{name}-{key}",
                alarm_name=args.alarm_names[key],
                topic_arn=args.topic_arn,
                parent=self,
                alarm_description=description,
                namespace="AWS/Backup",
                metric_name=metric,
                dimensions={"BackupVaultName": self.vault.name},
                statistic="Sum",
                period=3600,
                evaluation_periods=1,
                threshold=0,
                comparison_operator="GreaterThanThreshold",
                treat_missing_data="notBreaching",
                tags=args.tags,
            )
        # Metrics lag; the event reaches the owner the moment a job ends badly.
        rule = aws.cloudwatch.EventRule(
            f"{name}-job-failures",
            name=naming.physical_name(naming.EVENT_RULE, args.prefix, "backup-job-failures"),
            description="AWS Backup backup or restore job failed",
            event_pattern=json.dumps(
                {
                    "source": ["aws.backup"],
                    # Backup job events carry detail.state, restore job events detail.status.
                    "$or": [
                        {
                            "detail-type": ["Backup Job State Change"],
                            "detail": {"state": ["FAILED", "ABORTED", "EXPIRED"]},
                        },
                        {
                            "detail-type": ["Restore Job State Change"],
                            "detail": {"status": ["FAILED", "ABORTED"]},
                        },
                    ],
                }
            ),
            tags=args.tags,
            opts=child(self),
        )
        aws.cloudwatch.EventTarget(
            f"{name}-job-failures",
            rule=rule.name,
            target_id=naming.physical_name(naming.EVENT_TARGET, "alarm-topic"),
            arn=args.topic_arn,
            opts=child(self),
        )

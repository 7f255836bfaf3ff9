"""The permission policies of the two CI roles (scaffolder_stacks/ci_access.py).

The deploy role (deploy.yml, rollback.yml) ships releases: images, task definitions,
the migration task, static uploads, the release ledger, and the pre-migration RDS
snapshot. It does not read the RDS master secret nor restore anything. The verify
role (backup-verify.yml) proves backups restore and cannot deploy: with an external
database it reads the app secret's URL, dumps, restores on the runner and publishes
the metric; with RDS it only builds the restore-check image and starts, watches and
stops the restore-check task (stacks/restore_task.py), whose own task role reads
the master secret, restores snapshots into `<prefix>-restore-*` instances and
publishes the metric inside the VPC.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pulumi

from scaffolder.models import RESTORE_METRIC_NAMESPACE

if TYPE_CHECKING:
    from scaffolder_stacks.ci_access import CiAccessArgs


@dataclass
class RestoreTaskRefs:
    """What the verify role may run, pass and watch (stacks/restore_task.py)."""

    family: str
    cluster_arn: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    repository_arn: pulumi.Input[str]
    task_role_arn: pulumi.Input[str]
    execution_role_arn: pulumi.Input[str]
    log_group_arn: pulumi.Input[str]


# What `docker push` (and the workflows' look for an existing tag) needs on a repository.
ECR_PUSH = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload",
    "ecr:DescribeImages",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
]

SECRET_READ = [
    "secretsmanager:GetSecretValue",
    "secretsmanager:DescribeSecret",
    # `scaffold secrets list` dates each name by version.
    "secretsmanager:ListSecretVersionIds",
]


def document(statements: list[Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statements}


def _account_arn(identity: Any, template: str) -> pulumi.Output[str]:
    """`template` with `{a}` replaced by the account id."""
    arn: pulumi.Output[str] = identity.account_id.apply(lambda a: template.format(a=a))
    return arn


def common_statements(
    args: CiAccessArgs, identity: Any, buckets: list[pulumi.Input[str]], secrets: list[Any]
) -> list[Any]:
    """Both roles: their buckets, the environment key, their secrets, the outputs."""
    objects = [pulumi.Output.concat(arn, "/*") for arn in buckets]
    statements: list[Any] = [
        {
            "Sid": "Artifacts",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
            "Resource": [*buckets, *objects],
        },
        _key_statement(args.kms_key_arn),
    ]
    if secrets:
        statements.append(
            {
                "Sid": "ReadConnectionSecrets",
                "Effect": "Allow",
                "Action": SECRET_READ,
                "Resource": secrets,
            }
        )
    if args.outputs_parameter_name:
        statements.append(_outputs_statement(identity, args.region, args.outputs_parameter_name))
    return statements


def _key_statement(kms_key_arn: pulumi.Input[str]) -> dict[str, Any]:
    return {
        "Sid": "EnvironmentKey",
        "Effect": "Allow",
        "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": [kms_key_arn],
    }


def _outputs_statement(identity: Any, region: str, name: str) -> dict[str, Any]:
    # Decrypting it is covered by EnvironmentKey (the parameter's key).
    return {
        "Sid": "ReadStackOutputs",
        "Effect": "Allow",
        "Action": "ssm:GetParameter",
        "Resource": _account_arn(identity, f"arn:aws:ssm:{region}:{{a}}:parameter{name}"),
    }


def predeploy_snapshot_statements(args: CiAccessArgs, identity: Any) -> list[Any]:
    """deploy.yml's `aws rds create-db-snapshot` before prod migrations (no secret needed)."""
    if args.db_instance_arn is None:
        return []
    return [_snapshot_statement(identity, args.db_instance_arn)]


def _snapshot_statement(identity: Any, db_instance_arn: pulumi.Input[str]) -> dict[str, Any]:
    return {
        "Sid": "DatabaseSnapshots",
        "Effect": "Allow",
        "Action": [
            "rds:CreateDBSnapshot",
            "rds:DescribeDBSnapshots",
            "rds:AddTagsToResource",
            "rds:ListTagsForResource",
        ],
        "Resource": [db_instance_arn, _account_arn(identity, "arn:aws:rds:*:{a}:snapshot:*")],
    }


def metric_statement() -> dict[str, Any]:
    """The restore verdict, in the restore metric's namespace only."""
    return {
        "Sid": "RestoreVerifiedMetric",
        "Effect": "Allow",
        "Action": "cloudwatch:PutMetricData",
        "Resource": "*",  # PutMetricData has no resource; the namespace bounds it
        "Condition": {"StringEquals": {"cloudwatch:namespace": RESTORE_METRIC_NAMESPACE}},
    }


def verify_statements(args: CiAccessArgs, identity: Any) -> list[Any]:
    """What backup-verify.yml does as the verify role.

    With an external database, `scaffold backup run|verify` itself (a dump restored
    on the runner). With RDS, the restore-check task does the work inside the VPC
    (restore_check_statements, its task role): the verify role only builds its image
    and starts, watches and stops it (restore_task_driver_statements).
    """
    if args.db_instance_arn is None:
        return [metric_statement()]
    return restore_task_driver_statements(args, identity)


def restore_check_statements(
    identity: Any,
    *,
    region: str,
    kms_key_arn: pulumi.Input[str],
    backup_bucket_arn: pulumi.Input[str],
    db_instance_arn: pulumi.Input[str],
    db_secret_arn: pulumi.Input[str],
    outputs_parameter_name: str,
    restore_instance_prefix: str,
) -> list[Any]:
    """The restore-check task role: exactly the calls of `backup run` and `backup verify`
    on RDS (ops/backup/snapshot.py): the outputs, the master secret, the one instance's
    snapshots, `<prefix>-restore-*` instances, manifests and reports, the metric."""

    def rds_arn(kind: str, name: str) -> pulumi.Output[str]:
        return _account_arn(identity, f"arn:aws:rds:*:{{a}}:{kind}:{name}")

    return [
        _outputs_statement(identity, region, outputs_parameter_name),
        _key_statement(kms_key_arn),
        {
            "Sid": "ReadMasterSecret",
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": [db_secret_arn],
        },
        {
            "Sid": "ManifestsAndReports",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": [pulumi.Output.concat(backup_bucket_arn, "/*")],
        },
        {
            "Sid": "ListBackups",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": [backup_bucket_arn],
        },
        metric_statement(),
        _snapshot_statement(identity, db_instance_arn),
        {
            # The sweep lists instances to find leftover restore tests.
            "Sid": "DescribeInstances",
            "Effect": "Allow",
            "Action": "rds:DescribeDBInstances",
            "Resource": rds_arn("db", "*"),
        },
        {
            "Sid": "RestoreTests",
            "Effect": "Allow",
            "Action": [
                "rds:RestoreDBInstanceFromDBSnapshot",
                "rds:ModifyDBInstance",
                "rds:DeleteDBInstance",
                "rds:AddTagsToResource",
            ],
            "Resource": [
                rds_arn("db", f"{restore_instance_prefix}-*"),
                rds_arn("snapshot", "*"),
                rds_arn("subgrp", "*"),
                rds_arn("pg", "*"),
                rds_arn("og", "*"),
            ],
        },
        {
            # A restore of a snapshot encrypted with the environment key makes RDS
            # create a grant on that key for the new instance, in the caller's name.
            "Sid": "RestoreEncryptedSnapshots",
            "Effect": "Allow",
            "Action": "kms:CreateGrant",
            "Resource": [kms_key_arn],
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
        {
            "Sid": "DescribeEnvironmentKey",
            "Effect": "Allow",
            "Action": "kms:DescribeKey",
            "Resource": [kms_key_arn],
        },
    ]


def restore_task_driver_statements(args: CiAccessArgs, identity: Any) -> list[Any]:
    """The verify role's part of `--in-task`: build the image, run the one task
    definition family in the one cluster with its two roles, watch and stop it."""
    task = args.restore_task
    if task is None:
        return []
    in_cluster = {"ArnEquals": {"ecs:cluster": task.cluster_arn}}
    return [
        {
            "Sid": "EcrLogin",
            "Effect": "Allow",
            "Action": "ecr:GetAuthorizationToken",
            "Resource": "*",
        },
        {
            "Sid": "PushRestoreCheckImage",
            "Effect": "Allow",
            "Resource": [task.repository_arn],
            "Action": ECR_PUSH,
        },
        {
            "Sid": "RunRestoreCheck",
            "Effect": "Allow",
            "Action": "ecs:RunTask",
            "Resource": _account_arn(
                identity, f"arn:aws:ecs:{args.region}:{{a}}:task-definition/{task.family}:*"
            ),
            "Condition": in_cluster,
        },
        {
            "Sid": "WatchRestoreCheck",
            "Effect": "Allow",
            "Action": ["ecs:DescribeTasks", "ecs:StopTask"],
            "Resource": pulumi.Output.concat(
                "arn:aws:ecs:",
                args.region,
                ":",
                identity.account_id,
                ":task/",
                task.cluster_name,
                "/*",
            ),
            "Condition": in_cluster,
        },
        {
            "Sid": "PassRestoreCheckRoles",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": [task.task_role_arn, task.execution_role_arn],
            "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
        },
        {
            # The tail of the task's log when it fails.
            "Sid": "ReadRestoreCheckLog",
            "Effect": "Allow",
            "Action": "logs:GetLogEvents",
            "Resource": pulumi.Output.concat(task.log_group_arn, ":log-stream:*"),
        },
    ]

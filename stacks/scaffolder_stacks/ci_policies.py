"""The permission policies of the two CI roles (scaffolder_stacks/ci_access.py).

The deploy role (deploy.yml, rollback.yml) ships releases: images, task definitions,
the migration task, static uploads, the release ledger, and the pre-migration RDS
snapshot. It does not read the RDS master secret nor restore anything. The verify
role (backup-verify.yml) takes and restores backups: it reads the database secrets,
restores snapshots into `<prefix>-restore-*` instances and publishes the metric; it
cannot deploy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi

from scaffolder.models import RESTORE_METRIC_NAMESPACE

if TYPE_CHECKING:
    from scaffolder_stacks.ci_access import CiAccessArgs

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
        {
            "Sid": "EnvironmentKey",
            "Effect": "Allow",
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": [args.kms_key_arn],
        },
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
        # Decrypting it is covered by EnvironmentKey (the parameter's key).
        name = args.outputs_parameter_name
        statements.append(
            {
                "Sid": "ReadStackOutputs",
                "Effect": "Allow",
                "Action": "ssm:GetParameter",
                "Resource": _account_arn(
                    identity, f"arn:aws:ssm:{args.region}:{{a}}:parameter{name}"
                ),
            }
        )
    return statements


def predeploy_snapshot_statements(args: CiAccessArgs, identity: Any) -> list[Any]:
    """deploy.yml's `aws rds create-db-snapshot` before prod migrations (no secret needed)."""
    if args.db_instance_arn is None:
        return []
    return [
        {
            "Sid": "DatabaseSnapshots",
            "Effect": "Allow",
            "Action": [
                "rds:CreateDBSnapshot",
                "rds:DescribeDBSnapshots",
                "rds:AddTagsToResource",
                "rds:ListTagsForResource",
            ],
            "Resource": [
                args.db_instance_arn,
                _account_arn(identity, "arn:aws:rds:*:{a}:snapshot:*"),
            ],
        }
    ]


def verify_statements(args: CiAccessArgs, identity: Any) -> list[Any]:
    """What `scaffold backup run|verify` needs when backup-verify.yml runs it."""
    statements: list[Any] = [
        {
            "Sid": "RestoreVerifiedMetric",
            "Effect": "Allow",
            "Action": "cloudwatch:PutMetricData",
            "Resource": "*",  # PutMetricData has no resource; the namespace bounds it
            "Condition": {"StringEquals": {"cloudwatch:namespace": RESTORE_METRIC_NAMESPACE}},
        }
    ]
    if args.db_instance_arn is None:
        return statements

    def rds_arn(kind: str, name: str) -> pulumi.Output[str]:
        return _account_arn(identity, f"arn:aws:rds:*:{{a}}:{kind}:{name}")

    statements += predeploy_snapshot_statements(args, identity)
    statements += [
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
                rds_arn("db", f"{args.restore_instance_prefix}-*"),
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
            "Resource": [args.kms_key_arn],
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
        {
            "Sid": "DescribeEnvironmentKey",
            "Effect": "Allow",
            "Action": "kms:DescribeKey",
            "Resource": [args.kms_key_arn],
        },
    ]
    return statements

"""GitHub Actions OIDC: one deploy role per environment, trusted by that environment only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from scaffolder.models import RESTORE_METRIC_NAMESPACE
from stacks import naming
from stacks._common import child

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_AUDIENCE = "sts.amazonaws.com"


def trust_policy(provider_arn: str, repository: str, environment: str) -> dict[str, Any]:
    """Only jobs bound to the GitHub environment `environment` of `repository` may assume."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{GITHUB_OIDC_HOST}:aud": GITHUB_AUDIENCE,
                        f"{GITHUB_OIDC_HOST}:sub": f"repo:{repository}:environment:{environment}",
                    }
                },
            }
        ],
    }


@dataclass
class CiAccessArgs:
    role_name: str
    repository: str  # owner/name
    environment: str  # GitHub environment name
    tags: dict[str, str]
    kms_key_arn: pulumi.Input[str]
    bucket_arns: list[pulumi.Input[str]]  # site, artifacts and backup buckets
    ecr_repository_arns: list[pulumi.Input[str]] = field(default_factory=list)
    ecs_service_arns: list[pulumi.Input[str]] = field(default_factory=list)
    ecs_cluster_arn: pulumi.Input[str] | None = None
    task_family_prefix: str = ""
    restore_instance_prefix: str = ""  # naming.restore_instance_prefix(<project>-<env>)
    pass_role_arns: list[pulumi.Input[str]] = field(default_factory=list)
    distribution_arns: list[pulumi.Input[str]] = field(default_factory=list)
    # backup-verify.yml and the pre-migration snapshot in deploy.yml run as this role:
    # they snapshot the database, restore it into `<prefix>-restore-*` instances,
    # read the secrets they connect with, and publish the verification metric.
    db_instance_arn: pulumi.Input[str] | None = None
    secret_arns: list[pulumi.Input[str]] = field(default_factory=list)
    # Every job first reads the stack outputs `scaffold up` published in SSM.
    outputs_parameter_name: str | None = None
    region: str = "*"
    # One OIDC provider per AWS account: the second environment in an account
    # refers to the first one's by its fixed ARN instead of creating it.
    create_provider: bool = True


class CiAccess(pulumi.ComponentResource):
    role: aws.iam.Role

    def __init__(
        self, name: str, args: CiAccessArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:ci:CiAccess", name, None, opts)
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        provider_arn: pulumi.Output[str]
        if args.create_provider:
            provider = aws.iam.OpenIdConnectProvider(
                f"{name}-github",
                url=f"https://{GITHUB_OIDC_HOST}",
                client_id_lists=[GITHUB_AUDIENCE],
                tags=args.tags,
                # Other environments' roles may trust it: destroying this stack keeps it.
                opts=child(self, retain_on_delete=True),
            )
            provider_arn = provider.arn
        else:
            provider_arn = identity.account_id.apply(
                lambda a: f"arn:aws:iam::{a}:oidc-provider/{GITHUB_OIDC_HOST}"
            )
        self.role = aws.iam.Role(
            name,
            name=args.role_name,
            max_session_duration=3600,
            description=f"GitHub Actions deploys of {args.repository} to {args.environment}",
            assume_role_policy=pulumi.Output.json_dumps(
                provider_arn.apply(lambda arn: trust_policy(arn, args.repository, args.environment))
            ),
            tags=args.tags,
            opts=child(self),
        )
        aws.iam.RolePolicy(
            f"{name}-deploy",
            name=naming.physical_name(naming.IAM_POLICY, "deploy"),
            role=self.role.id,
            policy=pulumi.Output.json_dumps(self._permissions(args, identity)),
            opts=child(self),
        )
        self.register_outputs({"role_arn": self.role.arn})

    @staticmethod
    def _permissions(args: CiAccessArgs, identity: Any) -> dict[str, Any]:
        objects = [pulumi.Output.concat(arn, "/*") for arn in args.bucket_arns]
        statements: list[Any] = [
            {
                "Sid": "Artifacts",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
                "Resource": [*args.bucket_arns, *objects],
            },
            {
                "Sid": "EnvironmentKey",
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": [args.kms_key_arn],
            },
        ]
        if args.ecr_repository_arns:
            statements += [
                {
                    "Sid": "EcrLogin",
                    "Effect": "Allow",
                    "Action": "ecr:GetAuthorizationToken",
                    "Resource": "*",
                },
                {
                    "Sid": "EcrPush",
                    "Effect": "Allow",
                    "Resource": args.ecr_repository_arns,
                    "Action": [
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:BatchGetImage",
                        "ecr:CompleteLayerUpload",
                        "ecr:DescribeImages",
                        "ecr:InitiateLayerUpload",
                        "ecr:PutImage",
                        "ecr:UploadLayerPart",
                    ],
                },
                # Task definitions cannot be scoped by ARN on register/describe.
                {
                    "Sid": "TaskDefinitions",
                    "Effect": "Allow",
                    "Resource": "*",
                    "Action": ["ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"],
                },
                {
                    "Sid": "Services",
                    "Effect": "Allow",
                    "Resource": args.ecs_service_arns,
                    "Action": ["ecs:UpdateService", "ecs:DescribeServices"],
                },
                {
                    "Sid": "MigrationTask",
                    "Effect": "Allow",
                    "Action": "ecs:RunTask",
                    "Resource": identity.account_id.apply(
                        lambda a: f"arn:aws:ecs:*:{a}:task-definition/{args.task_family_prefix}*"
                    ),
                    "Condition": {"ArnEquals": {"ecs:cluster": args.ecs_cluster_arn}},
                },
                {
                    "Sid": "WatchTasks",
                    "Effect": "Allow",
                    "Resource": "*",
                    "Action": ["ecs:DescribeTasks", "elasticloadbalancing:DescribeTargetHealth"],
                },
                {
                    "Sid": "PassTaskRoles",
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": args.pass_role_arns,
                    "Condition": {
                        "StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}
                    },
                },
            ]
        if args.distribution_arns:
            statements.append(
                {
                    "Sid": "Distribution",
                    "Effect": "Allow",
                    "Resource": args.distribution_arns,
                    "Action": [
                        "cloudfront:GetDistribution",
                        "cloudfront:GetDistributionConfig",
                        "cloudfront:UpdateDistribution",
                        "cloudfront:CreateInvalidation",
                    ],
                }
            )
        if args.outputs_parameter_name:
            # Decrypting it is covered by EnvironmentKey (the parameter's key).
            statements.append(
                {
                    "Sid": "ReadStackOutputs",
                    "Effect": "Allow",
                    "Action": "ssm:GetParameter",
                    "Resource": identity.account_id.apply(
                        lambda a: (
                            f"arn:aws:ssm:{args.region}:{a}:parameter{args.outputs_parameter_name}"
                        )
                    ),
                }
            )
        statements += _backup_statements(args, identity)
        return {"Version": "2012-10-17", "Statement": statements}


def _backup_statements(args: CiAccessArgs, identity: Any) -> list[Any]:
    """What `scaffold backup run|verify` needs when CI runs it as this role."""
    statements: list[Any] = []
    if args.secret_arns:
        statements.append(
            {
                "Sid": "ReadConnectionSecrets",
                "Effect": "Allow",
                # ListSecretVersionIds: `scaffold secrets list` dates each name by version.
                "Action": [
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:ListSecretVersionIds",
                ],
                "Resource": args.secret_arns,
            }
        )
    statements.append(
        {
            "Sid": "RestoreVerifiedMetric",
            "Effect": "Allow",
            "Action": "cloudwatch:PutMetricData",
            "Resource": "*",  # PutMetricData has no resource; the namespace bounds it
            "Condition": {"StringEquals": {"cloudwatch:namespace": RESTORE_METRIC_NAMESPACE}},
        }
    )
    if args.db_instance_arn is None:
        return statements

    def rds_arn(kind: str, name: str) -> pulumi.Output[str]:
        arn: pulumi.Output[str] = identity.account_id.apply(
            lambda a: f"arn:aws:rds:*:{a}:{kind}:{name}"
        )
        return arn

    restore_instances = rds_arn("db", f"{args.restore_instance_prefix}-*")
    statements += [
        {
            "Sid": "DatabaseSnapshots",
            "Effect": "Allow",
            "Action": [
                "rds:CreateDBSnapshot",
                "rds:DescribeDBSnapshots",
                "rds:AddTagsToResource",
                "rds:ListTagsForResource",
            ],
            "Resource": [args.db_instance_arn, rds_arn("snapshot", "*")],
        },
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
                restore_instances,
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

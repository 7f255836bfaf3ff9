"""Pieces every component uses: the environment's KMS key and a private bucket."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from scaffolder.aws_rules import naming


def child(parent: pulumi.Resource, **kwargs: Any) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, **kwargs)


def key_policy(account_id: str, region: str) -> dict[str, Any]:
    """Account admins keep control; the AWS services that encrypt with the key may use it.

    CloudWatch Logs, SNS publishers (CloudWatch alarms, EventBridge, Budgets) and AWS Backup
    cannot use a customer key unless its policy names them. Logs is held to this
    account's log groups by the encryption context it always sends.
    """
    log_groups = f"arn:aws:logs:{region}:{account_id}:log-group:*"
    use = [
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:DescribeKey",
    ]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "LogsEncrypt",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": use,
                "Resource": "*",
                "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_groups}},
            },
            {
                "Sid": "AlarmsAndEventsPublishEncrypted",
                "Effect": "Allow",
                "Principal": {
                    "Service": [
                        "cloudwatch.amazonaws.com",
                        "events.amazonaws.com",
                        "budgets.amazonaws.com",
                    ]
                },
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
            },
            {
                "Sid": "BackupUsesKey",
                "Effect": "Allow",
                "Principal": {"Service": "backup.amazonaws.com"},
                "Action": use,
                "Resource": "*",
            },
        ],
    }


def environment_key(
    name: str, *, alias: str, region: str, tags: dict[str, str], parent: pulumi.Resource
) -> aws.kms.Key:
    """The environment's key; `alias` is its full alias name ("alias/<prefix>-key")."""
    identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=parent))
    key = aws.kms.Key(
        name,
        description=f"{name}: data at rest of this environment",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=pulumi.Output.json_dumps(
            identity.account_id.apply(lambda account: key_policy(account, region))
        ),
        tags=tags,
        opts=child(parent),
    )
    aws.kms.Alias(f"{name}-alias", name=alias, target_key_id=key.key_id, opts=child(parent))
    return key


def account_bucket_name(prefix: str, purpose: str, parent: pulumi.Resource) -> pulumi.Output[str]:
    """`<prefix>-<purpose>-<account id>`, shortened to fit.

    Bucket names are global across all AWS accounts: the account id keeps two
    accounts' `notes-prod-artifacts` apart, and says which account owns it.
    """
    identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=parent))
    return identity.account_id.apply(
        lambda account: naming.physical_name(naming.S3_BUCKET, prefix, purpose, account)
    )


@dataclass
class SecureBucketArgs:
    tags: dict[str, str]
    bucket_name: pulumi.Input[str]  # account_bucket_name(...)
    kms_key_arn: pulumi.Input[str] | None = None  # None: SSE-S3 (AES256)
    force_destroy: bool = False
    # Extra bucket-policy statements, added to the TLS-only deny.
    extra_statements: list[pulumi.Input[dict[str, Any]]] | None = None
    # False when the owner writes the policy itself (it needs ARNs created later);
    # it must then include `tls_only_statement()`.
    create_policy: bool = True


class SecureBucket(pulumi.ComponentResource):
    """A private, versioned, encrypted bucket that refuses plain-HTTP requests."""

    bucket: aws.s3.Bucket

    def __init__(
        self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:storage:SecureBucket", name, None, opts)
        self.bucket = aws.s3.Bucket(
            name,
            bucket=args.bucket_name,
            force_destroy=args.force_destroy,
            tags=args.tags,
            opts=child(self),
        )
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=self.bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child(self),
        )
        self.public_access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child(self),
        )
        s3 = aws.s3
        sse = s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
            sse_algorithm="aws:kms" if args.kms_key_arn is not None else "AES256",
            kms_master_key_id=args.kms_key_arn,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=self.bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=sse,
                    bucket_key_enabled=args.kms_key_arn is not None,
                )
            ],
            opts=child(self),
        )
        aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=self.bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(
                status="Enabled"
            ),
            opts=child(self),
        )
        if args.create_policy:
            self.attach_policy(f"{name}-policy", args.extra_statements or [], parent=self)
        self.register_outputs({"bucket_name": self.bucket.bucket, "bucket_arn": self.bucket.arn})

    def tls_only_statement(self) -> pulumi.Output[dict[str, Any]]:
        return self.bucket.arn.apply(
            lambda arn: {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        )

    def attach_policy(
        self,
        name: str,
        statements: list[pulumi.Input[dict[str, Any]]],
        *,
        parent: pulumi.Resource,
    ) -> aws.s3.BucketPolicy:
        """The bucket policy: TLS-only deny first, then `statements`."""
        everything: list[pulumi.Input[dict[str, Any]]] = [self.tls_only_statement(), *statements]
        return aws.s3.BucketPolicy(
            name,
            bucket=self.bucket.id,
            policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": everything}),
            # The public access block must exist first, or a policy could briefly be public.
            opts=child(parent, depends_on=[self.public_access_block]),
        )

"""Load balancer access logs: an SSE-S3 bucket per environment, written by ELB.

ALB access logs cannot go to a bucket encrypted with a customer KMS key (ELB writes
them with SSE-S3 only), so they get their own bucket beside the SSE-KMS artifacts
bucket: private, versioned, TLS-only like every SecureBucket, and expiring. ELB
delivers as the log-delivery service principal (regions opened since August 2022,
and the documented form everywhere now) or, in older regions, as the region's ELB
account: the policy allows both, on `<prefix>/AWSLogs/<account id>/` only.

The load balancers are built by scaffolder_stacks/service.py; `enable_on_load_balancers` turns
the logs on through a Pulumi transformation of the service component, so the ALB
arguments live in one place (the bucket policy must exist before ELB checks it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from scaffolder_stacks._common import SecureBucket, SecureBucketArgs, account_bucket_name, child

LOG_DELIVERY = "logdelivery.elasticloadbalancing.amazonaws.com"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
LOG_PREFIX = "alb"
# The ELB account of each region opened before August 2022 (AWS's "Enable access logs
# for your Application Load Balancer", step 2).
ELB_ACCOUNTS = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-southeast-3": "589379963580",
    "ap-south-1": "718504428378",
    "ap-northeast-3": "383597477331",
    "ap-northeast-2": "600734575887",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-northeast-1": "582318560864",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-south-1": "635631232127",
    "eu-west-3": "009996457667",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
}


def delivery_statements(bucket_arn: str, account_id: str, region: str) -> list[dict[str, Any]]:
    """ELB may put objects under `<LOG_PREFIX>/AWSLogs/<account_id>/` and nothing else."""
    objects = f"{bucket_arn}/{LOG_PREFIX}/AWSLogs/{account_id}/*"
    statements: list[dict[str, Any]] = [
        {
            "Sid": "ElbLogDelivery",
            "Effect": "Allow",
            "Principal": {"Service": LOG_DELIVERY},
            "Action": "s3:PutObject",
            "Resource": objects,
        }
    ]
    if region in ELB_ACCOUNTS:
        statements.append(
            {
                "Sid": "ElbRegionalAccount",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ELB_ACCOUNTS[region]}:root"},
                "Action": "s3:PutObject",
                "Resource": objects,
            }
        )
    return statements


@dataclass
class AccessLogBucketArgs:
    prefix: str
    region: str
    tags: dict[str, str]
    retention_days: int = 90
    force_destroy: bool = False


class AccessLogBucket(pulumi.ComponentResource):
    """The environment's SSE-S3 bucket for load balancer access logs."""

    def __init__(
        self, name: str, args: AccessLogBucketArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:logs:AccessLogBucket", name, None, opts)
        self.secure = SecureBucket(
            f"{name}-bucket",
            SecureBucketArgs(
                tags=args.tags,
                bucket_name=account_bucket_name(args.prefix, "logs", self),
                kms_key_arn=None,  # ALB access logs support SSE-S3 only
                force_destroy=args.force_destroy,
                create_policy=False,
            ),
            opts=child(self),
        )
        self.bucket = self.secure.bucket
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        statements = pulumi.Output.all(self.bucket.arn, identity.account_id).apply(
            lambda v: delivery_statements(v[0], v[1], args.region)
        )
        self.policy = aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=self.bucket.id,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": pulumi.Output.all(
                        self.secure.tls_only_statement(), statements
                    ).apply(lambda v: [v[0], *v[1]]),
                }
            ),
            opts=child(self, depends_on=[self.secure.public_access_block]),
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-expiry",
            bucket=self.bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-access-logs",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(
                        days=args.retention_days
                    ),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=1
                    ),
                )
            ],
            opts=child(self),
        )
        self.register_outputs({"bucket_name": self.bucket.bucket})

    def enable_on_load_balancers(self) -> pulumi.ResourceTransformation:
        """A transformation giving every load balancer below it access logs to this bucket."""

        def transform(
            resource: pulumi.ResourceTransformationArgs,
        ) -> pulumi.ResourceTransformationResult | None:
            if resource.type_ != LOAD_BALANCER:
                return None
            props = dict(resource.props)
            props["access_logs"] = aws.lb.LoadBalancerAccessLogsArgs(
                bucket=self.bucket.bucket, prefix=LOG_PREFIX, enabled=True
            )
            options = pulumi.ResourceOptions.merge(
                resource.opts, pulumi.ResourceOptions(depends_on=[self.policy])
            )
            return pulumi.ResourceTransformationResult(props, options)

        return transform

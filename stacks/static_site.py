"""A static SPA: private bucket, CloudFront with Origin Access Control, one prefix per release."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from stacks import naming
from stacks._common import SecureBucket, SecureBucketArgs, account_bucket_name, child

INITIAL_RELEASE = "initial"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # AWS managed cache policy
SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"  # AWS managed SecurityHeadersPolicy


@dataclass
class StaticSiteArgs:
    prefix: str
    service_name: str
    tags: dict[str, str]
    force_destroy: bool = False
    # The environment's policy (stacks/edge.py); None: AWS's managed SecurityHeadersPolicy.
    headers_policy_id: pulumi.Input[str] | None = None


class StaticSite(pulumi.ComponentResource):
    bucket: SecureBucket
    distribution: aws.cloudfront.Distribution

    def __init__(
        self, name: str, args: StaticSiteArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:service:StaticSite", name, None, opts)
        self.service_name = args.service_name
        oac = aws.cloudfront.OriginAccessControl(
            f"{name}-oac",
            name=naming.physical_name(naming.CLOUDFRONT_OAC, args.prefix, args.service_name),
            description="CloudFront reads the private site bucket",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=child(self),
        )
        # The bucket policy needs the distribution's ARN and the distribution the
        # bucket's domain, so the policy is attached after both exist.
        self.bucket = SecureBucket(
            f"{name}-site",
            # SSE-S3, not the environment key: CloudFront would need kms:Decrypt on
            # it, and these files are public by design once served.
            SecureBucketArgs(
                tags=args.tags,
                bucket_name=account_bucket_name(args.prefix, f"{args.service_name}-site", self),
                force_destroy=args.force_destroy,
                create_policy=False,
            ),
            opts=child(self),
        )
        origin_id = "site"
        self.distribution = aws.cloudfront.Distribution(
            f"{name}-cdn",
            enabled=True,
            is_ipv6_enabled=True,
            http_version="http2and3",
            comment=f"{args.prefix} {args.service_name}",
            default_root_object="index.html",
            price_class="PriceClass_100",
            origins=[
                aws.cloudfront.DistributionOriginArgs(
                    origin_id=origin_id,
                    domain_name=self.bucket.bucket.bucket_regional_domain_name,
                    origin_access_control_id=oac.id,
                    # deploy.yml points this at the release it uploaded.
                    origin_path=f"/releases/{INITIAL_RELEASE}",
                )
            ],
            default_cache_behavior=aws.cloudfront.DistributionDefaultCacheBehaviorArgs(
                target_origin_id=origin_id,
                viewer_protocol_policy="redirect-to-https",
                allowed_methods=["GET", "HEAD", "OPTIONS"],
                cached_methods=["GET", "HEAD"],
                compress=True,
                cache_policy_id=CACHING_OPTIMIZED,
                response_headers_policy_id=args.headers_policy_id or SECURITY_HEADERS,
            ),
            # Client-side routes: S3 answers 403/404 for a path that is not a file.
            custom_error_responses=[
                aws.cloudfront.DistributionCustomErrorResponseArgs(
                    error_code=code,
                    response_code=200,
                    response_page_path="/index.html",
                    error_caching_min_ttl=0,
                )
                for code in (403, 404)
            ],
            restrictions=aws.cloudfront.DistributionRestrictionsArgs(
                geo_restriction=aws.cloudfront.DistributionRestrictionsGeoRestrictionArgs(
                    restriction_type="none"
                )
            ),
            viewer_certificate=aws.cloudfront.DistributionViewerCertificateArgs(
                cloudfront_default_certificate=True
            ),
            tags=args.tags,
            # The release the workflow deployed must survive a later `scaffold up`.
            opts=child(self, ignore_changes=["origins"]),
        )
        self.bucket.attach_policy(f"{name}-site-policy", [self._read_statement()], parent=self)
        self.register_outputs(
            {
                "url": self.url,
                "bucket": self.bucket.bucket.bucket,
                "distribution_id": self.distribution.id,
            }
        )

    def _read_statement(self) -> pulumi.Output[dict[str, Any]]:
        return pulumi.Output.all(self.bucket.bucket.arn, self.distribution.arn).apply(
            lambda v: {
                "Sid": "CloudFrontReadsReleases",
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject",
                "Resource": f"{v[0]}/*",
                "Condition": {"StringEquals": {"AWS:SourceArn": v[1]}},
            }
        )

    def stack_output(self) -> dict[str, Any]:
        """This site's entry of StackOutputs.services."""
        return {
            "name": self.service_name,
            "shape": "static",
            "url": self.url,
            "health_url": pulumi.Output.concat(self.url, "/index.html"),
            "site_bucket_name": self.bucket.bucket.bucket,
            "distribution_id": self.distribution.id,
        }

    @property
    def url(self) -> pulumi.Output[str]:
        return pulumi.Output.concat("https://", self.distribution.domain_name)

"""A static SPA: private bucket, CloudFront with Origin Access Control, one prefix per release."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from scaffolder.aws_rules import naming
from scaffolder_stacks._common import SecureBucket, SecureBucketArgs, account_bucket_name, child
from scaffolder_stacks.certificates import CLOUDFRONT_CERTIFICATE_REGION, validated_certificate
from scaffolder_stacks.edge import app_behaviour, load_balancer_origin
from scaffolder_stacks.spa_routing import spa_rewrite_function, viewer_request

INITIAL_RELEASE = "initial"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # AWS managed cache policy
# TLS 1.2 and 1.3 between viewers and CloudFront (with a domain's certificate).
CLOUDFRONT_TLS_POLICY = "TLSv1.2_2021"
SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"  # AWS managed SecurityHeadersPolicy


@dataclass
class StaticSiteArgs:
    prefix: str
    service_name: str
    tags: dict[str, str]
    force_destroy: bool = False
    # The environment's policy (edge.py); None: AWS's managed SecurityHeadersPolicy.
    headers_policy_id: pulumi.Input[str] | None = None
    # The API sharing this distribution (catalog.OneOrigin); None: the site alone.
    api: ApiRoute | None = None
    # The API's domain, carried by this distribution (catalog.OneOrigin.domain).
    domain: str | None = None
    region: str = CLOUDFRONT_CERTIFICATE_REGION  # the environment's


@dataclass
class ApiRoute:
    """A server reached under the site's own origin: `path_patterns` go to its load balancer."""

    service_name: str
    load_balancer: aws.lb.LoadBalancer
    origin_secret: pulumi.Output[str]
    path_patterns: list[str]
    # The secret was generated at this run: keep its first value (edge.origin_secret).
    keep_first_secret: bool = False


class StaticSite(pulumi.ComponentResource):
    bucket: SecureBucket
    distribution: aws.cloudfront.Distribution
    domain: str | None = None
    certificate_records: pulumi.Output[list[dict[str, str]]] | None = None

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
        rewrite = spa_rewrite_function(
            name, self, prefix=args.prefix, service_name=args.service_name
        )
        headers_policy = args.headers_policy_id or SECURITY_HEADERS
        api_origins, api_behaviours = _api_routes(args.api, headers_policy)
        self.domain = args.domain
        viewer_certificate = self._viewer_certificate(name, args)
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
                ),
                *api_origins,
            ],
            default_cache_behavior=aws.cloudfront.DistributionDefaultCacheBehaviorArgs(
                target_origin_id=origin_id,
                viewer_protocol_policy="redirect-to-https",
                allowed_methods=["GET", "HEAD", "OPTIONS"],
                cached_methods=["GET", "HEAD"],
                compress=True,
                cache_policy_id=CACHING_OPTIMIZED,
                response_headers_policy_id=headers_policy,
                # Client-side routes get the app shell here, not through distribution-wide
                # error responses, which would swallow the API's own 403s and 404s.
                function_associations=[viewer_request(rewrite)],
            ),
            ordered_cache_behaviors=api_behaviours,
            restrictions=aws.cloudfront.DistributionRestrictionsArgs(
                geo_restriction=aws.cloudfront.DistributionRestrictionsGeoRestrictionArgs(
                    restriction_type="none"
                )
            ),
            aliases=[args.domain] if args.domain else None,
            viewer_certificate=viewer_certificate,
            tags=args.tags,
            # The release the workflow deployed must survive a later `scaffold up`; the
            # rest of the origins follow the program (the API's joins or leaves).
            opts=child(self, ignore_changes=_kept_origin_fields(args.api)),
        )
        self.bucket.attach_policy(f"{name}-site-policy", [self._read_statement()], parent=self)
        self.register_outputs(
            {
                "url": self.url,
                "bucket": self.bucket.bucket.bucket,
                "distribution_id": self.distribution.id,
            }
        )

    def _viewer_certificate(
        self, name: str, args: StaticSiteArgs
    ) -> aws.cloudfront.DistributionViewerCertificateArgs:
        """CloudFront's own certificate, or the domain's (ACM, always in us-east-1)."""
        if args.domain is None:
            return aws.cloudfront.DistributionViewerCertificateArgs(
                cloudfront_default_certificate=True
            )
        provider = None
        if args.region != CLOUDFRONT_CERTIFICATE_REGION:
            provider = aws.Provider(
                f"{name}-cert-region", region=CLOUDFRONT_CERTIFICATE_REGION, opts=child(self)
            )
        validation, self.certificate_records = validated_certificate(
            name, self, domain=args.domain, tags=args.tags, provider=provider
        )
        return aws.cloudfront.DistributionViewerCertificateArgs(
            acm_certificate_arn=validation.certificate_arn,
            ssl_support_method="sni-only",
            minimum_protocol_version=CLOUDFRONT_TLS_POLICY,
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
            "certificate_records": self.certificate_records or [],
        }

    @property
    def url(self) -> pulumi.Output[str]:
        """Always https: the domain's, or CloudFront's own name."""
        if self.domain is not None:
            return pulumi.Output.from_input(f"https://{self.domain}")
        return pulumi.Output.concat("https://", self.distribution.domain_name)


def _kept_origin_fields(api: ApiRoute | None) -> list[str]:
    """The site's release path (moved by deploys) and a generated origin secret's first value."""
    kept = ["origins[0].originPath"]  # the site's origin comes first
    if api is not None and api.keep_first_secret:
        kept.append("origins[1].customHeaders")
    return kept


def _api_routes(
    api: ApiRoute | None, headers_policy_id: pulumi.Input[str]
) -> tuple[
    list[aws.cloudfront.DistributionOriginArgs],
    list[aws.cloudfront.DistributionOrderedCacheBehaviorArgs],
]:
    """The API's origin and one behaviour per path pattern (no SPA rewrite on them)."""
    if api is None:
        return [], []
    origin_id = f"api-{api.service_name}"
    origin = load_balancer_origin(origin_id, api.load_balancer, api.origin_secret)
    behaviours = [
        aws.cloudfront.DistributionOrderedCacheBehaviorArgs(
            path_pattern=pattern, **app_behaviour(origin_id, headers_policy_id)
        )
        for pattern in api.path_patterns
    ]
    return [origin], behaviours

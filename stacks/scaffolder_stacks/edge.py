"""How a server is reached over HTTPS only (docs/provision.md, "HTTPS and domains").

With a domain: a DNS-validated ACM certificate, HTTPS:443 with a TLS 1.2+ policy,
and port 80 answering 301 to HTTPS. Without one: CloudFront (its own certificate)
redirects to HTTPS; the load balancer admits only CloudFront's address ranges and
forwards only requests carrying the secret origin header (everything else: 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from scaffolder.aws_rules import naming
from scaffolder.environment import catalog
from scaffolder.models import EnvironmentSpec, ServiceSpec
from scaffolder_stacks._common import child
from scaffolder_stacks.certificates import validated_certificate

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
HSTS = "max-age=63072000; includeSubDomains"  # two years
HSTS_SECONDS = 63_072_000
CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"
ORIGIN_HEADER = "X-Origin-Verify"
ORIGIN_SECRET_CONFIG = "originSecret"  # `scaffold:originSecret`, a Pulumi config secret
ORIGIN_SECRET_KEY = f"scaffold:{ORIGIN_SECRET_CONFIG}"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # AWS managed cache policy
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # managed origin request policy
ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]


@dataclass
class HttpsArgs:
    """One server's way to HTTPS: its domain, or CloudFront with these shared pieces."""

    domain: str | None = None
    headers_policy_id: pulumi.Input[str] | None = None
    origin_secret: pulumi.Output[str] | None = None
    # A secret generated at this run (no stack config): the first one is kept.
    keep_first_secret: bool = False
    # The API of a one-origin pair: the site's distribution fronts it (no own distribution).
    behind_site: bool = False


def needs_origin_secret(spec: EnvironmentSpec) -> bool:
    """Whether a server is behind CloudFront (its load balancer has no domain)."""
    return any(
        s.shape == "server" and not catalog.load_balancer_domain(spec, s) for s in spec.services
    )


class EnvironmentHttps:
    """The pieces an environment's endpoints share, made only when one needs them."""

    def __init__(self, spec: EnvironmentSpec, prefix: str, parent: pulumi.Resource) -> None:
        self.spec = spec
        behind_cloudfront = [s for s in spec.services if not catalog.load_balancer_domain(spec, s)]
        # Every CloudFront distribution answers with HSTS and the security headers.
        policy = security_headers_policy(prefix, parent) if behind_cloudfront else None
        self.headers_policy_id: pulumi.Output[str] | None = policy.id if policy else None
        # CloudFront proves itself to the load balancers of servers without a domain.
        self.origin_secret: pulumi.Output[str] | None = None
        self.generated = False
        if needs_origin_secret(spec):
            self.origin_secret, self.generated = origin_secret(parent)

    def for_service(self, service: ServiceSpec) -> HttpsArgs:
        domain, policy = catalog.load_balancer_domain(self.spec, service), self.headers_policy_id
        merged = catalog.one_origin(self.spec)
        behind_site = merged is not None and merged.api.name == service.name
        return HttpsArgs(domain, policy, self.origin_secret, self.generated, behind_site)


def security_headers_policy(
    prefix: str, parent: pulumi.Resource
) -> aws.cloudfront.ResponseHeadersPolicy:
    """HSTS, nosniff, frame denial and a strict referrer policy on every response."""
    h = aws.cloudfront
    return h.ResponseHeadersPolicy(
        f"{prefix}-security-headers",
        name=naming.physical_name(naming.RESPONSE_HEADERS_POLICY, prefix, "security-headers"),
        comment=f"{prefix}: HTTPS only, no sniffing, no framing",
        security_headers_config=h.ResponseHeadersPolicySecurityHeadersConfigArgs(
            strict_transport_security=h.ResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurityArgs(
                access_control_max_age_sec=HSTS_SECONDS, include_subdomains=True, override=True
            ),
            content_type_options=h.ResponseHeadersPolicySecurityHeadersConfigContentTypeOptionsArgs(
                override=True
            ),
            frame_options=h.ResponseHeadersPolicySecurityHeadersConfigFrameOptionsArgs(
                frame_option="DENY", override=True
            ),
            referrer_policy=h.ResponseHeadersPolicySecurityHeadersConfigReferrerPolicyArgs(
                referrer_policy="strict-origin-when-cross-origin", override=True
            ),
        ),
        opts=child(parent),
    )


def origin_secret(parent: pulumi.Resource) -> tuple[pulumi.Output[str], bool]:
    """The header value CloudFront sends and the load balancer demands, as a secret.

    `scaffold:originSecret` (a Pulumi config secret; `scaffold up` sets a random one)
    when set; otherwise (a bare `pulumi up`) a random value Secrets Manager generates
    at each run, of which the rule and the distribution keep the first (True).
    """
    configured = pulumi.Config("scaffold").get_secret(ORIGIN_SECRET_CONFIG)
    if configured is not None:
        return configured, False
    generated = aws.secretsmanager.get_random_password_output(
        password_length=48,
        exclude_punctuation=True,
        opts=pulumi.InvokeOutputOptions(parent=parent),
    )
    return pulumi.Output.secret(generated.random_password.apply(lambda v: v or "")), True


def cloudfront_only_group(
    name: str,
    parent: pulumi.Resource,
    *,
    security_group_name: str,
    vpc_id: pulumi.Input[str],
    service_security_group_id: pulumi.Input[str],
    service_port: int,
    tags: dict[str, str],
) -> aws.ec2.SecurityGroup:
    """The load balancer's group: HTTP from CloudFront's origin-facing ranges only."""
    group = aws.ec2.SecurityGroup(
        f"{name}-alb-cf",
        name=security_group_name,
        vpc_id=vpc_id,
        description="Load balancer: only from CloudFront",
        tags=tags,
        opts=child(parent),
    )
    prefix_list = aws.ec2.get_managed_prefix_list_output(
        name=CLOUDFRONT_PREFIX_LIST, opts=pulumi.InvokeOutputOptions(parent=parent)
    )
    aws.vpc.SecurityGroupIngressRule(
        f"{name}-alb-cf-in",
        security_group_id=group.id,
        ip_protocol="tcp",
        from_port=80,
        to_port=80,
        prefix_list_id=prefix_list.id,
        opts=child(parent),
    )
    aws.vpc.SecurityGroupEgressRule(
        f"{name}-alb-cf-out",
        security_group_id=group.id,
        ip_protocol="tcp",
        from_port=service_port,
        to_port=service_port,
        referenced_security_group_id=service_security_group_id,
        opts=child(parent),
    )
    aws.vpc.SecurityGroupIngressRule(
        f"{name}-service-from-alb-cf",
        security_group_id=service_security_group_id,
        ip_protocol="tcp",
        from_port=service_port,
        to_port=service_port,
        referenced_security_group_id=group.id,
        opts=child(parent),
    )
    return group


def cloudfront_listener(
    name: str,
    parent: pulumi.Resource,
    *,
    load_balancer: aws.lb.LoadBalancer,
    target_group: aws.lb.TargetGroup,
    secret: pulumi.Output[str],
    keep_first: bool,
    tags: dict[str, str],
) -> aws.lb.ListenerRule:
    """HTTP:80 answers 403 unless the request carries CloudFront's secret header."""
    listener = aws.lb.Listener(
        f"{name}-http",
        load_balancer_arn=load_balancer.arn,
        port=80,
        protocol="HTTP",
        default_actions=[
            aws.lb.ListenerDefaultActionArgs(
                type="fixed-response",
                fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
                    content_type="text/plain", status_code="403", message_body="Forbidden"
                ),
            )
        ],
        tags=tags,
        opts=child(parent),
    )
    return aws.lb.ListenerRule(
        f"{name}-from-cloudfront",
        listener_arn=listener.arn,
        priority=1,
        conditions=[
            aws.lb.ListenerRuleConditionArgs(
                http_header=aws.lb.ListenerRuleConditionHttpHeaderArgs(
                    http_header_name=ORIGIN_HEADER, values=[secret]
                )
            )
        ],
        actions=[aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=target_group.arn)],
        tags=tags,
        # A generated secret differs at every run: keep the first one.
        opts=child(parent, ignore_changes=["conditions"] if keep_first else None),
    )


def load_balancer_origin(
    origin_id: str, load_balancer: aws.lb.LoadBalancer, secret: pulumi.Output[str]
) -> aws.cloudfront.DistributionOriginArgs:
    """The load balancer as a CloudFront origin, sending the secret origin header."""
    cf = aws.cloudfront
    return cf.DistributionOriginArgs(
        origin_id=origin_id,
        domain_name=load_balancer.dns_name,
        custom_origin_config=cf.DistributionOriginCustomOriginConfigArgs(
            http_port=80,
            https_port=443,
            # The load balancer has no certificate behind CloudFront.
            origin_protocol_policy="http-only",
            origin_ssl_protocols=["TLSv1.2"],
            origin_read_timeout=60,
        ),
        custom_headers=[cf.DistributionOriginCustomHeaderArgs(name=ORIGIN_HEADER, value=secret)],
    )


def app_behaviour(origin_id: str, headers_policy_id: pulumi.Input[str]) -> dict[str, Any]:
    """An app's behaviour: every method, nothing cached, the viewer's headers but Host."""
    return {
        "target_origin_id": origin_id,
        "viewer_protocol_policy": "redirect-to-https",
        "allowed_methods": ALL_METHODS,
        "cached_methods": ["GET", "HEAD"],
        "compress": True,
        "cache_policy_id": CACHING_DISABLED,
        "origin_request_policy_id": ALL_VIEWER_EXCEPT_HOST,
        "response_headers_policy_id": headers_policy_id,
    }


def server_distribution(
    name: str,
    parent: pulumi.Resource,
    *,
    comment: str,
    load_balancer: aws.lb.LoadBalancer,
    secret: pulumi.Output[str],
    keep_first: bool,
    headers_policy_id: pulumi.Input[str],
    tags: dict[str, str],
) -> aws.cloudfront.Distribution:
    """CloudFront in front of the load balancer: HTTPS to viewers, nothing cached."""
    origin_id = "app"
    cf = aws.cloudfront
    return cf.Distribution(
        f"{name}-cdn",
        enabled=True,
        is_ipv6_enabled=True,
        http_version="http2and3",
        comment=comment,
        price_class="PriceClass_100",
        origins=[load_balancer_origin(origin_id, load_balancer, secret)],
        default_cache_behavior=cf.DistributionDefaultCacheBehaviorArgs(
            **app_behaviour(origin_id, headers_policy_id)
        ),
        restrictions=cf.DistributionRestrictionsArgs(
            geo_restriction=cf.DistributionRestrictionsGeoRestrictionArgs(restriction_type="none")
        ),
        viewer_certificate=cf.DistributionViewerCertificateArgs(
            cloudfront_default_certificate=True
        ),
        tags=tags,
        # The origin carries a generated secret: keep the first one (see origin_secret).
        opts=child(parent, ignore_changes=["origins"] if keep_first else None),
    )


def domain_listeners(
    name: str,
    parent: pulumi.Resource,
    *,
    domain: str,
    load_balancer: aws.lb.LoadBalancer,
    target_group: aws.lb.TargetGroup,
    tags: dict[str, str],
) -> tuple[aws.lb.Listener, pulumi.Output[list[dict[str, str]]]]:
    """HTTPS:443 with the domain's certificate, 80 -> 301; and the records left to add."""
    validation, to_add = validated_certificate(name, parent, domain=domain, tags=tags)
    https = aws.lb.Listener(
        f"{name}-https",
        load_balancer_arn=load_balancer.arn,
        port=443,
        protocol="HTTPS",
        ssl_policy=TLS_POLICY,
        certificate_arn=validation.certificate_arn,
        routing_http_response_strict_transport_security_header_value=HSTS,
        routing_http_response_x_content_type_options_header_value="nosniff",
        routing_http_response_x_frame_options_header_value="DENY",
        default_actions=[
            aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)
        ],
        tags=tags,
        opts=child(parent),
    )
    aws.lb.Listener(
        f"{name}-http",
        load_balancer_arn=load_balancer.arn,
        port=80,
        protocol="HTTP",
        default_actions=[
            aws.lb.ListenerDefaultActionArgs(
                type="redirect",
                redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                    protocol="HTTPS", port="443", status_code="HTTP_301"
                ),
            )
        ],
        tags=tags,
        opts=child(parent),
    )
    return https, to_add

"""Graph checks of static sites, alone or sharing their distribution with an API.

A site is served from its private bucket through Origin Access Control, from a
release prefix, HTTPS only, and its client-side routes reach the app shell
through a viewer-request CloudFront Function on the default behaviour only:
never distribution-wide error responses, which would turn an API's own 403s
and 404s into `index.html`. When the spec puts an API under the site's origin
(catalog.one_origin), its paths go to the API's load balancer with nothing
cached and every method allowed, and no second distribution exists for it.
"""

from __future__ import annotations

from typing import Any

from scaffolder.environment import catalog
from scaffolder.models import EnvironmentSpec
from scaffolder.provision.mockrun import GraphResource, ResourceGraph, fake_arn
from scaffolder_stacks.edge import ALL_METHODS, CACHING_DISABLED
from tests.stacks.https_checks import plain

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
FUNCTION = "aws:cloudfront/function:Function"


def _site_origin(dist: GraphResource) -> dict[str, Any] | None:
    origins = plain(dist.inputs["origins"])
    return next((o for o in origins if o.get("originAccessControlId")), None)


def _is_site(dist: GraphResource) -> bool:
    return not plain(dist.inputs["origins"])[0].get("customOriginConfig")


def _rewrites(graph: ResourceGraph, behaviour: dict[str, Any]) -> bool:
    """Whether a viewer-request function rewriting to /index.html runs on `behaviour`."""
    region = str(graph.outputs.get("region", ""))
    functions = {fake_arn(f.type, f.name, region): f for f in graph.of_type(FUNCTION)}
    for association in behaviour.get("functionAssociations") or []:
        found = functions.get(association.get("functionArn"))
        code = str(found.inputs.get("code", "")) if found is not None else ""
        if association.get("eventType") == "viewer-request" and "/index.html" in code:
            return True
    return False


def _site_problems(graph: ResourceGraph, dist: GraphResource) -> list[str]:
    problems = []
    origin = _site_origin(dist) or {}
    if not origin.get("originAccessControlId"):
        problems.append(f"{dist.name}: no Origin Access Control")
    if not str(origin.get("originPath", "")).startswith("/releases/"):
        problems.append(f"{dist.name}: origin is not a release prefix")
    if dist.inputs.get("defaultRootObject") != "index.html":
        problems.append(f"{dist.name}: no default root object")
    if dist.inputs.get("customErrorResponses"):
        problems.append(f"{dist.name}: error responses rewrite every behaviour's errors")
    default = dist.inputs["defaultCacheBehavior"]
    if default.get("targetOriginId") != origin.get("originId"):
        problems.append(f"{dist.name}: the default behaviour is not the site")
    if not _rewrites(graph, default):
        problems.append(f"{dist.name}: client-side routes do not reach index.html")
    if default.get("viewerProtocolPolicy") != "redirect-to-https":
        problems.append(f"{dist.name}: plain HTTP served")
    certificate = dist.inputs.get("viewerCertificate") or {}
    if dist.inputs.get("aliases") and not (
        str(certificate.get("acmCertificateArn", "")).startswith("arn:aws:acm:us-east-1:")
        and certificate.get("minimumProtocolVersion") == "TLSv1.2_2021"
    ):
        problems.append(f"{dist.name}: its domain lacks a us-east-1 certificate with TLS 1.2+")
    for behaviour in dist.inputs.get("orderedCacheBehaviors") or []:
        if behaviour.get("functionAssociations"):
            problems.append(f"{dist.name}: {behaviour.get('pathPattern')} runs a function")
    return problems


def _api_problems(
    graph: ResourceGraph, spec: EnvironmentSpec, merged: catalog.OneOrigin
) -> list[str]:
    region = str(graph.outputs.get("region", ""))
    prefix = catalog.prefix(spec)
    sites = [d for d in graph.of_type(DISTRIBUTION) if d.name == f"{prefix}-{merged.site.name}-cdn"]
    if len(sites) != 1:
        return [f"{merged.site.name}: no distribution of its own"]
    (site,) = sites
    alb = f"{prefix}-{merged.api.name}-alb.{region}.elb.amazonaws.com"
    by_id = {o["originId"]: o for o in plain(site.inputs["origins"])}
    routed = {
        b.get("pathPattern"): b
        for b in site.inputs.get("orderedCacheBehaviors") or []
        if by_id.get(b.get("targetOriginId"), {}).get("domainName") == alb
    }
    problems = [
        f"{site.name}: {p} does not reach {merged.api.name}"
        for p in merged.path_patterns
        if p not in routed
    ]
    for pattern, b in routed.items():
        if b.get("cachePolicyId") != CACHING_DISABLED:
            problems.append(f"{site.name}: {pattern} may be cached")
        if set(b.get("allowedMethods") or []) != set(ALL_METHODS):
            problems.append(f"{site.name}: {pattern} refuses some methods")
    others = [
        d.name
        for d in graph.of_type(DISTRIBUTION)
        if d is not site and any(o.get("domainName") == alb for o in plain(d.inputs["origins"]))
    ]
    problems += [f"{name}: a second distribution for {merged.api.name}" for name in others]
    return problems


def check_static_sites(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    problems = [
        p
        for dist in graph.of_type(DISTRIBUTION)
        if _is_site(dist)
        for p in _site_problems(graph, dist)
    ]
    merged = catalog.one_origin(spec)
    if merged is not None:
        problems += _api_problems(graph, spec, merged)
    return problems

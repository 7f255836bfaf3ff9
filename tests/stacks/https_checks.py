"""Graph checks of issue 10's first item: every public endpoint is HTTPS only.

A load balancer is HTTPS only when no HTTP listener forwards to the app, and
either it has an HTTPS:443 listener with a TLS 1.2+ policy while 80 answers 301
to HTTPS, or CloudFront (redirect-to-https) is in front of it, its security
groups admit no internet-wide range, and HTTP forwards only requests carrying
the distribution's secret origin header.
"""

from __future__ import annotations

from typing import Any

from scaffolder.models import EnvironmentSpec
from scaffolder.provision.mockrun import GraphResource, ResourceGraph, fake_arn, secret_value

ALB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
RULE = "aws:lb/listenerRule:ListenerRule"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
HEADERS_POLICY = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
# ELB policies that refuse TLS 1.0 and 1.1.
TLS12_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-",
    "ELBSecurityPolicy-TLS-1-2-",
    "ELBSecurityPolicy-FS-1-2-",
)
INTERNET = {"0.0.0.0/0", "::/0"}


def plain(value: Any) -> Any:
    """An input as the program meant it, secret or not."""
    inner = secret_value(value)
    return value if inner is None else inner


def _region(graph: ResourceGraph) -> str:
    return str(graph.outputs.get("region", ""))


def _listeners(graph: ResourceGraph, alb: GraphResource) -> list[GraphResource]:
    arn = fake_arn(alb.type, alb.name, _region(graph))
    return [r for r in graph.of_type(LISTENER) if r.inputs.get("loadBalancerArn") == arn]


def _rules(graph: ResourceGraph, listener: GraphResource) -> list[GraphResource]:
    arn = fake_arn(listener.type, listener.name, _region(graph))
    return [r for r in graph.of_type(RULE) if r.inputs.get("listenerArn") == arn]


def _distributions_in_front(graph: ResourceGraph, alb: GraphResource) -> list[GraphResource]:
    dns = f"{alb.name}.{_region(graph)}.elb.amazonaws.com"
    return [
        d
        for d in graph.of_type(DISTRIBUTION)
        if any(o.get("domainName") == dns for o in plain(d.inputs.get("origins")) or [])
    ]


def _behaviours(dist: GraphResource) -> list[dict[str, Any]]:
    return [dist.inputs["defaultCacheBehavior"], *(dist.inputs.get("orderedCacheBehaviors") or [])]


def _header_conditions(rule: GraphResource) -> set[tuple[str, str]]:
    return {
        (c["httpHeader"]["httpHeaderName"].lower(), v)
        for c in plain(rule.inputs.get("conditions")) or []
        if c.get("httpHeader")
        for v in c["httpHeader"].get("values", [])
    }


def _sent_headers(dists: list[GraphResource]) -> set[tuple[str, str]]:
    return {
        (h["name"].lower(), h["value"])
        for d in dists
        for o in plain(d.inputs.get("origins")) or []
        for h in o.get("customHeaders") or []
        if h.get("value")
    }


def _forwards(actions: list[dict[str, Any]]) -> bool:
    return any(a.get("type") == "forward" for a in actions or [])


def _redirects_to_https(listener: GraphResource) -> bool:
    return any(
        a.get("type") == "redirect"
        and a.get("redirect", {}).get("protocol") == "HTTPS"
        and a.get("redirect", {}).get("statusCode") == "HTTP_301"
        for a in listener.inputs.get("defaultActions") or []
    )


def _open_to_internet(graph: ResourceGraph, alb: GraphResource) -> list[str]:
    groups = set(alb.inputs.get("securityGroups") or [])
    return [
        r.name
        for r in graph.of_type(INGRESS)
        if r.inputs.get("securityGroupId") in groups
        and (r.inputs.get("cidrIpv4") in INTERNET or r.inputs.get("cidrIpv6") in INTERNET)
    ]


def _alb_problems(graph: ResourceGraph, alb: GraphResource) -> list[str]:
    listeners = _listeners(graph, alb)
    http = [x for x in listeners if x.inputs.get("protocol") == "HTTP"]
    https = [x for x in listeners if x.inputs.get("protocol") == "HTTPS"]
    dists = _distributions_in_front(graph, alb)
    problems = [
        f"{x.name}: HTTP listener forwards to the app"
        for x in http
        if _forwards(x.inputs.get("defaultActions"))
    ]
    if https:
        for x in https:
            if x.inputs.get("port") != 443:
                problems.append(f"{x.name}: HTTPS not on 443")
            if not str(x.inputs.get("sslPolicy", "")).startswith(TLS12_POLICIES):
                problems.append(f"{x.name}: TLS policy {x.inputs.get('sslPolicy')} allows < 1.2")
            if not x.inputs.get("certificateArn"):
                problems.append(f"{x.name}: no certificate")
        problems += [
            f"{x.name}: port 80 does not answer 301 to HTTPS"
            for x in http
            if not _redirects_to_https(x)
        ]
        problems += [
            f"{rule.name}: forwards plain HTTP"
            for x in http
            for rule in _rules(graph, x)
            if _forwards(rule.inputs.get("actions"))
        ]
        return problems
    if not dists:
        return [*problems, f"{alb.name}: neither HTTPS nor CloudFront in front"]
    problems += [
        f"{alb.name}: open to the internet ({name})" for name in _open_to_internet(graph, alb)
    ]
    sent = _sent_headers(dists)
    for x in http:
        for rule in _rules(graph, x):
            if _forwards(rule.inputs.get("actions")) and not (_header_conditions(rule) & sent):
                problems.append(f"{rule.name}: forwards without CloudFront's origin header")
    return problems


def check_https_only(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    """No endpoint serves the app over plain HTTP; distributions redirect and send HSTS."""
    problems = [p for alb in graph.of_type(ALB) for p in _alb_problems(graph, alb)]
    policies = {f"{p.name}-id": p for p in graph.of_type(HEADERS_POLICY)}
    for dist in graph.of_type(DISTRIBUTION):
        for behaviour in _behaviours(dist):
            if behaviour.get("viewerProtocolPolicy") not in ("redirect-to-https", "https-only"):
                problems.append(f"{dist.name}: plain HTTP served")
            policy = policies.get(behaviour.get("responseHeadersPolicyId", ""))
            headers = policy.inputs.get("securityHeadersConfig", {}) if policy else {}
            hsts = headers.get("strictTransportSecurity") or {}
            if (hsts.get("accessControlMaxAgeSec") or 0) < 31_536_000:
                problems.append(f"{dist.name}: no HSTS of a year or more")
            if not {"contentTypeOptions", "frameOptions", "referrerPolicy"} <= set(headers):
                problems.append(f"{dist.name}: security headers missing")
    urls = [s.get("url", "") for s in graph.outputs.get("services", [])]
    urls += [s.get("health_url", "") for s in graph.outputs.get("services", [])]
    problems += [f"output {u} is not https" for u in urls if not str(u).startswith("https://")]
    return problems

"""Issue 10, item 1: a server's public endpoint is HTTPS only, with or without a domain."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scaffolder.models import EnvironmentSpec, EnvName, ServiceSpec, StackOutputs
from scaffolder.provision.mockrun import (
    CLOUDFRONT_PREFIX_LIST_ID,
    GraphResource,
    ResourceGraph,
    fake_arn,
    run_environment,
)
from scaffolder_stacks.edge import ORIGIN_HEADER, TLS_POLICY
from tests.stacks import graph_checks
from tests.stacks.graphs import graph_for
from tests.stacks.https_checks import (
    ALB,
    DISTRIBUTION,
    HEADERS_POLICY,
    INGRESS,
    LISTENER,
    RULE,
    check_https_only,
    plain,
)
from tests.stacks.specs import server_spec

DOMAIN = "api.notes.example.com"


def _with_domain(env: EnvName, *, on_service: bool = False) -> EnvironmentSpec:
    spec = server_spec(env)
    if on_service:
        services = [s.model_copy(update={"domain": DOMAIN}) for s in spec.services]
        return spec.model_copy(update={"services": services})
    return spec.model_copy(update={"domain": DOMAIN})


def _listener(graph: ResourceGraph, port: int) -> GraphResource:
    (found,) = [x for x in graph.of_type(LISTENER) if x.inputs["port"] == port]
    return found


# -- without a domain: CloudFront in front of a load balancer closed to the internet --


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_cloudfront_fronts_a_closed_load_balancer(env: EnvName) -> None:
    spec = server_spec(env)
    graph = graph_for(spec)
    assert check_https_only(graph, spec) == []
    (dist,) = graph.of_type(DISTRIBUTION)
    assert dist.inputs["defaultCacheBehavior"]["viewerProtocolPolicy"] == "redirect-to-https"
    (origin,) = plain(dist.inputs["origins"])
    assert origin["customHeaders"][0]["name"] == ORIGIN_HEADER
    (alb,) = graph.of_type(ALB)
    (group,) = alb.inputs["securityGroups"]
    ingress = [r.inputs for r in graph.of_type(INGRESS) if r.inputs["securityGroupId"] == group]
    assert ingress == [
        {
            "securityGroupId": group,
            "ipProtocol": "tcp",
            "fromPort": 80,
            "toPort": 80,
            "prefixListId": CLOUDFRONT_PREFIX_LIST_ID,
        }
    ]
    http = _listener(graph, 80)
    assert http.inputs["defaultActions"][0]["fixedResponse"]["statusCode"] == "403"
    (rule,) = graph.of_type(RULE)
    assert rule.inputs["conditions"] != plain(rule.inputs["conditions"])  # a secret input
    (policy,) = graph.of_type(HEADERS_POLICY)
    assert dist.inputs["defaultCacheBehavior"]["responseHeadersPolicyId"] == f"{policy.name}-id"
    outputs = StackOutputs.model_validate(graph.outputs)
    (service,) = outputs.services
    assert service.url == f"https://{dist.name}.cloudfront.net"
    assert service.health_url.startswith("https://") and service.certificate_records == []


def _http_forwards(g: ResourceGraph) -> None:
    (rule,) = g.of_type(RULE)
    _listener(g, 80).inputs["defaultActions"] = rule.inputs["actions"]


def _alb_open_to_internet(g: ResourceGraph) -> None:
    (alb,) = g.of_type(ALB)
    g.resources.append(
        GraphResource(
            type=INGRESS,
            name="oops",
            inputs={"securityGroupId": alb.inputs["securityGroups"][0], "cidrIpv4": "0.0.0.0/0"},
        )
    )


def _rule_without_header(g: ResourceGraph) -> None:
    (rule,) = g.of_type(RULE)
    rule.inputs["conditions"] = [{"pathPattern": {"values": ["/*"]}}]


def _viewer_allows_http(g: ResourceGraph) -> None:
    (dist,) = g.of_type(DISTRIBUTION)
    dist.inputs["defaultCacheBehavior"]["viewerProtocolPolicy"] = "allow-all"


def _no_hsts(g: ResourceGraph) -> None:
    (policy,) = g.of_type(HEADERS_POLICY)
    del policy.inputs["securityHeadersConfig"]["strictTransportSecurity"]


def _no_cloudfront(g: ResourceGraph) -> None:
    g.resources = [r for r in g.resources if r.type != DISTRIBUTION]


def _http_url(g: ResourceGraph) -> None:
    g.outputs["services"][0]["url"] = "http://notes-prod-api-alb.us-east-1.elb.amazonaws.com"


CLOUDFRONT_REGRESSIONS: dict[str, Callable[[ResourceGraph], None]] = {
    "http-listener-forwards": _http_forwards,
    "alb-open-to-internet": _alb_open_to_internet,
    "forward-without-origin-header": _rule_without_header,
    "viewer-allows-http": _viewer_allows_http,
    "no-hsts": _no_hsts,
    "no-cloudfront": _no_cloudfront,
    "http-url-output": _http_url,
}


@pytest.mark.parametrize("name", sorted(CLOUDFRONT_REGRESSIONS))
def test_a_weakened_cloudfront_endpoint_fails(name: str) -> None:
    spec = server_spec("prod")
    graph = graph_for(spec)
    CLOUDFRONT_REGRESSIONS[name](graph)
    assert check_https_only(graph, spec) != []
    assert graph_checks.problems(graph, spec) != []


# -- with a domain: ACM certificate, HTTPS:443 with TLS 1.2+, 80 -> 301 ------------------


@pytest.mark.parametrize("env", ["staging", "prod"])
@pytest.mark.parametrize("on_service", [False, True], ids=["environment", "service"])
def test_a_domain_gets_https_on_the_load_balancer(env: EnvName, on_service: bool) -> None:
    spec = _with_domain(env, on_service=on_service)
    graph = graph_for(spec)
    assert graph_checks.problems(graph, spec) == []
    https = _listener(graph, 443)
    assert https.inputs["protocol"] == "HTTPS" and https.inputs["sslPolicy"] == TLS_POLICY
    redirect = _listener(graph, 80).inputs["defaultActions"][0]
    assert redirect["type"] == "redirect"
    assert redirect["redirect"] == {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}
    assert graph.of_type(DISTRIBUTION) == [] and graph.of_type(RULE) == []
    (cert,) = graph.of_type("aws:acm/certificate:Certificate")
    assert cert.inputs["domainName"] == DOMAIN and cert.inputs["validationMethod"] == "DNS"
    # No hosted zone in the account (plan's view): the records to add are stack outputs.
    assert graph.of_type("aws:route53/record:Record") == []
    (service,) = StackOutputs.model_validate(graph.outputs).services
    assert service.url == f"https://{DOMAIN}"
    (record,) = service.certificate_records
    assert record.type == "CNAME" and record.name.endswith(f".{DOMAIN}.")


def test_a_hosted_zone_in_the_account_validates_the_certificate() -> None:
    spec = _with_domain("prod")
    graph = run_environment(spec, hosted_zones=frozenset({"notes.example.com"}))
    assert graph_checks.problems(graph, spec) == []
    (record,) = graph.of_type("aws:route53/record:Record")
    assert record.inputs["zoneId"] == "Znotes.example.com" and record.inputs["type"] == "CNAME"
    (validation,) = graph.of_type("aws:acm/certificateValidation:CertificateValidation")
    assert validation.inputs["validationRecordFqdns"] == [record.inputs["name"]]
    (service,) = StackOutputs.model_validate(graph.outputs).services
    assert service.certificate_records == []


def _weak_tls(g: ResourceGraph) -> None:
    _listener(g, 443).inputs["sslPolicy"] = "ELBSecurityPolicy-2016-08"


def _port_80_forwards(g: ResourceGraph) -> None:
    _listener(g, 80).inputs["defaultActions"] = _listener(g, 443).inputs["defaultActions"]


def _port_80_redirects_temporarily(g: ResourceGraph) -> None:
    _listener(g, 80).inputs["defaultActions"][0]["redirect"]["statusCode"] = "HTTP_302"


def _no_certificate(g: ResourceGraph) -> None:
    del _listener(g, 443).inputs["certificateArn"]


def _port_80_rule_forwards(g: ResourceGraph) -> None:
    http, https = _listener(g, 80), _listener(g, 443)
    g.resources.append(
        GraphResource(
            type=RULE,
            name="oops",
            inputs={
                "listenerArn": fake_arn(LISTENER, http.name, "us-east-1"),
                "actions": https.inputs["defaultActions"],
                "conditions": [{"pathPattern": {"values": ["/api/*"]}}],
            },
        )
    )


DOMAIN_REGRESSIONS: dict[str, Callable[[ResourceGraph], None]] = {
    "weak-tls": _weak_tls,
    "port-80-forwards": _port_80_forwards,
    "port-80-rule-forwards": _port_80_rule_forwards,
    "port-80-redirects-temporarily": _port_80_redirects_temporarily,
    "no-certificate": _no_certificate,
}


@pytest.mark.parametrize("name", sorted(DOMAIN_REGRESSIONS))
def test_a_weakened_domain_endpoint_fails(name: str) -> None:
    spec = _with_domain("prod")
    graph = graph_for(spec)
    assert check_https_only(graph, spec) == []
    DOMAIN_REGRESSIONS[name](graph)
    assert check_https_only(graph, spec) != []


# -- the spec field ------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["https://a.example.com", "example", "*.example.com", "A.COM:443"])
def test_a_domain_must_be_a_host_name(bad: str) -> None:
    with pytest.raises(ValueError, match="host name"):
        ServiceSpec(name="api", shape="server", domain=bad)
    with pytest.raises(ValueError, match="host name"):
        EnvironmentSpec(project="notes", environment="prod", domain=bad)


def test_the_environment_domain_names_its_only_server() -> None:
    two = [*server_spec("prod").services, ServiceSpec(name="admin", shape="server")]
    spec = server_spec("prod").model_copy(update={"domain": DOMAIN, "services": two})
    assert [spec.domain_of(s) for s in spec.services] == [None, None]
    one = spec.model_copy(update={"services": two[:1]})
    assert one.domain_of(one.services[0]) == DOMAIN


def test_an_spa_and_its_api_are_both_https_under_one_headers_policy() -> None:
    base = server_spec("prod")
    web = ServiceSpec(name="web", shape="static")
    spec = base.model_copy(update={"services": [*base.services, web]})
    graph = graph_for(spec)
    assert graph_checks.problems(graph, spec) == []
    (policy,) = graph.of_type(HEADERS_POLICY)
    dists = graph.of_type(DISTRIBUTION)
    assert len(dists) == 2  # no site_api in the spec: one each (test_one_origin.py)
    assert {d.inputs["defaultCacheBehavior"]["responseHeadersPolicyId"] for d in dists} == {
        f"{policy.name}-id"
    }
    urls = [s.url for s in StackOutputs.model_validate(graph.outputs).services]
    assert len(urls) == 2 and all(u.startswith("https://") for u in urls)

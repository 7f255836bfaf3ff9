"""Issue 10, item 1: an SPA and its API behind one CloudFront distribution.

The site is the default behaviour (its bucket through Origin Access Control, a
viewer-request function for client-side routes), the API's path goes to its
load balancer, which only CloudFront may reach; no distribution-wide error
responses swallow the API's 403s and 404s. Without a common API path the two
keep a distribution each.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from scaffolder.environment import catalog
from scaffolder.models import EnvironmentSpec, ServiceSpec, SiteApiSpec, StackOutputs
from scaffolder.provision.mockrun import ResourceGraph
from scaffolder.provision.plan import plan_spec
from scaffolder_stacks.spa_routing import SPA_REWRITE_JS
from tests.stacks import graph_checks
from tests.stacks.graphs import graph_for
from tests.stacks.https_checks import DISTRIBUTION, LISTENER, check_https_only, plain
from tests.stacks.site_checks import FUNCTION
from tests.stacks.specs import server_spec

DOMAIN = "notes.example.com"


def spa_and_api(path: str | None = "/api", health: str = "/health") -> EnvironmentSpec:
    base = server_spec("prod")
    api = base.services[0].model_copy(update={"health_path": health})
    web = ServiceSpec(name="web", shape="static")
    pair = SiteApiSpec(site="web", api="api", path=path, reason="routes at /login and /users")
    return EnvironmentSpec.model_validate(
        {**base.model_dump(), "services": [api.model_dump(), web.model_dump()]}
        | {"site_api": pair.model_dump()}
    )


def test_one_distribution_serves_the_site_and_routes_the_api_to_its_load_balancer() -> None:
    spec = spa_and_api()
    graph = graph_for(spec)
    assert graph_checks.problems(graph, spec) == []
    (dist,) = graph.of_type(DISTRIBUTION)
    site, api = plain(dist.inputs["origins"])
    assert site["originAccessControlId"] and site["originPath"].startswith("/releases/")
    assert api["domainName"] == "notes-prod-api-alb.us-east-1.elb.amazonaws.com"
    assert api["customOriginConfig"]["originProtocolPolicy"] == "http-only"
    assert [h["name"] for h in api["customHeaders"]] == ["X-Origin-Verify"]
    assert "customErrorResponses" not in dist.inputs
    default = dist.inputs["defaultCacheBehavior"]
    assert default["targetOriginId"] == site["originId"]
    (association,) = default["functionAssociations"]
    (function,) = graph.of_type(FUNCTION)
    assert association["eventType"] == "viewer-request"
    assert association["functionArn"].endswith(f"function/{function.name}")
    assert function.inputs["runtime"] == "cloudfront-js-2.0" and function.inputs["publish"]
    ordered = dist.inputs["orderedCacheBehaviors"]
    assert [b["pathPattern"] for b in ordered] == ["/api/*", "/health"]
    for behaviour in ordered:
        assert behaviour["targetOriginId"] == api["originId"]
        assert behaviour["cachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
        assert behaviour["originRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"
        assert behaviour["viewerProtocolPolicy"] == "redirect-to-https"
        assert "DELETE" in behaviour["allowedMethods"] and "functionAssociations" not in behaviour
        assert behaviour["responseHeadersPolicyId"] == default["responseHeadersPolicyId"]
    by_name = {s.name: s for s in StackOutputs.model_validate(graph.outputs).services}
    url = f"https://{dist.name}.cloudfront.net"
    assert by_name["web"].url == by_name["api"].url == url
    assert by_name["api"].health_url == f"{url}/health"
    assert by_name["web"].distribution_id == f"{dist.name}-id"


def test_a_health_check_under_the_api_path_needs_no_behaviour_of_its_own() -> None:
    (dist,) = graph_for(spa_and_api(health="/api/health")).of_type(DISTRIBUTION)
    assert [b["pathPattern"] for b in dist.inputs["orderedCacheBehaviors"]] == ["/api/*"]


def test_without_an_api_path_the_site_and_api_keep_a_distribution_each() -> None:
    spec = spa_and_api(path=None)
    graph = graph_for(spec)
    assert graph_checks.problems(graph, spec) == []
    dists = graph.of_type(DISTRIBUTION)
    assert len(dists) == 2 and all("customErrorResponses" not in d.inputs for d in dists)
    (note,) = catalog.origin_notes(spec)
    assert "two CloudFront distributions: routes at /login and /users" in note


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_the_api_domain_moves_to_the_shared_distribution(region: str) -> None:
    base = spa_and_api()
    copies = {**base.backups.model_dump(), "copy_region": "eu-central-1"}
    raw = base.model_dump() | {"domain": DOMAIN, "region": region, "backups": copies}
    spec = EnvironmentSpec.model_validate(raw)
    graph = graph_for(spec)
    assert graph_checks.problems(graph, spec) == []
    (dist,) = graph.of_type(DISTRIBUTION)
    assert dist.inputs["aliases"] == [DOMAIN]
    certificate = dist.inputs["viewerCertificate"]
    assert certificate["acmCertificateArn"].startswith("arn:aws:acm:us-east-1:")
    assert certificate["sslSupportMethod"] == "sni-only"
    (cert,) = graph.of_type("aws:acm/certificate:Certificate")
    assert cert.inputs["domainName"] == DOMAIN
    # The load balancer stays behind CloudFront: no certificate, no 443, HTTP with the header.
    (listener,) = graph.of_type(LISTENER)
    assert listener.inputs["port"] == 80 and listener.inputs["defaultActions"][0]["type"] == (
        "fixed-response"
    )
    by_name = {s.name: s for s in StackOutputs.model_validate(graph.outputs).services}
    assert by_name["web"].url == by_name["api"].url == f"https://{DOMAIN}"
    (record,) = by_name["web"].certificate_records
    assert record.type == "CNAME"


def _no_domain_certificate(g: ResourceGraph) -> None:
    (dist,) = g.of_type(DISTRIBUTION)
    dist.inputs["aliases"] = [DOMAIN]


def _second_distribution(g: ResourceGraph) -> None:
    (dist,) = g.of_type(DISTRIBUTION)
    twin = dist.model_copy(deep=True, update={"name": "twin"})
    twin.inputs["origins"] = plain(dist.inputs["origins"])[1:]
    g.resources.append(twin)


def _error_responses(g: ResourceGraph) -> None:
    (dist,) = g.of_type(DISTRIBUTION)
    dist.inputs["customErrorResponses"] = [
        {"errorCode": 404, "responseCode": 200, "responsePagePath": "/index.html"}
    ]


def _function_on_the_api(g: ResourceGraph) -> None:
    (dist,) = g.of_type(DISTRIBUTION)
    association = dist.inputs["defaultCacheBehavior"]["functionAssociations"]
    dist.inputs["orderedCacheBehaviors"][0]["functionAssociations"] = association


def _no_function(g: ResourceGraph) -> None:
    (dist,) = g.of_type(DISTRIBUTION)
    del dist.inputs["defaultCacheBehavior"]["functionAssociations"]


def _api_cached(g: ResourceGraph) -> None:
    (dist,) = g.of_type(DISTRIBUTION)
    dist.inputs["orderedCacheBehaviors"][0]["cachePolicyId"] = "658327ea"


def _api_path_to_the_site(g: ResourceGraph) -> None:
    (dist,) = g.of_type(DISTRIBUTION)
    dist.inputs["orderedCacheBehaviors"][0]["targetOriginId"] = "site"


def _api_over_http(g: ResourceGraph) -> None:
    (dist,) = g.of_type(DISTRIBUTION)
    dist.inputs["orderedCacheBehaviors"][0]["viewerProtocolPolicy"] = "allow-all"


ONE_ORIGIN_REGRESSIONS: dict[str, Callable[[ResourceGraph], None]] = {
    "second-distribution": _second_distribution,
    "error-responses": _error_responses,
    "function-on-the-api": _function_on_the_api,
    "no-spa-function": _no_function,
    "api-cached": _api_cached,
    "api-path-to-the-site": _api_path_to_the_site,
    "api-over-http": _api_over_http,
    "domain-without-certificate": _no_domain_certificate,
}


@pytest.mark.parametrize("name", sorted(ONE_ORIGIN_REGRESSIONS))
def test_a_weakened_one_origin_distribution_fails(name: str) -> None:
    spec = spa_and_api()
    graph = graph_for(spec)
    ONE_ORIGIN_REGRESSIONS[name](graph)
    assert graph_checks.problems(graph, spec) != []


def test_the_api_load_balancer_stays_closed_to_the_internet() -> None:
    spec = spa_and_api()
    graph = graph_for(spec)
    assert check_https_only(graph, spec) == []
    (dist,) = graph.of_type(DISTRIBUTION)
    dist.inputs["origins"] = plain(dist.inputs["origins"])[:1]  # nothing in front of the ALB
    assert any("neither HTTPS nor CloudFront" in p for p in check_https_only(graph, spec))


def test_an_api_with_its_health_check_at_the_root_cannot_share_the_site() -> None:
    raw = spa_and_api().model_dump()
    raw["services"][0]["health_path"] = "/"
    with pytest.raises(ValueError, match="health check off the site's root"):
        EnvironmentSpec.model_validate(raw)
    raw["site_api"]["path"] = None
    assert EnvironmentSpec.model_validate(raw).site_api is not None


@pytest.mark.parametrize(
    ("pair", "words"),
    [
        ({"site": "api", "api": "api", "path": "/api"}, "not a static service"),
        ({"site": "web", "api": "web", "path": "/api"}, "not a server service"),
        ({"site": "web", "api": "api", "path": "/api/*"}, "pattern"),
        ({"site": "web", "api": "api", "path": "api"}, "pattern"),
    ],
)
def test_site_api_must_name_a_site_an_api_and_a_plain_path(
    pair: dict[str, str], words: str
) -> None:
    raw = spa_and_api().model_dump() | {"site_api": pair}
    with pytest.raises(ValueError, match=words):
        EnvironmentSpec.model_validate(raw)


# -- the CloudFront Function itself, run with node ------------------------------------

HARNESS = """
const event = JSON.parse(process.argv[2]);
process.stdout.write(JSON.stringify(handler(event)));
"""


def _rewritten(tmp_path: Path, uri: str) -> str:
    script = tmp_path / "spa.js"
    script.write_text(SPA_REWRITE_JS + HARNESS, "utf-8")
    event = {"version": "1.0", "context": {"eventType": "viewer-request"}, "request": {"uri": uri}}
    run = subprocess.run(
        ["node", str(script), json.dumps(event)], capture_output=True, text=True, check=True
    )
    return str(json.loads(run.stdout)["uri"])


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize(
    ("uri", "served"),
    [
        ("/", "/index.html"),
        ("/dashboard", "/index.html"),
        ("/users/42/", "/index.html"),
        ("/index.html", "/index.html"),
        ("/assets/app.js", "/assets/app.js"),
        ("/favicon.ico", "/favicon.ico"),
        ("/api/x.json", "/api/x.json"),
        # It would rewrite an API call too: why it runs on the site's behaviour only.
        ("/api/x", "/index.html"),
    ],
)
def test_the_spa_function_rewrites_routes_and_leaves_files(
    tmp_path: Path, uri: str, served: str
) -> None:
    assert _rewritten(tmp_path, uri) == served


def test_plan_prices_one_origin_as_two_and_names_the_functions_usage() -> None:
    merged, separate = plan_spec(spa_and_api()), plan_spec(spa_and_api(path=None))
    # Distributions and functions are billed by use only: the monthly line is the same.
    assert merged.monthly_total_usd == separate.monthly_total_usd > 0
    assert any("CloudFront requests and functions" in note for note in merged.notes)
    assert len(merged.endpoints) == 1 and len(separate.endpoints) == 2

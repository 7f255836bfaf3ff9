"""`scaffold plan prod --json` shows an HTTPS-only public endpoint for a server app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scaffolder.environment.spec import render_spec_yaml
from scaffolder.provision.mockrun import PLAN_ORIGIN_SECRET
from tests.provision.project import make_project
from tests.provision.test_provision_cli import scaffold
from tests.stacks.specs import server_spec


def _plan(project: Path) -> list[dict[str, Any]]:
    result = scaffold("plan", "prod", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    assert PLAN_ORIGIN_SECRET not in result.stdout  # the origin header value stays secret
    plan = json.loads(result.stdout)
    assert plan["endpoints"] and all(u.startswith("https://") for u in plan["endpoints"])
    resources: list[dict[str, Any]] = plan["resources"]
    return resources


def _of(resources: list[dict[str, Any]], type_: str) -> list[dict[str, Any]]:
    return [r for r in resources if r["type"] == type_]


def test_plan_prod_shows_cloudfront_in_front_of_a_closed_load_balancer(tmp_path: Path) -> None:
    resources = _plan(make_project(tmp_path / "app"))
    (dist,) = _of(resources, "aws:cloudfront/distribution:Distribution")
    assert dist["inputs"]["defaultCacheBehavior"]["viewerProtocolPolicy"] == "redirect-to-https"
    assert dist["inputs"]["origins"] == "[secret]"
    (alb,) = _of(resources, "aws:lb/loadBalancer:LoadBalancer")
    groups = set(alb["inputs"]["securityGroups"])
    ingress = [
        r["inputs"]
        for r in _of(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if r["inputs"]["securityGroupId"] in groups
    ]
    assert ingress and all("cidrIpv4" not in i and i["prefixListId"] for i in ingress)
    (listener,) = _of(resources, "aws:lb/listener:Listener")
    assert listener["inputs"]["protocol"] == "HTTP"
    assert [a["type"] for a in listener["inputs"]["defaultActions"]] == ["fixed-response"]
    (policy,) = _of(resources, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")
    hsts = policy["inputs"]["securityHeadersConfig"]["strictTransportSecurity"]
    assert hsts["accessControlMaxAgeSec"] >= 31_536_000


def test_plan_prod_with_a_domain_shows_https_and_a_redirect(tmp_path: Path) -> None:
    project = make_project(tmp_path / "app")
    spec = server_spec("prod").model_copy(update={"domain": "api.notes.example.com"})
    (project / "infra" / "Pulumi.prod.yaml").write_text(render_spec_yaml(spec), "utf-8")
    listeners = {
        r["inputs"]["port"]: r["inputs"] for r in _of(_plan(project), "aws:lb/listener:Listener")
    }
    assert listeners[443]["protocol"] == "HTTPS"
    assert listeners[443]["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    (redirect,) = listeners[80]["defaultActions"]
    assert redirect["type"] == "redirect" and redirect["redirect"]["statusCode"] == "HTTP_301"

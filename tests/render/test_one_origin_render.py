"""The generated files when an SPA and its API share one origin (site_api in the context).

The deploy builds the site with its API base variable empty (same origin), unless
the site's code replaces an empty value, in which case the RUNBOOK asks for the
site's own URL; either way the RUNBOOK says why no CORS is needed.
"""

from __future__ import annotations

from pathlib import Path

from scaffolder.environment import catalog
from scaffolder.environment.spec import load_spec
from scaffolder.models import InitContext, SiteApiSpec
from scaffolder.provision.plan import plan_spec
from tests.render import contexts
from tests.render import workflow_model as wm
from tests.render.run_init import scaffold_init
from tests.support.prototypes import materialize


def _one_origin(*, falls_back: bool) -> InitContext:
    ctx = contexts.monorepo()
    return ctx.model_copy(
        update={
            "site_api": SiteApiSpec(site="client", api="server", path="/api", reason="r"),
            "api_base_env_vars": ["VITE_API_URL"],
            "same_origin_env_vars": [] if falls_back else ["VITE_API_URL"],
        }
    )


def _build_env(repo: Path) -> dict[str, str]:
    job = wm.deploy_job(repo)
    step = wm.steps(job)[wm.index_of(job, "client: build the site")]
    env: dict[str, str] = step["env"]
    return env


def test_the_site_is_built_to_call_its_own_origin(tmp_path: Path) -> None:
    repo = contexts.render(_one_origin(falls_back=False), tmp_path / "repo")
    assert _build_env(repo)["VITE_API_URL"] == ""
    runbook = (repo / "docs/RUNBOOK.md").read_text("utf-8")
    assert "One origin: client and server share one CloudFront distribution" in runbook
    assert "no mixed content and no\nCORS" in runbook
    assert "variable `VITE_API_URL`" not in runbook  # nothing for the owner to set
    assert "Point the name at the shared CloudFront distribution" in runbook


def test_a_site_that_replaces_an_empty_base_gets_its_own_url(tmp_path: Path) -> None:
    repo = contexts.render(_one_origin(falls_back=True), tmp_path / "repo")
    assert _build_env(repo)["VITE_API_URL"] == "${{ vars.VITE_API_URL }}"
    runbook = (repo / "docs/RUNBOOK.md").read_text("utf-8")
    assert "variable `VITE_API_URL`: the site's own https URL" in runbook


def test_two_origins_ask_for_cors(tmp_path: Path) -> None:
    ctx = contexts.monorepo().model_copy(
        update={"site_api": SiteApiSpec(site="client", api="server", reason="r")}
    )
    repo = contexts.render(ctx, tmp_path / "repo")
    assert _build_env(repo)["VITE_API_URL"] == "${{ vars.VITE_API_URL }}"
    runbook = (repo / "docs/RUNBOOK.md").read_text("utf-8")
    assert "the API must allow the site's URL in CORS" in runbook
    assert "Point the name at the load balancer" in runbook


def test_init_puts_bolts_api_under_its_site_and_plan_shows_one_url(tmp_path: Path) -> None:
    repo = materialize("bolt-vite-express", tmp_path / "bolt")
    scaffold_init(repo)
    spec = load_spec(repo / "infra", "prod")
    assert spec.site_api is not None and spec.site_api.path == "/api"
    plan = plan_spec(spec)
    (url,) = plan.endpoints
    assert url.startswith("https://")
    assert any("share one CloudFront distribution" in note for note in plan.notes)
    dists = [r for r in plan.resources if r.type == "aws:cloudfront/distribution:Distribution"]
    assert len(dists) == 1


def test_init_keeps_two_origins_for_a_page_like_prefix(tmp_path: Path) -> None:
    repo = materialize("pnpm-monorepo-vite-fastify", tmp_path / "mono")
    scaffold_init(repo)
    spec = load_spec(repo / "infra", "staging")
    assert spec.site_api is not None and spec.site_api.path is None
    assert "/shifts" in spec.site_api.reason
    (note,) = catalog.origin_notes(spec)
    assert "keep two CloudFront distributions" in note

"""Whether an SPA and its API share one CloudFront distribution (docs/provision.md, "One origin").

Decided once from the code, written into every environment's spec as
`site_api` (a typed SiteApiSpec, not a template condition): a path when every
route the server declares lies under one API-like first segment and the site
requests that path on its own origin; otherwise no path and the reason, which
`scaffold plan` shows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from scaffolder.models import AppFacts, DeployShape, RepoFacts, SiteApiSpec

# A first segment that names an API, not a page the site could also have.
_API_SEGMENT = re.compile(r"^/(?:api|apis|graphql|trpc|rest|backend|v\d+)$")
# The browser-visible variables that hold the API's base URL (VITE_API_URL, ...).
_API_BASE = re.compile(r"(?:^|_)(?:API|BACKEND|SERVER)(?:_BASE)?_URL$")


def _only(apps: list[AppFacts], shape: DeployShape) -> AppFacts | None:
    found = [a for a in apps if a.shape == shape]
    return found[0] if len(found) == 1 else None


def _spread(api: AppFacts, api_name: str) -> str:
    """Why a server without a common prefix keeps its own distribution."""
    if api.routes.unprefixed_routers:
        return f"{api_name} mounts routers without a prefix, so its paths are unknown"
    if not api.routes.paths:
        return f"no routes of {api_name} were found in its code"
    return f"{api_name}'s routes are not under one prefix ({', '.join(api.routes.paths)})"


def _decide(site: AppFacts, api: AppFacts, api_name: str) -> tuple[str | None, str]:
    prefix = api.routes.prefix
    if prefix is None:
        return None, _spread(api, api_name)
    if not _API_SEGMENT.match(prefix):
        return None, (
            f"{api_name}'s routes share {prefix}, which may also be a page of the site "
            f"(set site_api.path: {prefix} by hand if it is not)"
        )
    if prefix not in site.routes.paths:
        return None, f"the site does not request {prefix}/... on its own origin"
    if api.health_path == "/":
        return None, f"{api_name}'s health check is at /, which the site serves"
    return prefix, f"every route of {api_name} is under {prefix}, which the site requests"


def site_api_spec(facts: RepoFacts, names: Mapping[str, str]) -> SiteApiSpec | None:
    """The decision for a repository with one static app and one server, else None.

    `names`: each app's service name by its folder (the template's app names).
    """
    site = _only(facts.apps, DeployShape.STATIC)
    api = _only(facts.apps, DeployShape.SERVER)
    if site is None or api is None:
        return None
    site_name, api_name = names.get(site.root), names.get(api.root)
    if site_name is None or api_name is None:
        return None
    path, reason = _decide(site, api, api_name)
    return SiteApiSpec(site=site_name, api=api_name, path=path, reason=reason)


def api_base_vars(public_env_vars: list[str]) -> list[str]:
    """The site's browser-visible variables that name the API's base URL."""
    return [name for name in public_env_vars if _API_BASE.search(name)]


def same_origin_vars(facts: RepoFacts, pair: SiteApiSpec | None, public: list[str]) -> list[str]:
    """API base variables the deploy sets to "" (same origin) once the API is under the site.

    Not those the site's code replaces when empty (`VITE_API_URL || "http://localhost…"`):
    they need the site's own https URL, which the RUNBOOK asks for.
    """
    if pair is None or pair.path is None:
        return []
    site = _only(facts.apps, DeployShape.STATIC)
    fallbacks = set(site.routes.fallback_vars) if site is not None else set()
    return [name for name in api_base_vars(public) if name not in fallbacks]

"""The quick file filter in front of the health-route pattern never drops a file it matches."""

from __future__ import annotations

import itertools

import pytest

from scaffolder.inspect.production import _HEALTH_ROUTE, _may_route_health

CALLS = [
    "app.get(",
    "router.route(",
    "app.all( ",
    "app.use(\n  ",
    "@app.get(",
    "@router.api_route(",
    "@get(",
    "path(",
    "@Controller(",
    "req.path === ",
    "req.url == ",
]
ROUTES = ["/health", "/api/healthz", "/status/", "health", "api/ping", "/readyz", "/livez"]
QUOTES = ["'", '"', "`"]


def samples() -> list[str]:
    return [
        f"x = 1\n{call}{quote}{route}{quote}, handler)\n"
        for call, route, quote in itertools.product(CALLS, ROUTES, QUOTES)
    ]


def test_the_samples_cover_every_branch_of_the_route_pattern() -> None:
    matched = [s for s in samples() if _HEALTH_ROUTE.search(s)]
    groups = {
        next(i for i in range(1, 5) if m.group(i))
        for s in matched
        if (m := _HEALTH_ROUTE.search(s))
    }
    assert groups == {1, 2, 3, 4}


@pytest.mark.parametrize("text", [s for s in samples() if _HEALTH_ROUTE.search(s)])
def test_every_text_the_route_pattern_matches_passes_the_filter(text: str) -> None:
    assert _may_route_health(text)


def test_the_filter_drops_quoted_words_that_no_route_can_use() -> None:
    assert not _may_route_health('row["status"] = "ok"\nprint(health)\n')
    assert _may_route_health('urlpatterns = [path("status", view)]\n')

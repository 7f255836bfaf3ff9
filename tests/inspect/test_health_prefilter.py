"""The quick file filter in front of the health-route pattern never drops a file it matches."""

from __future__ import annotations

import itertools
import re

import pytest

from scaffolder.inspect.production import (
    _HEALTH,
    _HEALTH_ROUTE,
    _QUOTED_HEALTH_PATH,
    _SLASHED_WORDS,
    _may_route_health,
)

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


# The route pattern with its branches written plainly, before it was arranged for speed.
_PLAIN_HEALTH_ROUTE = re.compile(
    r"""(?:\.(?:get|route|all|use)|@(?:\w+\.)?(?:get|route|api_route))\(\s*['"`]("""
    + _HEALTH
    + r""")['"`]"""
    r"""|\bpath\(\s*['"]((?:api/)?(?:health|healthz|status|ping)/?)['"]"""
    r"""|@Controller\(\s*['"]/?((?:api/)?(?:health|healthz|status))['"]"""
    r"""|\breq\.(?:path|url)\s*===?\s*['"`](""" + _HEALTH + r""")['"`]"""
)
NEAR_MISSES = [
    "xpath('health')",
    "_path('health')",
    "preq.path === '/health'",
    "a.req.url == '/status'",
    "req.path==='/ping'",
    '.get ("/health")',
    "@router.get('/healthz') @Controller('api/status') path('ping/') .use(`/livez`)",
    "r.get('/health'); p.all('/readyz'); @@get('/ping')",
]


@pytest.mark.parametrize("text", [*samples(), *NEAR_MISSES])
def test_the_route_pattern_finds_what_its_plain_form_finds(text: str) -> None:
    def found(pattern: re.Pattern[str]) -> list[tuple[int, int, tuple[str | None, ...]]]:
        return [(m.start(), m.end(), m.groups()) for m in pattern.finditer(text)]

    assert found(_HEALTH_ROUTE) == found(_PLAIN_HEALTH_ROUTE)


@pytest.mark.parametrize("route", [*ROUTES, "/healthcheck", "/health-check", "/api/readyz/"])
def test_every_quoted_health_path_holds_a_slashed_word(route: str) -> None:
    for quote in QUOTES:
        text = f"{quote}/{route.lstrip('/')}{quote}"
        if _QUOTED_HEALTH_PATH.search(text):
            assert any(word in text for word in _SLASHED_WORDS)
            assert _may_route_health(text)

"""Where a server's routes live, and what a static site requests on its own origin.

`scaffold init` puts an SPA and its API behind one CloudFront distribution when
the API lives under one path (docs/provision.md, "One origin for an SPA and its
API"). This reads the declarations, not the running app: Express/Fastify/Koa
calls (`app.get("/api/x")`, `app.use("/api", router)`, `register(r, { prefix })`),
FastAPI/Flask decorators and prefixes (`APIRouter(prefix=...)`,
`include_router(..., prefix=...)`, `Blueprint(..., url_prefix=...)`). Routes
declared on a router are relative to where it is mounted, so only the app's own
routes and the mounts count; a router mounted without a prefix makes the layout
unknown. Health checks are left out: CloudFront routes them separately.
"""

from __future__ import annotations

from scaffolder.inspect.index import RepoIndex, own_code
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.models import AppFacts, DeployShape, RouteFacts

# The objects whose routes are top-level (an app, not a router mounted somewhere).
_APP_OBJECTS = frozenset({"app", "server", "fastify", "application"})
_PATH = r"""(?P<quote>['"`])(?P<path>/[^'"`\s]*)(?P=quote)"""
# `app.get("/x")` is found from its `.get(`: a pattern opening with `\b(\w+)` would be tried
# at every word of every file (~40x slower on a large repository). The object is the run of
# word characters (\w: alphanumeric or "_") just before the dot, as `\b(\w+)\.` matched.
_JS_CALL = lazy_regex(r"\.(?:get|post|put|patch|delete|all|options|head|use|route)\(\s*" + _PATH)
_PY_ROUTE = lazy_regex(
    r"@(\w+)\.(?:get|post|put|patch|delete|route|api_route|websocket)\(\s*" + _PATH
)
# `\bprefix` and `\burl_prefix`, written to start with their first letter so that `re`
# skips to those letters: `(?<!\wp)` after the p is the `\b` before it.
_PREFIXED_MOUNT = lazy_regex(
    r"""(?:p(?<!\wp)refix\s*[:=]\s*|u(?<!\wu)rl_prefix\s*=\s*)(['"`])(/[^'"`\s]*)\1"""
)
_UNPREFIXED_MOUNT = lazy_regex(
    r"\.(?:include_router|register_blueprint)\(\s*[\w.]+\s*\)"
    r"|\.use\(\s*\w*(?:[Rr]outer|[Rr]outes)\w*\s*\)"
)
_HEALTH = lazy_regex(r"^/(?:api/)?(?:health|healthz|healthcheck|health-check|ping|readyz|livez)/?$")
# A same-origin request in a site's code: "/api/x", `/api`, `${BASE}/api/x`.
_REQUEST = lazy_regex(r"""['"`](?:\$\{[^}]*\})?/([A-Za-z0-9_~-]+)(?=[/?'"`])""")
_FALLBACK = lazy_regex(r"\b((?:[A-Z]+_)*(?:API|BACKEND|SERVER)(?:_BASE)?_URL)\b\s*\|\|")
_SAMPLES = 6


def _first_segment(path: str) -> str | None:
    segment = path.split("?", 1)[0].strip("/").split("/", 1)[0]
    if not segment or segment.startswith((":", "*", "{", "<", "$")) or "*" in segment:
        return None
    return f"/{segment}"


def _js_app_routes(text: str) -> list[str]:
    """The paths of `app.get("/x")`-like calls on _APP_OBJECTS, as `\\b(\\w+)\\.get...` finds them.

    A call found on another word is consumed as that pattern's match would be; a call with
    no word before its dot (`).get(`) was no match there, so the search goes on inside it.
    """
    paths: list[str] = []
    pos = 0
    while match := _JS_CALL.search(text, pos):
        dot = start = match.start()
        while start > pos and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        if start == dot:
            pos = dot + 1
            continue
        if text[start:dot] in _APP_OBJECTS:
            paths.append(match["path"])
        pos = match.end()
    return paths


def server_routes(app: AppFacts, index: RepoIndex) -> RouteFacts:
    """The first segment every top-level route and mount of `app` shares, if one."""
    paths: list[str] = []
    unprefixed = False
    for source in own_code(index, app.root):
        text = source.text
        if "/" not in text:
            continue
        if source.path.endswith(".py"):
            paths += [m["path"] for m in _PY_ROUTE.finditer(text) if m.group(1) in _APP_OBJECTS]
        else:
            paths += _js_app_routes(text)
        if "prefix" in text:  # in both of its forms; the pattern itself is slow to fail
            paths += [m.group(2) for m in _PREFIXED_MOUNT.finditer(text)]
        unprefixed = unprefixed or _UNPREFIXED_MOUNT.search(text) is not None
    top = sorted({p for p in paths if "${" not in p and not _HEALTH.match(p)})
    segments = {_first_segment(p) for p in top} - {None}
    prefix = segments.pop() if len(segments) == 1 and not unprefixed else None
    return RouteFacts(prefix=prefix, paths=top[:_SAMPLES], unprefixed_routers=unprefixed)


def site_requests(app: AppFacts, index: RepoIndex) -> RouteFacts:
    """The first segments a site requests on its own origin, and its API fallbacks."""
    segments: set[str] = set()
    fallbacks: set[str] = set()
    for source in own_code(index, app.root):
        segments.update(f"/{m.group(1)}" for m in _REQUEST.finditer(source.text))
        fallbacks.update(m.group(1) for m in _FALLBACK.finditer(source.text))
    return RouteFacts(paths=sorted(segments), fallback_vars=sorted(fallbacks))


def attach_routes(apps: list[AppFacts], index: RepoIndex) -> None:
    for app in apps:
        if app.shape == DeployShape.SERVER:
            app.routes = server_routes(app, index)
        elif app.shape == DeployShape.STATIC:
            app.routes = site_requests(app, index)

"""Production pieces already present: containers, CI, tests, health checks, observability."""

from __future__ import annotations

from scaffolder.inspect.ci import OTHER_CI, inspect_workflow, scheduled_only, yaml_problem
from scaffolder.inspect.dockerfile import inspect_dockerfile, is_dockerfile
from scaffolder.inspect.health_wiring import is_health_module, is_wired, wsgi_health_endpoints
from scaffolder.inspect.index import APP_CODE_SUFFIXES, RepoIndex, basename, evidence, suffix, under
from scaffolder.inspect.lazy_regex import LazyRegex, lazy_regex
from scaffolder.inspect.manifests import parent_dir
from scaffolder.models import Evidence, ProductionPieces, ScanWarning

COMPOSE_NAMES = frozenset(
    {"docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"}
)
DEPLOY_CONFIGS = frozenset(
    {
        "vercel.json",
        "netlify.toml",
        "fly.toml",
        "render.yaml",
        "railway.json",
        "railway.toml",
        "Procfile",
        "app.yaml",
        "amplify.yml",
        "nixpacks.toml",
        "apprunner.yaml",
    }
)
_LOGGING = (
    "pino",
    "winston",
    "bunyan",
    "morgan",
    "log4js",
    "structlog",
    "loguru",
    "python-json-logger",
)
_ERROR_TRACKING: tuple[tuple[str, str], ...] = (
    ("@sentry/", "sentry"),
    ("sentry-sdk", "sentry"),
    ("@bugsnag/", "bugsnag"),
    ("bugsnag", "bugsnag"),
    ("rollbar", "rollbar"),
    ("dd-trace", "datadog"),
    ("@datadog/", "datadog"),
    ("ddtrace", "datadog"),
    ("newrelic", "newrelic"),
    ("@honeybadger-io/", "honeybadger"),
    ("honeybadger", "honeybadger"),
)
_IAC: tuple[tuple[LazyRegex, str], ...] = (
    (lazy_regex(r"\.tf$"), "terraform"),
    (lazy_regex(r"(?:^|/)Pulumi\.ya?ml$"), "pulumi"),
    (lazy_regex(r"(?:^|/)cdk\.json$"), "cdk"),
    (lazy_regex(r"(?:^|/)sst\.config\.[jt]s$"), "sst"),
    (lazy_regex(r"(?:^|/)serverless\.ya?ml$"), "serverless"),
)
_TEST_FILE = lazy_regex(
    r"(?:\.(?:test|spec)\.[cm]?[jt]sx?$|(?:^|/)test_\w+\.py$|_test\.py$|(?:^|/)tests\.py$"
    r"|(?:^|/)__tests__/)"
)
_HEALTH = r"/(?:api/)?(?:health|healthz|healthcheck|health-check|status|ping|readyz|livez)/?"
# `.get("/health")`, `@app.get(...)`, Django's `path("health")`, Nest's `@Controller("health")`,
# and middleware that answers one path itself: `if (req.path === "/healthz")` (init's
# health.cjs). Every match starts with one of `.@pr`, which the pattern consumes first so
# that `re` skips every other character; each branch then checks (lookbehind) which one
# it was, and `\b` before `path(` and `req.` is `(?<!\wp)` and `(?<!\wr)` once p or r is
# consumed. The same matches and groups as the branches written plainly (tests).
_HEALTH_ROUTE = lazy_regex(
    r"""[.@pr](?:(?<=[.@])(?:(?<=\.)(?:get|route|all|use)|(?<=@)(?:\w+\.)?(?:get|route|api_route))"""
    r"""\(\s*['"`](""" + _HEALTH + r""")['"`]"""
    r"""|(?<=p)(?<!\wp)ath\(\s*['"]((?:api/)?(?:health|healthz|status|ping)/?)['"]"""
    r"""|(?<=@)Controller\(\s*['"]/?((?:api/)?(?:health|healthz|status))['"]"""
    r"""|(?<=r)(?<!\wr)eq\.(?:path|url)\s*===?\s*['"`](""" + _HEALTH + r""")['"`])"""
)
_HEALTH_WORDS = ("health", "status", "ping", "readyz", "livez")
# What every _HEALTH_ROUTE match holds: a quoted route, with a leading slash unless it
# follows `path(` or `@Controller(`. A file without one cannot match, and these (a quote
# first, or a plain substring) are quick to rule a file out where the route pattern, with
# no fixed first character, is not: ~0.2 s on a 1,000-file repository.
_QUOTED_HEALTH = (
    r"""['"`]{slash}(?:api/)?(?:health|healthz|healthcheck|health-check|status|ping|readyz"""
    r"""|livez)/?['"`]"""
)
_QUOTED_HEALTH_PATH = lazy_regex(_QUOTED_HEALTH.format(slash="/"))
_QUOTED_HEALTH_WORD = lazy_regex(_QUOTED_HEALTH.format(slash="/?"))


# What every _QUOTED_HEALTH_PATH match holds (`/api/health` holds `/health`): checked with
# `in` first, where the pattern stops at every quote of the file.
_SLASHED_WORDS = ("/health", "/status", "/ping", "/readyz", "/livez")


def _may_route_health(text: str) -> bool:
    """False when `text` cannot hold a _HEALTH_ROUTE match."""
    if any(word in text for word in _SLASHED_WORDS) and _QUOTED_HEALTH_PATH.search(text):
        return True
    bare = "path(" in text or "@Controller(" in text
    return bare and _QUOTED_HEALTH_WORD.search(text) is not None


_HEALTH_NAME = r"(health|healthz|healthcheck|status|ping)"
# File-system routes: Next.js app and pages routers, SvelteKit endpoints.
_HEALTH_FILE = lazy_regex(
    r"(?:^|/)(?:src/)?(?:app/(api/)?" + _HEALTH_NAME + r"/route\.[jt]s"
    r"|pages/(api/)" + _HEALTH_NAME + r"\.[jt]s"
    r"|routes/(api/)?" + _HEALTH_NAME + r"/\+server\.[jt]s"
    r"|app/routes/(api\.)?" + _HEALTH_NAME + r"\.[jt]sx?)$"
)


def _dep_names(index: RepoIndex) -> set[str]:
    names: set[str] = set()
    for pkg in index.manifests.packages.values():
        names.update(pkg.deps)
    for project in index.manifests.python.values():
        names.update(project.deps)
    return names


def is_test_file(path: str) -> bool:
    return suffix(path) in APP_CODE_SUFFIXES and _TEST_FILE.search(path) is not None


def health_endpoints(index: RepoIndex) -> list[Evidence]:
    """Health routes the app serves (a separate health module only once it is wired in)."""
    return _health_routes(index)[0]


def _health_routes(index: RepoIndex) -> tuple[list[Evidence], list[Evidence]]:
    """(served health routes, routes in health modules nothing wires in)."""
    found: list[Evidence] = []
    unwired: list[Evidence] = []
    for path in index.paths:
        if match := _HEALTH_FILE.search(path):
            route = "/" + "".join(g for g in match.groups() if g).replace(".", "/")
            found.append(Evidence(path=path, snippet=route))
    # Cheap substring checks first: the route regex has no literal prefix to skip ahead on.
    code = [
        s
        for s in index.code_files
        if any(word in s.text for word in _HEALTH_WORDS) and not is_test_file(s.path)
    ]
    wired: dict[str, bool] = {}
    candidates = [s for s in code if _may_route_health(s.text)]
    for source, match in index.search(_HEALTH_ROUTE, candidates):
        route = match.group(1) or match.group(4) or "/" + (match.group(2) or match.group(3))
        hit = evidence(source, match)
        endpoint = Evidence(path=hit.path, line=hit.line, snippet=route.rstrip("/") or route)
        if is_health_module(source.path) and source.path not in wired:
            wired[source.path] = is_wired(source.path, index.code_files)
        (found if wired.get(source.path, True) else unwired).append(endpoint)
    for endpoint, served in wsgi_health_endpoints(code, index.files):
        (found if served else unwired).append(endpoint)
    return found, unwired


NODE_LOCKFILES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "pnpm-lock.yaml",
        "yarn.lock",
        "bun.lock",
        "bun.lockb",
    }
)


def _node_lockfile_near(index: RepoIndex, dockerfile: str) -> bool:
    """A Node lockfile in the Dockerfile's folder or above it (a workspace root)."""
    folder = parent_dir(dockerfile)
    return any(
        basename(p) in NODE_LOCKFILES and (folder == parent_dir(p) or under(folder, parent_dir(p)))
        for p in index.paths
    )


def detect_production(index: RepoIndex) -> tuple[ProductionPieces, list[ScanWarning]]:
    pieces = ProductionPieces()
    warnings: list[ScanWarning] = []
    for source in index.files:
        name = basename(source.path)
        if is_dockerfile(source.path):
            locked = _node_lockfile_near(index, source.path)
            pieces.dockerfiles.append(inspect_dockerfile(source, has_node_lockfile=locked))
        elif name in COMPOSE_NAMES:
            pieces.compose_files.append(source.path)
            problem = yaml_problem(source)
            warnings.extend([problem] if problem else [])
        elif source.path.startswith(".github/workflows/") and name.endswith((".yml", ".yaml")):
            workflow, problems = inspect_workflow(source)
            warnings.extend(problems)
            if scheduled_only(source) and not (workflow.runs_tests or workflow.deploys):
                continue  # a cron job (scrapers, data collectors), not CI
            pieces.workflows.append(workflow)
    paths = index.paths
    pieces.other_ci = [p for p in OTHER_CI if p in index.path_set]
    pieces.test_files = sum(1 for p in paths if is_test_file(p))
    pieces.health_endpoints, pieces.unwired_health = _health_routes(index)
    deps = _dep_names(index)
    pieces.logging_libraries = sorted(n for n in _LOGGING if n in deps)
    pieces.error_tracking = sorted(
        {
            label
            for prefix, label in _ERROR_TRACKING
            for d in deps
            if d == prefix or (prefix.endswith("/") and d.startswith(prefix))
        }
    )
    pieces.iac = sorted({label for pattern, label in _IAC for p in paths if pattern.search(p)})
    pieces.deploy_configs = sorted(p for p in paths if basename(p) in DEPLOY_CONFIGS)
    from scaffolder.inspect.recorded import record_what_exists  # imports extras, which needs us

    warnings.extend(record_what_exists(index, pieces))
    return pieces, warnings

"""Which of the names an app reads are settings its owner must supply.

Real prototypes read names their platform, terminal or test runner sets: CI,
NODE_ENV, VERCEL_ENV, REPLIT_DEPLOYMENT, TERM_PROGRAM, E2E_BASE_URL. Listing them
in .env.example and as Secrets Manager entries asks the user for values nobody
has, and an empty secret would override what the runtime sets.
"""

from __future__ import annotations

import re

from scaffolder.models import EnvVarFacts

# Set by the container, the build or scaffold's own infra (PORT, NODE_ENV).
_RUNTIME = frozenset(
    {
        "CI",
        "NODE_ENV",
        "PORT",
        "HOST",
        "HOSTNAME",
        "HOME",
        "PATH",
        "PWD",
        "USER",
        "SHELL",
        "LANG",
        "TERM",
        "TERM_PROGRAM",
        "ITERM_SESSION_ID",
        "WT_SESSION",
        "COLORTERM",
        "NEXT_PHASE",
        "NEXT_RUNTIME",
        "RENDER",
        "DYNO",
        "PYTHONPATH",
        "PYTHONUNBUFFERED",
        "VIRTUAL_ENV",
    }
)
# Hosting and CI platforms that inject their own variables (GITHUB_TOKEN is often
# a personal token the app needs, so it stays).
_PLATFORM_PREFIX = re.compile(
    r"^(?:NEXT_PUBLIC_)?(?:VERCEL|NETLIFY|REPLIT|REPL|RAILWAY|RENDER|FLY|HEROKU|RUNNER"
    r"|ECS_CONTAINER|AWS_LAMBDA|AWS_EXECUTION)_"
)
_GITHUB_RUNTIME = re.compile(r"^GITHUB_(?!TOKEN$)[A-Z_]+$")
_TEST_PATH = re.compile(
    r"(?:^|/)(?:tests?|__tests__|e2e|cypress|playwright)/"
    r"|\.(?:test|spec)\.[cm]?[jt]sx?$|(?:^|/)(?:test_[^/]*|[^/]*_test|conftest)\.py$"
    r"|(?:^|/)(?:playwright|vitest|jest|cypress)\.config\.[cm]?[jt]s$"
)


def is_platform_name(name: str) -> bool:
    return name in _RUNTIME or bool(_PLATFORM_PREFIX.match(name) or _GITHUB_RUNTIME.match(name))


def read_only_by_tests(var: EnvVarFacts) -> bool:
    paths = [e.path for e in var.evidence]
    return bool(paths) and all(_TEST_PATH.search(p) for p in paths)


def owner_supplied(var: EnvVarFacts) -> bool:
    """True when the app's owner must give this setting a value per environment."""
    return not is_platform_name(var.name) and not read_only_by_tests(var)

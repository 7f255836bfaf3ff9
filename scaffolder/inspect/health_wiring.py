"""Is a health route reachable? A route in a separate module counts only once it is wired in.

`scaffold init` writes a small health module (health.cjs, healthz.py) that the user wires
in with one line (docs/init.md, health table). Until some other file imports, requires or
includes it, the route it defines is not served, so it is not a health endpoint. Routes in
any other file (the app's own server module, a Next.js route file) are served as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from scaffolder.inspect.dockerfile import is_dockerfile
from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.index import JS_SUFFIXES, basename, line_of, suffix, under
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.manifests import parent_dir
from scaffolder.models import Evidence

# A separate module named for the health check, as init writes them and as people name them.
_MODULE_STEMS = frozenset({"health", "healthz", "healthcheck", "health-check", "health_check"})


def _stem(path: str) -> str:
    name = basename(path)
    return name[: -len(suffix(path))] if suffix(path) else name


def is_health_module(path: str) -> bool:
    """A standalone health module: served only when another file wires it in."""
    name = _stem(path)
    return name in _MODULE_STEMS and (suffix(path) in JS_SUFFIXES or suffix(path) == ".py")


def _reference(path: str) -> re.Pattern[str]:
    stem = re.escape(_stem(path))
    if suffix(path) == ".py":
        return re.compile(
            rf"^\s*import\s+(?:[\w.]+\s*,\s*)*[\w.]*\b{stem}\b"  # import healthz / app.healthz
            rf"|^\s*from\s+[\w.]*\s+import\s+[^\n]*\b{stem}\b"  # from . import healthz
            rf"|^\s*from\s+[\w.]*\b{stem}\s+import\b"  # from .healthz import router
            rf"""|\binclude\(\s*['"][\w.]*\b{stem}['"]""",  # Django: include("healthz")
            re.MULTILINE,
        )
    # require("./health.cjs"), import h from "../health", import("./health.js")
    return re.compile(rf"""['"`]\.{{1,2}}/(?:[\w@.-]+/)*{stem}(?:\.[cm]?[jt]s)?['"`]""")


def is_wired(module: str, code: Iterable[SourceFile]) -> bool:
    """True when another code file imports, requires or includes `module`."""
    pattern = _reference(module)
    stem = _stem(module)
    python = suffix(module) == ".py"
    for source in code:
        if source.path == module or stem not in source.text:
            continue
        if (suffix(source.path) == ".py") == python and pattern.search(source.text):
            return True
    return False


# init's Django health module (templates/includes/health.jinja): a WSGI application that answers
# HEALTH_PATH itself and hands every other request to the project's. It has no route to import;
# it is served when the image or Procfile runs it (`gunicorn healthz:application`).
_WSGI_HEALTH_PATH = lazy_regex(r"""^HEALTH_PATH\s*=\s*['"](/[^'"\n]*)['"]""", re.MULTILINE)
_WSGI_ENTRY = lazy_regex(r"^def application\(", re.MULTILINE)


def _serves(source: SourceFile, module: str) -> bool:
    """`source` is a Dockerfile or Procfile at or above `module`'s folder serving its WSGI app."""
    if not (is_dockerfile(source.path) or basename(source.path) == "Procfile"):
        return False
    if not under(module, parent_dir(source.path)):
        return False
    stem = re.escape(_stem(module))
    return re.search(rf"(?<![\w.]){stem}:application\b", source.text) is not None


def wsgi_health_endpoints(
    code: Iterable[SourceFile], files: Sequence[SourceFile]
) -> Iterator[tuple[Evidence, bool]]:
    """(route, served) for each Python health module that wraps the project's WSGI app."""
    for source in code:
        if suffix(source.path) != ".py" or not is_health_module(source.path):
            continue
        match = _WSGI_HEALTH_PATH.search(source.text)
        if match is None or not _WSGI_ENTRY.search(source.text):
            continue
        route = Evidence(
            path=source.path, line=line_of(source.text, match.start()), snippet=match[1]
        )
        yield route, any(_serves(f, source.path) for f in files)

"""Facts that join detectors: per-app health and tests, debug mode, known environments."""

from __future__ import annotations

import re

from scaffolder.inspect.apps import app_for_path
from scaffolder.inspect.index import RepoIndex, evidence, own_code, preference
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.production import is_test_file
from scaffolder.models import AppFacts, AppKind, ProductionPieces

_FLASK_DEBUG = lazy_regex(r"\.run\([^)]*\bdebug\s*=\s*True\b")
_DJANGO_DEBUG = lazy_regex(r"^DEBUG\s*=\s*True\b", re.M)
_PULUMI_STACK = lazy_regex(r"(?:^|/)Pulumi\.([\w-]+)\.ya?ml$")
_ENV_FILE = lazy_regex(r"(?:^|/)\.env\.([\w-]+)$")
_WORKFLOW_ENV = lazy_regex(
    r"^\s*environment\s*:\s*(?:\n\s+name\s*:\s*)?['\"]?([\w-]+)['\"]?\s*$", re.M
)
_NOT_ENVIRONMENTS = frozenset({"example", "sample", "template", "local", "defaults", "dist"})


def attach_app_facts(apps: list[AppFacts], production: ProductionPieces, index: RepoIndex) -> None:
    for endpoint in sorted(production.health_endpoints, key=lambda e: preference(e.path)):
        app = app_for_path(apps, endpoint.path)
        if app is not None and app.health_path is None and endpoint.snippet:
            app.health_path = endpoint.snippet
    for path in index.paths:
        if is_test_file(path):
            app = app_for_path(apps, path)
            if app is not None:
                app.has_tests = True


def debug_modes(apps: list[AppFacts], index: RepoIndex) -> None:
    for app in apps:
        pattern = {AppKind.FLASK: _FLASK_DEBUG, AppKind.DJANGO: _DJANGO_DEBUG}.get(app.kind)
        if pattern is None:
            continue
        for source in own_code(index, app.root, (".py",)):
            if match := pattern.search(source.text):
                app.debug_mode.append(evidence(source, match, snippet=True))


def environments(index: RepoIndex) -> list[str]:
    names: set[str] = set()
    for path in index.paths:
        for pattern in (_PULUMI_STACK, _ENV_FILE):
            if match := pattern.search(path):
                names.add(match.group(1).lower())
    for source in index.files:
        if source.path.startswith(".github/workflows/") and "environment" in source.text:
            names.update(m.group(1).lower() for m in _WORKFLOW_ENV.finditer(source.text))
    return sorted(names - _NOT_ENVIRONMENTS)

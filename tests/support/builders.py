"""Builders for the models tests make by hand: each takes only what a test changes.

`template_app(**overrides)`: one app as the template needs it, by default an Express
server on Node 20 (only TemplateApp's required fields have defaults here, so an
override list says everything that differs from TemplateApp's own defaults).
`repo_facts(*apps, **overrides)`: the facts of a repository holding `apps`.
"""

from __future__ import annotations

from typing import Any

from scaffolder.models import AppFacts, AppKind, Language, RepoFacts, TemplateApp

_TEMPLATE_APP: dict[str, Any] = {
    "name": "api",
    "root": ".",
    "kind": AppKind.EXPRESS,
    "language": Language.NODE,
    "shape": "server",
    "runtime_version": "20",
    "install_command": "npm ci",
    "start_command": "node server.js",
}


def template_app(**overrides: Any) -> TemplateApp:
    return TemplateApp.model_validate({**_TEMPLATE_APP, **overrides})


def repo_facts(*apps: AppFacts, **overrides: Any) -> RepoFacts:
    fields: dict[str, Any] = {"root": "/repo", "name": "shop", "apps": list(apps)}
    return RepoFacts.model_validate({**fields, **overrides})

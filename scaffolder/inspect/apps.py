"""Which apps a repository holds, of what kind, and how each one is deployed.

One repository may hold several apps (root, client/, server/, apps/*, packages/*).
Kinds come from dependencies first and code second; node.py and python.py then
fill in how to install, build, start and test each one.
"""

from __future__ import annotations

import re

from scaffolder.inspect.browser_bundle import config_text
from scaffolder.inspect.index import RepoIndex, basename, evidence, under
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.manifests import PackageJson, join
from scaffolder.inspect.node import fill_node_app
from scaffolder.inspect.python import fill_python_app, python_app_roots
from scaffolder.models import AppFacts, AppKind, DeployShape, Evidence, Language

# Most specific first: a Next.js app also depends on react, an Express server may use vite.
_NODE_KINDS: tuple[tuple[str, AppKind], ...] = (
    ("next", AppKind.NEXTJS),
    ("@remix-run/", AppKind.REMIX),
    ("@sveltejs/kit", AppKind.SVELTEKIT),
    ("nuxt", AppKind.NUXT),
    ("astro", AppKind.ASTRO),
    ("@nestjs/core", AppKind.NESTJS),
    ("fastify", AppKind.FASTIFY),
    ("express", AppKind.EXPRESS),
    ("hono", AppKind.HONO),
    # Create React App (react-scripts, or craco / react-app-rewired over it) builds into
    # build/ and exposes REACT_APP_* to the browser; ahead of vite unless the build uses vite.
    ("react-scripts", AppKind.CREATE_REACT_APP),
    ("vite", AppKind.VITE_SPA),
)
_SERVER_KINDS = frozenset(
    {AppKind.EXPRESS, AppKind.FASTIFY, AppKind.HONO, AppKind.NESTJS, AppKind.REMIX, AppKind.NUXT}
)
_ASTRO_SERVER = lazy_regex(r"output\s*:\s*['\"](?:server|hybrid)['\"]")
_NEXT_EXPORT = lazy_regex(r"output\s*:\s*['\"]export['\"]")
# The adapter svelte.config imports decides; AI tools often install several side by side.
_SVELTE_ADAPTER = lazy_regex(r"['\"]@sveltejs/adapter-([\w-]+)['\"]")


def slug(value: str) -> str:
    value = value.rsplit("/", 1)[-1]  # "@acme/web" -> "web"
    text = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return text or "app"


def _node_kind(pkg: PackageJson, index: RepoIndex) -> AppKind | None:
    deps = pkg.deps
    for dep, kind in _NODE_KINDS:
        hit = any(d.startswith(dep) for d in deps) if dep.endswith("/") else dep in deps
        if not hit:
            continue
        if kind is AppKind.CREATE_REACT_APP and "vite" in deps and _builds_with_vite(pkg):
            continue  # half-way through a move to Vite: the build script decides
        # A library package that builds with vite is not an app: apps have an index.html.
        if dep == "vite" and not _has_index_html(pkg.folder, index):
            continue
        if kind is AppKind.HONO and not _serves_hono(pkg):
            continue
        return kind
    return None


def _serves_hono(pkg: PackageJson) -> bool:
    """Hono is a server when the package starts one: on Node through @hono/node-server
    (`serve({ fetch: app.fetch, port })`), or a start script (Bun and Deno serve the
    default export). On Cloudflare Workers (wrangler) it is not a container's server."""
    if "wrangler" in pkg.deps:
        return False
    return "@hono/node-server" in pkg.deps or bool(pkg.scripts.get("start"))


def _builds_with_vite(pkg: PackageJson) -> bool:
    return "vite" in pkg.scripts.get("build", "")


def _has_index_html(folder: str, index: RepoIndex) -> bool:
    return any(index.exists(join(folder, p)) for p in ("index.html", "public/index.html"))


def _node_shape(kind: AppKind, pkg: PackageJson, index: RepoIndex) -> DeployShape:
    if kind in _SERVER_KINDS:
        return DeployShape.SERVER
    if kind is AppKind.NEXTJS:
        config = config_text(index, pkg.folder, "next")
        exported = config is not None and _NEXT_EXPORT.search(config[1]) is not None
        return DeployShape.STATIC if exported else DeployShape.SERVER
    if kind is AppKind.SVELTEKIT:
        return DeployShape.STATIC if _svelte_adapter(pkg, index) == "static" else DeployShape.SERVER
    if kind is AppKind.ASTRO:
        config = config_text(index, pkg.folder, "astro")
        server = "@astrojs/node" in pkg.deps or (
            config is not None and _ASTRO_SERVER.search(config[1]) is not None
        )
        return DeployShape.SERVER if server else DeployShape.STATIC
    return DeployShape.STATIC


def _svelte_adapter(pkg: PackageJson, index: RepoIndex) -> str | None:
    """The adapter svelte.config imports (a prototype may list adapter-auto, -node and
    -static together); without a config, adapter-static among the dependencies."""
    config = config_text(index, pkg.folder, "svelte")
    imported = _SVELTE_ADAPTER.search(config[1]) if config else None
    if imported:
        return imported[1]
    return "static" if "@sveltejs/adapter-static" in pkg.deps else None


def _folder_name(folder: str, repo_name: str) -> str:
    return repo_name if folder == "." else basename(folder)


def _node_apps(index: RepoIndex, repo_name: str) -> list[AppFacts]:
    apps: list[AppFacts] = []
    for folder, pkg in sorted(index.manifests.packages.items()):
        kind = _node_kind(pkg, index)
        if kind is None:
            continue
        app = AppFacts(
            name=slug(pkg.name or _folder_name(folder, repo_name)),
            root=folder,
            kind=kind,
            language=Language.NODE,
            shape=_node_shape(kind, pkg, index),
            evidence=[Evidence(path=pkg.path)],
        )
        fill_node_app(app, pkg, index)
        apps.append(app)
    return apps


def _python_apps(index: RepoIndex, repo_name: str) -> list[AppFacts]:
    apps: list[AppFacts] = []
    for folder, kind, source in python_app_roots(index):
        project = index.manifests.python.get(folder)
        name = project.name if project and project.name else _folder_name(folder, repo_name)
        app = AppFacts(
            name=slug(name),
            root=folder,
            kind=kind,
            language=Language.PYTHON,
            shape=DeployShape.SERVER,
            evidence=[evidence(source)] if source else [],
        )
        fill_python_app(app, index)
        apps.append(app)
    return apps


def detect_apps(index: RepoIndex, repo_name: str) -> list[AppFacts]:
    apps = _node_apps(index, repo_name) + _python_apps(index, repo_name)
    seen: set[str] = set()
    for app in sorted(apps, key=lambda a: (a.root.count("/"), a.root)):
        if app.name in seen:  # two apps in one folder, or two packages named alike
            app.name = slug(f"{app.name}-{app.kind.value}")
        seen.add(app.name)
    return sorted(apps, key=lambda a: (a.root, a.language.value))


def app_for_path(apps: list[AppFacts], path: str) -> AppFacts | None:
    """The app whose root is the deepest folder holding `path`."""
    holding = [app for app in apps if under(path, app.root)]
    return max(holding, key=lambda a: 0 if a.root == "." else len(a.root) + 1, default=None)

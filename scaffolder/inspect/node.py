"""How a Node app is installed, built, started and tested, from its manifests and code."""

from __future__ import annotations

import posixpath
import re

from scaffolder.inspect.browser_bundle import browser_bundle, config_path, config_text, vite_layout
from scaffolder.inspect.config_extends import unresolved_extends
from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.index import RepoIndex, exposed_port, own_code
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.manifests import PackageJson, join, parent_dir
from scaffolder.inspect.node_runtime import (
    dev_only,
    entry_files,
    hard_coded_port,
    runtime_imports,
)
from scaffolder.models import AppFacts, AppKind, DeployShape, Evidence, PackageManager
from scaffolder.toolchain import TABLE, declared_version

LOCKFILES: dict[str, PackageManager] = {
    "package-lock.json": PackageManager.NPM,
    "npm-shrinkwrap.json": PackageManager.NPM,
    "pnpm-lock.yaml": PackageManager.PNPM,
    "yarn.lock": PackageManager.YARN,
    "bun.lockb": PackageManager.BUN,
    "bun.lock": PackageManager.BUN,
}
_PREFERENCE = (PackageManager.NPM, PackageManager.PNPM, PackageManager.YARN, PackageManager.BUN)
EXEC = {pm: row.exec_prefix for pm, row in TABLE.items()}
_DEFAULT_BUILD = {
    AppKind.NEXTJS: "next build",
    AppKind.VITE_SPA: "vite build",
    AppKind.CREATE_REACT_APP: "react-scripts build",
    AppKind.ASTRO: "astro build",
    AppKind.SVELTEKIT: "vite build",
    AppKind.NUXT: "nuxi build",
    AppKind.REMIX: "remix build",
    AppKind.NESTJS: "nest build",
}
_DEFAULT_PORT = {AppKind.VITE_SPA: 4173, AppKind.ASTRO: 4321}
_NO_TEST = "no test specified"

# (pattern, a substring every match holds): the substring test skips most files in C,
# where a pattern that starts with \b would be tried at every position of every file.
_PORT_PATTERNS = (
    (lazy_regex(r"\bPORT\b\s*\)?\s*(?:\|\||\?\?)\s*['\"]?(\d{2,5})"), "PORT"),
    (lazy_regex(r"\.listen\(\s*(\d{2,5})"), ".listen("),
    (lazy_regex(r"\bPORT\s*=\s*(\d{2,5})\b"), "PORT"),
    (lazy_regex(r"\bport\s*:\s*(?:Number\([^)]*\)\s*\|\|\s*)?(\d{2,5})\b"), "port"),
)
_DATABASE_PORTS = frozenset({5432, 3306, 27017, 6379, 6543})
_CONFIG_PORT = lazy_regex(r"\bport\s*:\s*(\d{2,5})\b")
_SCRIPT_PORT = lazy_regex(r"(?:-p|--port)[ =](\d{2,5})\b")
_SCRIPT_ENTRY = lazy_regex(
    r"\b(?:node|tsx|ts-node|nodemon|bun)\s+(?:--\S+\s+)*([\w./-]+\.[cm]?[jt]s)\b"
)
_STANDALONE = lazy_regex(r"output\s*:\s*['\"]standalone['\"]")


def run_script(pm: PackageManager, script: str) -> str:
    # `npm start` / `npm test` are built in; other scripts need `run` (except with yarn).
    if pm is PackageManager.YARN or script in {"start", "test"}:
        return f"{pm.value} {script}"
    return f"{pm.value} run {script}"


def _lockfiles(pkg: PackageJson, index: RepoIndex) -> list[str]:
    # Workspaces keep one lockfile at the top: look upwards from the app.
    folder = pkg.folder
    while True:
        found = [join(folder, n) for n in LOCKFILES if index.exists(join(folder, n))]
        if found or folder == ".":
            return sorted(found)
        folder = parent_dir(folder)


def _package_manager(pkg: PackageJson, lockfiles: list[str]) -> PackageManager:
    declared = pkg.field_str("packageManager")
    if declared:
        for pm in _PREFERENCE:
            if declared.startswith(pm.value + "@"):
                return pm
    managers = {LOCKFILES[p.rsplit("/", 1)[-1]] for p in lockfiles}
    return next((pm for pm in _PREFERENCE if pm in managers), PackageManager.NPM)


def _runtime(pkg: PackageJson, index: RepoIndex) -> tuple[str | None, str | None]:
    for folder in dict.fromkeys((pkg.folder, ".")):
        for name in (".nvmrc", ".node-version"):
            text = index.text(join(folder, name))
            if text and (match := re.search(r"\d+", text)):
                return match.group(0), name
    engines = pkg.field_str("engines", "node")
    if engines and (match := re.search(r"\d+", engines)):
        return match.group(0), "engines"
    return None, None


def _code_port(code: list[SourceFile]) -> int | None:
    # Strongest signal first across all files: a db config's `port: 5432` must not win
    # over the server's own `process.env.PORT || 3000` in a later file.
    # Hono on Bun or Deno serves `export default { fetch: app.fetch, port }`.
    servers = [s for s in code if any(w in s.text for w in ("listen", "serve(", "fetch:"))]
    for (pattern, needle), files in zip(_PORT_PATTERNS, (code, code, code, servers), strict=True):
        for source in files:
            match = pattern.search(source.text) if needle in source.text else None
            if match and int(match.group(1)) not in _DATABASE_PORTS:
                return int(match.group(1))
    return None


# Servers that own their listen call (frameworks such as Next.js or Remix start their own).
_OWN_SERVER = frozenset({AppKind.EXPRESS, AppKind.FASTIFY, AppKind.HONO, AppKind.NESTJS})


def _port(app: AppFacts, pkg: PackageJson, index: RepoIndex) -> int | None:
    if app.shape is DeployShape.SERVER and app.kind is not AppKind.NEXTJS:
        fixed = hard_coded_port(own_code(index, pkg.folder))
        if fixed is not None:
            app.hard_coded_port_in = fixed[1]
            app.evidence.append(Evidence(path=fixed[1], snippet=f"listens on {fixed[0]}"))
            return fixed[0]
    for script in (pkg.scripts.get("start"), pkg.scripts.get("preview")):
        if script and (match := _SCRIPT_PORT.search(script)):
            return int(match.group(1))
    if app.kind is AppKind.VITE_SPA:
        for stem in ("vite.config.ts", "vite.config.js", "vite.config.mjs", "vite.config.mts"):
            text = index.text(join(pkg.folder, stem))
            if text and (match := _CONFIG_PORT.search(text)):
                return int(match.group(1))
    if app.shape is DeployShape.SERVER and app.kind is not AppKind.NEXTJS:
        found = _code_port(own_code(index, pkg.folder))
        if found is not None:
            return found
    exposed = exposed_port(index, pkg.folder)
    if exposed:
        return exposed[0]
    return _DEFAULT_PORT.get(app.kind, 3000)


def _output_dir(app: AppFacts, pkg: PackageJson, index: RepoIndex) -> str | None:
    if app.shape is not DeployShape.STATIC:
        return None
    if app.kind is AppKind.NEXTJS:
        return "out"
    if "react-scripts" in pkg.deps or app.kind is AppKind.SVELTEKIT:
        return "build"
    vite = config_text(index, pkg.folder, "vite")
    if vite:
        return vite_layout(vite[1])[1]
    astro = config_text(index, pkg.folder, "astro")
    found = config_path(astro[1], "outDir") if astro else None
    return posixpath.normpath(found[0]) if found else "dist"


def _nextjs(app: AppFacts, pkg: PackageJson, index: RepoIndex) -> None:
    for base in ("app", "src/app"):
        if join(pkg.folder, base) in index.folders:
            app.nextjs_router = "app"
            break
    else:
        if any(join(pkg.folder, b) in index.folders for b in ("pages", "src/pages")):
            app.nextjs_router = "pages"
    for ext in ("js", "mjs", "ts", "cjs"):
        path = join(pkg.folder, f"next.config.{ext}")
        text = index.text(path)
        if text and _STANDALONE.search(text):
            app.nextjs_standalone = True
            app.evidence.append(Evidence(path=path, snippet="output: 'standalone'"))


def _entrypoint(app: AppFacts, pkg: PackageJson, index: RepoIndex) -> str | None:
    if app.shape is DeployShape.STATIC or app.kind is AppKind.NEXTJS:
        return None
    for name in ("start", "dev"):
        script = pkg.scripts.get(name)
        if script and (match := _SCRIPT_ENTRY.search(script)):
            return match.group(1).removeprefix("./")
    main = pkg.field_str("main")
    if main:
        return main.removeprefix("./")
    for source in own_code(index, pkg.folder):
        if ".listen(" in source.text:
            rel = source.path if pkg.folder == "." else source.path[len(pkg.folder) + 1 :]
            return rel
    return None


def _entry_start(app: AppFacts, pkg: PackageJson, pm: PackageManager, entry: str) -> str:
    """How to start the entry file with no start script. Node cannot run a .ts file (Node
    20 has no type stripping): a TypeScript runner the package has runs it, tsx first (it
    handles ES modules too), else ts-node (CommonJS only) without type-checking, as a
    production start should not fail on a type error the build never checked."""
    if not entry.endswith((".ts", ".mts", ".cts")):
        return f"node {entry}"
    runners = {"tsx": "tsx"}
    if pkg.data.get("type") != "module":
        runners["ts-node"] = "ts-node --transpile-only"
    runner = next((name for name in runners if name in pkg.deps), None)
    if runner is None:
        return f"node {entry}"  # nothing on hand to run it: the run contract shows the error
    if runner in app.dev_only_dependencies:
        app.runtime_dev_imports.append(runner)  # the runtime image must keep it: no prune
        app.evidence.append(Evidence(path=pkg.path, snippet=f"{runner} starts {entry}"))
    return f"{EXEC[pm]} {runners[runner]} {entry}"


def _workspace_manifest(
    pkg: PackageJson, lockfiles: list[str], index: RepoIndex
) -> PackageJson | None:
    """The package.json beside the lockfile of a workspace member (the workspace root)."""
    for lock in lockfiles:
        folder = parent_dir(lock)
        if folder != pkg.folder and (folder == "." or pkg.folder.startswith(folder + "/")):
            return index.manifests.packages.get(folder)
    return None


def _commands(app: AppFacts, pkg: PackageJson, pm: PackageManager) -> None:
    scripts = pkg.scripts
    if "build" in scripts:
        app.build_command = run_script(pm, "build")
    elif app.kind in _DEFAULT_BUILD:
        app.build_command = f"{EXEC[pm]} {_DEFAULT_BUILD[app.kind]}"
    if app.shape is DeployShape.SERVER:
        if "start" in scripts:
            app.start_command = run_script(pm, "start")
        elif app.kind is AppKind.NEXTJS:
            app.start_command = f"{EXEC[pm]} next start"
        elif app.entrypoint:
            app.start_command = _entry_start(app, pkg, pm, app.entrypoint)
    test = scripts.get("test")
    if test and _NO_TEST not in test:
        app.test_command = run_script(pm, "test")
    if "lint" in scripts:
        app.lint_command = run_script(pm, "lint")


def fill_node_app(app: AppFacts, pkg: PackageJson, index: RepoIndex) -> None:
    app.lockfiles = _lockfiles(pkg, index)
    pm = _package_manager(pkg, app.lockfiles)
    app.package_manager = pm
    app.lockfile_conflict = len({LOCKFILES[p.rsplit("/", 1)[-1]] for p in app.lockfiles}) > 1
    app.install_command = TABLE[pm].frozen_install if app.lockfiles else f"{pm.value} install"
    # A workspace member installs with the workspace's tool: its root's packageManager
    # pins it when the member's own package.json does not (found on a Turborepo on Bun).
    for manifest in (pkg, _workspace_manifest(pkg, app.lockfiles, index)):
        if manifest is None or app.package_manager_version:
            continue
        engines = manifest.data.get("engines")
        app.package_manager_version, app.package_manager_version_source = declared_version(
            pm,
            manifest.field_str("packageManager"),
            {str(k): str(v) for k, v in engines.items()} if isinstance(engines, dict) else {},
        )
    app.dev_only_dependencies = dev_only(pkg)
    app.unresolved_extends = unresolved_extends(pkg, index, app.lockfiles)
    app.runtime_version, app.runtime_version_source = _runtime(pkg, index)
    if app.kind is AppKind.NEXTJS:
        _nextjs(app, pkg, index)
    app.entrypoint = _entrypoint(app, pkg, index)
    _commands(app, pkg, pm)
    app.port = _port(app, pkg, index)
    app.build_output_dir = _output_dir(app, pkg, index)
    app.browser_bundle = browser_bundle(app, pkg, index)
    if app.shape is DeployShape.SERVER and app.kind in _OWN_SERVER and app.dev_only_dependencies:
        imports = runtime_imports(index, entry_files(pkg, index, app.entrypoint))
        for name in app.dev_only_dependencies:
            if name in imports:
                app.runtime_dev_imports.append(name)
                app.evidence.append(Evidence(path=imports[name], snippet=f'imports "{name}"'))

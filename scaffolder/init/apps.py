"""One app of the repository, as the template needs it (AppFacts -> TemplateApp).

Every decision here is a plain function of the facts, plus `exists`, which
answers "is this path in the repository?" so the module stays testable with
hand-made facts.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from scaffolder.init.node_plan import prune_decision, toolchain_for
from scaffolder.models import (
    AppFacts,
    AppKind,
    DeployShape,
    DockerfileFacts,
    Language,
    PackageManager,
    TemplateApp,
)
from scaffolder.toolchain import exec_prefix

Exists = Callable[[str], bool]

DEFAULT_RUNTIME = {Language.NODE: "20", Language.PYTHON: "3.12"}
DEFAULT_PORT = {
    AppKind.NEXTJS: 3000,
    AppKind.REMIX: 3000,
    AppKind.SVELTEKIT: 3000,
    AppKind.NUXT: 3000,
    AppKind.ASTRO: 4321,
    AppKind.EXPRESS: 3000,
    AppKind.FASTIFY: 3000,
    AppKind.HONO: 3000,
    AppKind.NESTJS: 3000,
    AppKind.FASTAPI: 8000,
    AppKind.FLASK: 8000,
    AppKind.DJANGO: 8000,
    AppKind.STREAMLIT: 8501,
}
_PLAIN_VERSION = re.compile(r"^v?(\d+(?:\.\d+){0,2})$")
_PINNED_PREFIX = re.compile(r"^[\^~]=?\s*v?(\d+(?:\.\d+){0,2})")


def join(root: str, *parts: str) -> str:
    """A repo-relative POSIX path under an app root ("." is the repo root)."""
    return posixpath.normpath(posixpath.join(root, *parts))


def runtime_version(app: AppFacts) -> str:
    """The detected version when it names one ("20", "v20.11", "^3.11"); else the pinned default."""
    raw = (app.runtime_version or "").strip()
    for pattern in (_PLAIN_VERSION, _PINNED_PREFIX):
        match = pattern.match(raw)
        if match:
            return match.group(1)
    return DEFAULT_RUNTIME[app.language]


def runner(app: AppFacts) -> str:
    """How to run a tool installed by the app's package manager."""
    if app.language is Language.NODE:
        return exec_prefix(app.package_manager or PackageManager.NPM)
    return {
        PackageManager.POETRY: "poetry run",
        PackageManager.UV: "uv run",
        PackageManager.PIPENV: "pipenv run",
    }.get(app.package_manager or PackageManager.PIP, "")


def _has_lock(app: AppFacts, *names: str) -> bool:
    return any(posixpath.basename(lock) in names for lock in app.lockfiles)


# Install commands that honour the lockfile (a build must not resolve afresh).
_INSTALL: dict[PackageManager, str] = {
    PackageManager.PNPM: "pnpm install --frozen-lockfile",
    PackageManager.BUN: "bun install --frozen-lockfile",
    PackageManager.POETRY: "poetry install --no-interaction --no-root --only main",
    PackageManager.UV: "uv sync --frozen --no-dev",
    PackageManager.PIPENV: "pipenv install --deploy --system",
}


def install_command(app: AppFacts, exists: Exists) -> str:
    """The install command that honours the lockfile."""
    pm = app.package_manager
    if pm in _INSTALL:
        return _INSTALL[pm]
    if pm is PackageManager.YARN:
        berry = exists(join(app.root, ".yarnrc.yml"))
        return "yarn install --immutable" if berry else "yarn install --frozen-lockfile"
    if pm is PackageManager.NPM or app.language is Language.NODE:
        locked = _has_lock(app, "package-lock.json", "npm-shrinkwrap.json")
        return "npm ci" if locked else "npm install"
    if exists(join(app.root, "requirements.txt")):
        return "pip install --no-cache-dir -r requirements.txt"
    return app.install_command or "pip install --no-cache-dir ."


def _script(app: AppFacts, name: str) -> str:
    pm = app.package_manager or PackageManager.NPM
    return f"{pm.value} run {name}" if pm is not PackageManager.BUN else f"bun run {name}"


def _wsgi_target(entrypoint: str | None, fallback: str) -> str:
    """'app.py' -> 'app:app', 'app.main:app' unchanged, None -> fallback."""
    if not entrypoint:
        return fallback
    if ":" in entrypoint:
        return entrypoint
    module = entrypoint.removesuffix(".py").replace("/", ".")
    return f"{module}:app"


def _python_start(app: AppFacts, port: int) -> str | None:
    if app.kind is AppKind.FASTAPI:
        return f"uvicorn {_wsgi_target(app.entrypoint, 'main:app')} --host 0.0.0.0 --port {port}"
    if app.kind is AppKind.FLASK:
        return f"gunicorn --bind 0.0.0.0:{port} {_wsgi_target(app.entrypoint, 'app:app')}"
    if app.kind is AppKind.DJANGO:
        target = app.entrypoint or f"{app.name.replace('-', '_')}.wsgi"
        return f"gunicorn --bind 0.0.0.0:{port} {target}"
    if app.kind is AppKind.STREAMLIT:
        script = app.entrypoint or "app.py"
        return f"streamlit run {script} --server.port {port} --server.address 0.0.0.0"
    return None


def start_command(app: AppFacts, port: int) -> str:
    """What the container runs; static apps run nothing."""
    if app.shape is DeployShape.STATIC:
        return ""
    if app.start_command:
        return app.start_command
    python = _python_start(app, port)
    if python is not None:
        return python
    if app.kind is AppKind.NEXTJS and app.nextjs_standalone:
        return "node server.js"
    return _script(app, "start")


def build_command(app: AppFacts) -> str | None:
    if app.build_command:
        return app.build_command
    if app.language is Language.NODE and app.kind not in (
        AppKind.EXPRESS,
        AppKind.FASTIFY,
        AppKind.HONO,
    ):
        return _script(app, "build")
    return None


def dockerfile_plan(
    app: AppFacts, dockerfiles: list[DockerfileFacts], exists: Exists
) -> tuple[bool, str, dict[str, str]]:
    """(write it?, its path, skipped path -> why). Never overwrites a user's Dockerfile."""
    if app.shape is DeployShape.STATIC:
        return False, join(app.root, "Dockerfile"), {}
    theirs = [d for d in dockerfiles if d.app_root == app.root]
    good = next((d for d in theirs if d.production_grade), None)
    if good is not None:
        return False, good.path, {good.path: "your production-grade Dockerfile is used as is"}
    path = join(app.root, "Dockerfile")
    if theirs or exists(path):
        path = join(app.root, "Dockerfile.production")
    return True, path, {}


def build_context(app: AppFacts) -> str | None:
    """The folder to build the image from, or None for the app root.

    A member of a JS workspace (pnpm, npm or yarn) has no lockfile of its own: it
    shares the one at the workspace root, so the image must be built from there.
    """
    # Next.js standalone output nests the member's server inside .next/standalone: not handled.
    if app.language is not Language.NODE or app.nextjs_standalone:
        return None
    if app.root == "." or not app.lockfiles:
        return None
    inside = [lock for lock in app.lockfiles if join(lock).startswith(app.root + "/")]
    if inside:
        return None
    folder = posixpath.dirname(join(app.lockfiles[0])) or "."
    return folder if folder != app.root else None


def health_plan(app: AppFacts, exists: Exists) -> tuple[bool, str | None, str]:
    """(write a health file?, its path, the health path to probe)."""
    if app.health_path:
        return False, None, app.health_path
    if app.kind is AppKind.STREAMLIT:
        return False, None, "/_stcore/health"  # Streamlit serves its own
    file = _health_file(app, exists)
    if file is None:
        return False, None, "/"
    return True, file, "/api/healthz" if app.kind is AppKind.NEXTJS else "/healthz"


def _health_file(app: AppFacts, exists: Exists) -> str | None:
    """Where a small, separate health module goes for this framework (None: no such place)."""
    if app.kind in (AppKind.EXPRESS, AppKind.FASTIFY):
        return join(app.root, "health.cjs")  # CommonJS: require()-able and import-able
    if app.kind in (AppKind.FASTAPI, AppKind.FLASK):
        return join(app.root, _entry_dir(app.entrypoint), "healthz.py")
    if app.kind is AppKind.DJANGO:
        return join(app.root, "healthz.py")
    if app.kind is AppKind.NEXTJS:
        return _nextjs_health_file(app, exists)
    return None


def _entry_dir(entrypoint: str | None) -> str:
    """Folder of the entrypoint module: 'app.main:app' -> 'app', 'main:app' -> '.'."""
    if not entrypoint:
        return "."
    module = entrypoint.split(":")[0].removesuffix(".py").replace(".", "/")
    return posixpath.dirname(module) or "."


def _nextjs_health_file(app: AppFacts, exists: Exists) -> str:
    ext = "ts" if exists(join(app.root, "tsconfig.json")) else "js"
    src = (
        "src"
        if exists(join(app.root, "src", "app")) or exists(join(app.root, "src", "pages"))
        else "."
    )
    if app.nextjs_router == "pages":
        return join(app.root, src, "pages", "api", f"healthz.{ext}")
    return join(app.root, src, "app", "api", "healthz", f"route.{ext}")


def template_app(
    app: AppFacts, dockerfiles: list[DockerfileFacts], exists: Exists
) -> tuple[TemplateApp, dict[str, str]]:
    """The template's view of `app`, and the paths deliberately not written (path -> why)."""
    port = app.port or DEFAULT_PORT.get(app.kind, 8080)
    write_dockerfile, dockerfile_path, skipped = dockerfile_plan(app, dockerfiles, exists)
    write_health, health_file, health_path = health_plan(app, exists)
    if write_health and health_file and exists(health_file):
        skipped[health_file] = "a file already exists where the health module would go"
        write_health = False
    shape = "static" if app.shape is DeployShape.STATIC else "server"
    node = app.language is Language.NODE and app.package_manager is not None
    toolchain = toolchain_for(app, exists) if node else None
    prune, keep_reason = prune_decision(app)
    bundle = app.browser_bundle if shape == "server" else None
    return (
        TemplateApp(
            name=app.name,
            root=app.root,
            kind=app.kind,
            language=app.language,
            shape=shape,
            package_manager=app.package_manager,
            runtime_version=runtime_version(app),
            install_command=toolchain.install if toolchain else install_command(app, exists),
            build_command=build_command(app),
            start_command=start_command(app, port),
            test_command=app.test_command,
            test_failure=app.test_failure if app.test_command else None,
            lint_command=app.lint_command,
            port=port,
            health_path=health_path,
            build_output_dir=(app.build_output_dir or "dist") if shape == "static" else None,
            nextjs_standalone=app.nextjs_standalone,
            browser_bundle_dir=bundle.output_dir if bundle else None,
            browser_env_prefixes=bundle.env_prefixes if bundle else [],
            entrypoint=app.entrypoint,
            write_dockerfile=write_dockerfile,
            dockerfile_path=dockerfile_path,
            write_health_file=write_health,
            health_file_path=health_file if write_health else None,
            build_context=build_context(app),
            toolchain=toolchain,
            hard_coded_port_in=app.hard_coded_port_in,
            prune_dev_dependencies=prune,
            keep_dev_dependencies_reason=keep_reason,
        ),
        skipped,
    )

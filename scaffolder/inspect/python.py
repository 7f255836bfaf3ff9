"""Python apps: which framework, how to install, start and test them."""

from __future__ import annotations

import re
import shlex
import tomllib

from scaffolder.inspect.django import collects_static
from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.index import (
    RepoIndex,
    basename,
    exposed_port,
    own_code,
    preference,
    under,
)
from scaffolder.inspect.lazy_regex import LazyRegex, lazy_regex
from scaffolder.inspect.manifests import join
from scaffolder.inspect.nesting import nesting_guard
from scaffolder.inspect.python_imports import third_party_imports
from scaffolder.models import AppFacts, AppKind, PackageManager

# requirements.txt pins nothing transitive: it sets the manager, it is not a lockfile.
LOCKFILES: dict[str, PackageManager] = {
    "uv.lock": PackageManager.UV,
    "poetry.lock": PackageManager.POETRY,
    "Pipfile.lock": PackageManager.PIPENV,
}
_INSTALL = {
    PackageManager.UV: "uv sync --frozen",
    PackageManager.POETRY: "poetry install --only main",
    PackageManager.PIPENV: "pipenv install --deploy",
    PackageManager.PIP: "pip install -r requirements.txt",
}
_UNLOCKED = {
    PackageManager.UV: "uv sync",
    PackageManager.POETRY: "poetry install --only main",
    PackageManager.PIPENV: "pipenv install",
}
_DEFAULT_PORT = {
    AppKind.DJANGO: 8000,
    AppKind.FLASK: 5000,
    AppKind.FASTAPI: 8000,
    AppKind.STREAMLIT: 8501,
}
# (distribution, kind, import pattern) in order of precedence. The distribution's name is
# in every match: checked with `in` first, since a pattern that starts with `^` is tried
# at every position of the file.
_KINDS: tuple[tuple[str, AppKind, LazyRegex], ...] = (
    ("django", AppKind.DJANGO, lazy_regex(r"^\s*(?:from|import)\s+django\b", re.M)),
    ("fastapi", AppKind.FASTAPI, lazy_regex(r"^\s*(?:from|import)\s+fastapi\b", re.M)),
    ("flask", AppKind.FLASK, lazy_regex(r"^\s*(?:from|import)\s+flask\b", re.M)),
    ("streamlit", AppKind.STREAMLIT, lazy_regex(r"^\s*(?:from|import)\s+streamlit\b", re.M)),
)
# (pattern, a substring every match holds)
_APP_OBJECT = {
    AppKind.FASTAPI: (lazy_regex(r"^(\w+)\s*(?::\s*\w+\s*)?=\s*FastAPI\(", re.M), "FastAPI("),
    AppKind.FLASK: (lazy_regex(r"^(\w+)\s*=\s*Flask\(", re.M), "Flask("),
}
_FLASK_FACTORY = lazy_regex(r"^def (create_app)\(", re.M)
_WSGI_SETTING = lazy_regex(r"WSGI_APPLICATION\s*=\s*['\"]([\w.]+)\.application['\"]")
# (pattern, a substring every match holds, tested first: it is much cheaper).
_PY_PORTS = (
    (lazy_regex(r"\brun\([^)]*?\bport\s*=\s*(\d{2,5})", re.S), "run("),
    (lazy_regex(r"['\"]PORT['\"]\s*,\s*['\"]?(\d{2,5})"), "PORT"),
    (lazy_regex(r"--(?:server\.)?port[ =](\d{2,5})"), "--"),
    (lazy_regex(r"(?:-b|--bind)[ =][\w.]*:(\d{2,5})"), "-"),
)
_STREAMLIT_MAINS = ("streamlit_app.py", "app.py", "main.py", "Home.py")
# Modules an app is conventionally started from, when none imports the framework itself.
_ENTRY_NAMES = frozenset({*_STREAMLIT_MAINS, "wsgi.py", "asgi.py", "server.py", "run.py"})


def _kind_of(folder: str, index: RepoIndex) -> tuple[AppKind, SourceFile | None] | None:
    project = index.manifests.python.get(folder)
    deps = project.deps if project else set()
    code = own_code(index, folder, (".py",))
    if index.exists(join(folder, "manage.py")):
        return AppKind.DJANGO, index.by_path.get(join(folder, "manage.py"))
    entry = _entry_point(folder, code, index)
    for dist, kind, pattern in _KINDS:
        hit = next((s for s in code if dist in s.text and pattern.search(s.text)), None)
        if hit is not None or (dist in deps and entry is not None):
            return kind, hit
    return None  # a requirements.txt alone is not an app: nothing would run


def _entry_point(folder: str, code: list[SourceFile], index: RepoIndex) -> str | None:
    """A file the app is started from: a conventional main module, or a Procfile."""
    procfile = join(folder, "Procfile")
    if index.exists(procfile):
        return procfile
    return next((s.path for s in code if basename(s.path) in _ENTRY_NAMES), None)


def python_app_roots(index: RepoIndex) -> list[tuple[str, AppKind, SourceFile | None]]:
    folders = set(index.manifests.python)
    if not folders and any(s.path.endswith(".py") and "/" not in s.path for s in index.files):
        folders.add(".")  # a bare app.py with no manifest at all
    out: list[tuple[str, AppKind, SourceFile | None]] = []
    for folder in sorted(folders):
        found = _kind_of(folder, index)
        if found is not None:
            out.append((folder, *found))
    return out


def _lockfiles(folder: str, index: RepoIndex) -> list[str]:
    # The root's lockfile serves a subfolder project (a uv or poetry workspace member has
    # a pyproject.toml), not a subfolder app that lists its own requirements.txt: a
    # Replit repository's root uv.lock gave its mcp_server/ (requirements.txt only) an
    # image running `uv sync` where no pyproject.toml exists.
    shares = folder == "." or index.exists(join(folder, "pyproject.toml"))
    for candidate in dict.fromkeys((folder, ".") if shares else (folder,)):
        found = [join(candidate, n) for n in LOCKFILES if index.exists(join(candidate, n))]
        if found:
            return sorted(found)
    return []


def _package_manager(folder: str, lockfiles: list[str], index: RepoIndex) -> PackageManager:
    names = {basename(p) for p in lockfiles}
    for name, pm in LOCKFILES.items():
        if name in names:
            return pm
    project = index.manifests.python.get(folder)
    if project and project.poetry:
        return PackageManager.POETRY
    if project and "Pipfile" in project.files:
        return PackageManager.PIPENV
    if index.exists(join(folder, "uv.lock")):
        return PackageManager.UV
    return PackageManager.PIP


def _install(pm: PackageManager, lockfiles: list[str], folder: str, index: RepoIndex) -> str:
    names = {basename(p) for p in lockfiles}
    if pm is PackageManager.UV and "uv.lock" not in names:
        return "uv sync"
    if pm is PackageManager.PIP and not index.exists(join(folder, "requirements.txt")):
        return "pip install ." if index.exists(join(folder, "pyproject.toml")) else "pip install"
    return _INSTALL[pm] if pm is PackageManager.PIP or names else _UNLOCKED[pm]


def _runtime(folder: str, index: RepoIndex) -> tuple[str | None, str | None]:
    for candidate in dict.fromkeys((folder, ".")):
        for name in (".python-version", "runtime.txt"):
            text = index.text(join(candidate, name))
            if text and (match := re.search(r"3\.\d+", text)):
                return match.group(0), name
    project = index.manifests.python.get(folder)
    requires = project.requires_python if project else None
    if requires and (match := re.search(r"3\.\d+", requires)):
        return match.group(0), "requires-python"
    if project and project.pipfile_python:
        return project.pipfile_python, "Pipfile"
    return None, None


def _module(path: str, folder: str) -> str:
    rel = path if folder == "." else path[len(folder) + 1 :]
    return rel.removesuffix(".py").replace("/", ".").removesuffix(".__init__")


_PYTHON_RUN = lazy_regex(r"^python3?\s+(?:-u\s+)?([\w./-]+\.py)\b")


def replit_run(folder: str, index: RepoIndex) -> str | None:
    """The command Replit deploys with (`[deployment] run`, else `run`), unwrapped from sh -c."""
    text = index.text(join(folder, ".replit"))
    if not text:
        return None
    try:
        with nesting_guard(join(folder, ".replit")):
            config = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    deployment = config.get("deployment")
    run = deployment.get("run") if isinstance(deployment, dict) else None
    run = run or config.get("run")
    if isinstance(run, list) and all(isinstance(a, str) for a in run):
        run = run[2] if len(run) == 3 and run[1] == "-c" else shlex.join(run)
    return run.strip() if isinstance(run, str) and run.strip() else None


def _replit_python_start(folder: str, index: RepoIndex) -> str | None:
    """`python main.py` from .replit when that file exists: it may start more than the web app."""
    run = replit_run(folder, index)
    match = _PYTHON_RUN.match(run) if run else None
    if match and index.exists(join(folder, match.group(1))):
        return run
    return None


def _entrypoint(app: AppFacts, code: list[SourceFile]) -> str | None:
    code = sorted(code, key=lambda s: preference(s.path))
    if app.kind in _APP_OBJECT:
        pattern, needle = _APP_OBJECT[app.kind]
        for source in code:
            if needle in source.text and (match := pattern.search(source.text)):
                return f"{_module(source.path, app.root)}:{match.group(1)}"
        if app.kind is AppKind.FLASK:
            for source in code:
                if "def create_app(" in source.text and _FLASK_FACTORY.search(source.text):
                    return f"{_module(source.path, app.root)}:create_app()"
    if app.kind is AppKind.DJANGO:
        for source in code:
            if match := _WSGI_SETTING.search(source.text):
                return match.group(1)
        wsgi = next((s for s in code if basename(s.path) == "wsgi.py"), None)
        return _module(wsgi.path, app.root) if wsgi else None
    if app.kind is AppKind.STREAMLIT:
        importing = [s for s in code if "streamlit" in s.text and _KINDS[3][2].search(s.text)]
        importing.sort(key=lambda s: (s.path.count("/"), basename(s.path) not in _STREAMLIT_MAINS))
        if importing:
            return importing[0].path if app.root == "." else importing[0].path[len(app.root) + 1 :]
    return None


def _procfile_web(folder: str, index: RepoIndex) -> str | None:
    for candidate in dict.fromkeys((folder, ".")):
        text = index.text(join(candidate, "Procfile"))
        for line in (text or "").splitlines():
            if line.startswith("web:"):
                return line[4:].strip()
    return None


def _port(app: AppFacts, code: list[SourceFile], procfile: str | None, index: RepoIndex) -> int:
    texts = [procfile or ""] + [s.text for s in code if "port" in s.text.lower()]
    for text in texts:
        for pattern, needle in _PY_PORTS:
            if needle in text and (match := pattern.search(text)):
                return int(match.group(1))
    exposed = exposed_port(index, app.root)
    return exposed[0] if exposed else _DEFAULT_PORT[app.kind]


def _start(app: AppFacts) -> str | None:
    entry, port = app.entrypoint, app.port
    if entry is None:
        return None
    if app.kind is AppKind.FASTAPI:
        return f"uvicorn {entry} --host 0.0.0.0 --port {port}"
    if app.kind is AppKind.STREAMLIT:
        return f"streamlit run {entry} --server.port {port} --server.address 0.0.0.0"
    return f"gunicorn --bind 0.0.0.0:{port} {entry}"


def fill_python_app(app: AppFacts, index: RepoIndex) -> None:
    folder = app.root
    code = own_code(index, folder, (".py",))
    project = index.manifests.python.get(folder)
    deps = project.deps if project else set()
    app.lockfiles = _lockfiles(folder, index)
    app.lockfile_conflict = len(app.lockfiles) > 1
    pm = _package_manager(folder, app.lockfiles, index)
    app.package_manager = pm
    app.install_command = _install(pm, app.lockfiles, folder, index)
    if app.install_command == "pip install":  # no requirements.txt, pyproject.toml, Pipfile
        app.undeclared_dependencies = third_party_imports(code, folder)
    app.runtime_version, app.runtime_version_source = _runtime(folder, index)
    app.entrypoint = _entrypoint(app, code)
    procfile = _procfile_web(folder, index)
    app.port = _port(app, code, procfile, index)
    app.start_command = procfile or _replit_python_start(folder, index) or _start(app)
    app.django_rest_framework = "djangorestframework" in deps or any(
        "rest_framework" in s.text for s in code
    )
    if app.kind is AppKind.DJANGO:
        app.django_collectstatic = collects_static(folder, index)
        app.test_command = "python manage.py test"
    elif "pytest" in deps or any(under(s.path, join(folder, "tests")) for s in code):
        app.test_command = "pytest"
    if "ruff" in deps:
        app.lint_command = "ruff check ."
    elif "flake8" in deps:
        app.lint_command = "flake8"

"""Wire the health module init wrote into the app, where the app is created in one plain line.

`scaffold init` writes a separate health module (health.cjs, healthz.py: docs/init.md,
health table). Until the app includes it, the route 404s and the load balancer's check
fails. When exactly one line of the app's code creates the app in a recognisable way
(`const app = express();`, `const app = Fastify({ logger: true });`, `app = FastAPI(...)`,
`app = Flask(__name__)`), init adds the wiring right after it (and, in an ES module, one
import line before the first import; in a TypeScript entry that tsx or ts-node runs as
CommonJS, a `require`). Anything less certain (the app built in several places, other
TypeScript, whose compiler would want types for the module, a name already taken)
leaves the user's code alone, and the audit keeps reporting the module as planned, not
wired (OPS005, scaffolder/inspect/health_wiring.py).

A user's code is only ever added to, never rewritten, and only once: the context records
the file wired (TemplateApp.health_wired_in), so a later run that finds the line gone
takes it as the user's choice and does not add it again. See docs/architecture.md
("Rules the code keeps": the user's files init adds lines to) and docs/init.md.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.health_wiring import is_wired
from scaffolder.models import AppKind, TemplateApp

_JS_SUFFIXES = (".js", ".cjs", ".mjs")
_SKIPPED_DIRS = frozenset(
    {"node_modules", "dist", "build", "coverage", "test", "tests", "__tests__"}
    | {"venv", "env", "site-packages", "__pycache__"}  # dot folders are skipped too
)
_MAX_FILES = 2000  # a bigger app is not "simple": leave it to the user
_JS_NAME = "scaffoldHealth"
_MARK = "health check route, written by scaffold init"
_PY_NAME = "healthz"
# `const app = express();` (optionally exported), the call closing on the same line.
_JS_CREATE = {
    AppKind.EXPRESS: r"express\s*\(",
    AppKind.FASTIFY: r"(?:[Ff]astify|require\(\s*['\"]fastify['\"]\s*\))\s*\(",
}
_JS_METHOD = {AppKind.EXPRESS: "use", AppKind.FASTIFY: "register"}
_PY_CREATE = {AppKind.FASTAPI: r"(?:fastapi\.)?FastAPI\(", AppKind.FLASK: r"(?:flask\.)?Flask\("}
_PY_WIRE = {
    AppKind.FASTAPI: "include_router({m}.router)",
    AppKind.FLASK: "register_blueprint({m}.bp)",
}
_ESM_STATEMENT = re.compile(r"^(?:import\s|import\(|export\s)", re.MULTILINE)


@dataclass(frozen=True)
class Wiring:
    """Where and how the health module is wired: the file and its new text."""

    path: str  # repo-relative
    text: str


def _balanced_from(text: str, start: int) -> int | None:
    """Index just past the bracket closing the one opened at or after `start` (quotes
    skipped), or None when it does not close."""
    depth, quote, i = 0, "", start
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _statement_end(text: str, call_start: int, *, python: bool) -> int | None:
    """End of the line holding the creating call's closing bracket, when the statement
    ends there (`;`, or nothing after it)."""
    end = _balanced_from(text, call_start)
    if end is None:
        return None
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    rest = text[end:line_end].split("#", 1)[0] if python else text[end:line_end]
    rest = rest.strip()
    if rest not in ("", ";") and not (not python and rest.startswith("//")):
        return None
    return line_end


def _relative(module: str, source: str) -> str:
    rel = posixpath.relpath(module, posixpath.dirname(source) or ".")
    return rel if rel.startswith("../") else f"./{rel}"


def _is_esm(source: SourceFile, package_type: str) -> bool:
    if source.path.endswith(".mjs"):
        return True
    if source.path.endswith(".cjs"):
        return False
    return package_type == "module" or _ESM_STATEMENT.search(source.text) is not None


def _runs_typescript_as_commonjs(stage: Path, app: TemplateApp, package: dict[str, object]) -> bool:
    """A TypeScript server that can take `require("./health.cjs")` as it is: the start
    command runs the .ts entry itself (tsx, ts-node: no compile step moving files, so the
    relative path holds), tsconfig emits CommonJS (require exists at run time), and
    @types/node declares `require` (no type error for a build or an editor)."""
    if not app.entrypoint or not app.entrypoint.endswith(".ts") or package.get("type") == "module":
        return False
    if not re.search(r"\b(?:tsx|ts-node)\b", app.start_command):
        return False
    deps = {**_dict(package.get("dependencies")), **_dict(package.get("devDependencies"))}
    try:
        tsconfig = (stage / app.root / "tsconfig.json").read_text(encoding="utf-8")
    except OSError:
        return False
    commonjs = re.search(r'^\s*"module"\s*:\s*"commonjs"', tsconfig, re.MULTILINE | re.IGNORECASE)
    return "@types/node" in deps and commonjs is not None


def _dict(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _wire_js(
    app: TemplateApp, module: str, sources: list[SourceFile], package_type: str
) -> Wiring | None:
    create = re.compile(
        r"^(?P<indent>[ \t]*)(?:export\s+)?(?:const|let|var)\s+(?P<name>[A-Za-z_$][\w$]*)"
        r"(?:\s*:\s*[\w.$<>]+)?\s*=\s*"  # TypeScript: `const app: Express = express();`
        + _JS_CREATE[app.kind],
        re.MULTILINE,
    )
    found = [(s, m) for s in sources for m in create.finditer(s.text)]
    if len(found) != 1:
        return None  # none, or the app is built in several places: not simple
    source, match = found[0]
    text = source.text
    if _JS_NAME in text:
        return None
    end = _statement_end(text, match.end() - 1, python=False)
    if end is None:
        return None
    path = _relative(module, source.path)
    method = _JS_METHOD[app.kind]
    if source.path.endswith(".ts"):
        pass  # CommonJS TypeScript (plan_wiring admits no other): the require form below
    elif _is_esm(source, package_type):
        wire = f"\n{match['indent']}{match['name']}.{method}({_JS_NAME}); // {_MARK}"
        first_import = re.search(r"^import[\s{*'\"]", text, re.MULTILINE)
        head = f'import {_JS_NAME} from "{path}"; // {_MARK}\n'
        at = first_import.start() if first_import else _after_prologue(text)
        at += len(wire) if at > end else 0  # an import after the app's line (hoisted anyway)
        text = text[:end] + wire + text[end:]
        return Wiring(source.path, text[:at] + head + text[at:])
    wire = f'\n{match["indent"]}{match["name"]}.{method}(require("{path}")); // {_MARK}'
    return Wiring(source.path, text[:end] + wire + text[end:])


def _after_prologue(text: str) -> int:
    """Past a shebang and a "use strict" line: where a first import may go."""
    at = 0
    for line in text.splitlines(keepends=True):
        if line.startswith("#!") or line.strip() in ('"use strict";', "'use strict';"):
            at += len(line)
        else:
            break
    return at


def _wire_python(app: TemplateApp, module: str, sources: list[SourceFile]) -> Wiring | None:
    if not app.entrypoint or ":" not in app.entrypoint:
        return None
    dotted, attr = app.entrypoint.split(":", 1)
    entry = posixpath.normpath(posixpath.join(app.root, dotted.replace(".", "/") + ".py"))
    source = next((s for s in sources if s.path == entry), None)
    if source is None or not attr.isidentifier():
        return None
    create = re.compile(rf"^{re.escape(attr)}\s*=\s*{_PY_CREATE[app.kind]}", re.MULTILINE)
    found = list(create.finditer(source.text))
    if len(found) != 1 or re.search(rf"\b{_PY_NAME}\b", source.text):
        return None
    end = _statement_end(source.text, found[0].end() - 1, python=True)
    if end is None:
        return None
    package = dotted.rpartition(".")[0]
    line = f"from {package} import {_PY_NAME}" if package else f"import {_PY_NAME}"
    wire = f"\n{line}  # noqa: E402  {_MARK}\n{attr}.{_PY_WIRE[app.kind].format(m=_PY_NAME)}"
    del module  # next to the entry module by construction (init/apps.py, _health_file)
    return Wiring(source.path, source.text[:end] + wire + source.text[end:])


def _code(stage: Path, root: str, suffixes: tuple[str, ...]) -> list[SourceFile]:
    base = stage / root
    found: list[SourceFile] = []
    for path in _walk(base):
        if path.suffix in suffixes:
            rel = path.relative_to(stage).as_posix()
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            found.append(SourceFile(path=rel, text=text, size=len(text)))
            if len(found) > _MAX_FILES:
                return []
    return found


def _walk(folder: Path) -> Iterator[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink():
            continue
        if entry.is_dir():
            if entry.name not in _SKIPPED_DIRS and not entry.name.startswith("."):
                yield from _walk(entry)
        elif entry.is_file():
            yield entry


def _package(stage: Path, root: str) -> dict[str, object]:
    try:
        data = json.loads((stage / root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def plan_wiring(stage: Path, app: TemplateApp) -> Wiring | None:
    """How to wire `app`'s health module in `stage`, or None (already wired, or not safe)."""
    module = app.health_file_path
    if not (app.write_health_file and module) or app.kind not in (*_JS_CREATE, *_PY_CREATE):
        return None
    python = app.kind in _PY_CREATE
    package = {} if python else _package(stage, app.root)
    suffixes: tuple[str, ...] = (".py",) if python else _JS_SUFFIXES
    if not python and _runs_typescript_as_commonjs(stage, app, package):
        suffixes = (*_JS_SUFFIXES, ".ts")
    sources = [s for s in _code(stage, app.root, suffixes) if s.path != module]
    if not sources or is_wired(module, sources):
        return None
    if python:
        return _wire_python(app, module, sources)
    package_type = package.get("type")
    return _wire_js(app, module, sources, package_type if isinstance(package_type, str) else "")


def _wired_before(previous: list[TemplateApp]) -> dict[tuple[str, str], str | None]:
    return {(a.name, a.root): a.health_wired_in for a in previous}


def with_health_wiring(
    root: Path, apps: list[TemplateApp], previous: list[TemplateApp]
) -> list[TemplateApp]:
    """`apps` with health_wired_in set where init wires (or wired) the health module.

    An app wired by an earlier run keeps its record and is never wired again: if the line
    is gone, the user removed it. Read-only: write_health_wiring edits the staged copy.
    """
    before = _wired_before(previous)
    updated: list[TemplateApp] = []
    for app in apps:
        wired = before.get((app.name, app.root))
        if wired is None:
            plan = plan_wiring(root, app)
            wired = plan.path if plan else None
        updated.append(app.model_copy(update={"health_wired_in": wired}) if wired else app)
    return updated


def write_health_wiring(stage: Path, apps: list[TemplateApp], previous: list[TemplateApp]) -> None:
    """Add the wiring lines with_health_wiring planned (not the ones of earlier runs)."""
    before = _wired_before(previous)
    for app in apps:
        if not app.health_wired_in or before.get((app.name, app.root)):
            continue
        plan = plan_wiring(stage, app)
        if plan is not None:
            (stage / plan.path).write_text(plan.text, encoding="utf-8")

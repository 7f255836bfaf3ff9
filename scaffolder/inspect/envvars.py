"""Every environment variable the code reads, and which of them reach the browser."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from scaffolder.inspect.apps import app_for_path
from scaffolder.inspect.browser_code import runs_on_server
from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.index import RepoIndex, basename, under
from scaffolder.inspect.lazy_regex import LazyRegex, lazy_regex
from scaffolder.models import AppFacts, AppKind, DeployShape, EnvVarFacts, Evidence

PUBLIC_PREFIXES = (
    "VITE_",
    "NEXT_PUBLIC_",
    "PUBLIC_",
    "NUXT_PUBLIC_",
    "REACT_APP_",
    "EXPO_PUBLIC_",
    "GATSBY_",
)
# Back-end frameworks: nothing they read is bundled for a browser, whatever its prefix
# (an Express server reading PUBLIC_URL or VITE_API_URL publishes nothing), except the
# client code their own build bundles with Vite (AppFacts.browser_bundle).
_SERVER_ONLY_KINDS = frozenset(
    {
        AppKind.EXPRESS,
        AppKind.FASTIFY,
        AppKind.HONO,
        AppKind.NESTJS,
        AppKind.FASTAPI,
        AppKind.FLASK,
        AppKind.DJANGO,
        AppKind.STREAMLIT,
    }
)
# Values Vite injects itself: not variables anyone has to set.
_VITE_BUILTINS = frozenset({"MODE", "DEV", "PROD", "SSR", "BASE_URL"})
_MAX_EVIDENCE = 10
_NAME = r"([A-Za-z_][A-Za-z0-9_]*)"
_Q = r"['\"`]"
_DEFAULT_AFTER = lazy_regex(r"\s*\)?\s*(?:\|\||\?\?)")

# (pattern, needle, how a default shows): "after" = `|| x` follows, "arg" = group 2 present.
_JS_PATTERNS: tuple[tuple[LazyRegex, str, str], ...] = (
    (lazy_regex(rf"process\.env\.{_NAME}"), "process.env", "after"),
    (lazy_regex(rf"process\.env\[\s*{_Q}{_NAME}{_Q}\s*\]"), "process.env", "after"),
    (lazy_regex(rf"import\.meta\.env\.{_NAME}"), "import.meta.env", "after"),
    (lazy_regex(rf"import\.meta\.env\[\s*{_Q}{_NAME}{_Q}\s*\]"), "import.meta.env", "after"),
    (lazy_regex(rf"Deno\.env\.get\(\s*{_Q}{_NAME}{_Q}\s*\)"), "Deno.env", "after"),
    (lazy_regex(rf"Bun\.env\.{_NAME}"), "Bun.env", "after"),
)
_PY_PATTERNS: tuple[tuple[LazyRegex, str, str], ...] = (
    (lazy_regex(rf"os\.environ\[\s*['\"]{_NAME}['\"]\s*\]"), "environ", "none"),
    (lazy_regex(rf"os\.environ\.get\(\s*['\"]{_NAME}['\"]\s*(,)?"), "environ", "arg"),
    (lazy_regex(rf"getenv\(\s*['\"]{_NAME}['\"]\s*(,)?"), "getenv", "arg"),
    (lazy_regex(rf"env(?:\.\w+)?\(\s*['\"]{_NAME}['\"]\s*(,)?"), "env", "arg"),
    (lazy_regex(rf"config\(\s*['\"]{_NAME}['\"]\s*(,\s*default\s*=)?"), "config(", "arg"),
)
_DESTRUCTURE = lazy_regex(r"\{([^{}]{1,800})\}\s*=\s*process\.env\b")
# How every _DESTRUCTURE match ends: most files that read process.env have none, and this
# skips from one `}` to the next where _DESTRUCTURE reads ahead from every `{`.
_DESTRUCTURE_END = lazy_regex(r"\}\s*=\s*process\.env\b")
# import { DATABASE_URL } from '$env/static/private' (SvelteKit)
_SVELTE_STATIC = lazy_regex(
    r"import\s*\{([^{}]{1,800})\}\s*from\s*['\"]\$env/static/(private|public)['\"]"
)
_SVELTE_DYNAMIC = lazy_regex(r"\benv\.([A-Z][A-Z0-9_]*)")
# NestJS: config.get<string>('JWT_SECRET'), configService.getOrThrow('X')
_CONFIG_SERVICE = lazy_regex(
    r"\.(?:get|getOrThrow)(?:<[^>]*>)?\(\s*['\"]([A-Z][A-Z0-9_]*)['\"]\s*(,)?"
)
_PRISMA_ENV = lazy_regex(r"\benv\(\s*\"([A-Za-z_][A-Za-z0-9_]*)\"\s*\)")
_EXAMPLE_LINE = lazy_regex(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=", re.M)
EXAMPLE_ENV_FILES = frozenset(
    {
        ".env.example",
        ".env.sample",
        ".env.template",
        ".env.local.example",
        ".env.dist",
        "env.example",
    }
)


@dataclass(slots=True)
class _Read:
    name: str
    path: str
    offset: int
    has_default: bool
    lines: _Lines  # the line number is worked out only for reads kept as evidence
    # SvelteKit's $env/static/private: the build inlines the value, so it must exist then.
    at_build: bool = False


@dataclass
class _Lines:
    text: str
    starts: list[int] = field(default_factory=list)

    def line(self, offset: int) -> int:
        if not self.starts:
            self.starts = [m.start() for m in re.finditer("\n", self.text)]
        return bisect.bisect_left(self.starts, offset) + 1


def _destructured(source: SourceFile, lines: _Lines) -> list[_Read]:
    out: list[_Read] = []
    if not _DESTRUCTURE_END.search(source.text):
        return out
    for match in _DESTRUCTURE.finditer(source.text):
        for raw in match.group(1).split(","):
            part = raw.strip()
            name = re.match(_NAME, part)
            if name:
                out.append(_Read(name.group(1), source.path, match.start(), "=" in part, lines))
    return out


def _reads_in(source: SourceFile) -> list[_Read]:
    text = source.text
    python = source.path.endswith(".py")
    patterns = _PY_PATTERNS if python else _JS_PATTERNS
    lines = _Lines(text)
    out: list[_Read] = []
    held: dict[str, bool] = {}  # a needle several patterns share is searched for once
    for pattern, needle, default_style in patterns:
        found = held.get(needle)
        if found is None:
            found = held[needle] = needle in text
        if not found:
            continue
        for match in pattern.finditer(text):
            start = match.start()
            if needle == "env" and start and (text[start - 1].isalnum() or text[start - 1] in "_."):
                continue  # getenv( or settings.env(: another pattern's business
            if default_style == "after":
                has_default = _DEFAULT_AFTER.match(text, match.end()) is not None
            else:
                has_default = default_style == "arg" and bool(match.group(2))
            out.append(_Read(match.group(1), source.path, start, has_default, lines))
    if not python and held["process.env"]:  # the first JavaScript pattern's needle
        out.extend(_destructured(source, lines))
    if not python:
        out.extend(_framework_reads(source, lines))
    return out


def _framework_reads(source: SourceFile, lines: _Lines) -> list[_Read]:
    text, out = source.text, []
    if "$env/" in text:
        for match in _SVELTE_STATIC.finditer(text):
            private = match.group(2) == "private"
            for raw in match.group(1).split(","):
                name = raw.strip().split(" as ")[0].strip()
                if name:
                    out.append(_Read(name, source.path, match.start(), False, lines, private))
        if "$env/dynamic" in text:
            for match in _SVELTE_DYNAMIC.finditer(text):
                default = _DEFAULT_AFTER.match(text, match.end()) is not None
                out.append(_Read(match.group(1), source.path, match.start(), default, lines))
    if "onfig" in text and ".get" in text:  # ConfigService, config; `.get` is in every match
        for match in _CONFIG_SERVICE.finditer(text):
            default = bool(match.group(2))
            out.append(_Read(match.group(1), source.path, match.start(), default, lines))
    return out


def _declared_reads(index: RepoIndex) -> list[_Read]:
    """Names the repository declares it needs: .env.example files and Prisma's env()."""
    out: list[_Read] = []
    for source in index.files:
        name = basename(source.path)
        if name in EXAMPLE_ENV_FILES:
            lines = _Lines(source.text)
            for match in _EXAMPLE_LINE.finditer(source.text):
                out.append(_Read(match.group(1), source.path, match.start(), False, lines))
        elif name.endswith(".prisma"):
            lines = _Lines(source.text)
            for match in _PRISMA_ENV.finditer(source.text):
                out.append(_Read(match.group(1), source.path, match.start(), False, lines))
    return out


def _client_code(path: str, apps: list[AppFacts], texts: dict[str, str]) -> bool:
    """Code that a static app ships to the browser (not its build config, scripts or functions)."""
    app = app_for_path(apps, path)
    if app is None or app.shape is not DeployShape.STATIC or path.endswith(".py"):
        return False
    name = basename(path)
    if ".config." in name or "supabase/functions/" in path or "/api/" in "/" + path:
        return False
    in_app = path if app.root == "." else path[len(app.root) + 1 :]
    return not runs_on_server(in_app, texts.get(path, ""))


def _bundled(app: AppFacts, path: str) -> bool:
    """Code of the browser bundle a server's build also writes (Replit's client/ beside
    server/, built by `vite build`): its public prefixes reach the browser."""
    bundle = app.browser_bundle
    return bundle is not None and under(path, bundle.source_root)


def detect_env_vars(index: RepoIndex, apps: list[AppFacts]) -> list[EnvVarFacts]:
    reads: list[_Read] = []
    for source in index.code_files:
        reads.extend(_reads_in(source))
    reads.extend(_declared_reads(index))
    texts = {source.path: source.text for source in index.code_files}
    public: dict[str, bool] = {}
    default: dict[str, bool] = {}
    proof: dict[str, list[Evidence]] = {}
    at_build: dict[str, list[Evidence]] = {}
    client: dict[str, bool] = {}  # per file: does it ship to the browser?
    prefixed: dict[str, bool] = {}  # per file: does a public prefix publish what it reads?
    for read in reads:
        name = read.name
        if name in _VITE_BUILTINS:
            continue
        if read.path not in client:
            declared = basename(read.path) in EXAMPLE_ENV_FILES or read.path.endswith(".prisma")
            client[read.path] = not declared and _client_code(read.path, apps, texts)
            app = None if declared else app_for_path(apps, read.path)
            prefixed[read.path] = (
                app is None or app.kind not in _SERVER_ONLY_KINDS or _bundled(app, read.path)
            )
        public[name] = (
            public.get(name, False)
            or client[read.path]
            or (prefixed[read.path] and name.startswith(PUBLIC_PREFIXES))
        )
        default[name] = default.get(name, False) or read.has_default
        found = proof.setdefault(name, [])
        if len(found) < _MAX_EVIDENCE:
            found.append(Evidence(path=read.path, line=read.lines.line(read.offset), snippet=name))
        if read.at_build:
            line = read.lines.line(read.offset)
            at_build.setdefault(name, []).append(Evidence(path=read.path, line=line, snippet=name))
    return [
        EnvVarFacts(
            name=n,
            public=public[n],
            has_default_in_code=default[n],
            evidence=proof[n],
            read_at_build=at_build.get(n, [])[:_MAX_EVIDENCE],
        )
        for n in sorted(proof)
    ]

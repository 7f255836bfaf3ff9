"""Supabase facts: the project folder, edge functions, row level security per
table (from the migrations, parsed by Postgres's parser), anon keys (public by
design, counted) and service-role keys reachable from browser code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scaffolder.inspect.browser_code import runs_on_server
from scaffolder.inspect.env_files import is_env_file_name
from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.jwt import JWT_RE, jwt_role
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.sql import TableAction, TableEvent, table_events
from scaffolder.models import Evidence, ScanWarning, SupabaseFacts, TableRls

_CLIENT_RE = lazy_regex(
    r"@supabase/|from supabase import|import supabase\b|supabase_flutter|\.supabase\.co\b"
)
_VITE_CONFIG_RE = lazy_regex(r"(?:^|/)vite\.config\.[cm]?[jt]s$")
_USE_CLIENT_RE = lazy_regex(r"""\A(?:\s|//[^\n]*\n|/\*.*?\*/)*['"]use client['"]""", re.DOTALL)
# The name as it is read (process.env.X, env["X"], Deno.env.get("X"), getenv("X")): a
# setup page that only prints "SUPABASE_SERVICE_ROLE=<your key>" reaches no key.
_SERVICE_ROLE_NAME_RE = lazy_regex(
    r"(?:\benv\s*(?:\.\s*|\[\s*['\"`])|\bget(?:env)?\(\s*['\"`])"
    r"(?P<name>[A-Z0-9_]*SERVICE_ROLE[A-Z0-9_]*)\b"
)
# Bundlers inline these prefixes into the browser bundle, whatever file reads them.
_PUBLIC_SERVICE_ROLE_RE = lazy_regex(
    r"\b(?:VITE_|NEXT_PUBLIC_|PUBLIC_|NUXT_PUBLIC_|REACT_APP_|EXPO_PUBLIC_)[A-Z0-9_]*SERVICE_ROLE\w*"
)
_SECRET_KEY_RE = lazy_regex(r"\bsb_secret_[A-Za-z0-9_-]{20,}")
_PUBLISHABLE_RE = lazy_regex(r"\bsb_publishable_[A-Za-z0-9_-]{20,}")
_CODE_SUFFIXES = (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".vue", ".svelte", ".astro")
_USE_SUFFIXES = (*_CODE_SUFFIXES, ".py", ".dart", ".json", ".toml", ".yaml", ".yml")


def _can_use_supabase(path: str) -> bool:
    """Code, manifests and env files; a README or an agent's notes naming Supabase use nothing."""
    return path.endswith(_USE_SUFFIXES) or is_env_file_name(path)


def _project_dir(paths: Iterable[str]) -> str | None:
    """The folder holding config.toml, migrations/ or functions/ of the Supabase CLI."""
    best: str | None = None
    for path in paths:
        parts = path.split("/")
        for i, part in enumerate(parts[:-1]):
            nxt = parts[i + 1]
            if part == "supabase" and (nxt in {"migrations", "functions"} or nxt == "config.toml"):
                candidate = "/".join(parts[: i + 1])
                if best is None or len(candidate) < len(best):
                    best = candidate
    return best


def _edge_functions(project_dir: str, paths: Iterable[str]) -> list[str]:
    prefix = f"{project_dir}/functions/"
    names = set()
    for path in paths:
        if path.startswith(prefix):
            rest = path[len(prefix) :].split("/")
            if len(rest) > 1 and not rest[0].startswith((".", "_")):  # _shared is a library
                names.add(rest[0])
    return sorted(names)


def _sql_order(files: list[SourceFile], project_dir: str | None, used: bool) -> list[SourceFile]:
    """Migrations in the order the CLI applies them (file name), then loose .sql files."""
    migrations = f"{project_dir}/migrations/" if project_dir else None
    ordered = sorted(
        (
            f
            for f in files
            if migrations and f.path.startswith(migrations) and f.path.endswith(".sql")
        ),
        key=lambda f: f.path,
    )
    if used:
        ordered += sorted(
            (f for f in files if f.path.endswith(".sql") and f not in ordered), key=lambda f: f.path
        )
    return ordered


def _tables(events: Iterable[TableEvent]) -> list[TableRls]:
    tables: dict[tuple[str, str], TableRls] = {}
    for event in events:
        key = (event.schema, event.table)
        evidence = Evidence(path=event.path, line=event.line)
        if event.action is TableAction.CREATE and key not in tables:
            tables[key] = TableRls(
                schema_name=event.schema, table=event.table, rls_enabled=False, evidence=evidence
            )
        elif event.action is TableAction.DROP:
            tables.pop(key, None)
        elif key in tables and event.action is not TableAction.CREATE:
            enabled = event.action is TableAction.ENABLE_RLS
            tables[key] = TableRls(
                schema_name=event.schema, table=event.table, rls_enabled=enabled, evidence=evidence
            )
    return sorted(tables.values(), key=lambda t: (t.schema_name, t.table))


def _browser_roots(paths: Iterable[str]) -> list[str]:
    roots = []
    for path in paths:
        if _VITE_CONFIG_RE.search(path):
            folder = path.rsplit("/", 1)[0] if "/" in path else ""
            roots.append(f"{folder}/src/" if folder else "src/")
    return roots


def _is_browser_file(source: SourceFile, roots: list[str], project_dir: str | None) -> bool:
    if project_dir and source.path.startswith(f"{project_dir}/functions/"):
        return False  # edge functions run on Supabase's servers
    in_root = source.path.startswith(tuple(roots))
    if runs_on_server(source.path, source.text, by_folder=not in_root):
        return False  # a seed script, a CLI, a test: never bundled
    if source.path.startswith(tuple(roots)):
        return True
    return bool(_USE_CLIENT_RE.match(source.text))


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _service_role_exposure(source: SourceFile, browser: bool) -> Evidence | None:
    """Where browser code can reach a service-role key in this file, if anywhere.

    Only for files that `_mentions_service_role`: the others cannot.
    """
    text = source.text
    if browser:
        for match in JWT_RE.finditer(text):
            if jwt_role(match[0]) == "service_role":
                return Evidence(path=source.path, line=_line(text, match.start()))
        secret = _SECRET_KEY_RE.search(text)
        if secret:
            return Evidence(path=source.path, line=_line(text, secret.start()))
        named = _SERVICE_ROLE_NAME_RE.search(text)
        if named:
            start = named.start("name")
            return Evidence(path=source.path, line=_line(text, start), snippet=named["name"])
    public = _PUBLIC_SERVICE_ROLE_RE.search(text)
    if public:
        return Evidence(path=source.path, line=_line(text, public.start()), snippet=public[0])
    return None


def _mentions_service_role(text: str) -> bool:
    """False for the common file that cannot expose a key (settled without a regex)."""
    return "SERVICE_ROLE" in text or "eyJ" in text or "sb_secret_" in text


def _anon_keys(text: str) -> int:
    count = len(_PUBLISHABLE_RE.findall(text)) if "sb_publishable_" in text else 0
    if "eyJ" in text:
        count += sum(1 for m in JWT_RE.finditer(text) if jwt_role(m[0]) == "anon")
    return count


def inspect_supabase(files: list[SourceFile]) -> tuple[SupabaseFacts, list[ScanWarning]]:
    paths = [f.path for f in files]
    project_dir = _project_dir(paths)
    used = project_dir is not None or any(
        _can_use_supabase(f.path) and "supabase" in f.text and _CLIENT_RE.search(f.text)
        for f in files
    )
    facts = SupabaseFacts(used=used, project_dir=project_dir)
    if project_dir:
        facts.edge_functions = _edge_functions(project_dir, paths)
    warnings: list[ScanWarning] = []
    events: list[TableEvent] = []
    for source in _sql_order(files, project_dir, used):
        found, problems = table_events(source.path, source.text)
        events.extend(found)
        warnings.extend(problems)
    facts.tables = _tables(events)
    roots = _browser_roots(paths)
    for source in files:
        facts.anon_keys_seen += _anon_keys(source.text)
        if is_env_file_name(source.path) or not source.path.endswith(_CODE_SUFFIXES):
            continue
        if not _mentions_service_role(source.text):
            continue  # before _is_browser_file, whose import search costs more
        evidence = _service_role_exposure(source, _is_browser_file(source, roots, project_dir))
        if evidence is not None:
            facts.service_role_in_browser.append(evidence)
    return facts, warnings

"""Security rules about access: auth only in the browser, no auth, open tables, debug mode.

The rules about secrets are in leaked_secrets.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from scaffolder.audit.rules.base import (
    AuditContext,
    Hit,
    Stage,
    joined,
    rule,
    server_apps,
    unique_evidence,
)
from scaffolder.models import (
    AuthKind,
    Dimension,
    Evidence,
    Severity,
    WarningKind,
)

SEC = Dimension.SECURITY


@rule(
    id="SEC008",
    dimension=SEC,
    severity=Severity.HIGH,
    title="Authentication happens only in the browser",
    why=(
        "Anyone can open the developer tools, read the password or flip the flag, and call "
        "the backend directly."
    ),
    fix=(
        "Use a real auth provider (Supabase Auth, Clerk, Auth.js) and check the session on the "
        "server for every protected request."
    ),
    action="Replace browser-only auth with a provider and server-side session checks",
    stage=Stage.MANUAL,
)
def client_only_auth(ctx: AuditContext) -> Iterator[Hit]:
    evidence = [e for a in ctx.facts.auth if a.kind == AuthKind.CLIENT_ONLY for e in a.evidence]
    if any(a.kind == AuthKind.CLIENT_ONLY for a in ctx.facts.auth):
        yield Hit(evidence=unique_evidence(evidence))


@rule(
    id="SEC009",
    dimension=SEC,
    severity=Severity.MEDIUM,
    title="Server app with a database and no authentication",
    why=(
        "Unless every endpoint is meant to be public, anyone who finds the URL can read and "
        "change the data."
    ),
    fix=(
        "Add an auth provider (Auth.js, Clerk, Supabase Auth, Django auth, Flask-Login) and "
        "require a session on every endpoint that writes or reads private data."
    ),
    action="Require authentication on endpoints that read or write private data",
    stage=Stage.MANUAL,
)
def no_auth_with_database(ctx: AuditContext) -> Iterator[Hit]:
    servers = server_apps(ctx.facts)
    if servers and ctx.facts.databases and not ctx.facts.auth:
        evidence = [e for db in ctx.facts.databases for e in db.evidence[:1]]
        yield Hit(evidence=unique_evidence(evidence))


@rule(
    id="SEC010",
    dimension=SEC,
    severity=Severity.CRITICAL,
    title="Supabase table without row-level security",
    why=(
        "The anon key ships to every browser, so without RLS anyone can read, change or delete "
        "every row of these tables."
    ),
    fix=(
        "Add `alter table ... enable row level security;` and policies in a new migration, "
        "then apply it with `supabase db push`."
    ),
    action="Enable row-level security, with policies, on every Supabase table",
    stage=Stage.MANUAL,
)
def table_without_rls(ctx: AuditContext) -> Iterator[Hit]:
    # Tables the live probe reached are judged by what it measured (SEC020, SEC021).
    probed = ctx.rls_probe.probed_tables() if ctx.rls_probe is not None else set()
    open_tables = [
        t
        for t in ctx.facts.supabase.tables
        if not t.rls_enabled and (t.schema_name, t.table) not in probed
    ]
    if open_tables:
        names = [f"{t.schema_name}.{t.table}" for t in open_tables]
        yield Hit(
            evidence=unique_evidence(t.evidence for t in open_tables),
            title=f"Supabase tables without row-level security: {joined(names)}",
        )


@rule(
    id="SEC011",
    dimension=SEC,
    severity=Severity.HIGH,
    title="Framework debug mode switched on",
    why=(
        "Flask's debugger runs any Python a visitor types into an error page, and Django's debug "
        "pages show settings and SQL to everyone."
    ),
    fix=(
        "Drive debug from an environment variable that defaults to off (FLASK_DEBUG, "
        "DJANGO_DEBUG) and never set it in staging or prod."
    ),
    action="Turn framework debug mode off by default and drive it from the environment",
    stage=Stage.MANUAL,
)
def debug_mode(ctx: AuditContext) -> Iterator[Hit]:
    evidence = [e for app in ctx.facts.apps for e in app.debug_mode]
    if evidence:
        yield Hit(evidence=unique_evidence(evidence))


@rule(
    id="SEC012",
    dimension=SEC,
    severity=Severity.INFO,
    title="Git history was not scanned for secrets",
    why=(
        "Secrets deleted from the code still live in history, and this audit could not look "
        "there, so a leaked key may go unreported."
    ),
    fix=(
        "Run `scaffold audit` without --no-history inside a git clone with its full history "
        "(a shallow clone: `git fetch --unshallow` first; in CI: `fetch-depth: 0`)."
    ),
    action="Re-run the audit on a full git clone so history is scanned for secrets",
    stage=Stage.MANUAL,
    fix_command="scaffold audit",
)
def history_not_scanned(ctx: AuditContext) -> Iterator[Hit]:
    skipped = [
        w
        for w in ctx.facts.warnings
        if w.kind in (WarningKind.HISTORY_SKIPPED, WarningKind.NOT_GIT)
    ]
    if skipped:
        yield Hit(evidence=(Evidence(path=".", snippet=skipped[0].message[:200]),))

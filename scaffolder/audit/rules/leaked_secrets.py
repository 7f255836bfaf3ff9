"""Security rules about secrets: committed or in history, in the browser, in public names."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from scaffolder.audit.rules.base import (
    AuditContext,
    Hit,
    Stage,
    joined,
    rule,
    unique_evidence,
)
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.models import (
    Dimension,
    Evidence,
    SecretFinding,
    SecretKind,
    Severity,
)

SEC = Dimension.SECURITY

# Kinds that are a credential by themselves; the other kinds have their own rules.
_CREDENTIAL_KINDS = {
    SecretKind.PROVIDER_KEY,
    SecretKind.PRIVATE_KEY,
    SecretKind.DATABASE_URL,
    SecretKind.SUPABASE_SERVICE_ROLE,
}
_EXAMPLE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults")


def _secret_evidence(secret: SecretFinding) -> Evidence:
    snippet = secret.preview
    if secret.commit:
        snippet = f"{snippet} (commit {secret.commit[:8]})"
    return Evidence(path=secret.path, line=secret.line, snippet=snippet)


def _tree_secrets(ctx: AuditContext, kinds: Collection[SecretKind]) -> list[SecretFinding]:
    """Secrets of `kinds` still in the working tree, one per value per place."""
    return _distinct([s for s in ctx.facts.secrets if s.in_working_tree and s.kind in kinds])


def _distinct(secrets: list[SecretFinding]) -> list[SecretFinding]:
    """One finding per value per place, even when tree and history both report it."""
    seen: set[tuple[str, str, int | None]] = set()
    out = []
    for secret in secrets:
        key = (secret.fingerprint, secret.path, secret.line)
        if key not in seen:
            seen.add(key)
            out.append(secret)
    return out


@rule(
    id="SEC001",
    dimension=SEC,
    severity=Severity.CRITICAL,
    title="Secret committed to the repository",
    why=(
        "Anyone who can read the code (collaborators, forks, every tool it is pasted into) "
        "can use this credential, and git keeps it in history forever."
    ),
    fix=(
        "Rotate the value at its provider now, delete it from the code, and keep the new "
        "value only in each environment's secret store."
    ),
    action="Rotate every leaked secret at its provider; deleting it from the code is not enough",
    stage=Stage.ROTATE,
    fix_command="scaffold secrets push staging",
)
def committed_secret(ctx: AuditContext) -> Iterator[Hit]:
    for secret in _tree_secrets(ctx, _CREDENTIAL_KINDS):
        yield Hit(
            evidence=(_secret_evidence(secret),),
            title=f"{secret.description or 'Secret'} committed in {secret.path}",
        )


@rule(
    id="SEC002",
    dimension=SEC,
    severity=Severity.CRITICAL,
    title="Secret still in git history",
    why=(
        "The file is gone from the tree but the value is in every clone's history, "
        "so it must be treated as public."
    ),
    fix=(
        "Rotate it at its provider: deleting the file does not unleak it. Rewriting history "
        "(git filter-repo) is optional after rotating, never instead of it."
    ),
    action="Rotate every leaked secret at its provider; deleting it from the code is not enough",
    stage=Stage.ROTATE,
    fix_command="scaffold secrets push staging",
)
def history_secret(ctx: AuditContext) -> Iterator[Hit]:
    # A fallback default the code no longer has is no credential: nothing to rotate.
    history = [
        s
        for s in ctx.facts.secrets
        if s.in_history and not s.in_working_tree and s.kind != SecretKind.FALLBACK_SECRET
    ]
    for secret in _distinct(history):
        yield Hit(
            evidence=(_secret_evidence(secret),),
            title=f"{secret.description or 'Secret'} in git history ({secret.path})",
        )


@rule(
    id="SEC003",
    dimension=SEC,
    severity=Severity.CRITICAL,
    title="Supabase service-role key reachable from the browser",
    why=(
        "The service-role key bypasses every row-level security policy, and anything bundled "
        "into the browser can be read by every visitor."
    ),
    fix=(
        "Rotate the service-role key, stop importing it in browser code, and move privileged "
        "calls into a Supabase edge function or a server route."
    ),
    action="Move service-role calls out of browser code into an edge function or server route",
    stage=Stage.MANUAL,
)
def service_role_in_browser(ctx: AuditContext) -> Iterator[Hit]:
    evidence = list(ctx.facts.supabase.service_role_in_browser)
    for var in ctx.facts.env_vars:
        if var.public and "SERVICE_ROLE" in var.name.upper():
            evidence.extend(var.evidence or [Evidence(path=".", snippet=var.name)])
    if evidence:
        yield Hit(evidence=unique_evidence(evidence))


def _is_example(path: str) -> bool:
    return path.lower().endswith(_EXAMPLE_SUFFIXES)


@rule(
    id="SEC004",
    dimension=SEC,
    severity=Severity.HIGH,
    title="Environment file committed",
    why=(
        "Every value in a committed .env ships with each clone and fork, and the next real key "
        "someone adds to it leaks the same way."
    ),
    fix=(
        "Run `git rm --cached` on the file, add it to .gitignore, list the names (no values) in "
        ".env.example, and keep the values in the environment's secret store."
    ),
    action="Untrack committed .env files (git rm --cached) and add them to .gitignore",
    stage=Stage.MANUAL,
)
def committed_env_file(ctx: AuditContext) -> Iterator[Hit]:
    paths = list(ctx.facts.committed_env_files)
    paths += [
        s.path for s in ctx.facts.secrets if s.kind == SecretKind.ENV_FILE and s.in_working_tree
    ]
    files = [p for p in dict.fromkeys(paths) if p and not _is_example(p)]
    if files:
        yield Hit(
            evidence=tuple(Evidence(path=p) for p in files),
            title=f"Environment file committed: {joined(files)}",
        )


@rule(
    id="SEC005",
    dimension=SEC,
    severity=Severity.HIGH,
    title="Framework secret hard-coded in the source",
    why="Anyone who reads the code can sign session cookies or tokens and log in as any user.",
    fix=(
        "Read it from an environment variable with no default, generate a new random value per "
        "environment, and keep it in the secret store."
    ),
    action="Read hard-coded framework secrets from the environment, with no default",
    stage=Stage.MANUAL,
)
def hardcoded_framework_secret(ctx: AuditContext) -> Iterator[Hit]:
    for secret in _tree_secrets(ctx, {SecretKind.HARDCODED_FRAMEWORK_SECRET}):
        yield Hit(evidence=(_secret_evidence(secret),), title=f"Hard-coded secret in {secret.path}")


@rule(
    id="SEC006",
    dimension=SEC,
    severity=Severity.HIGH,
    title="Secret falls back to a hard-coded default",
    why=(
        "When the variable is missing in production the app starts anyway, signing sessions "
        "with a value printed in your source code."
    ),
    fix=(
        "Remove the fallback so the app refuses to start without the variable, and store a "
        "generated value per environment."
    ),
    action="Remove hard-coded fallbacks for secrets so the app refuses to start without them",
    stage=Stage.MANUAL,
)
def fallback_secret(ctx: AuditContext) -> Iterator[Hit]:
    for secret in _tree_secrets(ctx, {SecretKind.FALLBACK_SECRET}):
        yield Hit(
            evidence=(_secret_evidence(secret),), title=f"Secret with a fallback in {secret.path}"
        )


_PUBLIC_PREFIXES = (
    "NEXT_PUBLIC_",
    "NUXT_PUBLIC_",
    "EXPO_PUBLIC_",
    "REACT_APP_",
    "VITE_",
    "PUBLIC_",
)
_SECRET_WORDS = lazy_regex(r"(^|_)(SECRET|PRIVATE|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIALS?)(_|$)")
# Keys that are public by design: protected by RLS, domain restrictions or the provider.
_PUBLIC_BY_DESIGN = lazy_regex(
    r"ANON|PUBLISHABLE|PUBLIC_KEY|SITE_KEY|FIREBASE_API_KEY|MAPS_API_KEY|MEASUREMENT_ID|"
    r"VAPID_PUBLIC|CLIENT_ID"
)


def looks_secret_public_name(name: str) -> bool:
    """True for VITE_STRIPE_SECRET_KEY, NEXT_PUBLIC_OPENAI_KEY; False for anon/publishable keys."""
    upper = name.upper()
    for prefix in _PUBLIC_PREFIXES:
        if upper.startswith(prefix):
            upper = upper[len(prefix) :]
            break
    if "SERVICE_ROLE" in upper:  # SEC003 reports these
        return False
    return bool(_SECRET_WORDS.search(upper)) and not _PUBLIC_BY_DESIGN.search(upper)


@rule(
    id="SEC007",
    dimension=SEC,
    severity=Severity.HIGH,
    title="Secret-looking variable exposed to the browser",
    why=(
        "Bundlers inline every VITE_/NEXT_PUBLIC_ variable into the JavaScript every visitor "
        "downloads, so a secret there is published with the site."
    ),
    fix=(
        "Rename it without the public prefix, rotate it, and call the API that needs it from a "
        "server route or edge function."
    ),
    action="Move secret values out of browser-exposed (VITE_/NEXT_PUBLIC_) variables",
    stage=Stage.MANUAL,
)
def secret_public_env_var(ctx: AuditContext) -> Iterator[Hit]:
    names = []
    evidence: list[Evidence] = []
    for var in ctx.facts.env_vars:
        if var.public and looks_secret_public_name(var.name):
            names.append(var.name)
            evidence.extend(var.evidence or [Evidence(path=".", snippet=var.name)])
    if names:
        yield Hit(
            evidence=unique_evidence(evidence),
            title=f"Secret-looking variable exposed to the browser: {joined(names)}",
        )


@rule(
    id="SEC013",
    dimension=SEC,
    severity=Severity.HIGH,
    title="App account passwords written in a committed document",
    why=(
        "Anyone who can read the repository can sign in with these accounts, admin ones "
        "included, and git keeps the document in history after it is edited."
    ),
    fix=(
        "Change those accounts' passwords in the app, remove them from the document (share "
        "them through a password manager), and treat the old ones as public."
    ),
    action="Change the passwords of the accounts a committed document lists",
    stage=Stage.ROTATE,
)
def credential_document(ctx: AuditContext) -> Iterator[Hit]:
    documented = _tree_secrets(ctx, {SecretKind.CREDENTIAL_DOCUMENT})
    evidence = [_secret_evidence(s) for s in documented]
    if evidence:
        paths = list(dict.fromkeys(e.path for e in evidence))
        yield Hit(evidence=tuple(evidence), title=f"Account passwords written in {joined(paths)}")

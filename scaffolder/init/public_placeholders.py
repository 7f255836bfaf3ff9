"""Placeholders a Next.js image is built with for its browser-visible settings.

Next.js inlines NEXT_PUBLIC_* values into the server and browser bundles at
`next build`, but the image is built once and promoted by digest to every
environment (docs/provision.md, "Build once, promote by digest"). So the image is
built with one distinct placeholder per variable, and its entrypoint replaces each
with the task's own value when the container starts.

A placeholder must survive the app's own build-time code: a client library checks
that its URL parses (`new URL(...)` throws, Supabase's createClient refuses a
non-URL), so a name that looks like a URL gets a URL in the reserved `.invalid`
domain (RFC 2606: it can never resolve), the others a plain token. Both carry the
marker `scaffold-public-`, which the entrypoint searches for before it reads a
file further. Lowercase hex only, so `new URL(...)` keeps the host as it is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from scaffolder.models import AppKind, TemplateApp

MARKER = "scaffold-public-"
NEXT_PUBLIC = "NEXT_PUBLIC_"  # the only names Next.js inlines (besides next.config's `env`)
_URL_SUFFIXES = ("_URL", "_URI", "_ENDPOINT", "_HOST")


def looks_like_url(name: str) -> bool:
    return name.upper().endswith(_URL_SUFFIXES)


def placeholder(name: str) -> str:
    """The value `name` is built with: stable across runs, distinct per name."""
    token = MARKER + hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"https://{token}.invalid" if looks_like_url(name) else token


def public_placeholders(apps: Iterable[TemplateApp], public_env_vars: list[str]) -> dict[str, str]:
    """NEXT_PUBLIC_* name -> placeholder, when a Next.js server app is in the repository."""
    nextjs = any(a.kind == AppKind.NEXTJS and a.shape == "server" for a in apps)
    if not nextjs:
        return {}
    names = sorted(n for n in public_env_vars if n.startswith(NEXT_PUBLIC))
    return {name: placeholder(name) for name in names}

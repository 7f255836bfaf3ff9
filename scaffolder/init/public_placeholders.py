"""Placeholders a server image is built with for its browser-visible settings.

A build that bundles code for browsers compiles public values into it: `next build` inlines
NEXT_PUBLIC_*, `vite build` every `import.meta.env.VITE_*` (an Express server that builds
its Vite client, Replit's shape), SvelteKit and Astro their PUBLIC_*. But the image is
built once and promoted by digest to every environment (docs/provision.md, "Build once,
promote by digest"). So the image is built with one distinct placeholder per variable, and
its entrypoint replaces each with the task's own value, in the built output only, when the
container starts. A static site is built per environment by its own deploy: none of this.

A placeholder must survive the app's own build-time code: a client library checks
that its URL parses (`new URL(...)` throws, Supabase's createClient refuses a
non-URL), so a name that looks like a URL gets a URL in the reserved `.invalid`
domain (RFC 2606: it can never resolve), the others a plain token. Both carry the
marker `scaffold-public-`, which the entrypoint searches for before it reads a
file further. Lowercase hex only, so `new URL(...)` keeps the host as it is.
"""

from __future__ import annotations

import hashlib

from scaffolder.models import AppKind, TemplateApp

MARKER = "scaffold-public-"
NEXT_PUBLIC = "NEXT_PUBLIC_"  # the only names Next.js inlines (besides next.config's `env`)
# What `next build` leaves holding them: the server's and browsers' bundles, the server.
_NEXT_OUTPUT = [".next", "server.js"]
_URL_SUFFIXES = ("_URL", "_URI", "_ENDPOINT", "_HOST")


def looks_like_url(name: str) -> bool:
    return name.upper().endswith(_URL_SUFFIXES)


def placeholder(name: str) -> str:
    """The value `name` is built with: stable across runs, distinct per name."""
    token = MARKER + hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"https://{token}.invalid" if looks_like_url(name) else token


def compiled_in(app: TemplateApp) -> tuple[tuple[str, ...], list[str]]:
    """The prefixes `app`'s image build compiles into browser code, and the paths of the
    runtime image (relative to its WORKDIR) that hold them; nothing for a static app."""
    if app.shape != "server":
        return (), []
    if app.kind == AppKind.NEXTJS:
        return (NEXT_PUBLIC,), _NEXT_OUTPUT
    if app.browser_bundle_dir:
        return tuple(app.browser_env_prefixes), [app.browser_bundle_dir]
    return (), []


def with_public_placeholders(app: TemplateApp, public_env_vars: list[str]) -> TemplateApp:
    """`app` with the placeholder of each public name its build compiles in, and where."""
    prefixes, paths = compiled_in(app)
    names = sorted(n for n in public_env_vars if prefixes and n.startswith(prefixes))
    return app.model_copy(
        update={
            "public_env_placeholders": {name: placeholder(name) for name in names},
            "public_env_paths": paths if names else [],
        }
    )

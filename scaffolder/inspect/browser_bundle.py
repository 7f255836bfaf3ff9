"""What a server app's own build writes for browsers, with public variables compiled in.

Replit's template and many Bolt exports are one Express server whose `npm run build` also
runs `vite build` on a client folder (client/ + server/ + shared/): Vite replaces every
`import.meta.env.VITE_*` in the client with the value the build sees, and Express serves
the result (dist/public) itself. SvelteKit, Astro and Remix servers do the same for their
pages. The image is built once for every environment (docs/provision.md, "Build once,
promote by digest"), so init needs to know which names are compiled in and into which
folder; this reads that from the app's own config, where it is written plainly.
"""

from __future__ import annotations

import posixpath
import re

from scaffolder.inspect.index import RepoIndex, line_of
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.manifests import PackageJson, join
from scaffolder.models import AppFacts, AppKind, BrowserBundleFacts, DeployShape, Evidence

# Servers that serve what they like: one of them builds a browser bundle only when its build
# runs `vite build`.
_OWN_SERVER = frozenset({AppKind.EXPRESS, AppKind.FASTIFY, AppKind.HONO, AppKind.NESTJS})
_STR = r"['\"`]([^'\"`]*)['\"`]"
# path.resolve(__dirname, "dist", "public"), path.join(import.meta.dirname, "client")
_FROM_CONFIG = (
    r"(?:path\.)?(?:resolve|join)\(\s*(?:__dirname|import\.meta\.dirname|process\.cwd\(\))"
    rf"\s*((?:,\s*{_STR}\s*)+)\)"
)
_VITE_BUILD = lazy_regex(r"\bvite\s+build\b")
_RUN_SCRIPT = lazy_regex(r"\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?([\w:.-]+)")


def config_path(text: str, key: str) -> tuple[str, bool] | None:
    """`key: "x"` in a bundler config, and whether it is relative to the config's own folder
    (path.resolve(__dirname, ...)) rather than to the bundler's root."""
    resolved = re.search(rf"\b{key}\s*:\s*{_FROM_CONFIG}", text)
    if resolved:
        return "/".join(re.findall(_STR, resolved.group(1))), True
    plain = re.search(rf"\b{key}\s*:\s*{_STR}", text)
    return (plain.group(1), False) if plain else None


def _inside(path: str) -> str | None:
    """`path` normalised, or None when it leaves the app's folder."""
    clean = posixpath.normpath(path.strip() or ".")
    return None if clean.startswith("../") or clean == ".." or clean.startswith("/") else clean


def _prefixes(text: str, key: str, default: list[str]) -> list[str]:
    match = re.search(rf"\b{key}\s*:\s*(\[[^\]]*\]|{_STR})", text)
    found = re.findall(_STR, match.group(1)) if match else []
    return [p for p in found if p] or default


def vite_layout(text: str) -> tuple[str, str, list[str]]:
    """(root, outDir, envPrefix) of a vite.config, both folders normalised and relative to
    its own folder: Vite resolves a relative outDir against `root`, path.resolve(__dirname,
    ...) against the config's folder. outDir may leave it ("../server/public")."""
    root_found = config_path(text, "root")
    root = posixpath.normpath(root_found[0].strip() or ".") if root_found else "."
    out_found = config_path(text, "outDir")
    if out_found is None:
        out = posixpath.join(root, "dist")
    else:
        out = out_found[0] if out_found[1] else posixpath.join(root, out_found[0])
    return root, posixpath.normpath(out), _prefixes(text, "envPrefix", ["VITE_"])


def config_text(index: RepoIndex, folder: str, stem: str) -> tuple[str, str] | None:
    """(path, text) of `<stem>.config.<ext>` in `folder`."""
    for ext in ("ts", "mjs", "js", "cjs", "mts"):
        path = join(folder, f"{stem}.config.{ext}")
        text = index.text(path)
        if text is not None:
            return path, text
    return None


def _runs_vite_build(pkg: PackageJson) -> bool:
    """The build script runs `vite build`, itself or through a script it runs."""
    scripts = pkg.scripts
    build = scripts.get("build", "")
    reached = [build, *(scripts.get(name, "") for name in _RUN_SCRIPT.findall(build))]
    return any(_VITE_BUILD.search(script) for script in reached)


def _vite_bundle(pkg: PackageJson, index: RepoIndex, builder: str) -> BrowserBundleFacts | None:
    config = config_text(index, pkg.folder, "vite")
    root, out, prefixes = vite_layout(config[1]) if config else (".", "dist", ["VITE_"])
    if _inside(root) is None or _inside(out) in {None, "."}:
        return None  # a bundle outside the image's app folder, or over all of it
    if builder == "remix":
        out = "build"  # Remix's own buildDirectory: build/client and build/server
    where = config[1].find("outDir") if config else -1
    line = line_of(config[1], where) if config and where >= 0 else None
    evidence = [
        Evidence(path=config[0] if config else pkg.path, line=line, snippet=f"writes {out}")
    ]
    return BrowserBundleFacts(
        builder=builder,
        source_root=posixpath.normpath(join(pkg.folder, root)),
        output_dir=out,
        env_prefixes=prefixes,
        evidence=evidence,
    )


def _framework_bundle(
    app: AppFacts, pkg: PackageJson, index: RepoIndex
) -> BrowserBundleFacts | None:
    """SvelteKit (adapter-node's `out`, PUBLIC_ from $env/static/public) and Astro (outDir,
    PUBLIC_) servers compile public values into what they serve, as Vite does under them."""
    svelte = app.kind is AppKind.SVELTEKIT
    config = config_text(index, pkg.folder, "svelte" if svelte else "astro")
    path, text = config or (pkg.path, "")
    found = config_path(text, "out" if svelte else "outDir")
    out = _inside(found[0]) if found else ("build" if svelte else "dist")
    if not out or out == ".":
        return None
    if svelte:
        prefixes = [*_prefixes(text, "publicPrefix", ["PUBLIC_"]), "VITE_"]
    else:
        prefixes = _prefixes(text, "envPrefix", ["PUBLIC_"])
    return BrowserBundleFacts(
        builder=app.kind.value,
        source_root=pkg.folder,
        output_dir=out,
        env_prefixes=prefixes,
        evidence=[Evidence(path=path, snippet=f"writes {out}")],
    )


def browser_bundle(app: AppFacts, pkg: PackageJson, index: RepoIndex) -> BrowserBundleFacts | None:
    """The browser bundle a server app's build writes, or None (a static app is built per
    environment by its own deploy; Next.js is its own case; Nuxt reads its public runtime
    config when the server starts, so nothing of it is compiled in)."""
    if app.shape is not DeployShape.SERVER or not app.build_command:
        return None
    if app.kind in _OWN_SERVER:
        return _vite_bundle(pkg, index, "vite") if _runs_vite_build(pkg) else None
    if app.kind in {AppKind.SVELTEKIT, AppKind.ASTRO}:
        return _framework_bundle(app, pkg, index)
    if app.kind is AppKind.REMIX and config_text(index, pkg.folder, "vite"):
        return _vite_bundle(pkg, index, "remix")
    return None

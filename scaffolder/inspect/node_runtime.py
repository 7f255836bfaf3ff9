"""What a Node server needs at run time: its listen port, and the packages its code imports.

Two facts a production image depends on and a manifest does not say:

- a server that listens on a literal port and never reads PORT (Replit's Express
  template: `const port = 5000; server.listen({ port, host: "0.0.0.0" })`) ignores
  the PORT the container sets, so the image must use that port;
- a server whose runtime code imports a devDependency at module level (the same
  template's server/vite.ts imports `vite`, and esbuild's `--packages=external`
  keeps that import in the bundle) crashes once devDependencies are pruned.
"""

from __future__ import annotations

import posixpath
import re

from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.index import RepoIndex
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.manifests import PackageJson, join

_READS_PORT = lazy_regex(r"\benv(?:\.PORT\b|\[\s*['\"]PORT['\"]\s*\])|\{[^}]*\bPORT\b[^}]*\}\s*=")
_LITERAL_PORT = (
    lazy_regex(r"\.listen\(\s*(\d{2,5})\b"),
    lazy_regex(r"\.listen\(\s*\{[^}]*\bport\s*:\s*(\d{2,5})\b"),
    lazy_regex(
        r"^\s*(?:const|let|var)\s+(?:port|PORT)\s*(?::\s*number\s*)?=\s*(\d{2,5})\s*;?\s*$", re.M
    ),
)
# Module-level imports: `import x from "p"`, `import "p"`, `export * from "p"`, and a
# top-level `const x = require("p")`. `import type` is erased by every compiler.
_IMPORT = lazy_regex(
    r"^(?:import\s+(?!type\s)(?:[\w$*{}\s,]+?\s+from\s+)?|export\s+(?!type\s)[\w$*{}\s,]*?\s*from\s+)"
    r"['\"]([^'\"]+)['\"]"
    r"|^(?:const|let|var)\s+[\w${}\s,:]+=\s*require\(\s*['\"]([^'\"]+)['\"]\s*\)",
    re.M,
)
_SCRIPT_FILE = lazy_regex(
    r"\b(?:node|tsx|ts-node|ts-node-dev|nodemon|bun|esbuild)\s+(?:-{1,2}\S+\s+)*"
    r"([\w./-]+\.(?:[cm]?[jt]s|tsx|jsx))\b"
)
_FALLBACK_ENTRIES = ("src/main.ts", "src/index.ts", "server/index.ts", "index.js", "server.js")
_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")


def hard_coded_port(code: list[SourceFile]) -> tuple[int, str] | None:
    """(port, file) when the server listens on a literal port and no code reads PORT."""
    # Every spelling holds "PORT": the substring test spares most files the pattern.
    if any("PORT" in source.text and _READS_PORT.search(source.text) for source in code):
        return None
    for source in code:
        if ".listen(" not in source.text:
            continue
        for pattern in _LITERAL_PORT:
            if match := pattern.search(source.text):
                return int(match.group(1)), source.path
    return None


def package_of(specifier: str) -> str | None:
    """Package name: "@scope/name/sub" -> "@scope/name", "a/b" -> "a"; None for paths."""
    if specifier.startswith((".", "/", "node:")) or not specifier:
        return None
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") and len(parts) > 1 else parts[0]


def _resolve(index: RepoIndex, importer: str, specifier: str) -> str | None:
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
    stem = base
    for js in (".js", ".mjs", ".cjs", ".jsx"):  # ESM TypeScript imports "./x.js" for ./x.ts
        if base.endswith(js):
            stem = base[: -len(js)]
    candidates = [base, *(stem + s for s in _SUFFIXES), *(f"{base}/index{s}" for s in _SUFFIXES)]
    return next((c for c in candidates if index.exists(c) and index.text(c) is not None), None)


def entry_files(pkg: PackageJson, index: RepoIndex, entrypoint: str | None) -> list[str]:
    """The server's source entries: files the scripts run or bundle, else the usual places."""
    found: list[str] = []
    for script in pkg.scripts.values():
        found += [join(pkg.folder, m.removeprefix("./")) for m in _SCRIPT_FILE.findall(script)]
    if entrypoint:
        found.append(join(pkg.folder, entrypoint))
    existing = [p for p in dict.fromkeys(found) if index.text(p) is not None]
    if existing:
        return existing
    fallback = (join(pkg.folder, name) for name in _FALLBACK_ENTRIES)
    return [p for p in fallback if index.text(p) is not None][:1]


def runtime_imports(index: RepoIndex, entries: list[str]) -> dict[str, str]:
    """Package -> the first file importing it at module level, following relative imports."""
    seen: set[str] = set()
    queue = list(entries)
    packages: dict[str, str] = {}
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        text = index.text(path) or ""
        for match in _IMPORT.finditer(text):
            specifier = match.group(1) or match.group(2)
            package = package_of(specifier)
            if package is not None:
                packages.setdefault(package, path)
            elif specifier.startswith(".") and (target := _resolve(index, path, specifier)):
                queue.append(target)
    return packages


def dev_only(pkg: PackageJson) -> list[str]:
    """Packages listed in devDependencies and not in dependencies."""
    dev = pkg.data.get("devDependencies")
    prod = pkg.data.get("dependencies")
    prod_names = set(prod) if isinstance(prod, dict) else set()
    return sorted(str(n) for n in dev if n not in prod_names) if isinstance(dev, dict) else []

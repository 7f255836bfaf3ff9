"""tsconfig files that extend a package nothing installs.

Seen on an unseen prototype (VARCAVIA-Inc/varcavia-poc, SvelteKit): tsconfig.json
extends "@tsconfig/svelte/tsconfig.json", and neither package.json nor the lockfile
has @tsconfig/svelte. The image build and CI's build both fail (svelte-preprocess:
`error TS6053: File '@tsconfig/svelte/tsconfig.json' not found`), which scaffold can
tell without running anything: the package is absent from the lockfile altogether, so
no install, hoisted or not, puts it in node_modules.
"""

from __future__ import annotations

from scaffolder.inspect.index import RepoIndex
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.manifests import PackageJson, join
from scaffolder.models import Evidence

_TSCONFIGS = ("tsconfig.json", "tsconfig.app.json", "tsconfig.node.json", "tsconfig.base.json")
_EXTENDS = lazy_regex(r'"extends"\s*:\s*(\[[^\]]*\]|"[^"]*")')
_STRING = lazy_regex(r'"([^"]+)"')


def _package(spec: str) -> str | None:
    """ "@tsconfig/svelte/tsconfig.json" -> "@tsconfig/svelte"; None for a path."""
    if spec.startswith((".", "/")) or not spec:
        return None
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") and len(parts) > 1 else parts[0]


def unresolved_extends(pkg: PackageJson, index: RepoIndex, lockfiles: list[str]) -> list[Evidence]:
    """Each tsconfig `extends` naming a package that package.json does not list and no
    lockfile of the app mentions (evidence: the tsconfig and the extended spec)."""
    locks = [index.text(path) for path in lockfiles]
    if any(lock is None for lock in locks):
        return []  # bun.lockb is binary: what it installs cannot be read here
    found: list[Evidence] = []
    for name in _TSCONFIGS:
        path = join(pkg.folder, name)
        text = index.text(path)
        match = _EXTENDS.search(text) if text else None
        if match is None:
            continue
        for spec in _STRING.findall(match[1]):
            package = _package(spec)
            if (
                package is None
                or package in pkg.deps
                or any(package in (lock or "") for lock in locks)
            ):
                continue
            found.append(Evidence(path=path, snippet=f'extends "{spec}"'))
    return found

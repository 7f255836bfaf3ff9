"""Read the parts of JS lockfiles that record what package.json asked for.

Only those parts are read: a pnpm-lock.yaml's `importers` (or, before workspaces were
the norm, its top-level specifiers), a yarn.lock's entry keys, a bun.lock's
`workspaces`. The resolved-package sections, which make up almost all of a lockfile,
are never parsed, so a 5 MB lockfile costs little. Every reader raises ValueError on
content it cannot make sense of; the caller turns that into a scan warning.
"""

from __future__ import annotations

import json
import re
from typing import Any

from scaffolder.inspect.lazy_regex import lazy_regex

SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")

# name -> (section, spec): what one package.json (or the lockfile's copy of it) declares.
Declared = dict[str, tuple[str, str]]


def declared(data: Any, sections: tuple[str, ...] = SECTIONS) -> Declared:
    """The dependencies `data` (a package.json-shaped mapping) declares; later sections win."""
    out: Declared = {}
    if not isinstance(data, dict):
        return out
    for section in sections:
        table = data.get(section)
        if isinstance(table, dict):
            for name, spec in table.items():
                if isinstance(spec, str):
                    out[str(name)] = (section, spec)
    return out


# ---------------------------------------------------------------------- pnpm


_PNPM_TOP = ("lockfileVersion", "importers", "specifiers", *SECTIONS[:3])


def _top_sections(text: str, wanted: tuple[str, ...]) -> str:
    """The text of the wanted top-level YAML keys (unindented `key:` lines start each one)."""
    keep: list[str] = []
    taking = False
    for line in text.splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            key = line.split(":", 1)[0].strip().strip("'\"")
            taking = key in wanted
        if taking:
            keep.append(line)
    return "\n".join(keep)


def _yaml(text: str) -> Any:
    """The YAML document ruamel.yaml's safe reader gives, read by libyaml where it gives
    the same (inspect/yaml12.py: a pnpm lockfile's importers in ~1 ms, not ~20 ms, and
    no import of ruamel.yaml); a ValueError names what does not parse."""
    from scaffolder.inspect.yaml12 import Unparsable, read

    try:
        return read(text)
    except Unparsable as exc:
        raise ValueError(f"not valid YAML ({exc})") from exc


def pnpm_importers(text: str) -> tuple[str, dict[str, dict[str, str]]]:
    """(lockfileVersion, importer path -> {name: specifier}) of a pnpm-lock.yaml.

    v5 keeps `specifiers: {name: range}` per importer; v6 and v9 keep
    `dependencies: {name: {specifier, version}}`. A lockfile of a single project
    before v9 has no `importers`: the root's sections sit at the top level.
    """
    doc = _yaml(_top_sections(text, _PNPM_TOP)) or {}
    if not isinstance(doc, dict):
        raise ValueError("not a pnpm lockfile (no top-level mapping)")
    version = str(doc.get("lockfileVersion", ""))
    importers = doc.get("importers")
    if not isinstance(importers, dict):
        importers = {".": doc}
    out: dict[str, dict[str, str]] = {}
    for path, importer in importers.items():
        if isinstance(importer, dict):
            out[str(path)] = _pnpm_specifiers(importer)
    return version, out


def _pnpm_specifiers(importer: dict[str, Any]) -> dict[str, str]:
    specifiers = importer.get("specifiers")
    if isinstance(specifiers, dict):  # lockfile v5
        return {str(k): str(v) for k, v in specifiers.items()}
    out: dict[str, str] = {}
    for section in SECTIONS[:3]:
        table = importer.get(section)
        if isinstance(table, dict):
            for name, entry in table.items():
                if isinstance(entry, dict) and "specifier" in entry:
                    out[str(name)] = str(entry["specifier"])
    return out


def pnpm_workspace_globs(text: str) -> list[str]:
    try:
        doc = _yaml(text) or {}
    except ValueError:
        return []
    packages = doc.get("packages") if isinstance(doc, dict) else None
    return [str(p) for p in packages if isinstance(p, str)] if isinstance(packages, list) else []


# ---------------------------------------------------------------------- yarn


def yarn_descriptors(text: str) -> tuple[bool, set[str]]:
    """(berry?, every `name@range` descriptor that keys an entry) of a yarn.lock.

    A small reader of our own rather than a library: on PyPI, pyarn reads only the
    classic (v1) format and yarnlock (a Rust wheel) documents only v1 too, and
    neither is maintained for berry's YAML. Both formats key each entry with its
    descriptors on one unindented line ending in `:` (`"a@^1", "a@^1.2":` in v1,
    `"a@npm:^1, a@npm:^1.2":` in berry), and those keys are all we need.
    """
    berry = False
    out: set[str] = set()
    for line in text.splitlines():
        if not line or line[0] in " \t#" or not line.rstrip().endswith(":"):
            continue
        key = line.rstrip()[:-1]
        if key.strip("\"'") == "__metadata":
            berry = True
            continue
        for part in key.split(","):
            descriptor = part.strip().strip("\"'").strip()
            if descriptor:
                out.add(descriptor)
    if not out and text.strip() and "yarn lockfile" not in text:
        raise ValueError("no entries found (not a yarn lockfile?)")
    return berry, out


# ---------------------------------------------------------------------- bun

# bun.lock is JSON with trailing commas (JSONC). Strings are matched first so a comma
# or a slash inside one is left alone.
_JSONC = lazy_regex(r'"(?:[^"\\]|\\.)*"|//[^\n]*|/\*.*?\*/|,(\s*[}\]])', re.DOTALL)


def _jsonc_to_json(text: str) -> str:
    def keep(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith('"'):
            return token
        return match.group(1) or ""  # a trailing comma: keep what follows; a comment: drop

    return _JSONC.sub(keep, text)


def bun_workspaces(text: str) -> dict[str, Declared]:
    """Workspace path ("" for the root) -> what the lockfile recorded from its package.json."""
    try:
        data = json.loads(_jsonc_to_json(text))
    except ValueError as exc:
        raise ValueError(f"not valid JSONC ({exc})") from exc
    workspaces = data.get("workspaces") if isinstance(data, dict) else None
    if not isinstance(workspaces, dict):
        raise ValueError("no `workspaces` table (not a text bun.lock?)")
    return {str(path): declared(entry) for path, entry in workspaces.items()}


# ---------------------------------------------------------------------- npm


def npm_lock(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ValueError("not a package-lock (no top-level object)")
    return data

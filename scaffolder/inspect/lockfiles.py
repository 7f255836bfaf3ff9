"""Lockfiles out of step with the package.json they cover: the frozen install fails.

`npm ci`, `pnpm install --frozen-lockfile`, `yarn install --frozen-lockfile`
(`--immutable` in yarn 2+) and `bun install --frozen-lockfile` refuse to run when
the lockfile does not match package.json, so CI and the image build fail on the first
push. Each manager checks something different, and so does each function here:

- npm compares the lockfile's copy of package.json (`packages[""]`, or
  `packages["<member>"]` in a workspace) and keeps a locked package whose version
  still satisfies an edited range; it fails on a dependency with no locked package,
  or whose locked version no longer satisfies the range (lockfile v1: the
  `dependencies` table holds the locked versions).
- pnpm wants each importer's specifiers to equal the manifest's ranges exactly, both
  ways (`importers["."]` or `importers["<member>"]`; the top level before v9).
- yarn needs an entry keyed `name@range` for every range package.json asks for
  (`name@npm:range` in yarn 2+).
- bun wants `workspaces["<member>"]` to equal package.json, both ways; a binary
  bun.lockb cannot be read and is skipped.

A workspace member is checked against the lockfile at the workspace root.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.inspect import lockfile_formats as fmt
from scaffolder.inspect.index import RepoIndex, under
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.manifests import PackageJson, join, parent_dir
from scaffolder.inspect.npm_semver import satisfies
from scaffolder.models import LockfileDrift, PackageManager, ScanWarning, WarningKind

# Text lockfiles, in the order a folder's are checked; npm reads a shrinkwrap first.
_TEXT_LOCKFILES: dict[str, PackageManager] = {
    "npm-shrinkwrap.json": PackageManager.NPM,
    "package-lock.json": PackageManager.NPM,
    "pnpm-lock.yaml": PackageManager.PNPM,
    "yarn.lock": PackageManager.YARN,
    "bun.lock": PackageManager.BUN,
}
_ANY_LOCKFILE = (*_TEXT_LOCKFILES, "bun.lockb")
_MAX_LOCKFILE_BYTES = 64_000_000
_MAX_LISTED = 50
_NPM_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies")
_PNPM_SECTIONS = ("devDependencies", "dependencies", "optionalDependencies")  # pnpm's merge order
# A spec yarn keys under another protocol (file:, link:, portal:, patch:, git, URLs, owner/repo).
_NOT_A_RANGE = lazy_regex(r"^(?!npm:)[a-z+]+:|/")

_NPM_ERROR = (
    "npm error `npm ci` can only install packages when your package.json and "
    "package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file "
    "with `npm install` before continuing."
)
_YARN_ERROR = "error Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`."
_BERRY_ERROR = (
    "YN0028: The lockfile would have been modified by this install, which is explicitly forbidden."
)
_BUN_ERROR = "error: lockfile had changes, but lockfile is frozen"


@dataclass
class _Diff:
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    detail: str | None = None  # npm's first "Missing: ..." / "Invalid: ..." line

    def __bool__(self) -> bool:
        return bool(self.missing or self.changed or self.extra)


@dataclass(frozen=True)
class _Lock:
    path: str
    folder: str
    manager: PackageManager
    data: Any  # what the format's reader returned


# ---------------------------------------------------------------------- comparisons


def _npm_node(packages: dict[str, Any], member: str, name: str) -> dict[str, Any] | None:
    keys = [f"{member}/node_modules/{name}"] if member else []
    for key in [*keys, f"node_modules/{name}"]:
        node = packages.get(key)
        if isinstance(node, dict):
            if node.get("link") and isinstance(packages.get(str(node.get("resolved"))), dict):
                return dict(packages[str(node["resolved"])])
            return node
    return None


def _npm(lock: dict[str, Any], member: str, pkg: PackageJson, lock_name: str) -> _Diff:
    diff = _Diff()
    wanted = fmt.declared(pkg.data, _NPM_SECTIONS)
    packages = lock.get("packages")
    if isinstance(packages, dict) and packages:  # lockfile v2 and v3
        entry = packages.get(member)
        if member and not isinstance(entry, dict):
            diff.missing.append(f"the workspace package {member} itself")
            diff.detail = (
                f"Missing: {pkg.name or member}@{pkg.data.get('version', '')} from lock file"
            )
        recorded = fmt.declared(entry) if isinstance(entry, dict) else {}
        locked = {n: _npm_node(packages, member, n) for n in wanted}
    else:  # v1: the top-level `dependencies` table holds what is installed at the root
        table = lock.get("dependencies")
        recorded = {}
        locked = {n: table.get(n) if isinstance(table, dict) else None for n in wanted}
    for name, (section, spec) in wanted.items():
        before = recorded.get(name, ("", None))[1]
        node = locked[name]
        if node is None and not (before == spec and section == "optionalDependencies"):
            diff.missing.append(f"{name} {spec}")
            diff.detail = diff.detail or f"Missing: {name}@{spec} from lock file"
            continue
        if before == spec or node is None:
            continue
        version = str(node.get("version", ""))
        ok = satisfies(version, spec)
        if ok or (ok is None and before is None):
            continue  # npm keeps a locked package that still fits (or we cannot judge)
        shown = before if before is not None else version
        diff.changed.append(f"{name} {spec} in package.json, {shown} in {lock_name}")
        if version:
            detail = f"Invalid: lock file's {name}@{version} does not satisfy {name}@{spec}"
            diff.detail = diff.detail or detail
    return diff


def _compare_both_ways(want: dict[str, str], have: dict[str, str], lock_name: str) -> _Diff:
    diff = _Diff()
    for name, spec in want.items():
        if name not in have:
            diff.missing.append(f"{name} {spec}")
        elif have[name] != spec:
            diff.changed.append(f"{name} {spec} in package.json, {have[name]} in {lock_name}")
    diff.extra = [f"{name} {spec}" for name, spec in have.items() if name not in want]
    return diff


def _pnpm(importers: dict[str, dict[str, str]], member: str, pkg: PackageJson) -> _Diff:
    want = {n: s for n, (_, s) in fmt.declared(pkg.data, _PNPM_SECTIONS).items()}
    return _compare_both_ways(want, importers.get(member or ".", {}), "pnpm-lock.yaml")


def _bun(workspaces: dict[str, fmt.Declared], member: str, pkg: PackageJson) -> _Diff:
    want = fmt.declared(pkg.data)
    have = workspaces.get(member, {})
    diff = _compare_both_ways(
        {n: s for n, (_, s) in want.items()}, {n: s for n, (_, s) in have.items()}, "bun.lock"
    )
    for name, (section, spec) in want.items():
        moved = name in have and have[name][1] == spec and have[name][0] != section
        if moved:
            diff.changed.append(f"{name} in {section} in package.json, {have[name][0]} in bun.lock")
    return diff


def _yarn(lock: tuple[bool, set[str]], pkg: PackageJson, local_names: set[str]) -> _Diff:
    berry, descriptors = lock
    by_name: dict[str, list[str]] = {}
    for descriptor in descriptors:
        at = descriptor.find("@", 1)
        if at > 0:
            by_name.setdefault(descriptor[:at], []).append(descriptor[at + 1 :])
    diff = _Diff()
    for name, (_, spec) in fmt.declared(pkg.data, _NPM_SECTIONS).items():
        if name in local_names or _NOT_A_RANGE.search(spec):
            continue  # a workspace package or another protocol: yarn keys those differently
        key = spec if not berry or spec.startswith("npm:") else f"npm:{spec}"
        ranges = by_name.get(name, [])
        if key in ranges:
            continue
        if ranges:
            shown = ", ".join(sorted(r.removeprefix("npm:") for r in ranges)[:3])
            diff.changed.append(f"{name} {spec} in package.json, {shown} in yarn.lock")
        else:
            diff.missing.append(f"{name} {spec}")
    return diff


# ---------------------------------------------------------------------- workspaces


def _glob_match(rel: str, pattern: str) -> bool:
    """A workspace glob: `*` stays within one folder, `**` spans any number."""
    parts = [p for p in pattern.removeprefix("./").strip("/").split("/") if p not in ("", ".")]
    regex = "/".join(
        ".*" if p == "**" else re.escape(p).replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        for p in parts
    )
    return re.fullmatch(regex.replace(".*/", "(?:.*/)?"), rel) is not None


def _globs_cover(globs: list[str], rel: str) -> bool:
    included = any(_glob_match(rel, g) for g in globs if not g.startswith("!"))
    return included and not any(_glob_match(rel, g[1:]) for g in globs if g.startswith("!"))


def _workspace_globs(index: RepoIndex, folder: str) -> list[str]:
    pkg = index.manifests.packages.get(folder)
    value = pkg.data.get("workspaces") if pkg else None
    if isinstance(value, dict):
        value = value.get("packages")
    globs = [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []
    text = index.text(join(folder, "pnpm-workspace.yaml"))
    return globs + (fmt.pnpm_workspace_globs(text) if text else [])


def _recorded_members(lock: _Lock) -> set[str]:
    if lock.manager is PackageManager.NPM:
        packages = lock.data.get("packages")
        if isinstance(packages, dict):
            return {k for k in packages if k and "node_modules/" not in f"{k}/"}
    if lock.manager is PackageManager.PNPM:
        return set(lock.data[1])
    if lock.manager is PackageManager.BUN:
        return set(lock.data)
    return set()


def _nearest_lock_folder(index: RepoIndex, folder: str) -> str | None:
    while True:
        if any(index.exists(join(folder, n)) for n in _ANY_LOCKFILE):
            return folder
        if folder == ".":
            return None
        folder = parent_dir(folder)


def _covered(index: RepoIndex, lock: _Lock) -> list[tuple[PackageJson, str]]:
    """The package.json files `lock` serves, each with its path relative to the lockfile."""
    globs = _workspace_globs(index, lock.folder)
    recorded = _recorded_members(lock)
    out: list[tuple[PackageJson, str]] = []
    for folder, pkg in sorted(index.manifests.packages.items()):
        if folder == lock.folder:
            out.append((pkg, ""))
            continue
        if not under(folder, lock.folder) or _nearest_lock_folder(index, folder) != lock.folder:
            continue
        rel = folder if lock.folder == "." else folder[len(lock.folder) + 1 :]
        if rel in recorded or _globs_cover(globs, rel):
            out.append((pkg, rel))
    return out


# ---------------------------------------------------------------------- driver


def _read(index: RepoIndex, root: Path, path: str) -> str:
    text = index.text(path)
    if text is not None:
        return text
    # The walk does not keep lockfiles over its size limit in memory: read this one.
    disk = root / path
    if disk.stat().st_size > _MAX_LOCKFILE_BYTES:
        raise ValueError(f"larger than {_MAX_LOCKFILE_BYTES // 1_000_000} MB; not compared")
    return disk.read_text(encoding="utf-8", errors="replace")


def _load(index: RepoIndex, root: Path, path: str) -> _Lock:
    name = path.rsplit("/", 1)[-1]
    manager = _TEXT_LOCKFILES[name]
    text = _read(index, root, path)
    data: Any
    if manager is PackageManager.NPM:
        data = fmt.npm_lock(text)
    elif manager is PackageManager.PNPM:
        data = fmt.pnpm_importers(text)
    elif manager is PackageManager.YARN:
        data = fmt.yarn_descriptors(text)
    else:
        data = fmt.bun_workspaces(text)
    return _Lock(path=path, folder=parent_dir(path), manager=manager, data=data)


def _diff(lock: _Lock, pkg: PackageJson, member: str, local_names: set[str]) -> _Diff:
    if lock.manager is PackageManager.NPM:
        return _npm(lock.data, member, pkg, lock.path.rsplit("/", 1)[-1])
    if lock.manager is PackageManager.PNPM:
        return _pnpm(lock.data[1], member, pkg)
    if lock.manager is PackageManager.YARN:
        return _yarn(lock.data, pkg, local_names)
    return _bun(lock.data, member, pkg)


def _commands(lock: _Lock, pkg: PackageJson) -> tuple[str, str, str]:
    """(frozen install, the command that fixes the lockfile, the frozen install's error)."""
    manager = lock.manager
    where = "" if lock.folder == "." else f"cd {lock.folder} && "
    fix = f"{where}{manager.value} install"
    if manager is PackageManager.NPM:
        return "npm ci", fix, _NPM_ERROR
    if manager is PackageManager.PNPM:
        error = (
            'ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile" because '
            f"pnpm-lock.yaml is not up to date with <ROOT>/{pkg.path}"
        )
        return "pnpm install --frozen-lockfile", fix, error
    if manager is PackageManager.YARN:
        if lock.data[0]:
            return "yarn install --immutable", fix, _BERRY_ERROR
        return "yarn install --frozen-lockfile", fix, _YARN_ERROR
    return "bun install --frozen-lockfile", fix, _BUN_ERROR


def _drift(lock: _Lock, pkg: PackageJson, member: str, diff: _Diff) -> LockfileDrift:
    frozen, fix, error = _commands(lock, pkg)
    return LockfileDrift(
        lockfile=lock.path,
        manifest=pkg.path,
        package_manager=lock.manager,
        missing=diff.missing[:_MAX_LISTED],
        changed=diff.changed[:_MAX_LISTED],
        extra=diff.extra[:_MAX_LISTED],
        frozen_install=frozen,
        fix_command=fix,
        first_error=error,
        error_detail=diff.detail,
    )


def _lockfile_paths(index: RepoIndex) -> list[str]:
    found = [p for p in index.paths if p.rsplit("/", 1)[-1] in _TEXT_LOCKFILES]
    shrinkwrapped = {parent_dir(p) for p in found if p.endswith("npm-shrinkwrap.json")}
    # npm reads npm-shrinkwrap.json and ignores package-lock.json beside it.
    return sorted(
        p for p in found if not (p.endswith("package-lock.json") and parent_dir(p) in shrinkwrapped)
    )


def detect_lockfile_drift(
    index: RepoIndex, root: Path
) -> tuple[list[LockfileDrift], list[ScanWarning]]:
    """Every (lockfile, package.json) pair whose frozen install would fail."""
    drifts: list[LockfileDrift] = []
    warnings: list[ScanWarning] = []
    local_names = {n for p in index.manifests.packages.values() if (n := p.name)}
    for path in _lockfile_paths(index):
        if parent_dir(path) not in index.manifests.packages:
            continue  # no package.json beside it: nothing to compare
        try:
            lock = _load(index, root, path)
        except (OSError, ValueError) as exc:
            message = f"lockfile not compared with package.json: {str(exc)[:200]}"
            warnings.append(ScanWarning(kind=WarningKind.MALFORMED, path=path, message=message))
            continue
        for pkg, member in _covered(index, lock):
            diff = _diff(lock, pkg, member, local_names - {pkg.name or ""})
            if diff:
                drifts.append(_drift(lock, pkg, member, diff))
    return drifts, warnings

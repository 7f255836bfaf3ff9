"""Parsed package manifests: package.json, pyproject.toml, requirements.txt, Pipfile.

A manifest that does not parse becomes a MALFORMED warning and is left out; the
detectors then work from whatever else they can see.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.nesting import nesting_guard
from scaffolder.models import ScanWarning, WarningKind

PYTHON_MARKERS = ("pyproject.toml", "requirements.txt", "Pipfile", "setup.py", "manage.py")
_REQ_NAME = lazy_regex(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def parent_dir(path: str) -> str:
    """The folder of a repo-relative path, "." for the root."""
    return path.rsplit("/", 1)[0] if "/" in path else "."


def join(folder: str, name: str) -> str:
    return name if folder == "." else f"{folder}/{name}"


def normalize_dist(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class PackageJson:
    path: str
    folder: str
    data: dict[str, Any]

    @property
    def name(self) -> str | None:
        value = self.data.get("name")
        return value if isinstance(value, str) and value else None

    @property
    def scripts(self) -> dict[str, str]:
        value = self.data.get("scripts")
        if not isinstance(value, dict):
            return {}
        return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}

    @property
    def deps(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key in ("devDependencies", "peerDependencies", "dependencies"):
            value = self.data.get(key)
            if isinstance(value, dict):
                out.update({str(k): str(v) for k, v in value.items()})
        return out

    def field_str(self, *keys: str) -> str | None:
        value: Any = self.data
        for key in keys:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value if isinstance(value, str) else None


@dataclass
class PythonProject:
    folder: str
    name: str | None = None
    deps: set[str] = field(default_factory=set)  # normalized distribution names
    requires_python: str | None = None
    pipfile_python: str | None = None
    poetry: bool = False
    files: list[str] = field(default_factory=list)  # the manifests seen


@dataclass
class Manifests:
    packages: dict[str, PackageJson] = field(default_factory=dict)  # folder -> package.json
    python: dict[str, PythonProject] = field(default_factory=dict)  # folder -> project
    warnings: list[ScanWarning] = field(default_factory=list)


def _malformed(path: str, exc: Exception) -> ScanWarning:
    return ScanWarning(
        kind=WarningKind.MALFORMED, path=path, message=f"could not parse: {str(exc)[:200]}"
    )


def _pep508_name(spec: str) -> str | None:
    match = _REQ_NAME.match(spec)
    return normalize_dist(match.group(1)) if match else None


def _requirements(text: str) -> set[str]:
    out: set[str] = set()
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name = _pep508_name(line)
        if name:
            out.add(name)
    return out


def _pyproject(project: PythonProject, data: dict[str, Any]) -> None:
    meta = data.get("project")
    if not isinstance(meta, dict):
        meta = {}
    if isinstance(meta.get("name"), str):
        project.name = meta["name"]
    if isinstance(meta.get("requires-python"), str):
        project.requires_python = meta["requires-python"]
    specs: list[Any] = list(meta.get("dependencies") or [])
    for group in (meta.get("optional-dependencies") or {}).values():
        specs.extend(group if isinstance(group, list) else [])
    for group in (data.get("dependency-groups") or {}).values():
        specs.extend(group if isinstance(group, list) else [])
    project.deps.update(n for s in specs if isinstance(s, str) and (n := _pep508_name(s)))
    poetry = (data.get("tool") or {}).get("poetry")
    if isinstance(poetry, dict):
        project.poetry = True
        project.name = project.name or poetry.get("name")
        tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
        tables += [g.get("dependencies") for g in (poetry.get("group") or {}).values()]
        for table in tables:
            if isinstance(table, dict):
                project.deps.update(normalize_dist(k) for k in table if k != "python")
        python = (poetry.get("dependencies") or {}).get("python")
        if isinstance(python, str) and not project.requires_python:
            project.requires_python = python


def _pipfile(project: PythonProject, data: dict[str, Any]) -> None:
    for key in ("packages", "dev-packages"):
        table = data.get(key)
        if isinstance(table, dict):
            project.deps.update(normalize_dist(k) for k in table)
    requires = data.get("requires")
    if isinstance(requires, dict) and isinstance(requires.get("python_version"), str):
        project.pipfile_python = requires["python_version"]


def _python_file(manifests: Manifests, source: SourceFile, name: str) -> None:
    folder = parent_dir(source.path)
    project = manifests.python.setdefault(folder, PythonProject(folder=folder))
    project.files.append(name)
    try:
        with nesting_guard(source.path):
            if name == "pyproject.toml":
                _pyproject(project, tomllib.loads(source.text))
            elif name == "Pipfile":
                _pipfile(project, tomllib.loads(source.text))
            elif name == "requirements.txt":
                project.deps.update(_requirements(source.text))
    except (tomllib.TOMLDecodeError, TypeError, AttributeError, ValueError) as exc:
        manifests.warnings.append(_malformed(source.path, exc))


def parse_manifests(files: list[SourceFile]) -> Manifests:
    manifests = Manifests()
    for source in files:
        name = source.path.rsplit("/", 1)[-1]
        if name == "package.json":
            try:
                with nesting_guard(source.path):
                    data = json.loads(source.text)
            except ValueError as exc:
                manifests.warnings.append(_malformed(source.path, exc))
                continue
            if not isinstance(data, dict):
                manifests.warnings.append(_malformed(source.path, ValueError("not an object")))
                continue
            folder = parent_dir(source.path)
            manifests.packages[folder] = PackageJson(source.path, folder, data)
        elif name in PYTHON_MARKERS:
            _python_file(manifests, source, name)
    return manifests

"""The read-only view of a repository that every detector works on."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.lazy_regex import Regex, lazy_regex
from scaffolder.inspect.manifests import Manifests, parent_dir
from scaffolder.models import Evidence

# The languages inspection reads apps in (JavaScript family and Python).
APP_CODE_SUFFIXES = frozenset(
    [
        ".js",
        ".jsx",
        ".ts",
        ".tsx",
        ".mjs",
        ".cjs",
        ".mts",
        ".cts",
        ".vue",
        ".svelte",
        ".astro",
        ".py",
    ]
)
JS_SUFFIXES = APP_CODE_SUFFIXES - {".py"}


def suffix(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def under(path: str, folder: str) -> bool:
    """True when `path` lies inside `folder` ("." is the whole repository)."""
    return folder == "." or path.startswith(folder + "/")


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@dataclass
class RepoIndex:
    files: list[SourceFile]  # decoded text files
    paths: list[str]  # every file the walk kept, text or not
    manifests: Manifests = field(default_factory=Manifests)
    tracked: list[str] = field(default_factory=list)
    is_git: bool = False

    @cached_property
    def by_path(self) -> dict[str, SourceFile]:
        return {f.path: f for f in self.files}

    @cached_property
    def path_set(self) -> frozenset[str]:
        return frozenset(self.paths)

    @cached_property
    def code_files(self) -> list[SourceFile]:
        return [f for f in self.files if suffix(f.path) in APP_CODE_SUFFIXES]

    @cached_property
    def folders(self) -> frozenset[str]:
        out = {"."}
        for path in self.paths:
            folder = parent_dir(path)
            while folder not in out:
                out.add(folder)
                folder = parent_dir(folder)
        return frozenset(out)

    def text(self, path: str) -> str | None:
        source = self.by_path.get(path)
        return source.text if source else None

    def exists(self, path: str) -> bool:
        return path in self.path_set

    def code_in(
        self, folder: str, suffixes: Iterable[str] = APP_CODE_SUFFIXES
    ) -> Iterator[SourceFile]:
        wanted = frozenset(suffixes)
        for source in self.code_files:
            if suffix(source.path) in wanted and under(source.path, folder):
                yield source

    def search(
        self,
        pattern: Regex,
        files: Iterable[SourceFile],
        needle: str | None = None,
        any_of: tuple[str, ...] = (),
    ) -> Iterator[tuple[SourceFile, re.Match[str]]]:
        """Every match of `pattern`; `needle` is a cheap substring that must be present.

        `any_of`: literals one of which every match holds, for a pattern that starts with
        `\b`, `^` or an alternation, which `re` tries at every position of a file.
        """
        for source in files:
            text = source.text
            if needle is not None and needle not in text:
                continue
            if any_of and not any(literal in text for literal in any_of):
                continue
            for match in pattern.finditer(text):
                yield source, match

    def first(
        self,
        pattern: Regex,
        files: Iterable[SourceFile],
        needle: str | None = None,
        any_of: tuple[str, ...] = (),
    ) -> tuple[SourceFile, re.Match[str]] | None:
        return next(iter(self.search(pattern, files, needle, any_of)), None)


def evidence(
    source: SourceFile, match: re.Match[str] | None = None, *, snippet: bool = False
) -> Evidence:
    if match is None:
        return Evidence(path=source.path)
    # Only callers whose pattern cannot capture a value ask for a snippet.
    body = match.group(0).strip()
    text = body.splitlines()[0][:120] if snippet and body else None
    return Evidence(path=source.path, line=line_of(source.text, match.start()), snippet=text)


_EXPOSE = lazy_regex(r"^\s*EXPOSE\s+(\d{2,5})", re.MULTILINE | re.IGNORECASE)


def project_folders(index: RepoIndex) -> frozenset[str]:
    """Folders that hold a manifest of their own (an app or a package)."""
    return frozenset(index.manifests.packages) | frozenset(index.manifests.python)


def own_code(
    index: RepoIndex, folder: str, suffixes: Iterable[str] = APP_CODE_SUFFIXES
) -> list[SourceFile]:
    """Code under `folder` that does not belong to a deeper project."""
    nested = [f for f in project_folders(index) if f != folder and under(f, folder) and f != "."]
    return [s for s in index.code_in(folder, suffixes) if not any(under(s.path, n) for n in nested)]


def exposed_port(index: RepoIndex, folder: str) -> tuple[int, str] | None:
    """The first EXPOSE of a Dockerfile in `folder`, with the Dockerfile's path."""
    for name in ("Dockerfile", "Dockerfile.prod", "Dockerfile.production"):
        path = name if folder == "." else f"{folder}/{name}"
        text = index.text(path)
        if text and (match := _EXPOSE.search(text)):
            return int(match.group(1)), path
    return None


# Folders of pasted copies and scratch files: Replit's agent saves every file the
# user attaches to attached_assets/, often an older copy of the real app module.
SIDE_FOLDERS = frozenset({"attached_assets", "archive", "backup", "backups", "old", "examples"})


def preference(path: str) -> tuple[bool, int, str]:
    """Sort key: the real module before pasted copies, shallow before deep."""
    parts = path.split("/")
    return (bool(SIDE_FOLDERS.intersection(parts[:-1])), len(parts), path)

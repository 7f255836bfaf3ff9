"""The house keeps its shape: docs/architecture.md's import table, citations and module sizes.

The import table is read from docs/architecture.md ('Import direction'), so the page and
the code cannot drift apart: an import the table does not allow fails here, naming the
file and the import.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
CODE_ROOTS = ("scaffolder", "stacks")
# Where each folder's import names start: the components are stacks/scaffolder_stacks.
SOURCE_ROOTS = {"scaffolder": ROOT, "stacks": ROOT / "stacks"}
PACKAGES = ("scaffolder", "scaffolder_stacks")
EVERYTHING = "every package above"
LONG_MODULE_LINES = 400

# Arrows the table forbids that still exist while a move is under way; an entry
# whose arrow is gone fails the test so this list only shrinks.
STILL_TO_REMOVE: set[tuple[str, str]] = set()


def _section(title: str) -> str:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"docs/architecture.md has no '{title}' section"
    return match.group(1)


def _table_rows(title: str) -> list[list[str]]:
    rows = [line for line in _section(title).splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def _names(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def import_table() -> dict[str, set[str] | None]:
    """Package -> the packages it may import (None: every package in the table)."""
    table: dict[str, set[str] | None] = {}
    for package_cell, allowed_cell in _table_rows("Import direction"):
        allowed = None if allowed_cell == EVERYTHING else set(_names(allowed_cell))
        for package in _names(package_cell):
            table[package] = allowed
    return table


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE_ROOTS[path.relative_to(ROOT).parts[0]]).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    top = "stacks" if name.startswith("scaffolder_stacks") else "scaffolder"
    path = SOURCE_ROOTS[top].joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imported(path: Path, module: str) -> Iterator[tuple[int, str]]:
    """(line, module) for each scaffold module `path` imports, importlib included."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield node.lineno, sub if _is_module(sub) else base
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            yield node.lineno, str(node.args[0].value)


def _owner(module: str, packages: set[str]) -> str | None:
    """The table's package that holds `module` (the longest dotted prefix), if any."""
    parts = module.split(".")
    if parts[0] not in PACKAGES:
        return None
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in packages:
            return candidate
    return module


def _code_files() -> Iterator[Path]:
    for root in CODE_ROOTS:
        yield from sorted((ROOT / root).rglob("*.py"))


def test_every_import_follows_the_table() -> None:
    table = import_table()
    packages = set(table)
    arrows: set[tuple[str, str]] = set()
    problems: list[str] = []
    for path in _code_files():
        module = _module_name(path)
        source = _owner(module, packages)
        if source not in packages:
            problems.append(f"{module} belongs to no package of the table")
            continue
        allowed = table[source]
        for line, target in _imported(path, module):
            owner = _owner(target, packages)
            if owner is None or owner == source:
                continue
            arrows.add((source, owner))
            forbidden = allowed is not None and owner not in allowed
            if forbidden and (source, owner) not in STILL_TO_REMOVE:
                rel = path.relative_to(ROOT)
                problems.append(f"{rel}:{line} imports {target} ({source} -> {owner})")
    gone = STILL_TO_REMOVE - arrows
    problems += [f"{a} -> {b} is gone: drop it from STILL_TO_REMOVE" for a, b in sorted(gone)]
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_the_table_has_no_cycle() -> None:
    table = import_table()
    graph = {package: allowed or set() for package, allowed in table.items()}
    done: set[str] = set()

    def visit(package: str, path: tuple[str, ...]) -> None:
        assert package not in path, " -> ".join([*path, package])
        if package in done:
            return
        for target in sorted(graph.get(package, set())):
            visit(target, (*path, package))
        done.add(package)

    for package in sorted(graph):
        visit(package, ())


def test_no_file_cites_the_design_outside_the_repository() -> None:
    offenders = []
    for folder in ("scaffolder", "stacks", "tests", "docs", "templates", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".md", ".json", ".jinja", ".yml", ".yaml"}:
                text = path.read_text(encoding="utf-8", errors="replace")
                if "DESIGN.md" in text and path != Path(__file__):
                    offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders


def test_every_architecture_citation_names_a_section() -> None:
    headings = set(re.findall(r"^## (.+)$", ARCHITECTURE.read_text(encoding="utf-8"), re.M))
    cited = re.compile(r"docs/architecture\.md,\s+'(.+?)'(?=[\s.,;:)]|$)", re.M)
    missing = []
    for path in [*_code_files(), *sorted((ROOT / "tests").rglob("*.py"))]:
        for section in cited.findall(path.read_text(encoding="utf-8")):
            if section not in headings:
                missing.append(f"{path.relative_to(ROOT)}: '{section}'")
    assert not missing, missing


def test_long_modules_are_the_listed_exceptions() -> None:
    listed = {_names(cells[0])[0] for cells in _table_rows("Long modules")}
    long = {
        str(path.relative_to(ROOT))
        for path in _code_files()
        if len(path.read_text(encoding="utf-8").splitlines()) > LONG_MODULE_LINES
    }
    assert long - listed == set(), f"over {LONG_MODULE_LINES} lines, not listed: {long - listed}"
    assert listed - long == set(), f"listed, no longer long: {listed - long}"

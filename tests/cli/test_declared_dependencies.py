"""Every third-party module scaffold imports at run time is a declared dependency.

A user's `pip install scaffold-prod` gets only `[project] dependencies`; a module
that arrives in the dev environment through a test tool (click through an old
Typer, botocore through moto) would crash their CLI while every test passes.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIRST_PARTY = {"scaffolder", "scaffolder_stacks"}


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    names = set()
    for requirement in project["dependencies"]:
        names.add(_normalize(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]))
    return names


def imported_top_level_modules(root: Path) -> dict[str, str]:
    """Top-level module -> the first file importing it (nested imports included)."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(root.parent)))
    return found


def undeclared_imports(roots: list[Path]) -> list[str]:
    declared = _declared()
    distributions = packages_distributions()
    problems = []
    for root in roots:
        for module, where in imported_top_level_modules(root).items():
            if module in FIRST_PARTY or module in sys.stdlib_module_names:
                continue
            owners = {_normalize(d) for d in distributions.get(module, [])}
            if not owners & declared:
                problems.append(f"{module} (imported in {where}; from {sorted(owners)})")
    return problems


def test_every_runtime_import_is_a_declared_dependency() -> None:
    assert undeclared_imports([REPO / "scaffolder", REPO / "stacks"]) == []


def test_the_check_sees_an_undeclared_import(tmp_path: Path) -> None:
    (tmp_path / "probe.py").write_text("def f():\n    import moto\n    import json\n")
    assert [p.split(" ")[0] for p in undeclared_imports([tmp_path])] == ["moto"]

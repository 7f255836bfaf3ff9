"""scaffold's own Dockerfiles pass scaffold's own audit.

The Flask and Django images install gunicorn by an exact pin; the audit called
that "pip installs packages by name" (OPS002), whose fix is "let scaffold init
write a Dockerfile": a loop a user can never leave.
"""

from __future__ import annotations

from pathlib import Path

from scaffolder.inspect.dockerfile import inspect_dockerfile
from scaffolder.inspect.files import SourceFile
from tests.render.contexts import CONTEXTS

FROZEN = ("npm ci", "--frozen-lockfile", "--immutable")


def _has_node_lockfile(name: str) -> bool:
    """As the repository would show it: an app installing frozen has a lockfile."""
    node = [a for a in CONTEXTS[name]().apps if a.language == "node"]
    return all(any(f in a.install_command for f in FROZEN) for a in node)


def test_every_generated_dockerfile_is_production_grade(rendered: dict[str, Path]) -> None:
    checked = 0
    for name, root in rendered.items():
        for path in sorted(root.rglob("Dockerfile*")):
            if path.suffix == ".dockerignore" or not path.is_file():
                continue
            rel = path.relative_to(root).as_posix()
            source = SourceFile(path=rel, text=path.read_text(), size=0)
            facts = inspect_dockerfile(source, has_node_lockfile=_has_node_lockfile(name))
            assert facts.problems == [], f"{name}: {rel}"
            checked += 1
    assert checked >= len(rendered) - 1  # every context with a server app writes one


def test_an_exact_pin_is_not_a_loose_install_but_a_bare_name_is() -> None:
    def problems(run: str) -> list[str]:
        text = f"FROM python:3.12.8-slim\n{run}\nUSER app\n"
        return inspect_dockerfile(SourceFile(path="Dockerfile", text=text, size=0)).problems

    assert problems("RUN pip install --no-cache-dir gunicorn==23.0.0") == []
    assert problems("RUN pip install 'uvicorn[standard]==0.30.1'") == []
    assert problems("RUN pip install gunicorn") != []
    assert problems("RUN pip install flask>=3") != []


def test_npm_install_is_only_a_problem_when_there_is_a_lockfile_to_use() -> None:
    text = "FROM node:20.18.1-slim\nRUN npm install\nUSER node\n"
    source = SourceFile(path="Dockerfile", text=text, size=0)
    assert inspect_dockerfile(source).problems != []
    assert inspect_dockerfile(source, has_node_lockfile=False).problems == []

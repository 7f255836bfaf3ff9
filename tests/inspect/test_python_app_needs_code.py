"""A Python folder is an app only when it has code to run, not for a requirements.txt alone."""

from __future__ import annotations

from pathlib import Path

from scaffolder.inspect import inspect_repository
from tests.inspect.conftest import write

FRONTEND = {
    "package.json": (
        '{"dependencies": {"react": "18", "vite": "5"}, "scripts": {"build": "vite build"}}'
    ),
    "index.html": "<div id=root></div>",
    "src/main.tsx": "export {}",
}


def _roots(root: Path, files: dict[str, str | bytes]) -> dict[str, str]:
    facts = inspect_repository(write(root, files), scan_history=False)
    return {a.root: a.shape.value for a in facts.apps}


def test_a_backend_folder_with_only_requirements_is_not_a_server(tmp_path: Path) -> None:
    roots = _roots(tmp_path, {**FRONTEND, "backend/requirements.txt": "fastapi\nuvicorn\n"})
    assert roots == {".": "static"}


def test_the_same_folder_with_code_importing_the_framework_is_one(tmp_path: Path) -> None:
    files = {
        **FRONTEND,
        "backend/requirements.txt": "fastapi\nuvicorn\n",
        "backend/api.py": "from fastapi import FastAPI\n\napi = FastAPI()\n",
    }
    assert _roots(tmp_path, files) == {".": "static", "backend": "server"}


def test_an_entry_point_counts_when_the_import_is_elsewhere(tmp_path: Path) -> None:
    files = {
        **FRONTEND,
        "backend/requirements.txt": "flask\n",
        "backend/Procfile": "web: gunicorn service:app\n",
        "backend/service.py": "from factory import build\n\napp = build()\n",
    }
    assert _roots(tmp_path, files) == {".": "static", "backend": "server"}

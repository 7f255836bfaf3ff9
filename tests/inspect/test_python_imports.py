"""A Python app with no requirements.txt, pyproject.toml or Pipfile: what its code imports
(inspect/python_imports.py), the audit's CODE009 and init's warning."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scaffolder.audit import run_audit
from scaffolder.init.notices import context_warnings
from scaffolder.inspect import inspect_repository
from scaffolder.inspect.python_imports import imported_names
from tests.support.builders import template_app

MAIN = """import os, json
from flask import Flask, jsonify
import requests as http, openai  # the model's client
from PIL import Image
from helpers import tidy
from .local import thing
from __future__ import annotations

app = Flask(__name__)


@app.get("/")
def index():
    import cv2.dnn
    return jsonify(ok=True)
"""


def _app(tmp_path: Path) -> Path:
    (tmp_path / "main.py").write_text(MAIN)
    (tmp_path / "helpers.py").write_text("def tidy(x):\n    return x\n")
    return tmp_path


def test_imports_of_an_app_that_declares_nothing_name_their_distributions(
    tmp_path: Path,
) -> None:
    facts = inspect_repository(_app(tmp_path), scan_history=False)

    (app,) = facts.apps
    assert app.install_command == "pip install"
    assert app.undeclared_dependencies == ["flask", "openai", "opencv-python", "Pillow", "requests"]
    report = run_audit(tmp_path, scan_history=False)
    (finding,) = [f for f in report.findings if f.rule_id == "CODE009"]
    assert finding.severity == "high"
    assert "add requirements.txt" in finding.title
    assert finding.evidence[0].snippet == "imports flask, openai, opencv-python, Pillow, requests"


def test_a_requirements_file_is_enough(tmp_path: Path) -> None:
    (_app(tmp_path) / "requirements.txt").write_text("flask==3.1.0\n")
    (app,) = inspect_repository(tmp_path, scan_history=False).apps
    assert app.undeclared_dependencies == []


def test_imported_names_reads_both_forms() -> None:
    assert imported_names("import a.b as c, d\nfrom e.f import g\n  import h  # x\n") == {
        "a",
        "d",
        "e",
        "h",
    }


def test_init_warns_that_the_image_would_install_nothing() -> None:
    from scaffolder.models import AppKind, InitContext, Language

    app = template_app(
        name="bot", kind=AppKind.FLASK, language=Language.PYTHON, install_command="pip install"
    )
    (warning,) = context_warnings(InitContext(project="bot", apps=[app], database="none"))
    assert warning.startswith("bot: no requirements.txt, pyproject.toml or Pipfile")


_AT_LINE_START = re.compile(
    r"^[ \t]*(?:from[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]+import\b|import[ \t]+(.+))", re.M
)


def _names_by_line_start(text: str) -> set[str]:
    """imported_names as it was written with `^` (re.M): the reference."""
    found: set[str] = set()
    for match in _AT_LINE_START.finditer(text):
        if match.group(1):
            found.add(match.group(1))
            continue
        for part in match.group(2).split("#", 1)[0].split(","):
            if name := re.match(r"^\s*([A-Za-z_]\w*)", part):
                found.add(name.group(1))
    return found


@pytest.mark.parametrize(
    "text",
    [
        MAIN,
        "import a",  # the first line, no line break at all
        "from b import c\r\nimport d\r\n",
        "\n\n  import e, f as g  # h\n\tfrom i.j import k\nx = 'import l'\n",
        "s = '''\nimport m\n'''\nfrom\tn import o\nfrom p.q  import\n",
        "def f():\n    import r\nimport\nimport \n",
    ],
)
def test_imports_are_found_where_a_line_starts(text: str) -> None:
    assert imported_names(text) == _names_by_line_start(text)
    assert imported_names(text)  # each sample imports something

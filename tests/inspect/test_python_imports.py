"""A Python app with no requirements.txt, pyproject.toml or Pipfile: what its code imports
(inspect/python_imports.py), the audit's CODE009 and init's warning."""

from __future__ import annotations

from pathlib import Path

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

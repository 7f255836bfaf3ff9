"""scaffolder.init.render: where the template is found, and that copier stays out of --help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scaffolder.errors import MissingToolError
from scaffolder.init.render import literal_patterns, template_dir

from .helpers import REAL_TEMPLATE


def test_the_source_checkout_template_is_found() -> None:
    assert template_dir() == REAL_TEMPLATE
    assert (template_dir() / "copier.yml").is_file()


def test_the_wheel_layout_wins_over_a_checkout(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "scaffolder"
    wheel_templates = package / "_data" / "templates"
    wheel_templates.mkdir(parents=True)
    (wheel_templates / "copier.yml").write_text("_subdirectory: template\n")
    assert template_dir(package) == wheel_templates


def test_a_missing_template_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MissingToolError, match="template is missing"):
        template_dir(tmp_path / "scaffolder")


def test_skip_patterns_match_only_the_literal_path() -> None:
    assert literal_patterns(["docs/RUNBOOK.md", "a[1]*.txt"]) == [
        "/docs/RUNBOOK.md",
        "/a\\[1\\]\\*.txt",
    ]


def test_the_cli_does_not_import_copier_until_init_runs() -> None:
    code = "import sys, scaffolder.cli.app; print('copier' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

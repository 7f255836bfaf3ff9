"""Fixtures shared by the init tests: the tiny template and a committed prototype."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import PROTOTYPE, make_repo, write_tiny_template


@pytest.fixture
def template(tmp_path: Path) -> Path:
    return write_tiny_template(tmp_path / "tpl")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", PROTOTYPE)

"""Render each hand-built context once per test session (Copier is the slow part)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.render.contexts import CONTEXTS, render


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Context name -> the folder the real template was rendered into."""
    out: dict[str, Path] = {}
    for name, build in CONTEXTS.items():
        out[name] = render(build(), tmp_path_factory.mktemp(name))
    return out

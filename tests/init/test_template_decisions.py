"""Image, CI runtime and the migrating app are decided in Python; the templates only read them."""

from __future__ import annotations

from pathlib import Path

from scaffolder.init.context import build_context
from scaffolder.inspect import inspect_repository
from scaffolder.runtime_images import NODE_IMAGES, PYTHON_IMAGES
from tests.init.test_python_apps import ANSWERS
from tests.render.contexts import TEMPLATES_DIR
from tests.support.prototypes import materialize


def test_the_context_carries_the_image_the_ci_runtime_and_who_migrates(tmp_path: Path) -> None:
    repo = materialize("fastapi-sqlalchemy-alembic", tmp_path / "api")
    ctx = build_context(inspect_repository(repo, scan_history=False), ANSWERS)
    app = ctx.apps[0]
    assert app.base_image in PYTHON_IMAGES.values()
    assert app.base_image.startswith(f"python:{app.runtime_exact}-")
    assert [m.app_name for m in ctx.migrations] == [app.name]


def test_no_template_parses_versions_or_picks_the_migrating_app() -> None:
    text = "\n".join(p.read_text() for p in TEMPLATES_DIR.rglob("*.jinja"))
    for decision in ("node_images", "python_images", "migration_app_name", "macro runtime_exact"):
        assert decision not in text, decision
    assert all(image not in text for image in [*NODE_IMAGES.values(), *PYTHON_IMAGES.values()])

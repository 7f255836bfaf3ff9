"""Every error the operations code raises carries a hint (one sentence saying
what to do), directly or through its class's default."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import scaffolder
from scaffolder import errors
from scaffolder.errors import ScaffoldError, UsageError
from scaffolder.ops.rollback import plan_rollback
from tests.ops.conftest import MotoProvider
from tests.ops.ops_world import build_world, standard_ledger

ROOT = Path(scaffolder.__file__).parent
SOURCES = sorted(
    [
        *(ROOT / "ops").rglob("*.py"),
        *(ROOT / "cli" / name for name in ("backup.py", "ops.py", "secrets.py", "rollback.py")),
    ]
)
ERROR_CLASSES = {
    name: cls
    for name, cls in vars(errors).items()
    if isinstance(cls, type) and issubclass(cls, ScaffoldError)
}
# Raised only inside a `try` whose handler re-raises them with a hint of its own.
REWRAPPED = {("redeploy.py", "CloudError")}


def _raises_without_hint(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        func = node.exc.func
        cls = ERROR_CLASSES.get(func.id) if isinstance(func, ast.Name) else None
        if cls is None or cls.default_hint or (path.name, cls.__name__) in REWRAPPED:
            continue
        hint = next((k.value for k in node.exc.keywords if k.arg == "hint"), None)
        if len(node.exc.args) >= 2:
            continue
        if hint is None or (isinstance(hint, ast.Constant) and not hint.value):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {cls.__name__}")
    return found


def test_every_ops_error_says_what_to_do() -> None:
    assert len(SOURCES) > 20
    missing = [line for path in SOURCES for line in _raises_without_hint(path)]
    assert missing == []


def test_an_unknown_service_names_the_ones_there_are(
    aws: MotoProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(aws, monkeypatch)
    standard_ledger(world)

    with pytest.raises(UsageError) as caught:
        plan_rollback(world.ctx, to=None, service="api")

    assert caught.value.message == "The staging environment has no service named 'api'."
    assert caught.value.hint == "Its services: web, site."

"""The image and CI runtime follow the app's own runtime version, not the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.render.contexts import express_pg, render


@pytest.mark.parametrize(
    ("asked", "image"),
    [
        ("24", "node:24.11.1-bookworm-slim"),
        ("v22.3.0", "node:22.12.0-bookworm-slim"),
        ("20", "node:20.18.1-bookworm-slim"),
    ],
)
def test_node_major_picks_its_pinned_image(tmp_path: Path, asked: str, image: str) -> None:
    ctx = express_pg()
    apps = [ctx.apps[0].model_copy(update={"runtime_version": asked}), *ctx.apps[1:]]
    out = render(ctx.model_copy(update={"apps": apps}), tmp_path / "out")
    dockerfile = (out / ctx.apps[0].dockerfile_path).read_text()
    assert f"FROM {image} AS" in dockerfile
    exact = image.split(":")[1].split("-", maxsplit=1)[0]
    assert f'node-version: "{exact}"' in (out / ".github/workflows/ci.yml").read_text()

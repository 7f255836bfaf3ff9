"""The image and CI runtime follow the app's own runtime version, not the default; the
base images are pinned by digest where public sources agreed on it, and each pin says
where it came from (docs/decisions/0006-base-image-digests.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scaffolder.runtime_images import NODE_IMAGES, PYTHON_IMAGES, image_tag
from tests.render.contexts import express_pg, render

DECISION = Path(__file__).resolve().parents[2] / "docs/decisions/0006-base-image-digests.md"
# Tags no agreeing public source gave a digest for: they stay pinned by exact tag.
TAG_ONLY = {"node:18.20.5-bookworm-slim"}


@pytest.mark.parametrize(
    ("asked", "image"),
    [("24", NODE_IMAGES["24"]), ("v22.3.0", NODE_IMAGES["22"]), ("20", NODE_IMAGES["20"])],
)
def test_node_major_picks_its_pinned_image(tmp_path: Path, asked: str, image: str) -> None:
    ctx = express_pg()
    apps = [ctx.apps[0].model_copy(update={"runtime_version": asked}), *ctx.apps[1:]]
    out = render(ctx.model_copy(update={"apps": apps}), tmp_path / "out")
    dockerfile = (out / ctx.apps[0].dockerfile_path).read_text()
    assert f"FROM {image} AS" in dockerfile
    assert f"# Base image {image_tag(image)}, pinned by digest" in dockerfile
    exact = image.split(":")[1].split("-", maxsplit=1)[0]
    assert f'node-version: "{exact}"' in (out / ".github/workflows/ci.yml").read_text()


def test_every_base_image_is_pinned_by_digest_with_its_sources_recorded() -> None:
    decision = DECISION.read_text()
    for image in [*NODE_IMAGES.values(), *PYTHON_IMAGES.values()]:
        tag = image_tag(image)
        assert tag in decision, f"{tag}: no entry in {DECISION.name}"
        if tag in TAG_ONLY:
            assert "@" not in image
            continue
        assert re.fullmatch(r"[a-z]+:[\w.-]+@sha256:[0-9a-f]{64}", image), image
        digest = image.split("@")[1]
        assert digest in decision, f"{image}: its digest is not in {DECISION.name}"

"""The container base images the generated Dockerfiles pin, and the exact runtime CI installs.

The one place these pins live (templates/includes/pins.jinja keeps the actions and tools).
The image follows the app's runtime version's major (Node) or major.minor (Python); CI
installs the exact version inside that image, so CI and the image agree. The parsing is
deliberately loose (">=18", "v22.3.0", "^3.10"), as the template's once was.
"""

from __future__ import annotations

# Exact image tags per runtime major; the key is TemplateApp.runtime_version's major(.minor).
# Each is pinned by digest (`<tag>@sha256:...`: a tag can be re-pushed, a digest cannot)
# where several independent public Dockerfiles agreed on the tag's digest; where none
# were found the exact tag stays the pin. Sources: docs/decisions/0006-base-image-digests.md.
NODE_IMAGES = {
    # Tag pin only: no public source for this tag's digest was found.
    "18": "node:18.20.5-bookworm-slim",
    "20": "node:20.18.1-bookworm-slim"
    "@sha256:b2c8e0eb8a6aeeae33b2711f8f516003e27ee45804e270468d937b3214f2f0cc",
    "22": "node:22.12.0-bookworm-slim"
    "@sha256:35531c52ce27b6575d69755c73e65d4468dba93a25644eed56dc12879cae9213",
    "24": "node:24.11.1-bookworm-slim"
    "@sha256:48abc13a19400ca3985071e287bd405a1d99306770eb81d61202fb6b65cf0b57",
}
NODE_DEFAULT = "20"
PYTHON_IMAGES = {
    "3.10": "python:3.10.16-slim-bookworm"
    "@sha256:f9fd9a142c9e3bc54d906053b756eb7e7e386ee1cf784d82c251cf640c502512",
    "3.11": "python:3.11.11-slim-bookworm"
    "@sha256:081075da77b2b55c23c088251026fb69a7b2bf92471e491ff5fd75c192fd38e5",
    "3.12": "python:3.12.8-slim-bookworm"
    "@sha256:2199a62885a12290dc9c5be3ca0681d367576ab7bf037da120e564723292a2f0",
    "3.13": "python:3.13.1-slim-bookworm"
    "@sha256:026dd417a88d0be8ed5542a05cff5979d17625151be8a1e25a994f85c87962a5",
}
PYTHON_DEFAULT = "3.12"
# The restore-check image (infra/restore-check/Dockerfile of an RDS project): scaffold runs in it.
RESTORE_CHECK_IMAGE = PYTHON_IMAGES["3.12"]


def _bare(version: str, *, drop_v: bool) -> str:
    for mark in ("v", ">", "=", "^", "~") if drop_v else (">", "=", "^", "~"):
        version = version.replace(mark, "")
    return version.strip()


def base_image(language: str, runtime_version: str) -> str:
    """The pinned image for an app's runtime version, else the default runtime's."""
    if language == "node":
        major = _bare(runtime_version, drop_v=True).split(".")[0]
        return NODE_IMAGES.get(major, NODE_IMAGES[NODE_DEFAULT])
    parts = _bare(runtime_version, drop_v=False).split(".")
    key = parts[0] + "." + (parts[1] if len(parts) > 1 else "")
    return PYTHON_IMAGES.get(key, PYTHON_IMAGES[PYTHON_DEFAULT])


def image_tag(image: str) -> str:
    """The tag of a pin: "node:20.18.1-bookworm-slim@sha256:..." -> "node:20.18.1-bookworm-slim"."""
    return image.split("@", maxsplit=1)[0]


def runtime_exact(image: str) -> str:
    """The exact version inside a pinned image: "node:20.18.1-bookworm-slim" -> "20.18.1"."""
    return image_tag(image).split(":")[1].split("-", maxsplit=1)[0]


# The Node CI installs for tools alone (the Supabase CLI) when no app sets one up.
NODE_DEFAULT_EXACT = runtime_exact(NODE_IMAGES[NODE_DEFAULT])

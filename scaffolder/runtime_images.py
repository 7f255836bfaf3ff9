"""The container base images the generated Dockerfiles pin, and the exact runtime CI installs.

The one place these pins live (templates/includes/pins.jinja keeps the actions and tools).
The image follows the app's runtime version's major (Node) or major.minor (Python); CI
installs the exact version inside that image, so CI and the image agree. The parsing is
deliberately loose (">=18", "v22.3.0", "^3.10"), as the template's once was.
"""

from __future__ import annotations

# Exact image tags per runtime major; the key is TemplateApp.runtime_version's major(.minor).
NODE_IMAGES = {
    "18": "node:18.20.5-bookworm-slim",
    "20": "node:20.18.1-bookworm-slim",
    "22": "node:22.12.0-bookworm-slim",
    "24": "node:24.11.1-bookworm-slim",
}
NODE_DEFAULT = "20"
PYTHON_IMAGES = {
    "3.10": "python:3.10.16-slim-bookworm",
    "3.11": "python:3.11.11-slim-bookworm",
    "3.12": "python:3.12.8-slim-bookworm",
    "3.13": "python:3.13.1-slim-bookworm",
}
PYTHON_DEFAULT = "3.12"


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


def runtime_exact(image: str) -> str:
    """The exact version inside a pinned image: "node:20.18.1-bookworm-slim" -> "20.18.1"."""
    return image.split(":")[1].split("-", maxsplit=1)[0]


# The Node CI installs for tools alone (the Supabase CLI) when no app sets one up.
NODE_DEFAULT_EXACT = runtime_exact(NODE_IMAGES[NODE_DEFAULT])

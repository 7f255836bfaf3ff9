"""scaffold: turn an AI-built prototype into a production system."""

from __future__ import annotations

import sys
from pathlib import Path

DISTRIBUTION = "scaffold-prod"


def __getattr__(name: str) -> str:
    # The version is read from the installed metadata only when asked for:
    # importlib.metadata costs ~20 ms to import, and `scaffold --help` must stay fast.
    if name == "__version__":
        return _installed_version() or _metadata_version()
    raise AttributeError(f"module 'scaffolder' has no attribute {name!r}")


def _installed_version() -> str | None:
    """The Version of the first <dist>-<version>.dist-info on sys.path, as importlib.metadata
    finds it for a pip-installed (or editable) scaffold, without importing it; None when
    there is none (an egg, a zip), so that importlib.metadata decides."""
    prefix = DISTRIBUTION.replace("-", "_") + "-"
    for entry in sys.path:
        try:
            found = sorted(Path(entry or ".").glob(f"{prefix}*.dist-info"))
        except OSError:
            continue
        if len(found) != 1:
            continue  # none here, or several versions: importlib.metadata's call
        try:
            lines = (found[0] / "METADATA").read_text(encoding="utf-8").splitlines()
        except OSError:
            return None
        for line in lines:
            if line.startswith("Version: "):
                return line[len("Version: ") :].strip()
            if not line:
                break  # the headers end at the first blank line
        return None
    return None


def _metadata_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # a source tree that was never installed
        return "0.0.0+unknown"

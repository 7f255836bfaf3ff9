"""scaffold: turn an AI-built prototype into a production system."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # The version is read from the installed metadata only when asked for:
    # importlib.metadata costs ~30 ms, and `scaffold --help` must stay fast.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("scaffold-prod")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0+unknown"
    raise AttributeError(f"module 'scaffolder' has no attribute {name!r}")

"""scaffold: turn an AI-built prototype into a production system."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("scaffold-prod")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

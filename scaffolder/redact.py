"""Redacted previews and fingerprints of secret values.

The only functions allowed to look at a secret value turn it into something
safe to show: a preview that keeps a few characters so the user can recognise
the key, and a hash to de-duplicate the same value seen in two places.
"""

from __future__ import annotations

import hashlib

# Below this length, showing 6 characters would reveal too much of the value.
_MIN_PARTIAL = 12
_MASK = "****"


def redact(value: str) -> str:
    """'sk-a...f3' for long values (first 4 + last 2), '****' for short ones."""
    if len(value) < _MIN_PARTIAL:
        return _MASK
    return f"{value[:4]}...{value[-2:]}"


def fingerprint(value: str) -> str:
    """sha256 hex digest of the value: equal values, equal fingerprints."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()

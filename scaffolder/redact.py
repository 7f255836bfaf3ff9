"""Redacted previews and fingerprints of secret values.

The only functions allowed to look at a secret value turn it into something
safe to show: a preview that keeps a few characters so the user can recognise
the key, and a keyed hash to de-duplicate the same value seen in two places.

The hash is an HMAC, never a plain digest: a report is shared (CI artifacts,
SARIF uploads), and an unsalted sha256 of a weak password falls to a
dictionary in seconds. The key is `SCAFFOLD_FINGERPRINT_KEY` when set (a CI
secret, so fingerprints match across runs and machines), else a random key
kept in the user's state directory (outside any repository, so a committed or
published report never travels with its key), else one random key per process.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

FINGERPRINT_KEY_ENV = "SCAFFOLD_FINGERPRINT_KEY"
_KEY_BYTES = 32

# Below this length, showing 6 characters would reveal too much of the value.
_MIN_PARTIAL = 12
_MASK = "****"


def redact(value: str) -> str:
    """'sk-a...f3' for long values (first 4 + last 2), '****' for short ones."""
    if len(value) < _MIN_PARTIAL:
        return _MASK
    return f"{value[:4]}...{value[-2:]}"


def state_dir() -> Path:
    """Where scaffold keeps per-user state: $XDG_STATE_HOME/scaffold or ~/.local/state/scaffold."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "scaffold"


@functools.cache
def _stored_key(path: Path) -> bytes:
    try:
        key = path.read_bytes()
    except OSError:
        key = b""
    if len(key) >= _KEY_BYTES:
        return key
    key = secrets.token_bytes(_KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
    except OSError:
        # Another process created it first (its key is used from the next run on), or
        # there is no writable home (a locked-down CI): this run's own key, stable within it.
        pass
    return key


def fingerprint_key() -> bytes:
    configured = os.environ.get(FINGERPRINT_KEY_ENV)
    if configured:
        return configured.encode("utf-8")
    return _stored_key(state_dir() / "fingerprint.key")


def fingerprint(value: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the value: equal values, equal fingerprints; irreversible without the key."""
    mac = hmac.new(key or fingerprint_key(), value.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return mac.hexdigest()


# postgresql://user:PASSWORD@host, https://user:TOKEN@github.com
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)([^@\s/]+)(@)", re.IGNORECASE)
# password=..., "token": "...", api_key: ...
_SECRET_FIELD = re.compile(
    r"""((?:password|passwd|pwd|secret|token|api[_-]?key|credential)s?["']?\s*[=:]\s*["']?)"""
    r"""([^\s"',;&]+)""",
    re.IGNORECASE,
)
_SECRET_ENV_NAME = re.compile(r"PASS|SECRET|TOKEN|KEY|CREDENTIAL|DATABASE_URL|_DSN", re.IGNORECASE)
_MIN_ENV_SECRET = 6  # shorter values would mask ordinary words


def redact_text(text: str, environ: Mapping[str, str] | None = None) -> str:
    """`text` (a log, a command's output) with passwords in URLs, secret-looking fields
    and the values of secret-named environment variables masked."""
    env = os.environ if environ is None else environ
    for name, value in env.items():
        if _SECRET_ENV_NAME.search(name) and len(value) >= _MIN_ENV_SECRET:
            text = text.replace(value, redact(value))
    text = _URL_PASSWORD.sub(lambda m: f"{m[1]}{redact(m[2])}{m[3]}", text)
    return _SECRET_FIELD.sub(lambda m: f"{m[1]}{redact(m[2])}", text)

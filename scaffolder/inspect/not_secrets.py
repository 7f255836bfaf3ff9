"""Literals a secret detector matches that are not credentials.

Seen on AI-built prototypes scaffold had not been tuned for
(benchmarks/unseen-prototypes.txt): a Replit settings page's mock data holding
Slack's documented sample webhook, React pages naming their localStorage slots
`LS_API_KEY = "lyrics_openai_api_key"`, a setup script assigning an instruction
to OPENAI_API_KEY. Each was a critical or high finding on a credential that
does not exist.
"""

from __future__ import annotations

import re

from scaffolder.inspect.lazy_regex import lazy_regex

# hooks.slack.com/services/T00000000/B00000000/XXXX...: a real key is random, never a
# run of one masking character.
_MASKED_RE = lazy_regex(r"([xX0*#.])\1{7,}")
# "lyrics_openai_api_key", "worklog_secret": lower-case words naming a storage slot.
_SLOT_NAME_RE = lazy_regex(r"[a-z][a-z0-9]*(?:[_.:-][a-z0-9]+)+")
_SLOT_WORDS = frozenset(["key", "secret", "token", "password", "pass", "pwd", "auth"])
_BROWSER_SUFFIXES = (".tsx", ".jsx", ".vue", ".svelte")
# "Get it from the dashboard or run supabase secrets list": an instruction.
_PROSE_WORDS = 5


def is_masked(value: str) -> bool:
    """A provider-shaped value with its secret part masked out (a documented sample)."""
    return bool(_MASKED_RE.search(value))


def is_prose(value: str) -> bool:
    """A sentence: five words or more (a passphrase generator gives four)."""
    return len(value.split()) >= _PROSE_WORDS


def is_storage_slot(path: str, value: str, text: str) -> bool:
    """In browser code, a constant whose value names the secret's storage slot is a
    localStorage key, not a credential: a browser keeps no signing secret, and a
    real key is not a few lower-case words."""
    if not _SLOT_NAME_RE.fullmatch(value) or not _SLOT_WORDS.intersection(
        re.split(r"[_.:-]", value)
    ):
        return False
    return path.endswith(_BROWSER_SUFFIXES) or "localStorage" in text or "sessionStorage" in text

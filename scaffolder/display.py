"""Text from a repository, made safe to show: no forged lines, no terminal escapes.

File names, folder names and snippets come from the repository, and a name may
hold a newline (a forged report line), an ESC sequence (the terminal obeys it:
colours, cursor moves, a hyperlink, a retitled window), a C1 control (U+009B is
CSI on some terminals) or a bidirectional override ("Trojan Source": the text
reads differently from what it is). Human formats show each such character as
a visible escape (`\\n`, `\\x1b`, `\\u202e`); JSON formats keep the data exact
and only spell out the characters JSON encoders leave raw.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from enum import Enum
from typing import Any, ClassVar, Protocol, TypeVar


class _Dataclass(Protocol):
    __dataclass_fields__: ClassVar[dict[str, Any]]


# C0 controls, DEL, C1 controls, bidi marks/embeddings/overrides/isolates, and the
# Unicode line and paragraph separators (line breaks to some renderers).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# What JSON encoders emit raw inside strings (they always escape C0 themselves).
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

ModelT = TypeVar("ModelT", bound=_Dataclass)


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control or bidi character shown as a visible escape."""
    return _UNSAFE.sub(_visible, text)


def json_safe(serialized: str) -> str:
    """A JSON document with DEL, C1 and bidi characters written as \\uXXXX (same data)."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", serialized)


def _escape(value: Any) -> Any:
    if isinstance(value, Enum):  # a fixed name of scaffold's, never repository text
        return value
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [_escape(v) for v in value]
    if isinstance(value, dict):
        return {k: _escape(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return displayable(value)
    return value


def displayable(model: ModelT) -> ModelT:
    """A copy of `model` (a dataclass: the report) whose every string is `printable`."""
    return replace(model, **{f.name: _escape(getattr(model, f.name)) for f in fields(model)})

"""A real .env parser: `export ` prefixes, comments, single and double quotes,
escapes in double quotes, and quoted values that span lines.

Errors name the file, the line and (when known) the variable, and never echo a
value: a malformed line is likely to hold a secret.
"""

from __future__ import annotations

import re
from pathlib import Path

from scaffolder.errors import InputError

_ASSIGNMENT = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$", re.DOTALL)
_NAME_ONLY = re.compile(r"^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*$")
VALID_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$"}
_HINT = "Write each variable as NAME=value; quote values that contain # or span lines."


def _closing(text: str, quote: str) -> int | None:
    """Index of the unescaped closing quote in `text`, or None."""
    escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\" and quote == '"':
            escaped = True
        elif char == quote:
            return index
    return None


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


class _Reader:
    def __init__(self, text: str, source: str) -> None:
        self.lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.source = source
        self.index = 0

    def fail(self, lineno: int, what: str) -> InputError:
        return InputError(f"{self.source}, line {lineno}: {what}.", hint=_HINT)

    def quoted(self, key: str, rest: str, lineno: int) -> str:
        quote, body = rest[0], rest[1:]
        parts: list[str] = []
        while (end := _closing(body, quote)) is None:
            parts.append(body)
            self.index += 1
            if self.index >= len(self.lines):
                raise self.fail(lineno, f"the quoted value of {key} is never closed")
            body = self.lines[self.index]
        parts.append(body[:end])
        after = body[end + 1 :].strip()
        if after and not after.startswith("#"):
            raise self.fail(self.index + 1, f"unexpected text after the quoted value of {key}")
        value = "\n".join(parts)
        return _unescape(value) if quote == '"' else value

    def parse(self) -> dict[str, str]:
        values: dict[str, str] = {}
        while self.index < len(self.lines):
            lineno = self.index + 1
            stripped = self.lines[self.index].strip()
            if stripped and not stripped.startswith("#"):
                match = _ASSIGNMENT.match(stripped)
                if match is None:
                    what = "a name without '=value'" if _NAME_ONLY.match(stripped) else None
                    raise self.fail(lineno, what or "expected NAME=value")
                key, rest = match.group(1), match.group(2)
                if rest[:1] in ("'", '"'):
                    values[key] = self.quoted(key, rest, lineno)
                else:
                    # An unquoted value ends at a " #" comment, as in every common dotenv loader.
                    values[key] = re.split(r"\s+#", rest, maxsplit=1)[0].strip()
            self.index += 1
        return values


def parse_dotenv(text: str, *, source: str = ".env") -> dict[str, str]:
    """NAME -> value, in file order; a later assignment of a name wins."""
    return _Reader(text, source).parse()


def read_dotenv(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(
            f"{path} does not exist.", hint="Pass the file with --from, e.g. --from .env.staging."
        ) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text.", hint="Save it as UTF-8.") from exc
    except OSError as exc:
        raise InputError(
            f"Cannot read {path}: {exc.strerror}.", hint="Check the file's permissions."
        ) from exc
    return parse_dotenv(text, source=str(path))


def example_names(path: Path) -> list[str] | None:
    """The names `.env.example` lists (its values are placeholders), or None without one."""
    try:
        present = path.is_file()
    except OSError:
        present = True  # unreadable: read_dotenv says so (exit 3)
    if not present:
        return None
    return list(read_dotenv(path))

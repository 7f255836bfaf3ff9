"""JWT_RE, written to start with its literal, finds what `\\beyJ...` finds."""

from __future__ import annotations

import re

import pytest

from scaffolder.inspect.jwt import JWT_RE

_PLAIN = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}")
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


@pytest.mark.parametrize(
    "text",
    [
        TOKEN,
        f"key = '{TOKEN}'\nother={TOKEN}",
        f"x{TOKEN} _{TOKEN} -{TOKEN} .{TOKEN} é{TOKEN}",  # a word character before: no token
        f"eyJeyJ{TOKEN} {TOKEN[:-10]} {TOKEN}{TOKEN}",
        "eyJ" * 50 + "." + TOKEN,
    ],
)
def test_the_pattern_finds_what_its_plain_form_finds(text: str) -> None:
    def found(pattern: re.Pattern[str]) -> list[tuple[int, str]]:
        return [(m.start(), m.group(0)) for m in pattern.finditer(text)]

    assert found(JWT_RE) == found(_PLAIN)
    assert found(JWT_RE)

"""The .env parser: the syntax real files use, and errors that never echo a value."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.errors import InputError
from scaffolder.ops.dotenv import example_names, parse_dotenv, read_dotenv


def test_the_syntax_real_files_use() -> None:
    text = (
        "\ufeff# comment line\r\n"
        "export API_URL=https://api.example.com  # trailing comment\r\n"
        "PLAIN=value with spaces\n"
        "HASH_IN_VALUE=abc#def\n"
        "EMPTY=\n"
        "  INDENTED = padded  \n"
        "SINGLE='no $escapes \\n here # kept'\n"
        'DOUBLE="line1\\nline2 \\"quoted\\" # kept"\n'
        'PEM="-----BEGIN KEY-----\n'
        "abc\n"
        '-----END KEY-----"\n'
        "MULTI_SINGLE='a\n"
        "b'  # after\n"
        "PLAIN=later wins\n"
    )
    assert parse_dotenv(text) == {
        "API_URL": "https://api.example.com",
        "PLAIN": "later wins",
        "HASH_IN_VALUE": "abc#def",
        "EMPTY": "",
        "INDENTED": "padded",
        "SINGLE": "no $escapes \\n here # kept",
        "DOUBLE": 'line1\nline2 "quoted" # kept',
        "PEM": "-----BEGIN KEY-----\nabc\n-----END KEY-----",
        "MULTI_SINGLE": "a\nb",
    }


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("OK=1\nthis is not an assignment sk-live-SECRETVALUE\n", 2, "expected NAME=value"),
        ("OK=1\nexport LONELY\n", 2, "a name without '=value'"),
        ('A=1\n\nTOKEN="sk-live-SECRETVALUE\n never closed\n', 3, "never closed"),
        ("TOKEN='sk-live-SECRETVALUE' trailing-SECRETVALUE\n", 1, "unexpected text"),
        ("1BAD=sk-live-SECRETVALUE\n", 1, "expected NAME=value"),
    ],
)
def test_malformed_lines_name_the_line_and_never_the_value(text: str, line: int, what: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_dotenv(text, source=".env.staging")
    assert f".env.staging, line {line}: " in caught.value.message
    assert what in caught.value.message
    assert "SECRETVALUE" not in caught.value.message + caught.value.hint


def test_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_dotenv(tmp_path / ".env")
    (tmp_path / "bad").write_bytes(b"A=\xff\xfe\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_dotenv(tmp_path / "bad")
    assert example_names(tmp_path / ".env.example") is None
    (tmp_path / ".env.example").write_text(
        "DATABASE_URL=postgres://user:pass@host/db\nSTRIPE_KEY=\n"
    )
    assert example_names(tmp_path / ".env.example") == ["DATABASE_URL", "STRIPE_KEY"]

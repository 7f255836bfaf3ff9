"""App account passwords written down in a committed document.

AI-built prototypes often ship a README, NOTES.md or CREDENTIALS.txt listing the
test and admin accounts ("admin@shop.com / Admin123!", a table with a Password
column). No provider pattern matches those values, yet anyone reading the
repository can sign in as the admin. Only documents are read here (code has its
own detectors), and only values that stand as a password: labelled, paired with
an e-mail address, or in a table's password column; placeholders and words
that describe a field ("string", "required", "hashed") are not passwords.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.patterns import is_placeholder

DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt", ".rst", ".adoc", ".org")
_LABEL = r"(?:password|passwort|senha|contrase[ñn]a|mot de passe|passwd|pwd)"
_VALUE = r"[`'\"]?(?P<v>[^\s`'\"|<>]{4,64}?)[`'\"]?(?=[\s|,;)]|$)"
# After a labelled value: the end of the line, a separator or a parenthesis. More words
# mean prose ("Password: Create a strong one", "password is correct in ...").
_ENDS_STATEMENT = lazy_regex(r"[`'\"*_]*\s*(?:$|[|,;]|\(|-\s|\w+[:=])", re.M)
# "Password: hunter2!", "**Password**: `hunter2!`", "- senha = 123456", "password is x9!"
_LABELLED = lazy_regex(rf"(?im)\b{_LABEL}\b[*_]*\s*(?:[:=]|\bis\b)\s*[*_]*\s*{_VALUE}")
# "admin@shop.com / Admin123!", "admin@shop.com : Admin123!"
_EMAIL_PAIR = lazy_regex(rf"(?m)[\w.+-]+@[\w-]+(?:\.[\w-]+)+[`'\"]?\s*[/:]\s*{_VALUE}")
_TABLE_ROW = lazy_regex(r"^\s*\|(.+)\|\s*$")
# Words a document uses to describe a password field, not to state one.
_DESCRIPTIVE = frozenset(
    [
        "string",
        "str",
        "text",
        "varchar",
        "required",
        "optional",
        "hashed",
        "hash",
        "bcrypt",
        "argon2",
        "field",
        "fields",
        "reset",
        "the",
        "your",
        "must",
        "should",
        "min",
        "minimum",
        "length",
        "characters",
        "chars",
        "policy",
        "strength",
        "input",
        "column",
        "value",
        "type",
        "secret",
        "encrypted",
        "stored",
        "salted",
        "plain",
        "plaintext",
        "random",
        "generated",
        "auto",
        "same",
        "below",
        "above",
        "see",
        "none",
        "empty",
        "correct",
        "wrong",
        "incorrect",
        "new",
        "old",
        "forgot",
        "token",
        "email",
    ]
)
_CODE_REFERENCE = lazy_regex(
    r"^(?:process|os|env|import|config|settings|req|request|body|form|data|user|this|self|"
    r"values|props|params|args|input|getenv|Deno)\b|[(){}=]|://|^[/\[{(]|"
    r"^[a-z]+[A-Z][A-Za-z]*$"  # a camelCase identifier: hashedPassword, userPass
)


def is_document(path: str) -> bool:
    return path.lower().endswith(DOCUMENT_SUFFIXES)


def _is_password(value: str, *, paired: bool) -> bool:
    if value.lower().rstrip(".:") in _DESCRIPTIVE or _CODE_REFERENCE.search(value):
        return False
    # Beside an e-mail address even a weak word (admin, password) is a real login.
    return not is_placeholder(value, weak=not paired)


def _table_cells(text: str) -> Iterator[tuple[int, str]]:
    column: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        row = _TABLE_ROW.match(line)
        if row is None:
            column = None
            continue
        cells = [c.strip().strip("`*_ ") for c in row.group(1).split("|")]
        if column is None:
            found = [i for i, c in enumerate(cells) if re.fullmatch(_LABEL, c, re.I)]
            column = found[0] if found else None
            continue
        if column < len(cells) and not set(cells[column]) <= set("-: "):
            yield number, cells[column]


# Both patterns fail slowly at every word of a long document (a case-insensitive
# alternation, a leading [\w.+-]+ run). Each match starts where a label word starts, or
# where the run of address characters before an "@" starts, so each is tried only there
# and only past the previous match: the same matches as finditer (tests/inspect).
_LABEL_STARTS = ("pass", "senha", "contrase", "mot de passe", "pwd")


def _labelled(text: str, lowered: str) -> Iterator[re.Match[str]]:
    # Offsets in `lowered` are those of `text` unless lower() changed a length ("İ"), and
    # (?i) finds a label where lower() does unless U+017F (long s, folded to "s") is in it.
    if len(lowered) != len(text) or "\u017f" in text:
        yield from _LABELLED.finditer(text)
        return
    starts = sorted({i for word in _LABEL_STARTS for i in _occurrences(lowered, word)})
    end = 0
    for start in starts:
        if start >= end and (match := _LABELLED.match(text, start)):
            end = match.end()
            yield match


def _occurrences(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at != -1:
        yield at
        at = text.find(word, at + 1)


def _email_pairs(text: str) -> Iterator[re.Match[str]]:
    end = 0
    for at in _occurrences(text, "@"):
        if at < end:
            continue
        start = at
        while start > end and (text[start - 1].isalnum() or text[start - 1] in "_.+-"):
            start -= 1
        if start < at and (match := _EMAIL_PAIR.match(text, start)):
            end = match.end()
            yield match


def credential_lines(path: str, text: str) -> list[tuple[int, str]]:
    """(line, password) for each account password the document states."""
    if not is_document(path):
        return []
    lowered = text.lower()
    if not any(word in lowered for word in ("pass", "senha", "pwd", "contrase", "mot de")):
        return []
    found: dict[tuple[int, str], None] = {}
    for matches, paired in ((_labelled(text, lowered), False), (_email_pairs(text), True)):
        for match in matches:
            value = match["v"]
            prose = not _ENDS_STATEMENT.match(text, match.end("v"))
            if not prose and _is_password(value, paired=paired):
                found.setdefault((text.count("\n", 0, match.start("v")) + 1, value), None)
    for number, value in _table_cells(text):
        if " " not in value and _is_password(value, paired=True):
            found.setdefault((number, value), None)
    return sorted(found)

"""Account passwords written in a committed document are found; field descriptions are not."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from scaffolder.cli.app import main
from scaffolder.inspect import credential_docs
from scaffolder.inspect.credential_docs import credential_lines
from tests.inspect.conftest import write

NOTES = """# Test accounts

- Admin: admin@shop.com / Admin123!
- **Password**: `S3cure!pass`
- Demo user login: demo@shop.com, password: demo1234

| Email | Password | Role |
|---|---|---|
| owner@shop.com | Owner#2024 | owner |
| staff@shop.com | staff | staff |

psql "host=db.shop.example user=shop-admin password=AVNS_q8Zr2LmP0xTt host=x"
"""
DESCRIBES_FIELDS = """## API

`POST /login` body: `{ email: string, password: string }`
The password field is required. Password: string (min 8 characters).
Set the password: <your-password>
password: process.env.ADMIN_PASSWORD
Password: ********
2. **Go to forgot password**: https://shop.example/forgot-password
- Database password: Create a strong password (save this!)
2. Verify Gmail app password is correct
**Reset Password**: Token → Hash with SHA256 → Update password
1. Login with: `owner@shop.com` / correct password
    password: '[STORED IN ENVIRONMENT VARIABLES]',
res.json({ user: { ...userData, password: hashedPassword } })
| Field | Type | Notes |
|---|---|---|
| password | string | bcrypt hash |
"""


def test_passwords_stated_in_a_document_are_found_by_line() -> None:
    assert credential_lines("docs/NOTES.md", NOTES) == [
        (3, "Admin123!"),
        (4, "S3cure!pass"),
        (5, "demo1234"),
        (9, "Owner#2024"),
        (10, "staff"),
        (12, "AVNS_q8Zr2LmP0xTt"),
    ]


def test_documents_that_describe_a_password_field_state_none() -> None:
    assert credential_lines("README.md", DESCRIBES_FIELDS) == []


def test_code_is_left_to_the_code_detectors() -> None:
    assert credential_lines("src/seed.ts", NOTES) == []


def test_the_audit_reports_the_document_without_the_passwords(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"package.json": json.dumps({"name": "x"}), "CREDENTIALS.md": NOTES})
    with pytest.raises(SystemExit):
        main(["audit", str(tmp_path), "--format", "json", "--no-history"])
    out = capsys.readouterr().out
    [finding] = [f for f in json.loads(out)["findings"] if f["rule_id"] == "SEC013"]
    assert finding["title"] == "Account passwords written in CREDENTIALS.md"
    assert [e["line"] for e in finding["evidence"]] == [3, 4, 5, 9, 10, 12]
    for password in ("Admin123!", "S3cure!pass", "demo1234", "Owner#2024"):
        assert password not in out


_PIECES = [
    *("password", " Password", "PASSWD", "pwd", "senha", "contraseña", "CONTRASEÑA"),
    *("Mot de passe", "PA\u017fSWORD", "İ", "😀", "pass", "passwordis", ": ", "=", " is "),
    *("a@b.co", " @x.io", "user.name+tag@shop.com", "@", "@@", "x-y.z", "/", " / ", ":"),
    *("Admin123!", "hunter22", "`x9!zz`", '"abcd"', "\n", "|", " ", ",", "**", "_", "é"),
]


def test_both_patterns_find_what_finditer_finds() -> None:
    # credential_docs tries each pattern only where a match can start (a label word, the
    # address before an "@"); the matches must be finditer's, on any text.
    rng = random.Random(7)
    texts = ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 14))) for _ in range(30_000)]
    for text in texts:
        for found, pattern in (
            (credential_docs._labelled(text, text.lower()), credential_docs._LABELLED),
            (credential_docs._email_pairs(text), credential_docs._EMAIL_PAIR),
        ):
            expected = [(m.span(), m["v"]) for m in pattern.finditer(text)]
            assert [(m.span(), m["v"]) for m in found] == expected, text

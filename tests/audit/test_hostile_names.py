"""Names from the repository cannot forge report lines or drive the terminal.

A file name may hold a newline, an ESC sequence, a C1 control or a bidi
override; every report format must show it as a visible escape (human formats)
or keep it escaped (JSON formats), and the secret inside must stay redacted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scaffolder.cli.app import main
from scaffolder.display import displayable, json_safe, printable

SECRET = "sk_live_" + "9fQ2xLmP4rT8vWz1kB6nY3cD"
HOSTILE = [
    "forged\n[CRITICAL] SEC999 all clear.env",
    "title\x1b]0;pwned\x07\x1b[2J.env",
    "csi\x9b31m.env",
    "trojan\u202egnp.env",
]
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _audit(repo: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        main(["audit", str(repo), "--format", fmt])
    out, _ = capsys.readouterr()
    return out


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("hostile")
    (repo / "package.json").write_text('{"name": "x", "dependencies": {"express": "4"}}')
    for name in HOSTILE:
        (repo / name).write_text(f"STRIPE_SECRET_KEY={SECRET}\n")
    return repo


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_human_formats_show_escapes_and_forge_no_line(
    hostile_repo: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _audit(hostile_repo, fmt, capsys)
    assert not RAW_CONTROL.search(out)
    assert not any(line.lstrip().startswith("[CRITICAL] SEC999") for line in out.splitlines())
    assert "\\x1b]0;pwned" in out or "\\x1b" in out
    assert SECRET not in out


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_formats_keep_the_exact_names_escaped(
    hostile_repo: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _audit(hostile_repo, fmt, capsys)
    assert not RAW_CONTROL.search(out)
    assert SECRET not in out
    document = json.loads(out)
    text = json.dumps(document, ensure_ascii=False)
    found = [name for name in HOSTILE if json.dumps(name, ensure_ascii=False)[1:-1] in text]
    assert found, "the exact names survive as data"


def test_printable_and_json_safe() -> None:
    assert printable("a\nb\x1b[31m\u202ec\x9b") == "a\\nb\\x1b[31m\\u202ec\\x9b"
    assert printable("plain ü name") == "plain ü name"
    assert json.loads(json_safe(json.dumps("x\x9by\u202e", ensure_ascii=False))) == "x\x9by\u202e"


def test_displayable_escapes_every_string_of_a_model() -> None:
    from scaffolder.models import Evidence

    shown = displayable(Evidence(path="a\nb", line=3, snippet="\x1b[2J"))
    assert (shown.path, shown.line, shown.snippet) == ("a\\nb", 3, "\\x1b[2J")


def test_errors_naming_a_hostile_path_print_it_escaped_and_without_markup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "gone[/]\x1b[2J\nerror: forged"
    with pytest.raises(SystemExit) as exited:
        main(["audit", str(missing)])
    _, err = capsys.readouterr()
    assert exited.value.code == 3
    assert "\x1b" not in err and "[/]" in err and "\\x1b[2J\\nerror: forged" in err

"""Module-level patterns compiled on first use (scaffolder/inspect/lazy_regex.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from scaffolder.inspect import patterns
from scaffolder.inspect.lazy_regex import LazyRegex, lazy_regex

REPO = Path(__file__).resolve().parents[2]


def test_nothing_is_compiled_until_first_use() -> None:
    broken = lazy_regex("(unclosed")  # re.compile would raise here
    assert broken.pattern == "(unclosed"
    with pytest.raises(re.error):
        broken.search("text")


def test_every_method_answers_as_the_compiled_pattern() -> None:
    source, flags, text = r"(?P<word>b+)c", re.IGNORECASE, "abc ABBC xbbbc"
    lazy, compiled = lazy_regex(source, flags), re.compile(source, flags)
    assert lazy.search(text).span() == compiled.search(text).span()  # type: ignore[union-attr]
    assert lazy.match(text, 1) is not None and compiled.match(text, 1) is not None
    assert lazy.fullmatch("bbc") is not None
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert lazy.findall(text) == compiled.findall(text)
    assert lazy.sub("-", text) == compiled.sub("-", text)
    assert lazy.subn("-", text) == compiled.subn("-", text)
    assert lazy.split(text) == compiled.split(text)
    assert (lazy.flags, lazy.groups, lazy.groupindex) == (
        compiled.flags,
        compiled.groups,
        compiled.groupindex,
    )


def test_after_the_first_use_calls_go_straight_to_the_compiled_pattern() -> None:
    lazy = lazy_regex(r"\d+")
    lazy.search("a1")
    assert lazy.search.__self__ is lazy.findall.__self__  # type: ignore[attr-defined]
    assert isinstance(lazy.search.__self__, re.Pattern)  # type: ignore[attr-defined]


def test_an_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        lazy_regex("x").nonsense  # noqa: B018


def test_the_secret_detectors_compile_only_when_their_anchor_is_present() -> None:
    detectors = [d for d in patterns.ALL_DETECTORS if isinstance(d.regex, LazyRegex)]
    assert len(detectors) == len(patterns.ALL_DETECTORS)


def test_loading_the_inspector_and_the_rules_compiles_none_of_their_patterns() -> None:
    # A module-level re.compile would cost every audit its compile time again, used or not.
    code = (
        "import re, sys\n"
        "seen = []\n"
        "compile_ = re._compile\n"
        "def spy(pattern, flags):\n"
        "    frame = sys._getframe(1)\n"
        "    while frame is not None and frame.f_code.co_name != '<module>':\n"
        "        frame = frame.f_back\n"
        "    if frame is not None:\n"
        "        seen.append(frame.f_globals.get('__name__', ''))\n"
        "    return compile_(pattern, flags)\n"
        "re._compile = spy\n"
        "import scaffolder.audit, scaffolder.inspect.repository, scaffolder.inspect.secrets\n"
        "ours = ('scaffolder.inspect', 'scaffolder.audit.rules')\n"
        "print(sorted({m for m in seen if m.startswith(ours)}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert done.stdout.strip() == "[]"

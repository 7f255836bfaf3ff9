"""libyaml reads a document as ruamel.yaml's YAML 1.2 safe loader does, or leaves it to ruamel."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.resolver import implicit_resolvers

from scaffolder.inspect import yaml12
from scaffolder.inspect.ci import _parsed, scheduled_only, yaml_problem
from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.yaml12 import RESOLVERS_1_2, UNREAD, load
from tests.support.same_data import same


def ruamel(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def read_alike(text: str) -> Any:
    """The document libyaml reads from `text`, after checking it is ruamel.yaml's."""
    got = load(text)
    assert got is not UNREAD, "libyaml should read this one"
    assert same(got, ruamel(text))
    return got


def test_the_resolver_table_is_ruamels_for_yaml_1_2() -> None:
    theirs = [
        (tag, rx.pattern, rx.flags, tuple(first))
        for versions, tag, rx, first in implicit_resolvers
        if (1, 2) in versions
    ]
    ours = [
        (tag, pattern, re.compile(pattern, flags).flags, tuple(c.strip("\0") for c in first))
        for tag, pattern, flags, first in RESOLVERS_1_2
    ]
    assert ours == theirs


# Scalars YAML 1.1 and 1.2 read differently, and the core schema's every form.
READ_AS_1_2 = {
    "on: push": {"on": "push"},
    "yes: no": {"yes": "no"},
    "a: y": {"a": "y"},
    "off: On": {"off": "On"},
    "a: 010": {"a": 10},
    "a: 1:20": {"a": "1:20"},
    "a: 190:20:30.15": {"a": "190:20:30.15"},
    "a: .inf": {"a": math.inf},
    "a: -.Inf": {"a": -math.inf},
    "a: .NaN": {"a": math.nan},
    "a: ~": {"a": None},
    "a:": {"a": None},
    "a: Null": {"a": None},
    "a: 0o17": {"a": 15},
    "a: -0x1F": {"a": -31},
    "a: 0b101": {"a": 5},
    "a: 1_000": {"a": 1000},
    "a: +12": {"a": 12},
    "a: 0": {"a": 0},
    "a: 1e3": {"a": 1000.0},
    "a: -.5": {"a": -0.5},
    "a: 1.": {"a": 1.0},
    "a: TRUE": {"a": True},
    "a: False": {"a": False},
    "a: 'true'": {"a": "true"},
    'a: "010"': {"a": "010"},
    "a: 08": {"a": 8},
    "a: 0x": {"a": "0x"},
    "? [1, 2]\n: x\nb: &x {k: [1, *x]}": UNREAD,  # a list as key: ruamel makes a tuple
}


@pytest.mark.parametrize(("text", "expected"), READ_AS_1_2.items())
def test_plain_scalars_resolve_as_yaml_1_2(text: str, expected: Any) -> None:
    if expected is UNREAD:
        assert load(text) is UNREAD
    else:
        assert same(read_alike(text), expected)


def test_a_workflow_reads_as_ruamel_reads_it() -> None:
    text = (
        "name: CI\non:\n  push:\n    branches: [main]\n  schedule:\n    - cron: '0 4 * * 1'\n"
        "env: &env\n  NODE: 20\n  ON: yes\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "    env: *env\n    steps:\n      - uses: actions/checkout@v4\n"
        "      - run: |\n          npm ci && npm test 2>&1\n          cat <<EOF > x\n"
        "          EOF\n      - name: 🚀 deploy\n        if: ${{ !cancelled() }}\n"
        '        run: echo "done" # 1:20\n'
    )
    got = read_alike(text)
    assert "on" in got and got["env"]["ON"] == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2",  # ruamel refuses duplicate keys
        "a: 1\n1: 2\nTrue: 3",  # 1 and True are one Python key
        "b: &x {k: 1}\nc:\n  <<: *x\n  j: 2",  # merge key
        "a: !!str 1",
        "a: !Ref x",
        "a: 2024-01-01",  # timestamps
        "%YAML 1.1\n---\na: on",
        "- &anchor: 1\n",  # an anchor `anchor:` for 1.2, `anchor` and a key for libyaml
        "a: b\t\n",  # a tab libyaml takes and ruamel refuses
        "a: b\x85c",  # NEL: a line break in YAML 1.1
        "a: [1, 2",  # a syntax error: ruamel words it
        "a: 1\n---\nb: 2",  # two documents
        "a: =",
        "- " * 70 + "x",  # deeper than _MAX_DEPTH
        "x: &a [*a]",  # a list that holds itself
    ],
)
def test_what_the_readers_could_read_apart_is_left_to_ruamel(text: str) -> None:
    assert load(text) is UNREAD


def test_anchor_like_text_that_is_no_anchor_is_still_read_by_libyaml() -> None:
    text = (
        "env:\n  DB: postgres://h/db?sslmode=require&connect_timeout=10\n"
        "steps:\n  - run: |\n      echo '*Commit:* ${{ github.sha }}'\n"
        "  - uses: &co actions/checkout@v4\n  - uses: *co\n  - with: [&w 1, *w]\n"
    )
    read_alike(text)


@pytest.mark.parametrize("text", ["a: &x? 1", "a: &x%y 1\nb: *x%y", "- &a 1\n- *a:\n"])
def test_an_anchor_libyaml_ends_early_is_left_to_ruamel(text: str) -> None:
    assert load(text) is UNREAD


def test_a_shallow_document_with_shared_nodes_is_read_once_a_level() -> None:
    lines = ["a0: &a0 [1, 2]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 40)]
    text = "\n".join(lines)  # 2**40 leaves if the shared lists were walked each time
    got = load(text)  # not compared with ruamel's: `same` would walk every leaf
    assert got is not UNREAD
    assert got["a39"][0] is got["a39"][1]


def test_without_libyaml_everything_is_left_to_ruamel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml12, "LOADER", None)
    assert load("on: push") is UNREAD


def test_ci_takes_libyamls_document_and_ruamels_error() -> None:
    _parsed.cache_clear()
    cron = SourceFile(".github/workflows/c.yml", "on:\n  schedule:\n    - cron: '0 * * * *'\n", 40)
    assert scheduled_only(cron)  # `on` is a string key: YAML 1.2
    broken = SourceFile(".github/workflows/b.yml", "on: [push\njobs: {}\n", 20)
    problem = yaml_problem(broken)
    assert problem is not None
    assert problem.message.startswith("could not parse YAML: while parsing a flow sequence")

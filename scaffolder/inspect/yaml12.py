"""A YAML document read in C (libyaml, through PyYAML) as ruamel.yaml reads it.

ruamel.yaml's safe reader, YAML 1.2, is pure Python: ~10 ms for one long workflow,
most of a large repository's workflow time. libyaml parses the same text in C, but
PyYAML resolves plain scalars by YAML 1.1 (`on:` is True, `010` is 8, `1:20` is 80).
`load` composes in C and resolves and constructs as `YAML(typ="safe")` does for
YAML 1.2 (ruamel's own resolver table and its int and float rules), and returns
UNREAD wherever the two readers could differ, for the caller to ask ruamel.yaml:
tags and directives, merge keys, duplicate keys (ruamel refuses them), timestamps,
anchor names past libyaml's letters, tabs, the line breaks YAML 1.1 and 1.2 read
differently, control characters, anything libyaml rejects, and deep nesting
(ruamel's RecursionError is the file's verdict). benchmarks/same_yaml.py compares
the two readers on every YAML file at hand.
docs/decisions/0008-workflows-through-libyaml.md.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["UNREAD", "Unparsable", "load", "read"]

UNREAD: Any = object()  # `load` gave up: ask ruamel.yaml
_MAX_DEPTH = 64  # far below where ruamel's recursion could fail, far above any workflow

# Text that both readers take for the same characters: printable, no tab (libyaml
# takes one after a plain scalar, ruamel.yaml refuses it), no NEL or LS/PS (line
# breaks in YAML 1.1, not in 1.2), no byte-order mark.
_UNSAFE_CHAR = re.compile(
    "[^\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# Explicit tags (`!!int`, `!<...>`) and directives (`%YAML 1.1` switches ruamel to 1.1).
_UNSAFE_SYNTAX = re.compile(r"!!|!<|^%", re.MULTILINE)
# What might be an anchor or alias whose name goes on past libyaml's letters: `&name:`
# is an anchor `name:` for YAML 1.2, an anchor `name` and then a key for libyaml.
_LONG_ANCHOR = re.compile(r"[&*][0-9A-Za-z_-]+[^0-9A-Za-z_\s,\[\]{}-]")
_ANCHOR_ENDS = frozenset(" \t,[]{}")  # what ends an anchor's name in YAML 1.2 as well

# ruamel.yaml's implicit resolvers for YAML 1.2 (ruamel/yaml/resolver.py), in its order;
# tests/inspect/test_yaml12.py checks this table against the installed ruamel.yaml.
# "\0" among the first characters stands for the empty scalar.
_X = re.X | re.U
RESOLVERS_1_2: tuple[tuple[str, str, int, str], ...] = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", _X, "tTfF"),
    (
        "tag:yaml.org,2002:float",
        r"""^(?:
         [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        _X,
        "-+0123456789.",
    ),
    (
        "tag:yaml.org,2002:int",
        r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""",
        _X,
        "-+0123456789",
    ),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", re.U, "<"),
    ("tag:yaml.org,2002:null", "^(?: ~\n        |null|Null|NULL\n        | )$", _X, "~nN\0"),
    (
        "tag:yaml.org,2002:timestamp",
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        _X,
        "0123456789",
    ),
    ("tag:yaml.org,2002:value", r"^(?:=)$", re.U, "="),
    ("tag:yaml.org,2002:yaml", r"^(?:!|&|\*)$", re.U, "!&*"),
)


class _Unsupported(Exception):
    """A node the two readers might construct differently."""


def _resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    table: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, flags, first in RESOLVERS_1_2:
        compiled = re.compile(pattern, flags)
        for char in first:
            table.setdefault("" if char == "\0" else char, []).append((tag, compiled))
    return table


def _int(loader: Any, node: yaml.ScalarNode) -> int:
    """ruamel.yaml's SafeConstructor.construct_yaml_int for YAML 1.2 (`010` is 10)."""
    value = loader.construct_scalar(node).replace("_", "")
    sign = -1 if value[0] == "-" else 1
    if value[0] in "+-":
        value = value[1:]
    if value == "0":
        return 0
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if value.startswith(prefix):
            return sign * int(value[2:], base)
    return sign * int(value)


def _float(loader: Any, node: yaml.ScalarNode) -> float:
    """ruamel.yaml's SafeConstructor.construct_yaml_float for YAML 1.2."""
    value = loader.construct_scalar(node).replace("_", "").lower()
    sign = -1 if value[0] == "-" else 1
    if value[0] in "+-":
        value = value[1:]
    if value == ".inf":
        return sign * float("inf")
    if value == ".nan":
        return float("nan")
    return sign * float(value)


def _unsupported(loader: Any, node: yaml.Node) -> Any:
    raise _Unsupported(node.tag)


if hasattr(yaml, "CSafeLoader"):

    class _Loader(yaml.CSafeLoader):  # type: ignore[misc]  # PyYAML ships no types
        yaml_implicit_resolvers = _resolvers()

        def flatten_mapping(self, node: yaml.MappingNode) -> None:
            if any(key.tag == "tag:yaml.org,2002:merge" for key, _ in node.value):
                raise _Unsupported("merge key")  # `<<:`, which the readers merge apart
            super().flatten_mapping(node)

        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
            mapping = super().construct_mapping(node, deep=deep)
            if len(mapping) != len(node.value):
                raise _Unsupported("duplicate key")  # ruamel.yaml refuses the document
            return mapping

    _Loader.add_constructor("tag:yaml.org,2002:int", _int)
    _Loader.add_constructor("tag:yaml.org,2002:float", _float)
    for _tag in ("timestamp", "binary", "omap", "pairs", "set", "merge", "value", "yaml"):
        _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _unsupported)
    _Loader.add_constructor(None, _unsupported)  # a local tag (`!Ref`)
    LOADER: Any = _Loader
else:  # a PyYAML built without libyaml: ruamel.yaml reads everything
    LOADER = None


def _shallow(data: Any) -> bool:
    """True when `data` nests at most _MAX_DEPTH levels (aliases share nodes: each once a level)."""
    if not isinstance(data, (dict, list)):
        return True
    level: list[Any] = [data]
    for _ in range(_MAX_DEPTH):
        children: dict[int, Any] = {}
        for item in level:
            for child in item.values() if isinstance(item, dict) else item:
                if isinstance(child, (dict, list)):
                    children[id(child)] = child
        if not children:
            return True
        level = list(children.values())
    return False


def _anchors_end_alike(text: str) -> bool:
    """True when every anchor and alias libyaml reads ends where YAML 1.2 ends it.

    Asked only of texts where _LONG_ANCHOR finds something (`*Commit:` in a script,
    `&timeout=` in a URL): libyaml's events tell the real anchors from such text.
    """
    lines = text.splitlines()  # \n, \r\n and \r, as libyaml counts lines here
    for event in yaml.parse(text, Loader=LOADER):
        name = getattr(event, "anchor", None)
        if name is None:
            continue
        mark = event.start_mark
        line = lines[mark.line]
        token = ("*" if isinstance(event, yaml.AliasEvent) else "&") + name
        at = line.find(token, mark.column)
        end = at + len(token)
        if at < 0 or (end < len(line) and line[end] not in _ANCHOR_ENDS):
            return False
    return True


def load(text: str) -> Any:
    """The single YAML document in `text` as ruamel.yaml's safe loader builds it, or UNREAD."""
    if LOADER is None or _UNSAFE_CHAR.search(text) or _UNSAFE_SYNTAX.search(text):
        return UNREAD
    try:
        data = yaml.load(text, Loader=LOADER)  # noqa: S506 - a safe loader's subclass
        if _LONG_ANCHOR.search(text) and not _anchors_end_alike(text):
            return UNREAD
    except Exception:  # any refusal (libyaml's, or a node above): ruamel.yaml says why
        return UNREAD
    return data if _shallow(data) else UNREAD


class Unparsable(ValueError):
    """ruamel.yaml refused the text; the message is the first line of its words."""


def read(text: str) -> Any:
    """The document ruamel.yaml's safe reader gives for `text`: `load`'s where it has
    one, else ruamel.yaml's own (imported only then). Unparsable when ruamel.yaml
    refuses the text."""
    data = load(text)
    if data is not UNREAD:
        return data
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        raise Unparsable(str(exc).splitlines()[0]) from exc

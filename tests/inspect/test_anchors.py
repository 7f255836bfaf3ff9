"""A gate settles an anchor only where searching for the anchor would say the same."""

from __future__ import annotations

import itertools

import pytest

from scaffolder.inspect.anchors import _GATE, GATES, Presence, gate_of
from scaffolder.inspect.patterns import ALL_DETECTORS

ANCHORS = sorted({(a, d.fold_case) for d in ALL_DETECTORS for a in d.anchors})
WORDS = sorted({a for a, _ in ANCHORS} | {g for g, _ in GATES})


def _spellings(word: str) -> list[str]:
    return sorted({word, word.upper(), word.lower(), word.title(), word.swapcase()})


def _texts() -> list[str]:
    texts = ["", "nothing to see here", "const AWS_SECRET_ACCESS_KEY = x; sb_secret_abc"]
    texts += [f"x = {s}\n" for word in WORDS for s in _spellings(word)]
    texts += [f"{a} and {b}" for a, b in itertools.combinations(WORDS, 2)]
    return texts


@pytest.mark.parametrize("text", _texts())
def test_presence_answers_as_a_search_for_each_anchor(text: str) -> None:
    presence = Presence(text)
    for anchor, fold in ANCHORS:
        expected = anchor in (text.lower() if fold else text)
        assert presence.has(anchor, fold) is expected, (anchor, fold)


def test_the_gates_settle_the_anchors_that_contain_them() -> None:
    gated = {anchor for (anchor, _), _gate in _GATE.items()}
    assert {"secret_access_key", "aws_secret", "sb_secret_", "sk-ant-", "sk-or-"} <= gated
    assert {"auth_token", "authtoken", "secret_key"} <= gated
    assert gate_of("PRIVATE KEY", fold=False) is None  # no gate word inside
    assert gate_of("secretaccesskey", fold=True) == ("secret", True)
    assert gate_of("sk-ant-", fold=False) == ("sk-", False)
    assert gate_of("sk-anything", fold=True) is None  # a case-folded anchor, a case-sensitive gate

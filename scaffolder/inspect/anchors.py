"""Which of the secret detectors' anchors a file holds, each searched for at most once.

An anchor is a literal that every match of its detector contains (patterns.py); a
search for one reads the whole file when it is absent, the common case. Many anchors
contain a shorter, rarer one (the six AWS spellings and `sb_secret_` contain
`secret`; `sk-ant-` and `sk-or-` contain `sk-`; Twilio's contain `token`): where that
gate is absent, so are they, and one search settles them all. The answers are the
same as searching for each anchor.
"""

from __future__ import annotations

from scaffolder.inspect.patterns import ALL_DETECTORS

# (word, case-folded): a case-folded gate is searched for in the lowered text. A
# case-sensitive anchor holds a case-folded gate when its lowered form does (the
# anchor in the text puts its lowered form in the lowered text); a case-folded anchor
# never has a case-sensitive gate.
GATES = (("secret", True), ("token", True), ("sk-", False))


def gate_of(anchor: str, fold: bool) -> tuple[str, bool] | None:
    """A gate whose absence rules `anchor` out, if one fits."""
    for word, word_fold in GATES:
        if word == anchor or (fold and not word_fold):
            continue
        if word in (anchor.lower() if word_fold else anchor):
            return word, word_fold
    return None


_GATE = {
    (anchor, detector.fold_case): gate
    for detector in ALL_DETECTORS
    for anchor in detector.anchors
    if (gate := gate_of(anchor, detector.fold_case)) is not None
}


# One anchor string is never both case-folded and case-sensitive: `known` is keyed by it.
assert len({a for d in ALL_DETECTORS for a in d.anchors}) == len(
    {(a, d.fold_case) for d in ALL_DETECTORS for a in d.anchors}
)


class Presence:
    """The anchors one file holds, found lazily (the lowered text too)."""

    __slots__ = ("_lowered", "_text", "known")

    def __init__(self, text: str) -> None:
        self._text = text
        self._lowered: str | None = None
        self.known: dict[str, bool] = {}

    def has(self, anchor: str, fold: bool) -> bool:
        found = self.known.get(anchor)
        return self._search(anchor, fold) if found is None else found

    def any_of(self, anchors: tuple[str, ...], fold: bool) -> bool:
        known = self.known  # the scan asks ~30 times a file: most answers are known
        for anchor in anchors:
            found = known.get(anchor)
            if found is None:
                found = self._search(anchor, fold)
            if found:
                return True
        return False

    def _search(self, anchor: str, fold: bool) -> bool:
        gate = _GATE.get((anchor, fold))
        if gate is not None and not self.has(*gate):
            found = False
        elif fold:
            if self._lowered is None:
                self._lowered = self._text.lower()
            found = anchor in self._lowered
        else:
            found = anchor in self._text
        self.known[anchor] = found
        return found

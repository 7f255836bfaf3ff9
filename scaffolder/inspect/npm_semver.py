"""Does a locked version satisfy a package.json range? node-semver's rules, the common subset.

`npm ci` keeps a locked package whose version still satisfies the (edited) range in
package.json, and fails only when one is missing or no longer satisfies it. Deciding
that needs npm's range grammar: `||` alternatives, hyphen ranges, `^`, `~`, x-ranges,
comparators, and the rule that a prerelease only matches a comparator on the same
[major, minor, patch] that names a prerelease itself. Anything else (git URLs, `file:`,
`npm:` aliases, dist-tags) is `None`: not a range this module can judge.
"""

from __future__ import annotations

from scaffolder.inspect.lazy_regex import lazy_regex

Version = tuple[int, int, int, tuple[str, ...]]  # major, minor, patch, prerelease ids
_Comparator = tuple[str, Version]  # (">=", version)

_VERSION = lazy_regex(r"^\s*v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$")
_PARTIAL = lazy_regex(
    r"^v?(\d+|[xX*])(?:\.(\d+|[xX*])(?:\.(\d+|[xX*])(?:-([0-9A-Za-z.-]+))?)?)?"
    r"(?:\+[0-9A-Za-z.-]+)?$"
)
_TOKEN = lazy_regex(r"(\^|~>?|[<>]=?|=)?\s*([^\s<>=~^]+)")
_ZERO: tuple[str, ...] = ()
_LOWEST = ("0",)  # the smallest prerelease: 1.2.3-0 sorts before every 1.2.3-x
_BELOW = "<0"  # "< x.y.z-0", an upper bound a range implies (never names a prerelease)


def parse_version(text: str) -> Version | None:
    match = _VERSION.match(text)
    if not match:
        return None
    pre = tuple(match.group(4).split(".")) if match.group(4) else _ZERO
    return int(match.group(1)), int(match.group(2)), int(match.group(3)), pre


def _pre_key(pre: tuple[str, ...]) -> tuple[int, tuple[tuple[int, int, str], ...]]:
    # A release sorts after all of its prereleases; numeric ids sort before alphanumeric ones.
    if not pre:
        return (1, ())
    return (0, tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre))


def _key(v: Version) -> tuple[int, int, int, tuple[int, tuple[tuple[int, int, str], ...]]]:
    return v[0], v[1], v[2], _pre_key(v[3])


def _test(op: str, have: Version, want: Version) -> bool:
    a, b = _key(have), _key(want)
    if op == _BELOW:
        return a < (*b[:3], _pre_key(_LOWEST))
    return {
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
        "=": a == b,
    }[op]


def _num(part: str | None) -> int | None:
    return None if part is None or part in ("x", "X", "*") else int(part)


def _upper(op: str, major: int, minor: int | None, patch: int | None) -> tuple[int, int, int]:
    """The exclusive upper bound `^`, `~` or a bare partial version (`1`, `1.2`) implies."""
    if op == "^" and major == 0 and minor is not None:
        return (0, minor + 1, 0) if minor > 0 or patch is None else (0, 0, (patch or 0) + 1)
    if minor is None or op == "^":
        return (major + 1, 0, 0)
    return (major, minor + 1, 0)


def _expand(op: str, text: str) -> list[_Comparator] | None:
    """One `^1.2`, `~1.2.3`, `>=1`, `1.x`... as plain comparators; None when not a version."""
    match = _PARTIAL.match(text)
    if not match:
        return None
    major, minor, patch = (_num(match.group(i)) for i in (1, 2, 3))
    pre = tuple(match.group(4).split(".")) if match.group(4) else _ZERO
    if major is None:
        return [(">=", (0, 0, 0, _ZERO))] if op in ("", "=", "^", "~", "~>", ">=", "<=") else []
    lo: Version = (major, minor or 0, patch or 0, pre)
    partial = minor is None or patch is None
    if op in ("~", "~>", "^") or (op in ("", "=") and partial):
        return [(">=", lo), (_BELOW, (*_upper(op, major, minor, patch), _ZERO))]
    if op in (">", "<=") and partial:  # >1 is >=2.0.0; <=1.2 is <1.3.0-0
        bump: Version = (*_upper("~", major, minor, patch), _ZERO)
        return [(">=" if op == ">" else _BELOW, bump)]
    if op == "<" and partial:
        return [(_BELOW, lo)]
    return [("=" if op == "" else op, lo)]


def _hyphen(text: str) -> list[_Comparator] | None:
    low, high = (part.strip() for part in text.split(" - ", 1))
    lo, hi = _expand(">=", low), _expand("<=", high)
    if lo is None or hi is None:
        return None
    return [*lo, *hi]


def _comparators(part: str) -> list[_Comparator] | None:
    part = part.strip()
    if " - " in part:
        return _hyphen(part)
    if part in ("", "*", "x", "X"):
        return [(">=", (0, 0, 0, _ZERO))]
    out: list[_Comparator] = []
    pos = 0
    for match in _TOKEN.finditer(part):
        if part[pos : match.start()].strip():
            return None
        pos = match.end()
        expanded = _expand(match.group(1) or "", match.group(2))
        if expanded is None:
            return None
        out.extend(expanded)
    return out if part[pos:].strip() == "" else None


def _matches_set(version: Version, comparators: list[_Comparator]) -> bool:
    if not all(_test(op, version, want) for op, want in comparators):
        return False
    if not version[3]:
        return True
    # A prerelease counts only against a comparator on the same tuple that names one.
    return any(op != _BELOW and want[3] and want[:3] == version[:3] for op, want in comparators)


def satisfies(version: str, spec: str) -> bool | None:
    """True or False when `spec` is an npm range and `version` a version; None otherwise."""
    have = parse_version(version)
    if have is None:
        return None
    alternatives = [_comparators(part) for part in spec.split("||")]
    if any(a is None for a in alternatives):
        return None
    return any(_matches_set(have, a) for a in alternatives if a is not None)

"""Regular expressions compiled on first use.

The inspector holds ~200 module-level patterns, and compiling them all (Python's `re`
parses and compiles each in Python) was ~25 ms of every audit's start-up, although
most are never used on a given repository: the Dockerfile patterns where there is no
Dockerfile, Django's where there is no Django, and the secret detectors whose anchor
no file holds. A LazyRegex compiles at its first method call, then puts the compiled
pattern's own methods on itself, so later calls cost what a compiled pattern's do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

# The compiled pattern's methods and attributes a LazyRegex hands out once compiled.
_TAKEN = (
    "search",
    "match",
    "fullmatch",
    "finditer",
    "findall",
    "sub",
    "subn",
    "split",
    "flags",
    "groups",
    "groupindex",
)


class LazyRegex:
    """`re.compile(source, flags)`, done at the first use of any method."""

    if TYPE_CHECKING:
        # What mypy sees: a compiled pattern's interface (the runtime takes it over).
        flags: int
        groups: int
        groupindex: dict[str, int]

        def search(self, string: str, pos: int = 0, endpos: int = ...) -> re.Match[str] | None: ...
        def match(self, string: str, pos: int = 0, endpos: int = ...) -> re.Match[str] | None: ...
        def fullmatch(
            self, string: str, pos: int = 0, endpos: int = ...
        ) -> re.Match[str] | None: ...
        def finditer(
            self, string: str, pos: int = 0, endpos: int = ...
        ) -> Iterator[re.Match[str]]: ...
        def findall(self, string: str, pos: int = 0, endpos: int = ...) -> list[Any]: ...
        def sub(
            self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0
        ) -> str: ...
        def subn(
            self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0
        ) -> tuple[str, int]: ...
        def split(self, string: str, maxsplit: int = 0) -> list[str | Any]: ...

    def __init__(self, source: str, flags: int = 0) -> None:
        self.pattern = source
        self._flags = flags

    @property
    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now, if no method was called yet)."""
        compiled = re.compile(self.pattern, self._flags)
        for name in _TAKEN:
            self.__dict__[name] = getattr(compiled, name)
        return compiled

    def __getattr__(self, name: str) -> Any:
        # Reached only until the first compile: after it the names live on the instance.
        if name not in _TAKEN:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"lazy_regex({self.pattern!r})"


def lazy_regex(source: str, flags: int = 0) -> LazyRegex:
    """A pattern for a module-level constant: `re.compile`, deferred to its first use."""
    return LazyRegex(source, flags)


# Where a function takes either a compiled pattern or a lazy one.
Regex = re.Pattern[str] | LazyRegex

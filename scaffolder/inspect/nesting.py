"""A repository file nested deeper than Python's parsers recurse.

json, tomllib and ruamel.yaml parse recursively: a few thousand nested
brackets raise RecursionError, which used to surface as a traceback. It is the
file's fault, not scaffold's, so it becomes an InputError (exit 3) naming the
file. Not a MALFORMED warning: the file is valid, scaffold just cannot read it,
and an audit that silently left out the app's manifest would mislead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from scaffolder.errors import InputError


@contextmanager
def nesting_guard(path: str) -> Iterator[None]:
    """Turn a RecursionError while parsing `path` into an InputError naming it."""
    try:
        yield
    except RecursionError as exc:
        raise InputError(
            f"{path} is nested too deeply for scaffold to parse.",
            hint="Flatten that file (thousands of nested brackets are usually generated or "
            "corrupted data), or move it out of the repository.",
        ) from exc

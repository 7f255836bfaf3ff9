"""Two parsed documents alike to the letter: types, key order, values (NaN equal to NaN)."""

from __future__ import annotations

import math
from typing import Any


def same(a: Any, b: Any) -> bool:
    """True is not 1 and 1.0 is not 1 here, as they are for `==`."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)

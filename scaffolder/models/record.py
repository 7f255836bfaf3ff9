"""Plain dataclass models for the audit path, with pydantic's JSON and copy semantics.

`scaffold audit` builds RepoFacts, a ReadinessReport and the default environment specs on
every run; as pydantic models their import and validators cost more than half of a small
repository's whole audit (docs/decisions/0007-audit-models-dataclasses.md). These models are
stdlib dataclasses (keyword-only, slots) deriving from `Record`, which keeps the method names
the code and tests already call, each with a plain equivalent:

- `model_dump(mode=, by_alias=, exclude=)` and `model_dump_json(indent=)`: an explicit
  encoder whose bytes are pydantic's (field order, enums as values, None kept, aliases, a
  non-finite float as null); tests/models/test_record.py compares it with pydantic's own
  serializer on the same classes.
- `model_copy(update=, deep=)`: `dataclasses.replace` (or a deep copy), like pydantic's
  copy, without re-validating.
- `model_validate`, `model_validate_json`, `model_json_schema`: untrusted input (a stored
  document, a test's dict) is still validated by pydantic, built on first use from the
  dataclass itself: unknown fields are errors, strings become enums, nested dicts nested
  records; `Bounds`, `Pattern` and `Check` carry the field rules pydantic applies.

Constructing a record directly does not validate (mypy --strict types every call site);
the few rules a direct construction must keep run in `__post_init__`.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re
from collections.abc import Callable, Mapping
from enum import Enum
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

if TYPE_CHECKING:
    from pydantic import TypeAdapter

JsonMode = Literal["python", "json"]


class Record:
    """The base of the dataclass models: see the module's docstring."""

    __slots__ = ()
    # pydantic reads this when it validates a stdlib dataclass (model_validate).
    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}
    # field name -> the key it is written as (pydantic's serialize_by_alias).
    _aliases: ClassVar[Mapping[str, str]] = {}

    def model_dump(
        self,
        *,
        mode: JsonMode = "python",
        by_alias: bool | None = None,
        exclude: set[str] | None = None,
    ) -> dict[str, Any]:
        return _record(self, mode == "json", by_alias, exclude)

    def model_dump_json(self, *, indent: int | None = None, ensure_ascii: bool = False) -> str:
        return dumps(self, indent=indent, ensure_ascii=ensure_ascii)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        copied = copy.deepcopy(self) if deep else self
        if update:
            return dataclasses.replace(copied, **update)  # type: ignore[type-var]
        return copied if deep else copy.copy(self)

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        validated: Self = adapter(cls).validate_python(data)
        return validated

    @classmethod
    def model_validate_json(cls, text: str | bytes) -> Self:
        validated: Self = adapter(cls).validate_json(text)
        return validated

    @classmethod
    def model_json_schema(
        cls, mode: Literal["validation", "serialization"] = "validation"
    ) -> dict[str, Any]:
        return adapter(cls).json_schema(mode=mode)


def dumps(record: Record, *, indent: int | None = None, ensure_ascii: bool = False) -> str:
    """`record` as pydantic's `model_dump_json` writes it (compact, or indented)."""
    out: list[str] = []
    escape = encode_basestring_ascii if ensure_ascii else encode_basestring
    _write(_record(record, True, None, None), out, escape, indent, 0)
    return "".join(out)


def _write(
    value: Any, out: list[str], escape: Callable[[str], str], indent: int | None, level: int
) -> None:
    """JSON as pydantic (serde_json) writes it: `json` alone would differ in its floats."""
    if value is None:
        out.append("null")
    elif value is True or value is False:
        out.append("true" if value else "false")
    elif isinstance(value, str):
        out.append(escape(value))
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, list | dict):
        if not value:
            out.append("[]" if isinstance(value, list) else "{}")
            return
        inner = "" if indent is None else "\n" + " " * (indent * (level + 1))
        close = "" if indent is None else "\n" + " " * (indent * level)
        items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
        out.append("{" if isinstance(value, dict) else "[")
        for i, (key, item) in enumerate(items):
            out.append("," + inner if i else inner)
            if key is not None:
                out.append(escape(key) + (":" if indent is None else ": "))
            _write(item, out, escape, indent, level + 1)
        out.append(close + ("}" if isinstance(value, dict) else "]"))
    else:
        raise TypeError(f"cannot serialize {type(value).__name__}")


def _float(value: float) -> str:
    """The shortest digits that read back as `value` (Python's repr), laid out as ryu does.

    Python writes 1e-07 and 1e-05 where pydantic writes 1e-7 and 0.00001: the two switch to
    an exponent at different magnitudes; the digits themselves are the same.
    """
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    text = repr(value)
    sign = "-" if text.startswith("-") else ""
    mantissa, _, exp = text.lstrip("-").partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    # the decimal point's place: value = 0.<digits> x 10**point
    point = len(whole) + int(exp or 0) - (len(whole + frac) - len((whole + frac).lstrip("0")))
    digits = digits.rstrip("0") or "0"
    k = point - len(digits)
    if k >= 0 and point <= 16:
        body = digits + "0" * k + ".0"
    elif 0 < point <= 16:
        body = digits[:point] + "." + digits[point:]
    elif -5 < point <= 0:
        body = "0." + "0" * -point + digits
    elif len(digits) == 1:
        body = f"{digits}e{point - 1:+}" if point > 0 else f"{digits}e{point - 1}"
    else:
        body = (
            f"{digits[0]}.{digits[1:]}e{point - 1:+}"
            if point > 0
            else f"{digits[0]}.{digits[1:]}e{point - 1}"
        )
    return sign + body


_NAMES: dict[type[Record], tuple[str, ...]] = {}


def _names(cls: type[Record]) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    return names


def _record(
    record: Record, json_mode: bool, by_alias: bool | None, exclude: set[str] | None
) -> dict[str, Any]:
    aliases = record._aliases if by_alias is not False else {}
    out: dict[str, Any] = {}
    for name in _names(type(record)):
        if exclude and name in exclude:
            continue
        out[aliases.get(name, name)] = _value(getattr(record, name), json_mode, by_alias)
    return out


def _value(value: Any, json_mode: bool, by_alias: bool | None) -> Any:
    if isinstance(value, Record):
        return _record(value, json_mode, by_alias, None)
    if isinstance(value, Enum):
        return value.value if json_mode else value
    if isinstance(value, float):
        return None if json_mode and not math.isfinite(value) else value
    if isinstance(value, list | tuple):
        return [_value(v, json_mode, by_alias) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A plain dataclass inside a record: its fields in order, as pydantic writes it.
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _value(v, json_mode, by_alias) for k, v in value.items()}
    return value  # str, int, bool, None (anything else: _write refuses it)


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def adapter(cls: type[Any]) -> TypeAdapter[Any]:
    """pydantic's validator for a record class, built on first use (off the audit path)."""
    found = _ADAPTERS.get(cls)
    if found is None:
        from pydantic import TypeAdapter

        found = _ADAPTERS[cls] = TypeAdapter(cls)
    return found


# -- field rules for model_validate (Annotated metadata pydantic reads lazily) ----------


class Bounds:
    """`Annotated[int, Bounds(ge=0, le=100)]`: pydantic's Field(ge=, le=, gt=)."""

    def __init__(
        self, *, ge: float | None = None, le: float | None = None, gt: float | None = None
    ) -> None:
        self.limits = {k: v for k, v in (("ge", ge), ("le", le), ("gt", gt)) if v is not None}

    def __get_pydantic_core_schema__(self, source: Any, handler: Callable[[Any], Any]) -> Any:
        schema = handler(source)
        schema.update(self.limits)
        return schema


class Pattern:
    """`Annotated[str, Pattern(r"...")]`: pydantic's Field(pattern=...)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def matches(self, value: str) -> bool:
        return re.search(self.pattern, value) is not None

    def __get_pydantic_core_schema__(self, source: Any, handler: Callable[[Any], Any]) -> Any:
        schema = handler(source)
        schema["pattern"] = self.pattern
        return schema


class Check:
    """`Annotated[T, Check(fn)]`: pydantic's field_validator; `fn` raises ValueError."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn

    def __get_pydantic_core_schema__(self, source: Any, handler: Callable[[Any], Any]) -> Any:
        from pydantic import AfterValidator

        return AfterValidator(self.fn).__get_pydantic_core_schema__(source, handler)  # type: ignore[arg-type]

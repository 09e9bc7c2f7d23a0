"""Model objects <-> JSON-ready data: `to_plain` and its reverse, `from_plain`.

`to_plain` turns any model object into lists, dicts and scalars; `from_plain` rebuilds any model
type from that plain form, led by the dataclass field types. A whole brief's JSON document, with
its `schema_version`, is `crossbrief.model.schema` (`brief_to_dict`, `brief_from_dict`; the shape is
documented in docs/json-schema.md). This module imports no model type, so that every one of them
can use it.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any, TypeVar, Union

T = TypeVar("T")


def to_plain(value: Any) -> Any:
    """Dataclasses -> dicts, recursively, dropping private (underscore) fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.name.startswith("_")
        }
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


def from_plain(cls: type[T], data: Any) -> T:
    """The model object of type `cls` whose `to_plain` form is `data` (keys that are not fields
    of `cls` are ignored; fields missing from `data` take their defaults)."""
    return _convert(cls, data)


# -- plain data -> typed objects ------------------------------------------------------------------
@cache
def _field_types(cls: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls) if f.init and not f.name.startswith("_"))


def _convert(tp: Any, value: Any) -> Any:
    if tp is Any:
        return value
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, dict):
            raise ValueError(f"expected an object for {tp.__name__}, got {type(value).__name__}")
        return tp(**{name: _convert(t, value[name]) for name, t in _field_types(tp) if name in value})
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        options = typing.get_args(tp)
        if value is None and type(None) in options:
            return None
        inner = [t for t in options if t is not type(None)]
        return _convert(inner[0], value) if len(inner) == 1 else value
    if origin is list:
        (item,) = typing.get_args(tp)
        return [_convert(item, v) for v in value]
    if origin is tuple:
        return tuple(value)
    if origin is dict:
        key, item = typing.get_args(tp)
        return {k: _convert(item, v) for k, v in value.items()}
    return value

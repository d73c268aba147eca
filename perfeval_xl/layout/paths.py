"""Get and set model values by dotted path ("funding_total.executed", "expenses.three_public.final",
"facts.hired_within_quota"), creating intermediate objects from the model's type hints."""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, get_args, get_origin

from ..core.serialize import field_types


def get_path(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
    return obj


def set_path(obj: Any, path: str, value: Any) -> None:
    parts = path.split(".")
    owner: tuple[type, str] | None = None  # the dataclass field a dict we walk into belongs to
    for part in parts[:-1]:
        if isinstance(obj, dict):
            child = obj.get(part)
            if child is None:
                item = dict_item_type(*owner) if owner else None
                child = obj[part] = item() if item else {}
        else:
            owner = (type(obj), part)
            child = getattr(obj, part)
            if child is None:
                child = _field_type(type(obj), part)()
                setattr(obj, part, child)
        obj = child
    if isinstance(obj, dict):
        obj[parts[-1]] = value
    else:
        setattr(obj, parts[-1], value)


def _field_type(cls: type, name: str) -> type:
    tp = field_types(cls)[name]
    if get_origin(tp) in (typing.Union, types.UnionType):
        tp = next(a for a in get_args(tp) if a is not type(None))
    return tp


def dict_item_type(cls: type, name: str) -> type | None:
    """For ``expenses: dict[str, ExpenseRow]`` → ExpenseRow; None when items are plain values."""
    tp = field_types(cls)[name]
    if get_origin(tp) is dict:
        item = get_args(tp)[1]
        return item if dataclasses.is_dataclass(item) else None
    return None

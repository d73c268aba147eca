"""Get and set model values by dotted path ("funding_total.executed", "expenses.three_public.final",
"facts.hired_within_quota"), creating intermediate objects from the model's type hints."""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import lru_cache
from typing import Any, get_args, get_origin

from ..core.model import Located
from ..core.serialize import field_types


def get_path(obj: Any, path: str) -> Any:
    return compiled_path(path).get(obj)


def set_path(obj: Any, path: str, value: Any) -> tuple[Any, str]:
    """Set the value at ``path``, creating what is missing on the way; return the last model
    object (``Located``) on the path and the rest of the path from it, where the value's source
    is kept ("rows.staff_control.score" → the RubricRow, "score"). One walk does both."""
    return compiled_path(path).set(obj, value)


@lru_cache(maxsize=4096)
def compiled_path(path: str) -> CompiledPath:
    """The walk of ``path`` worked out once: the layouts name a few hundred paths, read in every file."""
    return CompiledPath(path)


class CompiledPath:
    """A dotted path split once, with the rest of the path after each step (where a source is kept)."""

    __slots__ = ("path", "steps", "last")

    def __init__(self, path: str) -> None:
        parts = path.split(".")
        self.path = path
        self.steps = tuple((part, ".".join(parts[i + 1:])) for i, part in enumerate(parts[:-1]))
        self.last = parts[-1]

    def get(self, obj: Any) -> Any:
        """The value at the path; None where the path runs through a missing object."""
        for part, _ in self.steps:
            if obj is None:
                return None
            obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
        if obj is None:
            return None
        return obj.get(self.last) if isinstance(obj, dict) else getattr(obj, self.last, None)

    def set(self, obj: Any, value: Any) -> tuple[Any, str]:
        """set_path's walk: the value set, and (the last Located on the path, the rest from it)."""
        owner: tuple[type, str] | None = None  # the dataclass field a dict we walk into belongs to
        located, rest, tracking = obj, self.path, True
        for part, after in self.steps:
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
            if tracking:
                if isinstance(obj, Located):
                    located, rest = obj, after
                elif not isinstance(obj, dict):
                    tracking = False  # past a plain value: the owner found so far keeps the source
        if isinstance(obj, dict):
            obj[self.last] = value
        else:
            setattr(obj, self.last, value)
        return located, rest


@lru_cache(maxsize=4096)  # the model's classes never change: work each field out once
def _field_type(cls: type, name: str) -> type:
    tp = field_types(cls)[name]
    if get_origin(tp) in (typing.Union, types.UnionType):
        tp = next(a for a in get_args(tp) if a is not type(None))
    return tp


@lru_cache(maxsize=4096)
def dict_item_type(cls: type, name: str) -> type | None:
    """For ``expenses: dict[str, ExpenseRow]`` → ExpenseRow; None when items are plain values."""
    tp = field_types(cls)[name]
    if get_origin(tp) is dict:
        item = get_args(tp)[1]
        return item if dataclasses.is_dataclass(item) else None
    return None

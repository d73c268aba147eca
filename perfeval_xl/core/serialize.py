"""The model as JSON-ready dicts and back, driven by the dataclass fields alone.

``sources`` travel as ``"_sources": {"field": "Sheet!A1"}``. Reading is strict:
an unknown key or a value of the wrong type is a ModelError naming its JSON path in
Chinese, because this is also how `validate` reads a JSON export a person edited.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from typing import Any, get_args, get_origin, get_type_hints

from . import model
from .model import Source, Submission

FORMAT = "perfeval-xl/submission"
FORMAT_VERSION = 1


class ModelError(ValueError):
    """Input that does not fit the model; the message is for the person who made it."""


def to_dict(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.name == "sources":
                if value:
                    out["_sources"] = {k: str(s) for k, s in value.items()}
                continue
            if f.metadata.get("omit_empty") and not value:
                continue
            out[f.name] = to_dict(value)
        return out
    if isinstance(obj, list):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def submission_to_json(sub: Submission) -> str:
    doc = {"format": FORMAT, "format_version": FORMAT_VERSION, **to_dict(sub)}
    return json.dumps(doc, ensure_ascii=False, indent=2)


def submission_from_json(text: str) -> Submission:
    """From trusted text; JSON from outside goes through io.json_input.loads first (limits)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列（{exc.msg}）") from None
    return submission_from_doc(doc)


def submission_from_doc(doc: Any) -> Submission:
    if not isinstance(doc, dict):
        raise ModelError("JSON 顶层应为对象（{…}）")
    doc = dict(doc)
    fmt = doc.pop("format", FORMAT)
    version = doc.pop("format_version", FORMAT_VERSION)
    if fmt != FORMAT:
        raise ModelError(f"不是 perfeval-xl 导出的数据（format = {fmt!r}）")
    if version != FORMAT_VERSION:
        raise ModelError(f"数据格式版本 {version} 不受支持（本程序支持 {FORMAT_VERSION}）")
    return from_dict(Submission, doc)


def from_dict(cls: type, data: Any, path: str = "$") -> Any:
    if not isinstance(data, dict):
        raise ModelError(f"{path}：应为对象，实际为 {_kind(data)}")
    hints = field_types(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == "_sources":
            kwargs["sources"] = _sources(value, f"{path}._sources")
        elif key in names and key != "sources":
            kwargs[key] = _convert(hints[key], value, f"{path}.{key}")
        else:
            raise ModelError(f"{path}：未知字段 “{key}”")
    return cls(**kwargs)


def _sources(value: Any, path: str) -> dict[str, Source]:
    if not isinstance(value, dict):
        raise ModelError(f"{path}：应为对象")
    out = {}
    for k, v in value.items():
        sheet, sep, cell = v.rpartition("!") if isinstance(v, str) else ("", "", "")
        if not (sep and sheet and cell):
            raise ModelError(f"{path}.{k}：应为 “工作表!单元格”，如 “项目1!F6”")
        out[k] = Source(sheet, cell)
    return out


def _convert(tp: Any, value: Any, path: str) -> Any:
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value, path)
    if dataclasses.is_dataclass(tp):
        return from_dict(tp, value, path)
    if origin is list:
        if not isinstance(value, list):
            raise ModelError(f"{path}：应为列表，实际为 {_kind(value)}")
        (item,) = get_args(tp)
        return [_convert(item, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ModelError(f"{path}：应为对象，实际为 {_kind(value)}")
        _, item = get_args(tp)
        return {k: _convert(item, v, f"{path}.{k}") for k, v in value.items()}
    if tp is Any:
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ModelError(f"{path}：应为数字，实际为 {_kind(value)} {value!r}")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ModelError(f"{path}：应为整数，实际为 {_kind(value)} {value!r}")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise ModelError(f"{path}：应为文字，实际为 {_kind(value)} {value!r}")
        return value
    raise ModelError(f"{path}：无法识别的类型 {tp!r}")  # pragma: no cover - model bug


_HINTS: dict[type, dict[str, Any]] = {}


def field_types(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls, vars(model))
    return _HINTS[cls]


def _kind(value: Any) -> str:
    return {dict: "对象", list: "列表", str: "文字", bool: "是/否", type(None): "空值"}.get(
        type(value), "数字" if isinstance(value, (int, float)) else type(value).__name__
    )

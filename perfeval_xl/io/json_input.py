"""JSON from outside (a submission exported and edited, a --prefill list) read within limits.

``json.loads`` alone turns hostile JSON into tracebacks or minutes of work: integers of
thousands of digits (ValueError past 4 300 digits, slow arithmetic below), nesting 10^5 deep
(RecursionError), NaN/Infinity and 1e999, control characters and lone surrogates (which no
workbook or .docx can hold), 10^4 projects. Each is refused here with the JSON path of the
offending value (``$.projects[3].indicators[0].name``); the limits are the rules file's
``[limits]`` (``guard.Limits``).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .guard import Limits


class JsonRefused(ValueError):
    """JSON that is not read; ``str(err)`` is the Chinese reason, starting with the JSON path."""


class _BigInt(str):
    """An integer literal with more digits than allowed (kept as text until its path is known)."""


class _NotFinite(str):
    """NaN, Infinity or -Infinity."""


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]', re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Lists whose length is bounded, by their key: (limit attribute, what they hold).
_COUNTED = {"projects": ("max_projects", "项目表"), "indicators": ("max_indicators", "绩效指标")}


def loads(text: str, limits: Limits | None = None) -> Any:
    """The document in ``text``; JsonRefused (with the JSON path) for what is past the limits,
    json.JSONDecodeError for what is not JSON."""
    limits = limits or Limits()
    _check_depth(text, limits.json_depth)
    digits = limits.json_int_digits

    def parse_int(literal: str) -> int | _BigInt:
        return _BigInt(literal) if len(literal.lstrip("-")) > digits else int(literal)

    doc = json.loads(text, parse_int=parse_int, parse_constant=_NotFinite)
    _check_values(doc, "$", limits)
    return doc


def _check_depth(text: str, limit: int) -> None:
    """Nesting past ``limit``, found before json.loads recurses into it."""
    if text.count("[") + text.count("{") <= limit:
        return
    depth = 0
    for m in _BRACKETS.finditer(_STRINGS.sub('""', text)):
        if m[0] in "[{":
            depth += 1
            if depth > limit:
                raise JsonRefused(f"{_path_at_depth(text, limit)}：嵌套层数超过上限（{limit} 层），拒绝读取")
        else:
            depth -= 1


def _path_at_depth(text: str, limit: int) -> str:
    """The JSON path of the first container nested deeper than ``limit`` (a slower second pass)."""
    stack: list[list[Any]] = []  # [kind, key or index]
    last = ""
    for m in _TOKENS.finditer(text):
        token = m[0]
        if token in "[{":
            if len(stack) >= limit:
                break
            stack.append([token, 0 if token == "[" else ""])
        elif token in "]}":
            if stack:
                stack.pop()
        elif token == ",":
            if stack and stack[-1][0] == "[":
                stack[-1][1] += 1
        elif token == ":":
            if stack:
                stack[-1][1] = last
        else:
            try:
                last = json.loads(token)
            except ValueError:
                last = token.strip('"')
    return "$" + "".join(f"[{key}]" if kind == "[" else f".{key}" for kind, key in stack)


def _check_values(value: Any, path: str, limits: Limits) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, f"{path}（键 “{key[:20]}”）", limits)
            where = f"{path}.{key}"
            if key in _COUNTED and isinstance(item, list):
                attr, what = _COUNTED[key]
                cap = getattr(limits, attr)
                if len(item) > cap:
                    raise JsonRefused(f"{where}：{what}过多（{len(item)} 个，上限 {cap} 个），拒绝读取")
            _check_values(item, where, limits)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_values(item, f"{path}[{i}]", limits)
    elif isinstance(value, _BigInt):
        raise JsonRefused(f"{path}：整数位数过多（{len(value.lstrip('-'))} 位，上限 {limits.json_int_digits} 位），拒绝读取")
    elif isinstance(value, _NotFinite):
        raise JsonRefused(f"{path}：{value} 不是有限的数，拒绝读取")
    elif isinstance(value, float) and not math.isfinite(value):
        raise JsonRefused(f"{path}：数值超出范围（不是有限的数），拒绝读取")
    elif isinstance(value, str):
        _check_text(value, path, limits)


def _check_text(text: str, path: str, limits: Limits) -> None:
    if len(text) > limits.max_text_chars:
        raise JsonRefused(f"{path}：文字过长（{len(text)} 个字符，上限 {limits.max_text_chars} 个），拒绝读取")
    if text.isprintable():
        return
    bad = _CONTROL.search(text)
    if bad is not None:
        raise JsonRefused(f"{path}：文字中含有控制字符（U+{ord(bad[0]):04X}），拒绝读取")
    bad = _SURROGATE.search(text)
    if bad is not None:
        raise JsonRefused(f"{path}：文字中含有不成对的代理字符（U+{ord(bad[0]):04X}），不是有效的 Unicode 文本，拒绝读取")

"""The rules file: national defaults shipped with the package, overridden per district.

One TOML file (``default_rules.toml``) holds every number the sources disagree on. A
district's override names only the keys it changes; unknown keys are refused so that a
typo cannot silently fall back to the default.
"""

from __future__ import annotations

import copy
import functools
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any


class SettingsError(ValueError):
    """An override that does not fit the rules file; the message is in Chinese."""


@functools.cache
def _load_defaults() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("default_rules.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


SEVERITY_CHOICES = ("错误", "提示", "关闭")

# Tables whose keys are free (a district may add a severity for any rule code).
_OPEN_TABLES = {"severity"}

# Keys whose value is one of a few words: a misspelt method must not fall back to the default silently.
CHOICES: dict[str, tuple[str, ...]] = {
    "execution.method": ("proportional", "bands"),
    "indicators.reverse_method": ("linear_to_double", "inverse_ratio"),
}


class Settings:
    """Read-only view of the merged rules; ``settings["indicators.score_tolerance"]``."""

    def __init__(self, data: dict[str, Any], origin: str = "默认设置") -> None:
        self._data = data
        self.origin = origin

    @classmethod
    def default(cls) -> Settings:
        return cls(_load_defaults())

    @classmethod
    def load(cls, path: str | Path | None) -> Settings:
        """Defaults, overridden by the TOML file at ``path`` (if any)."""
        if path is None:
            return cls.default()
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SettingsError(f"无法读取规则文件 {path}：{exc.strerror or exc}") from None
        return cls.default().override_toml(text, origin=str(path))

    def override_toml(self, text: str, origin: str = "规则文件") -> Settings:
        try:
            override = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"规则文件 {origin} 格式错误：{toml_error_zh(str(exc))}") from None
        return self.override(override, origin)

    def override(self, override: dict[str, Any], origin: str = "规则文件") -> Settings:
        merged = copy.deepcopy(self._data)
        _merge(merged, override, origin, "")
        return Settings(merged, origin)

    def as_dict(self) -> dict[str, Any]:
        """The merged rules as plain data (a copy): what the archive fingerprints."""
        return copy.deepcopy(self._data)

    def __getitem__(self, dotted: str) -> Any:
        node: Any = self._data
        for part in dotted.split("."):
            node = node[part]
        return node

    def get(self, dotted: str, default: Any = None) -> Any:
        try:
            return self[dotted]
        except (KeyError, TypeError):
            return default

    @property
    def explanation_required(self) -> frozenset[str]:
        """提示 rule codes that stand only with a written 情况说明 (``[workflow] explanation_required``)."""
        return frozenset(self._data.get("workflow", {}).get("explanation_required", ()))

    def severity_override(self, code: str) -> str | None:
        return self._data.get("severity", {}).get(code)


def _merge(base: dict[str, Any], override: dict[str, Any], origin: str, prefix: str) -> None:
    for key, value in override.items():
        where = f"{prefix}{key}"
        if prefix == "severity." and value not in SEVERITY_CHOICES:
            raise SettingsError(f"规则文件 {origin}：“{where}” 应为 {' / '.join(SEVERITY_CHOICES)}，而不是 {value!r}")
        if key not in base and prefix.rstrip(".") not in _OPEN_TABLES:
            raise SettingsError(f"规则文件 {origin}：未知设置项 “{where}”")
        if isinstance(base.get(key), dict) and prefix.rstrip(".") not in _OPEN_TABLES:
            if not isinstance(value, dict):
                raise SettingsError(f"规则文件 {origin}：“{where}” 应为表（[{where}]）")
            _merge(base[key], value, origin, where + ".")
        else:
            if key in base and not _same_kind(base[key], value):
                raise SettingsError(
                    f"规则文件 {origin}：“{where}” 的值 {value!r} 类型不对（默认值为 {base[key]!r}）"
                )
            if where in CHOICES and value not in CHOICES[where]:
                raise SettingsError(f"规则文件 {origin}：“{where}” 应为 {' / '.join(CHOICES[where])}，而不是 {value!r}")
            base[key] = value


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return type(default) is type(value)


# tomllib's messages, in Chinese, as a person editing the rules file in Notepad reads them.
_TOML_MESSAGES = {
    "Invalid value": "值无效（文字须加英文引号，如 \"优\"；数字不加引号）",
    "Invalid statement": "无法识别的内容（应为 键 = 值 或 [表名]；中文键名须加英文引号，如 \"优\" = 90）",
    "Expected ']' at the end of a table declaration": "表名后缺少“]”",
    "Expected '=' after a key in a key/value pair": "键的后面应为“=”",
    "Cannot overwrite a value": "重复定义了同一个键",
    "Cannot declare": "重复定义了同一个表",
    "Unclosed array": "数组缺少“]”",
    "Unclosed inline table": "内联表缺少“}”",
    "Illegal character": "含有不允许的字符（如中文引号“”或全角符号）",
    "Expected newline or end of document after a statement": "一行只能写一个 键 = 值",
}


def toml_error_zh(message: str) -> str:
    """``Invalid value (at line 2, column 10)`` → ``第 2 行第 10 列：值无效……``: line and column
    as an editor counts them (tomllib counts both from 1, as editors do)."""
    import re

    m = re.match(r"^(?P<what>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$", message, re.S)
    if m is None:
        m = re.match(r"^(?P<what>.*?)\s*\(at end of document\)$", message, re.S)
        where = "文件末尾"
    else:
        where = f"第 {m['line']} 行第 {m['col']} 列"
    if m is None:
        return message
    what = m["what"]
    zh = next((text for key, text in _TOML_MESSAGES.items() if what.startswith(key)), None)
    return f"{where}：{zh}" if zh else f"{where}：{what}"

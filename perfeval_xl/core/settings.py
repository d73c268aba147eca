"""The rules file: national defaults shipped with the package, overridden per district.

One TOML file (``default_rules.toml``) holds every number the sources disagree on. A
district's override names only the keys it changes; unknown keys are refused so that a
typo cannot silently fall back to the default.
"""

from __future__ import annotations

import copy
import json
import functools
import math
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Collection

from .encoding import decode_user_text

class SettingsError(ValueError):
    """An override that does not fit the rules file; the message is in Chinese."""


@functools.cache
def _load_defaults() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("default_rules.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


SEVERITY_CHOICES = ("错误", "提示", "关闭")
CODE_SHAPE = re.compile(r"^[A-Z]\d{3}$")  # as core.catalog.CODE_PATTERN
# Settings that list rule codes (checked like the keys of [severity]).
RULE_CODE_LISTS = ("workflow.explanation_required",)

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
        self._texts: dict[str, str] = {}
        self._values: dict[str, Any] = {}  # dotted key → value: checks ask for the same few keys per row

    @classmethod
    def default(cls) -> Settings:
        return cls(_load_defaults())

    @classmethod
    def load(cls, path: str | Path | None, known_codes: Collection[str] | None = None) -> Settings:
        """Defaults, overridden by the TOML file at ``path`` (if any). ``known_codes``: the rule codes
        a [severity] or [workflow] entry may name (the registry's, passed in by the caller: the
        registry sits above this module); None checks only their shape."""
        if path is None:
            return cls.default()
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SettingsError(f"无法读取规则文件 {path}：{exc.strerror or exc}") from None
        return cls.default().override_toml(_decode(raw, path), origin=str(path), known_codes=known_codes)

    def override_toml(self, text: str, origin: str = "规则文件",
                      known_codes: Collection[str] | None = None) -> Settings:
        try:
            override = tomllib.loads(text.removeprefix("\ufeff"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"规则文件 {origin} 格式错误：{toml_error_zh(str(exc))}") from None
        return self.override(override, origin, text, known_codes)

    def override(self, override: dict[str, Any], origin: str = "规则文件", text: str = "",
                 known_codes: Collection[str] | None = None) -> Settings:
        """The defaults with ``override`` merged in; every key, type and range checked against the
        defaults (``text``, when given, lets a message name the line)."""
        merged = copy.deepcopy(self._data)
        _merge(merged, override, _Origin(origin, text, known_codes), "")
        return Settings(merged, origin)

    def as_dict(self) -> dict[str, Any]:
        """The merged rules as plain data (a copy): what the archive fingerprints."""
        return copy.deepcopy(self._data)

    def text(self, section: str = "") -> str:
        """The merged rules (or one section of them) as canonical JSON text, made once per view
        (it is read-only): what things built from the settings, such as sheet layouts and
        compiled figures, are cached by."""
        if section not in self._texts:
            data = self.get(section) if section else self._data
            self._texts[section] = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return self._texts[section]

    def __getitem__(self, dotted: str) -> Any:
        try:
            return self._values[dotted]
        except KeyError:
            pass
        node: Any = self._data
        for part in dotted.split("."):
            node = node[part]
        self._values[dotted] = node
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


def _decode(raw: bytes, path: Path) -> str:
    text = decode_user_text(raw)
    if text is None:  # pragma: no cover - gb18030 decodes almost anything
        raise SettingsError(f"规则文件 {path} 的编码无法识别（请另存为 UTF-8）")
    return text


class _Origin:
    """Where an override comes from, to name the file and the line of a key in messages."""

    def __init__(self, name: str, text: str, codes: Collection[str] | None = None) -> None:
        self.name, self.lines = name, text.splitlines()
        self.codes = frozenset(codes) if codes is not None else None

    def unknown_code(self, where: str, code: Any) -> SettingsError | None:
        """The error for a rule code that no rule has (or that is not shaped like one), else None."""
        if not isinstance(code, str) or not CODE_SHAPE.match(code.upper()):
            return self.error(where, f"“{code}” 不是规则代码（应如 T109）；运行 perfeval-xl rules 查看全部规则")
        if self.codes is None or code in self.codes:
            return None
        hint = f"（是否应为 {code.upper()}？）" if code.upper() in self.codes else ""
        return self.error(where, f"未知规则代码 “{code}”{hint}；运行 perfeval-xl rules 查看全部规则")

    def error(self, dotted: str, message: str) -> SettingsError:
        line = self.line_of(dotted)
        where = f"规则文件 {self.name} 第 {line} 行" if line else f"规则文件 {self.name}"
        return SettingsError(f"{where}：{message}")

    def line_of(self, dotted: str) -> int | None:
        """The line of ``dotted`` (e.g. "limits.max_rows"): its key under its table header, else the header."""
        parts = dotted.split("[", 1)[0].split(".")  # an item of a list of tables: the list's line
        table, key = parts[:-1], parts[-1]
        current: list[str] = []
        header_line = None
        for number, line in enumerate(self.lines, start=1):
            text = line.strip()
            if text.startswith("["):
                current = [p.strip().strip('"').strip("'") for p in text.strip("[]").split(".")]
                if current == parts:
                    header_line = header_line or number
                continue
            name = text.split("=", 1)[0].strip().strip('"').strip("'") if "=" in text else None
            if name is not None and current + [name] == parts or current == table and name == key:
                return number
            if name is not None and ".".join(current + [name]) == ".".join(parts[: len(current) + 1]):
                header_line = header_line or number  # an inline table or dotted key holding it
        return header_line


def _merge(base: dict[str, Any], override: dict[str, Any], origin: _Origin, prefix: str) -> None:
    for key, value in override.items():
        where = f"{prefix}{key}"
        if prefix == "severity.":
            if (problem := origin.unknown_code(where, key)) is not None:
                raise problem
            if value not in SEVERITY_CHOICES:
                raise origin.error(where, f"“{where}” 应为 {' / '.join(SEVERITY_CHOICES)}，而不是 {value!r}")
        if key not in base and prefix.rstrip(".") not in _OPEN_TABLES:
            raise origin.error(where, f"未知设置项 “{where}”")
        if isinstance(base.get(key), dict) and prefix.rstrip(".") not in _OPEN_TABLES:
            if not isinstance(value, dict):
                raise origin.error(where, f"“{where}” 应为表（[{where}]）")
            _merge(base[key], value, origin, where + ".")
        else:
            if key in base:
                _check_value(base[key], value, where, origin)
            if where in CHOICES and value not in CHOICES[where]:
                raise origin.error(where, f"“{where}” 应为 {' / '.join(CHOICES[where])}，而不是 {value!r}")
            if where in RULE_CODE_LISTS:
                for code in value:
                    if (problem := origin.unknown_code(where, code)) is not None:
                        raise problem
            base[key] = value


def _check_value(default: Any, value: Any, where: str, origin: _Origin) -> None:
    """Type and range of ``value`` against the default it replaces (so keys added to
    default_rules.toml are checked without code of their own)."""
    if not _same_kind(default, value):
        raise origin.error(where, f"“{where}” 的值 {value!r} 类型不对（默认值为 {default!r}）")
    if isinstance(value, float) and not math.isfinite(value):
        raise origin.error(where, f"“{where}” 的值 {value!r} 不是有限的数")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if where.startswith("limits."):
            if value <= 0:
                raise origin.error(where, f"“{where}” 是读取上限，应大于 0，而不是 {value!r}")
            if counted_limit(where.split(".", 1)[1]) and not isinstance(value, int):
                raise origin.error(where, f"“{where}” 应为整数，而不是 {value!r}")
        elif default >= 0 and value < 0:
            raise origin.error(where, f"“{where}” 不能为负数（{value!r}）")
    if isinstance(value, list) and default and all(isinstance(item, dict) for item in default):
        allowed = {k: v for item in default for k, v in item.items()}
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise origin.error(where, f"“{where}” 的第 {i + 1} 项应为表（如 {default[0]!r}）")
            for k, v in item.items():
                if k not in allowed:
                    raise origin.error(where, f"“{where}” 的第 {i + 1} 项中有未知设置项 “{k}”"
                                              f"（应为 {' / '.join(allowed)}）")
                _check_value(allowed[k], v, f"{where}[{i + 1}].{k}", origin)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, float) and not math.isfinite(item):
                raise origin.error(where, f"“{where}” 的第 {i + 1} 项 {item!r} 不是有限的数")


def counted_limit(key: str) -> bool:
    """A [limits] key that counts things (rows, cells, parts, digits) and so takes an integer; the
    others are measures (``*_mb``, ``*_seconds``, ``*_ratio``). io.guard.Limits types its fields
    the same way (tests/test_hostile_rules.py checks the two agree)."""
    return not key.endswith(("_mb", "_seconds", "_ratio"))


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

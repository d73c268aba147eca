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
            raise SettingsError(f"规则文件 {origin} 格式错误：{exc}") from None
        return self.override(override, origin)

    def override(self, override: dict[str, Any], origin: str = "规则文件") -> Settings:
        merged = copy.deepcopy(self._data)
        _merge(merged, override, origin, "")
        return Settings(merged, origin)

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

    def severity_override(self, code: str) -> str | None:
        return self._data.get("severity", {}).get(code)

    def as_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self._data)


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

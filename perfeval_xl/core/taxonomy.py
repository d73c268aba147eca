"""Indicator taxonomies (DOMAIN §B): which 二级 belongs to which 一级, per version."""

from __future__ import annotations

import functools
import re

_BENEFITS = {"经济效益", "社会效益", "生态效益", "可持续影响"}

TAXONOMIES: dict[str, dict[str, set[str]]] = {
    # 财预〔2020〕10号
    "2020": {"产出": {"数量", "质量", "时效", "成本"}, "效益": set(_BENEFITS), "满意度": {"服务对象满意度"}},
    # 财预〔2021〕101号 指引: 成本 becomes a 一级 of its own
    "2021": {"成本": {"经济成本", "社会成本", "生态环境成本"}, "产出": {"数量", "质量", "时效"},
             "效益": set(_BENEFITS), "满意度": {"服务对象满意度"}},
    # older forms put 满意度 under 效益 (seed 001)
    "legacy": {"产出": {"数量", "质量", "时效", "成本"}, "效益": _BENEFITS | {"服务对象满意度"}},
}
TAXONOMY_NAMES = {"2020": "财预〔2020〕10号", "2021": "财预〔2021〕101号", "legacy": "旧版（满意度列于效益下）"}

_ALIASES = {"社会公众满意度": "服务对象满意度", "社会公众或服务对象满意度": "服务对象满意度",
            "社会公众及服务对象满意度": "服务对象满意度", "社会公众和服务对象满意度": "服务对象满意度", "满意度": "满意度",
            "可持续": "可持续影响", "生态环境效益": "生态效益", "生态环境": "生态环境成本"}


@functools.lru_cache(maxsize=4096)  # a district's forms repeat the same few dozen level names
def normalize_level(name: str) -> str:
    """"产出 指标" → "产出"; "服务对 象满 意度 指 标" → "服务对象满意度"."""
    text = re.sub(r"\s+", "", str(name))
    text = re.sub(r"指标$", "", text)
    return _ALIASES.get(text, text)


def detect_version(pairs: list[tuple[str, str]]) -> str:
    level1s = {normalize_level(a) for a, _ in pairs}
    if "成本" in level1s:
        return "2021"
    if any(normalize_level(a) == "效益" and normalize_level(b) == "服务对象满意度" for a, b in pairs):
        return "legacy"
    return "2020"


def belongs(level1: str, level2: str, version: str) -> bool:
    allowed = TAXONOMIES[version].get(normalize_level(level1))
    return allowed is not None and normalize_level(level2) in allowed

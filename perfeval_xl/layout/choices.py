"""Dropdown lists shared by the sheets (DOMAIN §B taxonomies, grades, yes/no)."""

from __future__ import annotations

from ..core.model import QUALITATIVE_GRADES
from ..core.taxonomy import TAXONOMIES
from .grid import Choice

LISTS_SHEET = "_lists"

# 一级 as printed ("产出指标"), each with the union of its 二级 over every taxonomy version.
LEVEL2_BY_LEVEL1: dict[str, list[str]] = {}
for _version in ("2020", "2021", "legacy"):
    for _l1, _l2s in TAXONOMIES[_version].items():
        items = LEVEL2_BY_LEVEL1.setdefault(f"{_l1}指标", [])
        for _l2 in sorted(_l2s, key=lambda x: ["数量", "质量", "时效", "成本", "经济效益", "社会效益", "生态效益",
                                              "可持续影响", "服务对象满意度", "经济成本", "社会成本",
                                              "生态环境成本"].index(x)):
            if f"{_l2}指标" not in items:
                items.append(f"{_l2}指标")
LEVEL1_ORDER = ["产出指标", "成本指标", "效益指标", "满意度指标"]
LEVEL2_BY_LEVEL1 = {k: LEVEL2_BY_LEVEL1[k] for k in LEVEL1_ORDER}


def level2_list_name(level1: str) -> str:
    """Defined name of the 二级 list of a 一级 (Excel names may hold CJK letters)."""
    return f"L2_{level1}"


LEVEL1_CHOICE = Choice(items=tuple(LEVEL1_ORDER), prompt="选择一级指标")
# 二级 depends on the 一级 in the same row: INDIRECT in a validation list is evaluated only when
# the dropdown opens, so it causes no recalculation.
LEVEL2_CHOICE = Choice(source='INDIRECT("L2_"&{row.level1})', prompt="先选一级指标，再选二级指标")
QUALITATIVE_CHOICE = Choice(items=QUALITATIVE_GRADES, prompt="定性指标：选择达成程度（定量指标可不填）")
YES_NO_CHOICE = Choice(items=("是", "否"))
GRADE_CHOICE = Choice(items=("优", "良", "中", "差"))

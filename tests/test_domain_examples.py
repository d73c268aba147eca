"""The example district shows each rule added with the domain rules at least once, at its cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfeval_xl.core.settings import Settings
from perfeval_xl.core.validate import validate
from perfeval_xl.io.xlsx_read import read_workbook

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "报送" / "岳麓区"  # the synthetic streets and 洋湖
CAPS_ON = Settings.default().override({"execution": {"caps": {"enabled": True}}})


def _found(name: str, rule: str, settings: Settings | None = None) -> list[tuple[str, str, str]]:
    report = validate(read_workbook(EXAMPLES / name).submission, settings or Settings.default())
    return [(f.location.sheet, f.location.cell, f.message) for f in report.findings if f.rule == rule]


def test_t121_caps_on_the_issue_s_street():
    # 银盆岭: 55 % and 59 % executed with totals of 78.85 and 95.11 — silent by default, 错误 with caps on
    name = "银盆岭街道（虚构）2022（旧模板）.xlsx"
    assert _found(name, "T121") == []
    assert _found(name, "T121", CAPS_ON) == [
        ("项目1", "G29", "项目支出绩效自评表「预留奖金」：总分填报为 78.85 分，预算执行率为 55.04%；"
                         "按一体化规则，执行率低于 60% 的，总分不超过 69 分。"),
        ("项目2", "G27", "项目支出绩效自评表「行政审批办综合工作经费」：总分填报为 95.11 分，预算执行率为 59.09%；"
                         "按一体化规则，执行率低于 60% 的，总分不超过 69 分。"),
    ]


@pytest.mark.parametrize("name, rule, sheet, cell, start", [
    ("银盆岭街道（虚构）2022（旧模板）.xlsx", "T122", "项目2", "H6",
     "项目支出绩效自评表「行政审批办综合工作经费」：绩效指标得分合计 89.2 分，为指标分值 90 分的 99.11%"),
    ("学士街道（虚构）2022年度项目支出绩效自评.xlsx", "T123", "项目2", "E6",
     "项目支出绩效自评表「行政审批办综合工作经费」：全年预算数为 0，全年执行数为 183.19 万元"),
    ("天顶街道（虚构）2022年度绩效自评.xlsx", "S108", "基础数据表", "F4",
     "基础数据表 F4（控制率）在模板中是公式，现在是空白；按所填数字应为 100.00%。"),
])
def test_new_findings_in_the_example_district(name, rule, sheet, cell, start):
    [(got_sheet, got_cell, message)] = _found(name, rule)
    assert (got_sheet, got_cell) == (sheet, cell) and message.startswith(start)

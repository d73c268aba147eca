"""封面/单位信息: the unit, the year, who filled it in, and the template version stamp."""

from __future__ import annotations

from ..core.settings import Settings
from .grid import Builder, Layout

COVER_TITLE = "预算绩效自评 单位信息"


def cover_layout(sheet: str, capacities: dict[str, int], settings: Settings) -> Layout:
    from .workbook import TEMPLATE_VERSION

    b = Builder("cover", sheet, widths=[18, 40])
    b.title(COVER_TITLE)
    for field_path, text, kind, prompt in (
        ("unit.unit_name", "单位（部门）名称", "text", "填写全称，如：长沙市岳麓区洋湖街道办事处"),
        ("unit.budget_code", "预算编码", "text", "财政部门编制的预算单位编码"),
        ("unit.year", "年度", "year", "自评的预算年度，如 2022"),
        ("unit.preparer", "填报人", "text", ""),
        ("unit.report_date", "填报日期", "text", "如 2023-03-26"),
    ):
        b.next_row(26)
        b.label(1, text)
        b.input(2, field_path, kind, prompt=prompt)
    b.next_row(22)
    b.label(1, "模板版本")
    b.computed(2, "template_version", f'="{TEMPLATE_VERSION}"', lambda sub: TEMPLATE_VERSION, "text").stamp = True
    b.note("黄色单元格由单位填写，蓝色单元格由公式计算（已锁定）。各表填写方法见“填报说明”工作表。", height=40)
    return b.build()

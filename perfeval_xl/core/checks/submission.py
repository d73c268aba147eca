"""Checks of the submission as a whole: cells the reader could not use."""

from __future__ import annotations

from typing import Iterator

from ..catalog import Hit, rule
from ..model import Submission


@rule("S101", "数字单元格中填了文字", severity="错误", scope="submission",
      message="{table} {cell}（{field}）应为数字，填的是“{text}”。",
      hint="只填数字：金额以万元为单位，百分比如 93.70%；单位和说明请写在偏差原因或情况说明中。",
      what="金额、分值、比率等数字单元格中只有数字（全角数字和千分位逗号可以识别）。",
      why="单元格中的“12 次”“约18万”无法参与计算，公式和评分都会出错。",
      example="全年执行数填“60.63万元”→ 报错（应填 60.63）。",
      basis="模板的数据有效性设置；DOMAIN.md §E")
def check_unreadable(ctx, sub: Submission) -> Iterator[Hit]:
    for u in sub.unreadable:
        yield Hit(None, u.field, "", {"cell": u.cell, "text": u.text}, sheet=u.sheet, cell=u.cell, table=u.sheet)

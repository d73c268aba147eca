"""退回意见: one small workbook per unit with 错误, ready to e-mail back to the street.

Each holds the district's summary line of that unit and every finding of its submission
(错误 first, then 提示, each with its sheet, cell, message and 修改建议), print-ready.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..io import safe_names
from ..io.xlsx_write import save_atomic
from ..io.quote import put_text
from .xlsx import FONT_NAME, clean_text, lines_needed, page_setup

FEEDBACK_TITLE = "退回意见"

COLUMNS = [("序号", 6), ("严重程度", 8), ("规则", 7), ("问题", 18), ("工作表", 10), ("单元格", 8),
           ("位置", 26), ("问题说明", 50), ("修改建议", 32), ("情况说明", 22)]


def feedback_name(unit: dict[str, Any], taken: set[str] | None = None) -> str:
    """File name by unit and year, safe everywhere (io/safe_names.py: cut by bytes, no character
    Windows forbids, no reserved name); unique among ``taken``."""
    name = unit["unit"] or Path(unit["path"]).stem or "未填单位"
    year = f"{unit['year']}年度" if unit["year"] is not None else ""
    suffix = f"{year}{FEEDBACK_TITLE}.xlsx"
    return safe_names.file_name(name, suffix, taken)


def _fmt(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "—"
    if percent:
        return f"{value:.2%}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def summary_line(unit: dict[str, Any]) -> str:
    s = unit["summary"]
    score = f"{_fmt(unit['score'])} 分（{unit['score_basis']}，{unit['grade']}）" if unit["score"] is not None else "无"
    return (f"来源文件：{unit['path']}。共 {unit['errors']} 个错误、{unit['warnings']} 个提示；项目 {s['projects']} 个，"
            f"全年预算 {_fmt(s['budget'])} 万元，全年执行 {_fmt(s['executed'])} 万元，执行率 {_fmt(s['rate'], True)}；"
            f"汇总得分 {score}。请改正全部“错误”；“提示”请修改，或在情况说明中写明原因，然后重新报送。")


def build_feedback(unit: dict[str, Any], findings: list[tuple]) -> Workbook:
    """``findings`` are finding rows (file, sheet, cell, rule, severity, title, where, message, hint, explanation)."""
    wb = Workbook()
    ws = wb.active
    ws.title = FEEDBACK_TITLE
    wb.properties.creator = "perfeval-xl"
    wb.properties.title = FEEDBACK_TITLE
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = Font(name=FONT_NAME, size=10)
    last = get_column_letter(len(COLUMNS))
    for i, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

    year = f"{unit['year']} 年度" if unit["year"] is not None else ""
    _put(ws, 1, 1, f"{unit['unit'] or '（未填单位名称）'} {year}预算绩效自评 退回意见", Font(name="黑体", size=14, bold=True))
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 24
    line = summary_line(unit)
    _put(ws, 2, 1, line, body, Alignment(wrap_text=True, vertical="top"))
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = 14 * lines_needed(line, sum(w for _, w in COLUMNS)) + 6

    for col, (header, _) in enumerate(COLUMNS, start=1):
        c = _put(ws, 3, col, header, Font(name=FONT_NAME, size=10, bold=True),
                 Alignment(horizontal="center", vertical="center", wrap_text=True))
        c.fill = PatternFill("solid", fgColor="F2F2F2")
        c.border = box
    ordered = sorted(findings, key=lambda f: (f[4] != "错误",))
    for i, f in enumerate(ordered, start=1):
        row = 3 + i
        values = [i, f[4], f[3], f[5], f[1], f[2], f[6], f[7], f[8], f[9]]
        lines = 1
        for col, value in enumerate(values, start=1):
            c = _put(ws, row, col, value, Font(name=FONT_NAME, size=10, color="C00000") if col == 2 and value == "错误" else body,
                     Alignment(vertical="center", wrap_text=col >= 4))
            c.border = box
            if isinstance(value, str) and col >= 4:
                lines = max(lines, lines_needed(value, COLUMNS[col - 1][1]))
        ws.row_dimensions[row].height = min(13.5 * lines + 3, 160)
    ws.freeze_panes = "A4"
    ws.auto_filter.ref = f"A3:{last}{3 + len(ordered)}"
    page_setup(ws, title=FEEDBACK_TITLE)
    ws.print_title_rows = "3:3"
    ws.print_area = f"A1:{last}{3 + len(ordered)}"
    return wb


def _put(ws, row: int, col: int, value: Any, font: Font, alignment: Alignment | None = None):
    c = ws.cell(row, col)
    if isinstance(value, str):
        text = clean_text(value)
        if text:
            put_text(c, text)
    else:
        c.value = value
    c.font = font
    if alignment is not None:
        c.alignment = alignment
    return c


def write_feedback(path: Path, unit: dict[str, Any], findings: list[tuple]) -> None:
    save_atomic(build_feedback(unit, findings), path)

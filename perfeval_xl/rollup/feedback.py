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

from ..core.findings import FEEDBACK_KEYS, FINDING_COLUMNS
from ..core.score import fmt_figure, fmt_rate
from ..io import safe_names
from ..io.quote import put_text
from ..io.xlsx_write import save_atomic
from .compare import resubmission_line
from .record import FindingRow, UnitRow
from .xlsx import FONT_NAME, clean_text, lines_needed, page_setup

FEEDBACK_TITLE = "退回意见"

# core.findings.FEEDBACK_KEYS with their headers, and the width each gets here.
WIDTHS = {"no": 6, "severity": 8, "rule": 7, "title": 18, "sheet": 10, "cell": 8, "where": 26, "message": 50,
          "hint": 32, "explanation": 22, "same_cause": 20}
COLUMNS = [(FINDING_COLUMNS[key], WIDTHS[key]) for key in FEEDBACK_KEYS]


def feedback_name(unit: UnitRow, taken: set[str] | None = None, title: str = FEEDBACK_TITLE) -> str:
    """File name by unit and year, safe everywhere (io/safe_names.py: cut by bytes, no character
    Windows forbids, no reserved name); unique among ``taken``. ``title`` ends the name: 退回意见,
    or 标注副本 for the unit's annotated copy (the same stem when asked in the same order)."""
    name = unit.unit or Path(unit.path).stem or "未填单位"
    year = f"{unit.year}年度" if unit.year is not None else ""
    suffix = f"{year}{title}.xlsx"
    return safe_names.file_name(name, suffix, taken)


def summary_line(unit: UnitRow) -> str:
    s = unit.figures
    score = f"{fmt_figure(unit.score)} 分（{unit.score_basis}，{unit.grade}）" if unit.score is not None else "无"
    return (f"来源文件：{unit.path}。共 {unit.errors} 个错误、{unit.warnings} 个提示；项目 {s.projects} 个，"
            f"全年预算 {fmt_figure(s.budget)} 万元，全年执行 {fmt_figure(s.executed)} 万元，执行率 {fmt_rate(s.rate)}；"
            f"汇总得分 {score}。请改正全部“错误”；“提示”请修改，或在情况说明中写明原因，然后重新报送。")


def build_feedback(unit: UnitRow, findings: list[FindingRow]) -> Workbook:
    """The unit's 退回意见 workbook listing ``findings`` (错误 first)."""
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

    year = f"{unit.year} 年度" if unit.year is not None else ""
    _put(ws, 1, 1, f"{unit.unit or '（未填单位名称）'} {year}预算绩效自评 退回意见", Font(name="黑体", size=14, bold=True))
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 24
    line = summary_line(unit)
    if unit.previous_version is not None:
        line += resubmission_line(unit)
    _put(ws, 2, 1, line, body, Alignment(wrap_text=True, vertical="top"))
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = 14 * lines_needed(line, sum(w for _, w in COLUMNS)) + 6

    for col, (header, _) in enumerate(COLUMNS, start=1):
        c = _put(ws, 3, col, header, Font(name=FONT_NAME, size=10, bold=True),
                 Alignment(horizontal="center", vertical="center", wrap_text=True))
        c.fill = PatternFill("solid", fgColor="F2F2F2")
        c.border = box
    ordered = sorted(findings, key=lambda f: f.severity != "错误")
    for i, f in enumerate(ordered, start=1):
        row = 3 + i
        values = [i if key == "no" else f.value(key) for key in FEEDBACK_KEYS]
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


def write_feedback(path: Path, unit: UnitRow, findings: list[FindingRow]) -> None:
    save_atomic(build_feedback(unit, findings), path)

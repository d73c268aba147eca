"""The 校验 result as an annotated copy of the workbook, for WPS, LibreOffice and any Excel
without the add-in: ``perfeval-xl validate FILE --annotate OUT.xlsx``.

The copy shows what the 校验 button shows — each problem cell filled red (错误) or amber (提示),
plus a comment (批注) with the messages, and a 校验结果 sheet in front whose 单元格 column links
to the cell — using only what every spreadsheet program reads: fills, legacy comments and
internal hyperlinks (no formulas, no macros). The input is never written: the copy goes to
another path, atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from ..core.findings import Finding, Location, Report, Severity
from ..io import sandbox
from ..io.guard import Limits
from ..io.xlsx_write import save_atomic
from ..layout.results import COLUMN, FIRST_ROW, HEADER_ROW, RESULT_COLUMNS, RESULTS_SHEET
from .validate_book import SEVERITY_COLOR, results_block

AUTHOR = "perfeval-xl 校验"
CREATOR = "perfeval-xl"
ANNOTATED_TITLE = "标注副本"  # docProps title: how a later run recognises its own copies (rollup/extract.py)


class AnnotateError(Exception):
    """Why the annotated copy cannot be written (Chinese)."""


@dataclass
class Annotated:
    path: Path
    cells: dict[str, list[str]] = field(default_factory=dict)  # sheet → annotated cells


def _fill(color: str) -> PatternFill:
    return PatternFill("solid", fgColor="FF" + color.lstrip("#").upper())


def _anchor(ws, ref: str):
    """The cell that holds ``ref``: the top-left cell of its merged range (the others take no comment)."""
    cell = ws[ref]
    if isinstance(cell, MergedCell):
        for merged in ws.merged_cells.ranges:
            if ref in merged:
                return ws.cell(merged.min_row, merged.min_col)
    return cell


def same_file(a: str | Path, b: str | Path) -> bool:
    a, b = Path(a), Path(b)
    if a.exists() and b.exists():
        return a.samefile(b)
    return a.resolve() == b.resolve()


def annotate(source: str | Path, target: str | Path, report: Report) -> Annotated:
    """Write ``source`` with ``report``'s findings marked to ``target`` (never ``source``)."""
    source, target = Path(source), Path(target)
    if same_file(source, target):
        raise AnnotateError(f"标注副本不能覆盖原文件 {source}，请另选文件名（如 {source.stem}_校验.xlsx）")
    if target.suffix.lower() not in (".xlsx", ".xlsm"):
        raise AnnotateError(f"标注副本应为 .xlsx 文件：{target}")
    try:
        wb = load_workbook(source, keep_vba=target.suffix.lower() == ".xlsm")
    except Exception as exc:  # noqa: BLE001 - any unreadable file: one Chinese message
        raise AnnotateError(f"无法打开 {source.name} 以写出标注副本：{exc}") from None
    if RESULTS_SHEET in wb.sheetnames:
        del wb[RESULTS_SHEET]
    names = set(wb.sheetnames)

    # Cells: errors win over warnings; one comment per cell with every message on it.
    messages: dict[tuple[str, str], list[str]] = {}
    colors: dict[tuple[str, str], str] = {}
    for f in sorted(report.findings, key=lambda f: f.severity is Severity.ERROR):
        loc = f.location
        if loc.sheet in names and loc.cell:
            messages.setdefault((loc.sheet, loc.cell), []).append(f"[{f.severity.value} {f.rule}] {f.message}")
            colors[(loc.sheet, loc.cell)] = SEVERITY_COLOR[f.severity]
    out = Annotated(target)
    for (sheet, ref), lines in messages.items():
        cell = _anchor(wb[sheet], ref)
        cell.fill = _fill(colors[(sheet, ref)])
        text = "\n".join(reversed(lines))  # errors first
        if cell.comment is not None and cell.comment.author != AUTHOR:
            text = f"{cell.comment.text}\n——\n{text}"
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 320, 40 + 18 * text.count("\n") + 18 * (len(text) // 24)
        cell.comment = comment
        out.cells.setdefault(sheet, []).append(ref)

    # The 校验结果 sheet, in front: the same block the button writes, links as real hyperlinks.
    ws = wb.create_sheet(RESULTS_SHEET, 0)
    block = results_block(report, names)
    cell_col = COLUMN["cell"].col
    order = sorted(report.findings, key=lambda f: f.severity is not Severity.ERROR)  # as results_block sorts
    for r, row in enumerate(block, start=1):
        for c, value in enumerate(row, start=1):
            if c == cell_col and r >= FIRST_ROW:
                loc = order[r - FIRST_ROW].location
                if loc.sheet in names and loc.cell:
                    quoted = loc.sheet.replace("'", "''")
                    target_cell = ws.cell(r, c, f"{loc.sheet}!{loc.cell}")
                    target_cell.hyperlink = Hyperlink(ref=target_cell.coordinate, location=f"'{quoted}'!{loc.cell}",
                                                      display=f"{loc.sheet}!{loc.cell}")
                    target_cell.font = Font(color="FF0563C1", underline="single")
                    continue
                value = f"{loc.sheet}!{loc.cell}" if loc.cell else ""
            target_cell = ws.cell(r, c)
            if isinstance(value, str) and value.startswith("'"):  # text that looks like a formula: as text
                target_cell.value, target_cell.data_type = value[1:], "s"
            else:
                target_cell.value = None if value == "" else value
    for c in RESULT_COLUMNS:
        ws.column_dimensions[ws.cell(1, c.col).column_letter].width = c.width
    ws.cell(1, 1).font = Font(bold=True)
    for c in range(1, len(RESULT_COLUMNS) + 1):
        ws.cell(HEADER_ROW, c).font = Font(bold=True)
    sev_col = COLUMN["severity"].col
    for r in range(FIRST_ROW, len(block) + 1):
        ws.cell(r, sev_col).fill = _fill(SEVERITY_COLOR[order[r - FIRST_ROW].severity])
    wb.active = 0
    wb.properties.creator, wb.properties.title = CREATOR, ANNOTATED_TITLE
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    try:
        save_atomic(wb, target)
    except OSError as exc:
        raise AnnotateError(f"无法写入 {target}：{exc.strerror or exc}") from None
    return out


def annotate_bounded(source: str | Path, target: str | Path, report: Report, limits: Limits) -> Annotated:
    """``annotate`` in a bounded child process (io/sandbox.py): openpyxl parses the untrusted
    submission there, never in the user's process; a child that dies is an AnnotateError."""
    try:
        return sandbox.run(annotate, (source, target, report), memory_mb=limits.memory_mb,
                           seconds=limits.parse_seconds)
    except sandbox.ChildDied as exc:
        raise AnnotateError(f"无法打开 {Path(source).name} 以写出标注副本：{exc}") from None


def report_of_rows(rows: Iterable[Any]) -> Report:
    """The findings of a roll-up's rows (rollup/record.py FindingRow) as a Report that ``annotate``
    marks: the same locations (so the same 定位 keys) and causes as the findings ``validate`` made."""
    return Report([Finding(r.rule, Severity.parse(r.severity), r.title, r.message,
                           Location(r.table, r.row, r.field, r.sheet, r.cell), hint=r.hint,
                           explanation=r.explanation, cause=r.cause)
                   for r in rows])


def annotate_rows(source: str | Path, target: str | Path, rows: Iterable[Any], limits: Limits) -> Annotated:
    """The annotated copy from a roll-up's finding rows (the unit's 退回意见), bounded like ``annotate_bounded``."""
    return annotate_bounded(source, target, report_of_rows(rows), limits)

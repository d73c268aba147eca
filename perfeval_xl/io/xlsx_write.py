"""Render sheet layouts into an openpyxl workbook: styles, merges, formulas, validation, names.

Computed cells get their formula. When a model value disagrees with what the formula would
compute (a slip typed over a formula on paper or in Excel), the value is written instead, so
that writing never changes the user's data; the checks then report it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
import tempfile
from pathlib import Path
from typing import Any, Iterator

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from openpyxl.packaging.custom import StringProperty

from ..core.model import Submission
from ..core.settings import Settings
from ..layout.choices import LEVEL2_BY_LEVEL1, LISTS_SHEET, level2_list_name
from ..layout.grid import (COMPUTED, HEADER, INPUT, KINDS, LABEL, NOTE, TITLE, Cell, Layout, Table, referenced_sheets,
                           resolve)
from ..layout.merges import shared_runs
from ..layout.paper import paginate, text_height
from ..layout.paths import get_path
from ..layout.workbook import TEMPLATE_VERSION, SheetKind
from .quote import needs_quote, put_text
from .safe_names import sheet_name

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: type here
COMPUTED_FILL = PatternFill("solid", fgColor="DDEBF7")  # pale blue: computed, locked
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

NUMBER_PROMPTS = {
    "amount": "请输入数字（单位：万元），不要输入文字或单位。",
    "rate": "请输入百分数，如 93.70%。",
    "points": "请输入分数（数字）。",
    "count": "请输入不小于 0 的整数。",
    "year": "请输入四位年份，如 2022。",
}


def defined_name(layout: Layout, field_path: str) -> str:
    """ASCII names: pe_<sheet key>_<field path>; safe in Excel, WPS and LibreOffice."""
    return f"pe_{layout.key}_{field_path.replace('.', '_')}"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
    return a == b


@dataclass(frozen=True)
class Letterhead:
    """What every printed page says about its workbook: the unit and the year (None in a template)."""

    unit: str = ""
    year: int | None = None

    @classmethod
    def of(cls, sub: Submission | None) -> Letterhead:
        if sub is None or sub.unit is None:
            return cls()
        year = sub.unit.year
        return cls((sub.unit.unit_name or "").strip(), int(year) if isinstance(year, (int, float)) else None)

    def label(self, text: str) -> str:
        """Column heads say the real years once the year is known: {上年}决算数 → 2021年决算数."""
        if "{" not in text:
            return text
        last, this = (f"{self.year - 1}年", f"{self.year}年") if self.year else ("上年", "本年")
        return text.replace("{上年}", last).replace("{本年}", this)


class SheetWriter:
    def __init__(self, wb: Workbook, layout: Layout, layouts: dict[str, Layout], obj: Any,
                 printed: bool = True, letterhead: Letterhead | None = None) -> None:
        self.wb, self.layout, self.layouts, self.obj = wb, layout, layouts, obj
        self.printed = printed
        self.letterhead = letterhead or Letterhead()
        self._last_content_row = 0  # the last filled row of a table (pagination keeps it company)
        self.ws: Worksheet = wb.create_sheet(sheet_name(layout.sheet))
        self.validations: dict[tuple, DataValidation] = {}
        self._spans: dict[str, tuple[int, int]] = {}  # top-left ref → (rows, cols) of a merged cell
        self._merged_tails: set[str] = set()
        self._kept: list[tuple[int, int]] = []  # merged table rows (first, last): never split by a page

    def render(self) -> Worksheet:
        ws, layout = self.ws, self.layout
        for i, width in enumerate(layout.widths, start=1):
            ws.column_dimensions[_letter(i)].width = width
        for row, height in layout.heights.items():
            ws.row_dimensions[row].height = height
        for cell in layout.cells:
            self._put(cell, self.obj)
        for table in layout.tables:
            items = (get_path(self.obj, table.field) or []) if self.obj is not None else []
            runs = shared_runs(table, items[:table.capacity])
            anchors = {(i, name): first for name, spans in runs.items() for first, last in spans
                       for i in range(first + 1, last + 1)}
            for i in range(table.capacity):
                row_cells = table.cells_of_row(i)
                if self.obj is not None and i >= len(items):
                    ws.row_dimensions[table.first_row + i].height = SPARE_ROW_HEIGHT
                elif self.obj is not None:
                    self._last_content_row = max(self._last_content_row, table.first_row + i)
                by_field = {c.field: c for c in row_cells}
                for c in row_cells:  # {row.level1} of a merged row is the merged cell (the 二级 dropdown)
                    if (i, c.field) in anchors:
                        by_field[c.field] = table.cells_of_row(anchors[(i, c.field)])[row_cells.index(c)]
                item = items[i] if i < len(items) else None
                for c in row_cells:
                    self._put(c, item, by_field)
            self._merge_runs(table, runs)
            self._name(f"pe_{layout.key}_{table.field}", f"${_letter(1)}${table.first_row}:"
                       f"${_letter(layout.last_col)}${table.last_row}")
        for dv in self.validations.values():
            ws.add_data_validation(dv)
        self._fit_row_heights()
        self._page_setup()
        return ws

    def _merge_runs(self, table: Table, runs: dict[str, list[tuple[int, int]]]) -> None:
        """Merge the cells of rows sharing their 一级/二级 (layout/merges.py); a page never splits them."""
        for column in table.columns:
            for first, last in runs.get(column.field, ()):
                top, bottom = table.first_row + first, table.first_row + last
                area = f"{_letter(column.col)}{top}:{_letter(column.col)}{bottom}"
                self.ws.merge_cells(area)
                self._spans[f"{_letter(column.col)}{top}"] = (bottom - top + 1, 1)
                self._kept.append((top, bottom))

    def _fit_row_heights(self) -> None:
        """Rows grow to show their wrapped text on paper (LibreOffice and WPS do not autofit on open).

        A single-row cell sets its row's height; a cell merged over rows grows the last of them
        by what the rows together still lack.
        """
        ws = self.ws
        for (row, merged_rows, text, width) in sorted(self._texts(), key=lambda t: t[1]):
            rows = range(row, row + merged_rows)
            have = sum(ws.row_dimensions[r].height or 15 for r in rows)
            need = text_height(text, width)
            if need > have:
                last = rows[-1]
                ws.row_dimensions[last].height = min((ws.row_dimensions[last].height or 15) + need - have, 409)

    def _texts(self) -> Iterator[tuple[int, int, str, float]]:
        """(row, rows merged, text, width in characters) of every wrapped text the sheet shows."""
        widths = dict(enumerate(self.layout.widths, start=1))
        for row in self.ws.iter_rows(min_row=1, max_row=self.ws.max_row):
            for c in row:
                if not isinstance(c.value, str) or c.data_type == "f" or c.coordinate in self._merged_tails:
                    continue
                if c.font is not None and c.font.sz and c.font.sz > 12:
                    continue  # the title: one line on a row of its own height
                span = self._spans.get(c.coordinate, (1, 1))
                yield c.row, span[0], c.value, sum(widths.get(c.column + i, 8) for i in range(span[1]))

    def _header_footer(self) -> None:
        """附件 label top left, the unit top right, 第 N 页 共 M 页 at the foot of every page."""
        ws, layout = self.ws, self.layout
        for part, text in ((ws.oddHeader.left, layout.attachment), (ws.oddHeader.right, self.letterhead.unit),
                           (ws.oddFooter.center, "第 &P 页 共 &N 页")):
            if text:
                part.text = text.replace("&", "&&") if part is not ws.oddFooter.center else text
                part.font = BODY_FONT
                part.size = 9

    def _paginate(self, last_row: int) -> None:
        """One page when the sheet fits (shrunk a little if need be); else our own page breaks."""
        ws, layout = self.ws, self.layout
        heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
        keep = [(c.row, c.row + c.rows - 1) for c in layout.cells if c.rows > 1] + list(layout.keep_together) \
            + self._kept
        titles = None
        if layout.print_title_rows:
            first, _, last = layout.print_title_rows.partition(":")
            titles = (int(first), int(last or first))
        pages = paginate(heights, last_row, layout.widths, layout.landscape, keep, titles, self._last_content_row)
        if pages.fit_one_page:
            ws.page_setup.fitToHeight = 1
            return
        # Excel ignores manual breaks under fit-to-page: print at a fixed scale instead.
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.scale = pages.scale
        for row in pages.breaks:
            ws.row_breaks.append(Break(id=row))

    def _put(self, cell: Cell, obj: Any, row_cells: dict[str, Cell] | None = None) -> None:
        ws = self.ws
        target = ws[cell.ref]
        if cell.role in (TITLE, LABEL, HEADER, NOTE):
            _set_value(target, self.letterhead.label(cell.text) or None)
        elif cell.role == INPUT:
            value = get_path(obj, cell.field) if obj is not None else None
            _set_value(target, value, submitted=True)
            target.protection = Protection(locked=False)
            self._validate(cell, row_cells)
            if row_cells is None:
                self._name(defined_name(self.layout, cell.field), f"${_letter(cell.col)}${cell.row}")
        elif cell.role == COMPUTED:
            stated = get_path(obj, cell.field) if obj is not None and cell.field else None
            if not referenced_sheets(cell.formula) <= set(self.layouts):
                # shows a sheet this workbook does not have (the 封面's unit on a project sheet
                # written alone): the value instead of a formula that could not be resolved
                _set_value(target, stated, submitted=True)
                self._style(cell, target)
                return
            formula = resolve(cell.formula, self.layout, self.layouts, row_cells)
            expected = cell.compute(obj) if obj is not None and cell.compute else None
            keep = stated not in (None, "") and not cell.stamp and not _same(stated, expected)
            if keep:
                _set_value(target, stated, submitted=True)
            else:
                target.value = formula
        self._style(cell, target)
        if cell.rows > 1 or cell.cols > 1:
            if cell.role not in (TITLE, NOTE):  # a merged range shows the borders of all its cells
                for row in ws[cell.area]:
                    for c in row:
                        c.border = BOX
            ws.merge_cells(cell.area)
            self._spans[cell.ref] = (cell.rows, cell.cols)

    def _style(self, cell: Cell, target) -> None:
        if cell.role == TITLE:
            target.font = Font(name=TITLE_FONT, size=16, bold=True)
            target.alignment = Alignment(horizontal="center", vertical="center")
            if self.letterhead.year:
                # The printed forms' title is "2022年度项目支出绩效自评表". The year is shown by the
                # number format, so the cell's value stays the form's name, by which readers know it.
                target.number_format = f'"{self.letterhead.year}年度"@'
            return
        target.font = Font(name=BODY_FONT, size=10, bold=cell.role == HEADER)
        target.alignment = Alignment(horizontal=cell.align, vertical="center", wrap_text=cell.wrap or cell.role != INPUT)
        if cell.role == NOTE:
            return
        target.border = BOX
        if cell.role == HEADER:
            target.fill = HEADER_FILL
        elif cell.role == INPUT:
            target.fill = INPUT_FILL
            target.number_format = KINDS.get(cell.kind) or "@"
        elif cell.role == COMPUTED:
            target.fill = COMPUTED_FILL
            target.number_format = KINDS.get(cell.kind) or "General"

    def _validate(self, cell: Cell, row_cells: dict[str, Cell] | None) -> None:
        if cell.choice is not None:
            if cell.choice.items:
                formula1 = '"' + ",".join(cell.choice.items) + '"'
            else:
                formula1 = resolve(cell.choice.source, self.layout, self.layouts, row_cells)
            key = ("list", formula1 if row_cells is None else (cell.col, cell.choice.source or formula1))
            prompt = cell.choice.prompt or cell.prompt
            dv = self.validations.get(key)
            if dv is None:
                dv = DataValidation(type="list", formula1=formula1, allow_blank=True, showDropDown=False,
                                    showErrorMessage=True, errorTitle="请从下拉列表中选择",
                                    error="请从下拉列表中选择，不要手工输入其他内容。",
                                    promptTitle="填写提示" if prompt else None, prompt=prompt or None,
                                    showInputMessage=bool(prompt))
                self.validations[key] = dv
            dv.add(cell.ref)
            if row_cells is not None and not cell.choice.items:
                # INDIRECT("L2_"&A13) is relative: one rule per row keeps each row pointing at its own 一级
                self.validations[(key, cell.row)] = self.validations.pop(key)
        elif cell.kind in NUMBER_PROMPTS:
            key = ("number", cell.kind)
            dv = self.validations.get(key)
            if dv is None:
                whole = cell.kind in ("count", "year")
                dv = DataValidation(type="whole" if whole else "decimal", operator="between",
                                    formula1="0" if cell.kind == "count" else "-1000000000000", formula2="1000000000000",
                                    allow_blank=True,
                                    showErrorMessage=True, errorTitle="这里只能填数字",
                                    error=NUMBER_PROMPTS[cell.kind], promptTitle="填写提示",
                                    prompt=cell.prompt or NUMBER_PROMPTS[cell.kind], showInputMessage=True)
                self.validations[key] = dv
            dv.add(cell.ref)

    def _name(self, name: str, ref: str) -> None:
        dn = DefinedName(name, attr_text=f"'{self.layout.sheet}'!{ref}")
        if self.layout.names_scope_sheet:
            self.ws.defined_names[name] = dn
        else:
            self.wb.defined_names[name] = dn

    def _page_setup(self) -> None:
        ws, layout = self.ws, self.layout
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.print_options.horizontalCentered = True
        last_row = layout.print_last_row or ws.max_row
        if not self.printed:
            # Out of the printout, still in the file: a print area of one empty, unstyled cell is a
            # page with nothing on it, which Excel, WPS and LibreOffice leave out.
            ws.print_area = f"{_letter(layout.last_col + 2)}{last_row + 2}"
        else:
            ws.print_area = f"A1:{_letter(layout.last_col)}{last_row}"
            self._header_footer()
            if layout.print_title_rows:
                ws.print_title_rows = layout.print_title_rows
            self._paginate(last_row)
        if layout.freeze:
            ws.freeze_panes = layout.freeze
        ws.protection.sheet = True  # no password: protects formulas from slips, not from people
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.protection.formatCells = False  # the 校验 button colours the cells of its findings


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _set_value(target, value: Any, submitted: bool = False) -> None:
    """Submitted text is data: text that could be taken for a formula is a quoted string cell (quote.py)."""
    if submitted and isinstance(value, str) and not value.isprintable():
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # control characters cannot be stored in XML
    if submitted and needs_quote(value):
        put_text(target, value)
        return
    target.value = None if value == "" else value
    if isinstance(value, str) and value.startswith("="):
        target.data_type = "s"  # openpyxl would otherwise store it as a formula


def umask_mode() -> int:
    """The mode a new file gets from ``open()`` under the user's umask (0o644 for umask 022).

    ``mkstemp`` creates its file 0600 whatever the umask; a temporary file renamed into place
    keeps that mode, and colleagues on a shared folder could not open the output.
    """
    mask = os.umask(0o077)  # reading the umask means setting it; restored on the next line
    os.umask(mask)
    return 0o666 & ~mask


def save_atomic(wb: Workbook, path: str | Path) -> None:
    """Write to a temporary file beside the target, then rename: no partial file under the name.

    A writer killed at any moment leaves the previous file as it was (and at most a hidden
    ``.~perfeval-…`` temporary file, which the roll-up never reads).
    """
    path = Path(path)
    # ".~perfeval-<pid>-": a leftover of a killed process is recognised and removed by the next roll-up
    fd, tmp = tempfile.mkstemp(prefix=f".~perfeval-{os.getpid()}-", suffix=path.suffix, dir=path.parent or ".")
    os.close(fd)
    try:
        wb.save(tmp)
        os.chmod(tmp, umask_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- whole workbooks


def plan_layouts(sub: Submission | None, kinds: list[SheetKind], settings: Settings) -> list[tuple[Layout, Any]]:
    """(layout, object) per sheet, tables sized to fit what the submission holds."""
    return [(layout, obj) for layout, obj, _ in plan_printout(sub, kinds, settings)]


def plan_printout(sub: Submission | None, kinds: list[SheetKind],
                  settings: Settings) -> list[tuple[Layout, Any, bool]]:
    """(layout, object, printed) per sheet: ``plan_layouts`` and whether the sheet is printed."""
    plan: list[tuple[Layout, Any, bool] | None] = []
    views: list[tuple[int, SheetKind]] = []
    for kind in kinds:
        if kind.view is not None:
            views.append((len(plan), kind))
            plan.append(None)  # keeps its place in the sheet order; laid out once the others are
        elif kind.repeated:
            items = list(kind.get(sub)) if sub is not None else []
            for i, item in enumerate(items or [None]):
                sheet = kind.sheet if i == 0 and not items else _numbered(kind.sheet, i)
                plan.append((kind.layout(sheet, _fit(kind, item), settings), item, kind.prints(sub, item)))
        else:
            obj = kind.get(sub) if sub is not None else None
            plan.append((kind.layout(None, _fit(kind, obj), settings), obj, kind.prints(sub, obj)))
    planned = [entry[0] for entry in plan if entry is not None]
    for index, kind in views:
        obj = kind.get(sub) if sub is not None else None
        plan[index] = (kind.view(kind.sheet, planned, settings), obj, kind.prints(sub, obj))
    return plan


def _numbered(first_sheet: str, index: int) -> str:
    stem = first_sheet.rstrip("0123456789")
    return f"{stem}{index + 1}"


# Blank rows left under a filled table, for the clerk to add to it; they print low.
SPARE_ROWS = 5
SPARE_ROW_HEIGHT = 16


def _fit(kind: SheetKind, obj: Any) -> dict[str, int]:
    """Table rows: the template's default when empty; what the data holds plus spare rows when filled."""
    if obj is None:
        return {}
    sizes = {name: len(get_path(obj, name) or []) for name in kind.capacities}
    return {name: (n + SPARE_ROWS if n else kind.capacities[name]) for name, n in sizes.items()}


def build_workbook(sub: Submission | None, kinds: list[SheetKind], settings: Settings | None = None) -> Workbook:
    """The template (sub None) or a filled workbook, every sheet from its layout."""
    settings = settings or Settings.default()
    plan = plan_printout(sub, kinds, settings)
    layouts = {layout.key: layout for layout, _, _ in plan}  # for {@key:field} references (singleton sheets)
    wb = Workbook()
    wb.remove(wb.active)
    letterhead = Letterhead.of(sub)
    for layout, obj, printed in plan:
        SheetWriter(wb, layout, layouts, obj, printed, letterhead).render()
    _write_lists(wb)
    wb.defined_names["pe_template_version"] = DefinedName("pe_template_version", attr_text=f'"{TEMPLATE_VERSION}"')
    wb.custom_doc_props.append(StringProperty(name="perfeval-xl template version", value=TEMPLATE_VERSION))
    wb.properties.creator = "perfeval-xl"
    wb.properties.title = "预算绩效自评"
    wb.active = 0
    return wb


def _write_lists(wb: Workbook) -> None:
    """Hidden sheet with the 二级 list of each 一级, named L2_<一级> for the dependent dropdowns."""
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    for col, (level1, items) in enumerate(LEVEL2_BY_LEVEL1.items(), start=1):
        ws.cell(1, col, level1)
        for row, item in enumerate(items, start=2):
            ws.cell(row, col, item)
        letter = _letter(col)
        name = level2_list_name(level1)
        wb.defined_names[name] = DefinedName(name, attr_text=f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(items) + 1}")
    ws.protection.sheet = True

"""The 校验 button: validate an open workbook and write the 校验结果 sheet.

Written once against the part of ``xw.Book`` every engine supports — sheets by name,
``range(...).value``, ``range.set_colors``, ``range.font.bold``, ``range.column_width``,
``sheets.add``, ``sheet.clear`` — so the Windows ribbon (``xw.Book.caller()``, see ``buttons``)
and the xlwings Lite ``@script`` (``scripts``) run the same function.

What it does, in as few round trips to Excel as it can:

1. reads every sheet's values from A1 to its last used cell (one read per sheet) and maps them
   into the model with the same reader as the command line (``io.xlsx_read.read_sheets``),
   including the 情况说明 typed on an earlier 校验结果 sheet, and the merged 一级/二级 cells where
   the engine can tell them (``read_merges``: the desktop engines; Office.js and Lite cannot);
2. runs the rule catalog (``core.validate``);
3. writes the 校验结果 sheet in one 2-D write (summary line, note, header, one row per finding,
   with a HYPERLINK that jumps to the cell and the clerk's 情况说明 carried over);
4. colours the cells of the findings (错误 red, 提示 amber) and gives the cells it coloured on
   the previous run their template colour back — one ``set_colors`` per sheet. It never writes
   a value outside the 校验结果 sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

from ..core.findings import Report, Severity
from ..core.settings import Settings
from ..core.validate import validate
from ..io.results_read import result_rows
from ..io.xlsx_read import Grid, read_sheets, sheet_layouts
from ..io.xlsx_write import COMPUTED_FILL, HEADER_FILL, INPUT_FILL
from ..layout.grid import COMPUTED, HEADER, INPUT, Layout
from ..layout.merges import CellRange, merge_down_columns
from ..layout.results import (COLUMN, ERROR_COLOR, FIRST_ROW, HEADER_ROW, HEADERS, NOTE, RESULT_COLUMNS,
                              RESULTS_SHEET, WARNING_COLOR)
from ..layout.sheets import UNIT_SHEETS
from ..layout.workbook import SheetKind

ROLE_FILL = {role: "#" + str(fill.fgColor.rgb)[-6:] for role, fill in
             ((INPUT, INPUT_FILL), (COMPUTED, COMPUTED_FILL), (HEADER, HEADER_FILL))}
SEVERITY_COLOR = {Severity.ERROR: ERROR_COLOR, Severity.WARNING: WARNING_COLOR}
_FORMULA_START = ("=", "+", "-", "@")


@dataclass
class Outcome:
    """What one run did: the report, and the cells it coloured and restored (sheet → refs)."""

    report: Report
    highlighted: dict[str, list[str]] = field(default_factory=dict)
    restored: dict[str, list[str]] = field(default_factory=dict)
    not_coloured: list[str] = field(default_factory=list)  # sheets Excel refused to colour (protected)
    colour_failed: list[str] = field(default_factory=list)  # sheets not coloured for another reason

    @property
    def summary(self) -> str:
        text = self.report.summary_zh()
        if self.not_coloured:
            text += f"（{'、'.join(self.not_coloured)} 受保护，未能标出单元格；详见“校验结果”表）"
        if self.colour_failed:
            text += f"（{'、'.join(self.colour_failed)} 未能标出单元格颜色；问题均已列在“校验结果”表）"
        return text


# ---------------------------------------------------------------- reading


def read_book(book) -> dict[str, list[list[Any]]]:
    """Every sheet's values from A1 to its last used cell, as lists of rows (one read per sheet)."""
    sheets: dict[str, list[list[Any]]] = {}
    for sheet in book.sheets:
        last = sheet.used_range.last_cell
        values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
        sheets[sheet.name] = [["" if v is None else v for v in row] for row in values or []]
    return sheets


def read_merges(book, sheets: dict[str, list[list[Any]]], kinds: list[SheetKind],
                settings: Settings | None = None) -> dict[str, list[CellRange]] | None:
    """The merged ranges that cover a blank 一级/二级 cell of a read table row, per sheet, as the
    file reader gives ``read_sheets`` (so a genuinely blank 一级 under a filled one is reported,
    not carried down); None where the engine cannot tell (Office.js and xlwings Lite read values
    only, and their merge areas are not readable synchronously): the reader then carries down.

    Only blank cells are asked, one ``merge_area`` per merged range (the rest of the range is
    known from it) and per unmerged blank cell: a round trip to Excel each, so a tool-written
    workbook costs about one call per merged 一级/二级 block, not one per cell."""
    grids = {name: Grid(rows) for name, rows in sheets.items()}
    merges: dict[str, list[CellRange]] = {}
    try:
        for _kind, name, layout in sheet_layouts(grids, kinds, settings):
            merges[name] = _sheet_merges(book.sheets[name], layout, sheets[name])
    except NotImplementedError:
        return None
    return merges


def _sheet_merges(sheet, layout: Layout, rows: list[list[Any]]) -> list[CellRange]:
    def blank(row: int, col: int) -> bool:
        value = rows[row - 1][col - 1] if row <= len(rows) and col <= len(rows[row - 1]) else ""
        return value is None or (isinstance(value, str) and not value.strip())

    found: list[CellRange] = []
    for table in layout.tables:
        columns = merge_down_columns(table)
        others = [c.col for c in table.columns if not c.merge_down]
        last = min(table.last_row, len(rows))
        for cell in columns:
            row = table.first_row
            while row <= last:
                # a spare row (nothing in its other columns) is never read, so never asked about
                if not blank(row, cell.col) or all(blank(row, col) for col in others):
                    row += 1
                    continue
                area = sheet.range((row, cell.col)).merge_area
                bottom = area.last_cell.row
                if (area.row, area.column) != (bottom, area.last_cell.column):
                    found.append((area.row, area.column, bottom, area.last_cell.column))
                row = max(row, bottom) + 1
    return found


def _split_ref(text: str) -> tuple[str, str] | None:
    """"项目1!H6" → ("项目1", "H6")."""
    if "!" not in text:
        return None
    sheet, ref = text.rsplit("!", 1)
    sheet = sheet.strip("'").replace("''", "'")
    try:
        coordinate_from_string(ref)
    except ValueError:
        return None
    return sheet, ref


# ---------------------------------------------------------------- the results sheet


def _safe(value: Any) -> Any:
    """Text that Excel would take for a formula is written as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def link(sheet: str, ref: str) -> str:
    """A formula that shows ``sheet!ref`` and jumps there when clicked."""
    quoted = sheet.replace("'", "''").replace('"', '""')
    shown = f"{sheet}!{ref}".replace('"', '""')
    return f'=HYPERLINK("#\'{quoted}\'!{ref}","{shown}")'


def results_block(report: Report, sheet_names: set[str]) -> list[list[Any]]:
    """The whole 校验结果 sheet as one 2-D block from A1."""
    width = len(RESULT_COLUMNS)

    def line(first: str) -> list[Any]:
        return [first] + [""] * (width - 1)

    block = [line(f"校验结果：{report.summary_zh()}"), line(NOTE), list(HEADERS)]
    block += [line("")] * (HEADER_ROW - len(block))
    order = {Severity.ERROR: 0, Severity.WARNING: 1}
    findings = sorted(report.findings, key=lambda f: order[f.severity])  # stable: catalog order within
    groups = {g.cause: g for g in report.groups()}  # one slip, several findings: each row says so
    for i, f in enumerate(findings, start=1):
        loc = f.location
        where = " ".join(p for p in (loc.row, loc.field) if p)
        cell = link(loc.sheet, loc.cell) if loc.sheet in sheet_names and loc.cell else \
            (f"{loc.sheet}!{loc.cell}" if loc.cell else "")
        row = {"no": i, "severity": f.severity.value, "table": loc.table, "where": where, "cell": cell,
               "rule": f.rule, "message": _with_cause(f.message, groups[f.cause_key].note_zh(f)),
               "hint": f.hint, "explanation": f.explanation,
               "key": loc.key}
        block.append([row[c.key] if c.key == "cell" else _safe(row[c.key]) for c in RESULT_COLUMNS])
    return block


def _with_cause(message: str, note: str) -> str:
    return f"{message}（同一原因{note.removeprefix('共')}）" if note else message


# ---------------------------------------------------------------- colours


class _Fills:
    """The template colour of any cell of a sheet, from the sheet's layout (as the reader fitted it)."""

    def __init__(self, layouts: dict[str, Layout]) -> None:
        self._layouts = layouts
        self._maps: dict[str, dict[tuple[int, int], str]] = {}

    def of(self, sheet: str, row: int, col: int) -> str | None:
        if sheet not in self._maps:
            fills: dict[tuple[int, int], str] = {}
            layout = self._layouts.get(sheet)
            if layout is not None:
                cells = list(layout.cells)
                for table in layout.tables:
                    for i in range(table.capacity):
                        cells += table.cells_of_row(i)
                for c in cells:
                    color = ROLE_FILL.get(c.role)
                    if color:
                        for r in range(c.row, c.row + c.rows):
                            for k in range(c.col, c.col + c.cols):
                                fills[(r, k)] = color
            self._maps[sheet] = fills
        return self._maps[sheet].get((row, col))


def cell_rc(ref: str) -> tuple[int, int]:
    letters, row = coordinate_from_string(ref)
    return row, column_index_from_string(letters)


MAX_COLOR_CELLS = 10_000  # xlwings' Range.set_colors() refuses larger ranges


def color_blocks(colors: dict[tuple[int, int], Any]) -> list[tuple[int, int, list[list[Any]]]]:
    """(top, left, matrix) blocks of at most MAX_COLOR_CELLS cells covering ``colors``: bands of
    whole rows of the bounding box (column slices when one row is wider), bands without a cell to
    colour left out; ``...`` keeps a cell's fill."""
    rows = sorted({r for r, _ in colors})
    left, right = min(c for _, c in colors), max(c for _, c in colors)
    width = min(right - left + 1, MAX_COLOR_CELLS)
    band = max(1, MAX_COLOR_CELLS // width)
    blocks = []
    for col0 in range(left, right + 1, width):
        col1 = min(col0 + width - 1, right)
        i = 0
        while i < len(rows):
            top = rows[i]
            bottom = top + band - 1
            wanted = [r for r in rows[i:] if r <= bottom]
            i += len(wanted)
            bottom = wanted[-1]
            matrix = [[colors.get((r, c), ...) for c in range(col0, col1 + 1)] for r in range(top, bottom + 1)]
            if any(v is not ... for row in matrix for v in row):
                blocks.append((top, col0, matrix))
    return blocks


def paint_cells(sheet, colors: dict[tuple[int, int], str | None]) -> None:
    """``set_colors`` over the bounding box of ``colors`` in blocks xlwings accepts; other cells keep their fill."""
    for top, left, matrix in color_blocks(colors):
        sheet.range((top, left), (top + len(matrix) - 1, left + len(matrix[0]) - 1)).set_colors(matrix)


def _is_protection(exc: Exception) -> bool:
    """Excel's refusal to format a protected sheet (COM: 0x800A03EC; Office.js: AccessDenied)."""
    text = f"{exc!r} {getattr(exc, 'args', '')}".lower()
    return any(k in text for k in ("protect", "accessdenied", "-2146827284", "0x800a03ec", "保护"))


# ---------------------------------------------------------------- the button


def validate_book(book, settings: Settings | None = None, kinds: list[SheetKind] | None = None) -> Outcome:
    """Validate ``book`` (any xlwings engine) and write its 校验结果 sheet; returns what was done."""
    kinds = kinds or UNIT_SHEETS
    sheets = read_book(book)
    previous = result_rows(sheets.get(RESULTS_SHEET, []))
    # 情况说明 come back through the reader; merged 一级/二级 as the file reader sees them
    read = read_sheets(sheets, kinds, merges=read_merges(book, sheets, kinds))
    report = validate(read.submission, settings)
    names = set(sheets) - {RESULTS_SHEET}

    # The results sheet: cleared and written in one block.
    block = results_block(report, names)
    if RESULTS_SHEET in sheets:
        target = book.sheets[RESULTS_SHEET]
        target.clear()
        fresh = False
    else:
        target = book.sheets.add(RESULTS_SHEET, before=book.sheets[0])
        fresh = True
    target.range((1, 1)).value = block
    target.range((HEADER_ROW, 1), (HEADER_ROW, len(RESULT_COLUMNS))).font.bold = True
    target.range((1, 1)).font.bold = True
    if fresh:  # Excel keeps column widths through a clear
        scale = _width_scale(book)
        for c in RESULT_COLUMNS:
            target.range((1, c.col)).column_width = c.width * scale
    sev_col = COLUMN["severity"].col
    if len(block) >= FIRST_ROW:
        paint_cells(target, {(FIRST_ROW + i, sev_col): ERROR_COLOR if row[sev_col - 1] == Severity.ERROR.value
                                     else WARNING_COLOR for i, row in enumerate(block[FIRST_ROW - 1:])})

    # Highlights: the new ones, and the template colour back where the last run coloured a cell.
    new: dict[str, dict[tuple[int, int], str]] = {}
    for f in sorted(report.findings, key=lambda f: f.severity is Severity.ERROR):  # errors win
        loc = f.location
        if loc.sheet in names and loc.cell:
            new.setdefault(loc.sheet, {})[cell_rc(loc.cell)] = SEVERITY_COLOR[f.severity]
    fills = _Fills(read.layouts)
    outcome = Outcome(report)
    paint: dict[str, dict[tuple[int, int], str | None]] = {}
    for row in previous:
        where = _split_ref(row["cell"])
        if where is None or where[0] not in names:
            continue
        sheet, ref = where
        rc = cell_rc(ref)
        if rc in new.get(sheet, {}):
            continue
        if rc not in paint.setdefault(sheet, {}):
            paint[sheet][rc] = fills.of(sheet, *rc)
            outcome.restored.setdefault(sheet, []).append(ref)
    for sheet, cells in new.items():
        paint.setdefault(sheet, {}).update(cells)
        outcome.highlighted[sheet] = sorted((cell_ref(rc) for rc in cells), key=lambda r: cell_rc(r))
    for sheet, colors in paint.items():
        if colors:
            try:
                paint_cells(book.sheets[sheet], colors)
            except Exception as exc:  # noqa: BLE001 - e.g. a sheet protected without "format cells" (old templates)
                (outcome.not_coloured if _is_protection(exc) else outcome.colour_failed).append(sheet)
    if outcome.not_coloured or outcome.colour_failed:  # the summary line says so too
        target.range((1, 1)).value = [[f"校验结果：{outcome.summary}"]]
    target.activate()
    return outcome


def _width_scale(book) -> float:
    """Column widths are characters on the desktop engines and points in Office.js (xlwings Lite)."""
    try:
        if isinstance(getattr(book.impl, "api", None), dict):  # the book JSON of Office.js (Lite, Server)
            return 6.0
        return 6.0 if book.app.engine.name in ("remote", "officejs") else 1.0
    except Exception:  # noqa: BLE001 - an engine without app/engine: characters
        return 1.0


def cell_ref(rc: tuple[int, int]) -> str:
    return f"{get_column_letter(rc[1])}{rc[0]}"

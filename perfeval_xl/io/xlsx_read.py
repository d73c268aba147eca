"""Read a filled workbook back into the model through the same layouts that wrote it.

Values come from python-calamine (fast, read-only, never runs macros), after ``guard`` has
checked the package and bounded what it may cost. A computed cell with no cached value (a
workbook written by a program and never opened in Excel) gets the core's own value for it, and
the read says so. Text in a number cell, and an error value (#DIV/0!, #REF!) in any cell, is
kept out of the model and reported (``Submission.unreadable``) rather than guessed. What the
reader sees in the workbook itself — a template formula typed over with a constant, rows past
the row cap, hidden sheets — becomes ``Submission.notices`` (rules S102–S104).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
from math import isfinite
from dataclasses import dataclass, field
from pathlib import Path
from functools import lru_cache
from operator import attrgetter, itemgetter
from string import ascii_uppercase
from typing import Any, Iterator, NamedTuple

from ..layout.columns import get_column_letter  # not openpyxl's: validate never loads openpyxl
from python_calamine import CalamineWorkbook

from ..core.model import Located, ReadNotice, Source, Submission, UnreadableCell, path_label
from ..core.settings import Settings
from ..core.values import parse_number
from ..layout.grid import COMPUTED, INPUT, Cell, Layout
from ..layout.paths import CompiledPath, compiled_path, get_path, set_path
from ..layout.choices import LISTS_SHEET
from ..layout.merges import CellRange, MergedAnchors, merge_down_columns
from ..layout.sheets import UNIT_SHEETS
from ..layout.workbook import SheetKind
from .guard import Limits, SheetXml, inspect_xlsx
from .results_read import attach_explanations

NUMBER_KINDS = ("amount", "rate", "points", "count", "year")
_FLOAT_KINDS = ("amount", "rate", "points", "count")  # a float cell is read as it is


@dataclass
class ReadResult:
    submission: Submission
    recomputed: list[str] = field(default_factory=list)  # "项目1!H6": no cached value, core value used
    layouts: dict[str, Layout] = field(default_factory=dict)  # each sheet read, with its fitted layout


class CellError(str):
    """An error value a cell shows (#DIV/0!, #REF!, #NAME? …): never a number, never text."""


class Grid:
    """A sheet's values by (row, col), 1-based, as calamine gives them."""

    def __init__(self, rows: list[list[Any]]) -> None:
        self.rows = rows

    def value(self, row: int, col: int) -> Any:
        if row - 1 < len(self.rows):
            line = self.rows[row - 1]
            if col - 1 < len(line):
                return line[col - 1]
        return ""

    def any_value(self, row: int, cols: tuple[int, ...]) -> bool:
        """Whether any of the (1-based) columns of ``row`` holds something."""
        if row - 1 >= len(self.rows):
            return False
        line = self.rows[row - 1]
        n = len(line)
        return any(line[c - 1] is not None and line[c - 1] != "" for c in cols if c <= n)

    def find_in_column(self, col: int, text: str, start: int, stop: int) -> int | None:
        rows = self.rows
        for row in range(start, min(stop, len(rows)) + 1):
            line = rows[row - 1]
            value = line[col - 1] if col <= len(line) else ""
            if (value.strip() if value.__class__ is str else _text(value)) == text:  # _text, without the call for text
                return row
        if text == "" and max(start, len(rows) + 1) <= stop:
            return max(start, len(rows) + 1)  # past the values every cell reads as ""
        return None


def read_workbook(source: str | Path | bytes, kinds: list[SheetKind] | None = None,
                  limits: Limits | None = None, settings: Settings | None = None) -> ReadResult:
    """Read an .xlsx/.xlsm file or its bytes (values only; macros are never run).

    ``settings``: the rules file the workbook was made with; a formula cell without a cached value
    is recomputed by its figure under these settings (default: the default settings).

    Raises guard.Refused (Chinese reason) for a file that is not read at all.
    """
    kinds = kinds or UNIT_SHEETS
    limits = limits or Limits()
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    plan = rows_needed(kinds)
    package = inspect_xlsx(data, limits, lambda name: plan.get(name, -1) != 0)
    book = CalamineWorkbook.from_filelike(io.BytesIO(package.data))
    sheets = {}
    merges: dict[str, list[CellRange]] = {}
    for name in book.sheet_names:
        rows = plan.get(name, -1)
        if rows != 0:
            nrows = limits.max_rows if rows < 0 else min(rows, limits.max_rows)
            sheet = book.get_sheet_by_name(name)
            values = sheet.to_python(skip_empty_area=False, nrows=nrows)
            xml = package.sheets.get(name)
            if xml is not None:
                _put_errors(values, xml.errors())
            sheets[name] = values
            # 0-based ((row, col), (row, col)) → 1-based (top, left, bottom, right)
            merges[name] = [(top + 1, left + 1, bottom + 1, right + 1)
                            for (top, left), (bottom, right) in (sheet.merged_cell_ranges or ())]
    result = read_sheets(sheets, kinds, package.sheets, settings, merges)
    _notices(result.submission, package.sheets, limits)
    return result


def _put_errors(rows: list[list[Any]], errors: dict[tuple[int, int], str]) -> None:
    """calamine reads an error value as ""; put it back so that the cell is reported, not read as blank."""
    for (row, col), text in errors.items():
        if row - 1 < len(rows):
            line = rows[row - 1]
            if col - 1 >= len(line):
                line.extend([""] * (col - len(line)))
            line[col - 1] = CellError(text)


def _notices(sub: Submission, sheets: dict[str, SheetXml], limits: Limits) -> None:
    for sheet in sheets.values():
        if sheet.rows_cut:
            sub.notices.append(ReadNotice("rows_ignored", sheet.name, f"A{limits.max_rows + 1}",
                                          count=sheet.rows_cut, text=str(limits.max_rows)))
        if sheet.state in ("hidden", "veryHidden") and sheet.name != LISTS_SHEET:
            sub.notices.append(ReadNotice("hidden_sheet", sheet.name, text=sheet.state))


def rows_needed(kinds: list[SheetKind]) -> dict[str, int]:
    """Rows to read per fixed sheet name: 0 = skip (nothing to read), -1 = all (tables grow).

    Reading only what the layouts can use keeps a roll-up close to the bare read of a file.
    """
    for known, plan in _PLANS:
        if len(known) == len(kinds) and all(a is b for a, b in zip(known, kinds)):
            return plan
    plan = {LISTS_SHEET: 0}
    for kind in kinds:
        if kind.repeated:
            continue  # found by the title in A1, under any sheet name
        layout = kind.layout()
        fields = _fields(layout)
        if kind.view is not None or (not fields and not layout.tables):
            plan[kind.sheet] = 0
        elif not layout.tables:
            plan[kind.sheet] = max(c.row for c in fields)
        else:
            plan[kind.sheet] = -1
    _PLANS.append((list(kinds), plan))
    return plan


_PLANS: list[tuple[list[SheetKind], dict[str, int]]] = []  # (the kinds, their plan): a few kinds lists


def read_sheets(sheets: dict[str, list[list[Any]]], kinds: list[SheetKind] | None = None,
                xml: dict[str, SheetXml] | None = None, settings: Settings | None = None,
                merges: dict[str, list[CellRange]] | None = None) -> ReadResult:
    """Read sheet values (rows from A1, as calamine or an xlwings book gives them) into the model.

    ``xml`` (the package's sheets, when read from a file) tells which cells hold formulas: a
    template formula cell holding a constant is reported (S102). ``merges`` (each sheet's merged
    ranges, when read from a file) give the rows of a merged 一级/二级 their value; without them
    (values only, as from an xlwings book) a blank 一级/二级 is carried down from the row above.
    """
    grids = {name: Grid(rows) for name, rows in sheets.items()}
    sub = Submission()
    result = ReadResult(sub)
    for kind, name, layout in sheet_layouts(grids, kinds or UNIT_SHEETS, settings):
        result.layouts[name] = layout
        obj = kind.new()
        _read_sheet(layout, grids[name], obj, sub, result, (xml or {}).get(name))
        for table in layout.tables:
            fill_merged(layout, table, grids[name], get_path(obj, table.field) or [],
                        None if merges is None else merges.get(name, []))
        if not kind.always and _is_empty(layout, obj):
            continue  # a sheet nobody filled (or the blank master sheet clerks copy)
        kind.attach(sub, obj)
    attach_explanations(sheets, sub)  # 情况说明 typed on a 校验结果 sheet
    return result


def sheet_layouts(grids: dict[str, Grid], kinds: list[SheetKind],
                  settings: Settings | None = None) -> Iterator[tuple[SheetKind, str, Layout]]:
    """Each sheet the layouts know, with its kind and its layout fitted to the rows it really has."""
    claimed: set[str] = set()
    for kind in kinds:
        if kind.view is not None:
            continue  # 项目清单: formulas over the other sheets, nothing of its own to read
        for name in _sheets_of(kind, grids, claimed):
            claimed.add(name)
            yield kind, name, fit_layout(kind, name, grids[name], settings)


def _sheets_of(kind: SheetKind, grids: dict[str, Grid], claimed: set[str]) -> list[str]:
    if not kind.repeated:
        if kind.sheet in grids:
            return [kind.sheet]
        # a renamed sheet: found by its title in A1, as project sheets are
        return [name for name, grid in grids.items()
                if name not in claimed and _text(grid.value(1, 1)) == kind.title][:1]
    return [name for name, grid in grids.items() if name not in claimed and _text(grid.value(1, 1)) == kind.title]


def fit_layout(kind: SheetKind, sheet: str, grid: Grid, settings: Settings | None = None) -> Layout:
    """Rebuild the layout with each table's real number of rows (clerks insert rows)."""
    capacities: dict[str, int] = {}
    layout = kind.layout(sheet, capacities, settings)
    for index in range(len(layout.tables)):
        table = layout.tables[index]  # from the latest rebuild: a table above may have moved it
        end = grid.find_in_column(1, table.end_label, table.first_row, table.first_row + 100_000)
        if end is not None and end - table.first_row != table.capacity:
            capacities[table.field] = max(end - table.first_row, 0)
            layout = kind.layout(sheet, capacities, settings)
    return layout


def _read_sheet(layout: Layout, grid: Grid, obj: Any, sub: Submission, result: ReadResult,
                xml: SheetXml | None = None) -> None:
    """The sheet's values into ``obj`` through the layout's compiled cell list (``_plan``): its
    input cells, then its tables row by row, then its computed cells (a missing cached value is
    recomputed from the inputs)."""
    plan = _plan(layout)
    rows = grid.rows
    nrows = len(rows)
    for r0, c0, kind, path, walk, source in plan.inputs:
        line = rows[r0] if r0 < nrows else ()
        _put(obj, path, walk, kind, line[c0] if c0 < len(line) else "", source, sub)  # _at, without the call
    sheet = layout.sheet
    for table, input_cols, steps, has_computed, typed, fields in plan.tables:
        located = issubclass(table.item_type, Located)
        items = []
        first = table.first_row
        for i in range(min(table.capacity, len(rows) - first + 1)):
            line = rows[first - 1 + i]
            n = len(line)
            if _spare(line, n, input_cols, typed):
                continue  # a spare row: nothing typed, so nothing to read (most rows of a table)
            item = table.item_type()
            sources = item.sources if located else None
            for c0, kind, path, walk in steps:
                raw = line[c0] if c0 < n else ""
                if walk is not None or sources is None:
                    _put(item, path, walk, kind, raw, _source(sheet, first + i, c0 + 1), sub)
                    continue
                # _put, inlined for the table cells (most of a sheet's cells): a plain attribute of the item
                if raw.__class__ is str and kind == "text":
                    value = raw.strip()
                elif raw.__class__ is float and kind in _FLOAT_KINDS and isfinite(raw):
                    value = raw
                elif raw is None or raw.__class__ is str and raw == "":
                    value = None if kind in NUMBER_KINDS else ""  # convert's answer for a blank cell
                else:
                    value = _converted(item, path, kind, raw, _source(sheet, first + i, c0 + 1), sub)
                setattr(item, path, value)
                sources[path] = _source(sheet, first + i, c0 + 1)
            if has_computed:
                for cell in table.cells_of_row(i):  # computed columns (楼堂馆所 控制率), after the row's inputs
                    if cell.role == COMPUTED:
                        source = _source(layout.sheet, cell.row, cell.col)
                        raw = line[cell.col - 1] if cell.col <= n else ""
                        _store_computed(cell, raw, source, _check_formula(cell, raw, source, xml, item, sub),
                                        item, sub, result)
            if _filled(item, fields):
                items.append(item)
        set_path(obj, table.field, items)
        _record_headers(layout, table, obj)
    for cell, source in plan.computed:  # after the inputs: a missing cached value is recomputed from them
        line = rows[cell.row - 1] if cell.row <= nrows else ()
        raw = line[cell.col - 1] if cell.col <= len(line) else ""
        _store_computed(cell, raw, source, _check_formula(cell, raw, source, xml, obj, sub), obj, sub, result)


class _InputColumns(NamedTuple):
    """A table's input columns picked from a row in one call (``values``), when the row reaches ``last_col``."""

    values: Any  # row → the values of the input columns, a tuple
    last_col: int  # 0-based


def _input_columns(cols: tuple[int, ...]) -> _InputColumns:
    if not cols:
        return _InputColumns(lambda line: (), -1)
    pick = itemgetter(*cols)
    return _InputColumns(pick if len(cols) > 1 else lambda line: (pick(line),), max(cols))


_BLANKS = frozenset((None, ""))  # what a spare row holds in every input column


def _spare(line: list[Any], n: int, cols: tuple[int, ...], typed: _InputColumns) -> bool:
    """No value in any input column of the row: the columns picked at once when the row reaches
    them all (calamine's rows are all as wide as the sheet), else one by one."""
    if n > typed.last_col:
        try:
            return _BLANKS.issuperset(typed.values(line))
        except TypeError:  # an unhashable value (an xlwings caller's list): compared one by one
            pass
    return not any(line[c] is not None and line[c] != "" for c in cols if c < n)


class _ItemFields(NamedTuple):
    """A table item's column values: the fields its type declares in one call, then the others."""

    values: Any  # item → the plain fields' values, a tuple
    others: tuple[str, ...]  # dotted fields, and names the item type does not declare (read with get_path)


def _item_fields(table) -> _ItemFields:
    declared = {f.name for f in dataclasses.fields(table.item_type)} if dataclasses.is_dataclass(table.item_type) else set()
    plain = tuple(c.field for c in table.columns if c.field in declared)  # a "" field reads None: left out
    others = tuple(c.field for c in table.columns if c.field and c.field not in declared)
    if not plain:
        return _ItemFields(lambda item: (), others)
    pick = attrgetter(*plain)
    return _ItemFields(pick if len(plain) > 1 else lambda item: (pick(item),), others)


def _filled(item: Any, fields: _ItemFields) -> bool:
    """Any value (not None, not "") in the item's columns; a column with no field holds none."""
    values = fields.values(item)
    try:
        if not _BLANKS.issuperset(values):
            return True
    except TypeError:  # an unhashable value (a list): compared one by one
        if any(v not in (None, "") for v in values):
            return True
    return any(v not in (None, "") for v in (get_path(item, f) for f in fields.others))


class _ReadPlan(NamedTuple):
    """A fitted layout compiled for reading: flat cell lists, every address, source and dotted
    path (its walk, ``CompiledPath``; None for a plain attribute) made once."""

    inputs: list[tuple[int, int, str, str, CompiledPath | None, Source]]  # (row, col) 0-based, kind, path, walk, source
    computed: list[tuple[Cell, Source]]
    # per table: the table, its input columns (0-based), its input steps (col, kind, path, walk),
    # whether it has computed columns, its input columns picked at once, and its items' fields
    tables: list[tuple[Any, tuple[int, ...], list[tuple[int, str, str, CompiledPath | None]], bool, _InputColumns,
                       _ItemFields]]


def _walk(path: str) -> CompiledPath | None:
    return None if "." not in path else compiled_path(path)


def _plan(layout: Layout) -> _ReadPlan:
    plan = layout.__dict__.get("_read_plan")  # layouts are cached by shape: compile each once
    if plan is None:
        sheet, fields = layout.sheet, _fields(layout)
        tables = []
        for t in layout.tables:
            cols = tuple(c.col - 1 for c in t.columns if c.role == INPUT)
            tables.append((t, cols, [(c.col - 1, c.kind, c.field, _walk(c.field)) for c in t.columns if c.role == INPUT],
                           any(c.role == COMPUTED for c in t.columns), _input_columns(cols), _item_fields(t)))
        plan = layout.__dict__["_read_plan"] = _ReadPlan(
            [(c.row - 1, c.col - 1, c.kind, c.field, _walk(c.field), _source(sheet, c.row, c.col))
             for c in fields if c.role == INPUT],
            [(c, _source(sheet, c.row, c.col)) for c in fields if c.role != INPUT],
            tables)
    return plan


def fill_merged(layout: Layout, table, grid: Grid, items: list[Any], ranges: list[CellRange] | None) -> None:
    """A read row with a blank 一级/二级 (a ``merge_down`` column) takes the value of the merged
    range covering it, and points at that range's cell; a row not under a merged value keeps its
    blank (reported as today). Without ``ranges`` the value is carried down from the read row
    directly above, a 二级 only under the same 一级. Spare rows are never read, so never filled."""
    columns = merge_down_columns(table)
    if not columns or not items:
        return
    if not any(_blank(getattr(item, c.field)) for item in items for c in columns):
        return  # nothing to fill (most tables): the merged ranges are not even looked at
    anchors = None if ranges is None else [MergedAnchors(ranges, c.col, table.first_row) for c in columns]
    above: dict[str, Any] = {}  # the previous row's values, for carrying down
    above_row = -1
    for item in items:
        row = _row_of(item, columns[0].field)
        if row is None:
            continue
        for depth, cell in enumerate(columns):
            if not _blank(getattr(item, cell.field)):
                continue
            if anchors is not None:
                anchor = anchors[depth].anchor(row)
                if anchor is None:
                    continue
                value, ok = convert(grid.value(anchor, cell.col), cell.kind)
                if not ok or _blank(value):
                    continue
                setattr(item, cell.field, value)
                item.sources[cell.field] = _source(layout.sheet, anchor, cell.col)
            elif above_row == row - 1 and all(getattr(item, outer.field) == above.get(outer.field)
                                              for outer in columns[:depth]):
                if not _blank(above.get(cell.field)):
                    setattr(item, cell.field, above[cell.field])
                    item.sources[cell.field] = above[f"source:{cell.field}"]
        above = {c.field: getattr(item, c.field) for c in columns}
        above.update({f"source:{c.field}": item.sources.get(c.field) for c in columns})
        above_row = row


def _row_of(item: Any, field_name: str) -> int | None:
    """The sheet row an item was read from (its cells' sources)."""
    src = item.sources.get(field_name) if isinstance(item, Located) else None
    if src is None:
        return None
    return int(src.cell.lstrip(ascii_uppercase))  # "B12" → 12 (sources are made by _source)


def _record_headers(layout: Layout, table, obj: Any) -> None:
    """The header cell of each column (the row above the table) as the source of "table.column":
    where a finding about a whole table or column (分值合计, a missing 一级指标) points."""
    if not isinstance(obj, Located) or table.first_row < 2:
        return
    for cell in table.columns:
        obj.sources.setdefault(f"{table.field}.{cell.field}", _source(layout.sheet, table.first_row - 1, cell.col))


def _fields(layout: Layout) -> list[Cell]:
    cells = layout.__dict__.get("_fields")  # layouts are cached: list their field cells once
    if cells is None:
        cells = layout.__dict__["_fields"] = layout.fields()
    return cells


_NOT_COMPUTED = object()  # _check_formula did not compute the cell's value


def _check_formula(cell: Cell, raw: Any, source: Source, xml: SheetXml | None, obj: Any, sub: Submission) -> Any:
    """A template formula cell that holds a constant (typed over): S102; or that was cleared while
    the figures it is computed from are filled in: S108 (the reader still computes it). Returns
    the core's value of the cell when it had to compute it (else _NOT_COMPUTED)."""
    if xml is not None and cell.formula and not cell.stamp and cell.field and cell.compute is not None \
            and _blank(raw) and xml.has_formula(source.cell) is not True:
        value = cell.compute(obj)
        if value not in (None, ""):
            sub.notices.append(ReadNotice("formula_cleared", source.sheet, source.cell, path_label(cell.field, type(obj)), _text(value)))
        return value
    if xml is None or not cell.formula or cell.stamp or _blank(raw) or isinstance(raw, CellError):
        return _NOT_COMPUTED
    if xml.has_formula(source.cell) is False:
        sub.notices.append(ReadNotice("formula_overwritten", source.sheet, source.cell, path_label(cell.field, type(obj)), _text(raw)))
    return _NOT_COMPUTED


def _store_computed(cell: Cell, raw: Any, source: Source, computed: Any, obj: Any, sub: Submission,
                    result: ReadResult) -> None:
    """A computed cell: its cached value, or, when it has none, the core's value (``computed``
    when _check_formula already worked it out from the same inputs)."""
    if _blank(raw) and cell.compute is not None:
        value = cell.compute(obj) if computed is _NOT_COMPUTED else computed
        if value not in (None, ""):
            result.recomputed.append(str(source))
        owner, rest = compiled_path(cell.field).set(obj, value)
        if isinstance(owner, Located):
            owner.sources[rest] = source
    else:
        _put(obj, cell.field, _walk(cell.field), cell.kind, raw, source, sub)


def _is_empty(layout: Layout, obj: Any) -> bool:
    """No input cell and no table of the sheet holds anything (stops at the first that does)."""
    if any(get_path(obj, path) not in (None, "") for _, _, _, path, _, _ in _plan(layout).inputs):
        return False
    return not any(get_path(obj, t.field) for t in layout.tables)


def _blank(raw: Any) -> bool:
    return raw is None or raw == ""


def _put(obj: Any, path: str, walk: CompiledPath | None, kind: str, raw: Any, source: Source, sub: Submission) -> None:
    """One cell's value into ``obj`` at ``path`` (``walk``: its compiled walk; None for a plain
    attribute), its source beside it on the model object that owns the field; a value that cannot
    be read is reported and left out."""
    if raw.__class__ is str and kind == "text":
        value = raw.strip()  # convert's answer for most cells, without the call (CellError is not str)
    elif raw.__class__ is float and kind in _FLOAT_KINDS and isfinite(raw):
        value = raw
    elif raw is None or raw.__class__ is str and raw == "":
        value = None if kind in NUMBER_KINDS else ""  # convert's answer for a blank cell
    else:
        value = _converted(obj, path, kind, raw, source, sub)
    if walk is None and isinstance(obj, Located):  # most cells: no path to walk
        setattr(obj, path, value)
        obj.sources[path] = source
        return
    owner, rest = (walk or compiled_path(path)).set(obj, value)
    if isinstance(owner, Located):
        owner.sources[rest] = source


def _converted(obj: Any, path: str, kind: str, raw: Any, source: Source, sub: Submission) -> Any:
    """convert's value, or None with the cell reported as unreadable."""
    value, ok = convert(raw, kind)
    if not ok:
        expected = "数字" if kind in NUMBER_KINDS else "文字（不能是错误值）"
        sub.unreadable.append(UnreadableCell(source.sheet, source.cell, path_label(path, type(obj)), _text(raw), expected))
        return None
    return value


@lru_cache(maxsize=1 << 16)
def _source(sheet: str, row: int, col: int) -> Source:
    """Sources are immutable and the same cells recur in every workbook: make each one once."""
    return Source(sheet, f"{get_column_letter(col)}{row}")


def convert(raw: Any, kind: str) -> tuple[Any, bool]:
    """A cell value as the model wants it; (None, False) when a number cell holds text, or any
    cell an error value."""
    if isinstance(raw, CellError):
        return None, False
    if _blank(raw):
        return (None if kind in NUMBER_KINDS else ""), True
    if kind not in NUMBER_KINDS:
        return _text(raw), True
    if isinstance(raw, bool):
        return None, False
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            return None, False
        return (int(raw) if kind == "year" else float(raw)), True
    if isinstance(raw, (dt.date, dt.datetime, dt.time)):
        return None, False
    number = parse_number(str(raw), percent_ok=kind == "rate")
    if number is None:
        return None, False
    return (int(number) if kind == "year" else number), True


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float):
        if raw.is_integer():
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()

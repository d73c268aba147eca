"""Read a filled workbook back into the model through the same layouts that wrote it.

Values come from python-calamine (fast, read-only, never runs macros). A computed cell with no
cached value (a workbook written by a program and never opened in Excel) gets the core's own
value for it, and the read says so. Text in a number cell is kept out of the model and
reported (``Submission.unreadable``) rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from ..core.model import Located, Source, Submission, UnreadableCell
from ..layout.grid import COMPUTED, INPUT, Cell, Layout
from ..layout.paths import get_path, set_path
from ..layout.choices import LISTS_SHEET
from ..layout.sheets import UNIT_SHEETS
from ..layout.workbook import SheetKind
from .results_read import attach_explanations

NUMBER_KINDS = ("amount", "rate", "points", "count", "year")


@dataclass
class ReadResult:
    submission: Submission
    recomputed: list[str] = field(default_factory=list)  # "项目1!H6": no cached value, core value used


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

    def find_in_column(self, col: int, text: str, start: int, stop: int) -> int | None:
        for row in range(start, stop + 1):
            if _text(self.value(row, col)) == text:
                return row
        return None


def read_workbook(path: str | Path, kinds: list[SheetKind] | None = None) -> ReadResult:
    """Read an .xlsx/.xlsm file (values only; macros are never run)."""
    kinds = kinds or UNIT_SHEETS
    book = CalamineWorkbook.from_path(str(path))
    plan = _rows_needed(kinds)
    sheets = {}
    for name in book.sheet_names:
        rows = plan.get(name, -1)
        if rows != 0:
            sheets[name] = book.get_sheet_by_name(name).to_python(skip_empty_area=False,
                                                                  nrows=rows if rows > 0 else None)
    return read_sheets(sheets, kinds)


def _rows_needed(kinds: list[SheetKind]) -> dict[str, int]:
    """Rows to read per fixed sheet name: 0 = skip (nothing to read), -1 = all (tables grow).

    Reading only what the layouts can use keeps a roll-up close to the bare read of a file.
    """
    key = tuple(id(k) for k in kinds)
    if key not in _PLANS:
        plan = {LISTS_SHEET: 0}
        for kind in kinds:
            if kind.repeated:
                continue  # found by the title in A1, under any sheet name
            layout = kind.layout()
            fields = layout.fields()
            if kind.view is not None or (not fields and not layout.tables):
                plan[kind.sheet] = 0
            elif not layout.tables:
                plan[kind.sheet] = max(c.row for c in fields)
            else:
                plan[kind.sheet] = -1
        _PLANS[key] = plan
    return _PLANS[key]


_PLANS: dict[tuple, dict[str, int]] = {}


def read_sheets(sheets: dict[str, list[list[Any]]], kinds: list[SheetKind] | None = None) -> ReadResult:
    """Read sheet values (rows from A1, as calamine or an xlwings book gives them) into the model."""
    kinds = kinds or UNIT_SHEETS
    grids = {name: Grid(rows) for name, rows in sheets.items()}
    sub = Submission()
    result = ReadResult(sub)
    for kind in kinds:
        if kind.view is not None:
            continue  # 项目清单: formulas over the other sheets, nothing of its own to read
        for name in _sheets_of(kind, grids):
            obj = kind.new()
            layout = _fit_layout(kind, name, grids[name])
            _read_sheet(layout, grids[name], obj, sub, result)
            if not kind.always and _is_empty(layout, obj):
                continue  # a sheet nobody filled (or the blank master sheet clerks copy)
            kind.attach(sub, obj)
    attach_explanations(sheets, sub)  # 情况说明 typed on a 校验结果 sheet
    return result


def _sheets_of(kind: SheetKind, grids: dict[str, Grid]) -> list[str]:
    if not kind.repeated:
        return [kind.sheet] if kind.sheet in grids else []
    return [name for name, grid in grids.items() if _text(grid.value(1, 1)) == kind.title]


def _fit_layout(kind: SheetKind, sheet: str, grid: Grid) -> Layout:
    """Rebuild the layout with each table's real number of rows (clerks insert rows)."""
    capacities: dict[str, int] = {}
    layout = kind.layout(sheet, capacities)
    for index in range(len(layout.tables)):
        table = layout.tables[index]  # from the latest rebuild: a table above may have moved it
        end = grid.find_in_column(1, table.end_label, table.first_row, table.first_row + 100_000)
        if end is not None and end - table.first_row != table.capacity:
            capacities[table.field] = max(end - table.first_row, 0)
            layout = kind.layout(sheet, capacities)
    return layout


def _read_sheet(layout: Layout, grid: Grid, obj: Any, sub: Submission, result: ReadResult) -> None:
    computed: list[tuple[Cell, Any]] = []
    for cell in layout.fields():
        if cell.role == INPUT:
            _store(layout, cell, grid, obj, obj, cell.field, sub)
        else:
            computed.append((cell, grid.value(cell.row, cell.col)))
    for table in layout.tables:
        items = []
        for i in range(table.capacity):
            row_cells = table.cells_of_row(i)
            if all(_blank(grid.value(c.row, c.col)) for c in row_cells if c.role == INPUT):
                continue  # a spare row: nothing typed, so nothing to read (most rows of a table)
            item = table.item_type()
            for cell in row_cells:
                if cell.role == INPUT:
                    _store(layout, cell, grid, item, item, cell.field, sub)
            for cell in row_cells:  # computed columns (楼堂馆所 控制率), after the row's inputs
                if cell.role == COMPUTED:
                    _store_computed(layout, cell, grid.value(cell.row, cell.col), grid, item, sub, result)
            if any(v not in (None, "") for v in _values(item, table)):
                items.append(item)
        set_path(obj, table.field, items)
    for cell, raw in computed:  # after the inputs: a missing cached value is recomputed from them
        _store_computed(layout, cell, raw, grid, obj, sub, result)


def _store_computed(layout: Layout, cell: Cell, raw: Any, grid: Grid, obj: Any, sub: Submission,
                    result: ReadResult) -> None:
    if _blank(raw) and cell.compute is not None:
        value = cell.compute(obj)
        if value not in (None, ""):
            result.recomputed.append(f"{layout.sheet}!{cell.ref}")
        set_path(obj, cell.field, value)
        _record(obj, cell.field, layout.sheet, cell.ref)
    else:
        _store(layout, cell, grid, obj, obj, cell.field, sub, raw=raw)


def _values(item: Any, table) -> list[Any]:
    return [getattr(item, c.field, None) if "." not in c.field else get_path(item, c.field) for c in table.columns]


def _is_empty(layout: Layout, obj: Any) -> bool:
    inputs = [get_path(obj, c.field) for c in layout.fields() if c.role == INPUT]
    lists = [get_path(obj, t.field) for t in layout.tables]
    return all(v in (None, "") for v in inputs) and not any(lists)


def _blank(raw: Any) -> bool:
    return raw is None or raw == ""


def _store(layout: Layout, cell: Cell, grid: Grid, root: Any, obj: Any, path: str, sub: Submission,
           raw: Any = None) -> None:
    if raw is None:
        raw = grid.value(cell.row, cell.col)
    value, ok = convert(raw, cell.kind)
    if not ok:
        sub.unreadable.append(UnreadableCell(layout.sheet, cell.ref, _label(obj, path), _text(raw)))
        value = None
    if "." not in path and isinstance(obj, Located):  # most cells: skip the path walk
        setattr(obj, path, value)
        obj.sources[path] = Source(layout.sheet, cell.ref)
        return
    set_path(obj, path, value)
    _record(obj, path, layout.sheet, cell.ref)


def _owner(obj: Any, path: str) -> tuple[Any, str]:
    """The last model object on the path and the rest of the path: where the field's source lives."""
    owner, rest = obj, path
    parts = path.split(".")
    node = obj
    for i, part in enumerate(parts[:-1]):
        node = node.get(part) if isinstance(node, dict) else getattr(node, part, None)
        if isinstance(node, Located):
            owner, rest = node, ".".join(parts[i + 1:])
        elif not isinstance(node, dict):
            break
    return owner, rest


def _record(obj: Any, path: str, sheet: str, ref: str) -> None:
    owner, rest = _owner(obj, path)
    if isinstance(owner, Located):
        owner.sources[rest] = Source(sheet, ref)


def _label(obj: Any, path: str) -> str:
    owner, rest = _owner(obj, path)
    return type(owner).label_of(rest) if isinstance(owner, Located) else rest


_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋％", "0123456789.,-+%")


def convert(raw: Any, kind: str) -> tuple[Any, bool]:
    """A cell value as the model wants it; (None, False) when a number cell holds text."""
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
    text = unicodedata.normalize("NFKC", str(raw)).translate(_FULLWIDTH).replace(",", "").strip()
    percent = text.endswith("%")
    text = text.rstrip("%").strip()
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
        return None, False
    number = float(text) / (100 if percent else 1)
    if percent and kind != "rate":
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

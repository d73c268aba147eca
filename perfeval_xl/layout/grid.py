"""Declarative sheet layouts: where every field lives, what is typed and what is computed.

A layout is built once in code by placing cells row by row; the builder computes every
address, so no cell address is written twice. The writer renders a layout (styles, merges,
formulas, validation, defined names), the reader reads values back through the same layout,
and the docs list its names. Formulas name fields, not cells: "{funding_total.executed}"
becomes "E6"; "{@basic:staff_actual}" a cell of another sheet's layout; "{row.points}" the
cell of that column in the same table row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .columns import get_column_letter  # not openpyxl's: validate never loads openpyxl

# Roles of cells
TITLE, LABEL, HEADER, INPUT, COMPUTED, NOTE = "title", "label", "header", "input", "computed", "note"

# Kinds of values: number format and the validation typed cells get
KINDS = {
    "text": None,
    "amount": "0.00",  # 万元, two decimals as printed (the value keeps every decimal typed)
    "rate": "0.00%",
    "points": "0.00",  # 分值 and 得分
    "count": "0",
    "year": "0",
}


@dataclass(frozen=True)
class Choice:
    """A dropdown: a literal list, or a list kept on the hidden lists sheet under ``source``."""

    items: tuple[str, ...] = ()
    source: str = ""  # a defined name or a formula (=INDIRECT(...)) for dependent lists
    prompt: str = ""


@dataclass
class Cell:
    row: int
    col: int
    role: str
    text: str = ""  # labels, titles, headers, notes
    field: str = ""  # model path relative to the sheet's object ("funding_total.executed")
    kind: str = "text"
    formula: str = ""  # template with {field} placeholders, for computed cells
    compute: Callable[[Any], Any] | None = None  # the core's value of a computed field
    rows: int = 1
    cols: int = 1
    choice: Choice | None = None
    prompt: str = ""  # Chinese input message shown when the cell is selected
    wrap: bool = False
    align: str = "center"
    stamp: bool = False  # computed cell that always shows the template's value (e.g. the version)
    merge_down: bool = False  # table column: consecutive rows sharing a value print merged (layout/merges.py)

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"

    @property
    def area(self) -> str:
        if self.rows == 1 and self.cols == 1:
            return self.ref
        return f"{self.ref}:{get_column_letter(self.col + self.cols - 1)}{self.row + self.rows - 1}"


@dataclass
class Table:
    """Rows that repeat (绩效指标, 本级专项资金 …): one template row of cells, ``capacity`` rows."""

    field: str  # list field of the sheet's object, e.g. "indicators"
    item_type: type
    first_row: int
    capacity: int
    columns: list[Cell]  # row = first_row; field = the item's attribute
    end_label: str  # text in column A of the row after the table: how a reader finds its end

    @property
    def last_row(self) -> int:
        return self.first_row + self.capacity - 1

    def cells_of_row(self, index: int) -> list[Cell]:
        rows = self.__dict__.setdefault("_rows", {})  # layouts are shared by readers: build each row once
        if index not in rows:
            rows[index] = [Cell(**{**c.__dict__, "row": self.first_row + index}) for c in self.columns]
        return rows[index]

    def area(self) -> str:
        first = min(c.col for c in self.columns)
        last = max(c.col + c.cols - 1 for c in self.columns)
        return f"{get_column_letter(first)}{self.first_row}:{get_column_letter(last)}{self.last_row}"


@dataclass
class Layout:
    key: str  # short ASCII id used in defined names and cross-sheet references ("project", "basic")
    sheet: str  # sheet name
    widths: list[float]
    landscape: bool
    cells: list[Cell] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    print_title_rows: str = ""  # "1:2"
    print_last_row: int = 0  # last row of the print area (0: the whole sheet)
    freeze: str = ""  # "A6"
    attachment: str = ""  # "附件1": printed top left, as on the circulated forms
    keep_together: list[tuple[int, int]] = field(default_factory=list)  # row ranges a page never splits
    names_scope_sheet: bool = False  # project sheets: names are sheet-scoped

    def cell_of(self, field_path: str) -> Cell:
        for c in self.cells:
            if c.field == field_path and c.role in (INPUT, COMPUTED):
                return c
        raise KeyError(f"{self.key}: no cell for field {field_path!r}")

    def fields(self) -> list[Cell]:
        return [c for c in self.cells if c.role in (INPUT, COMPUTED) and c.field]

    @property
    def last_col(self) -> int:
        return len(self.widths)


_PLACEHOLDER = re.compile(r"\{(@(?P<sheet>\w+):)?(?P<path>[\w.]+)\}")


def resolve(formula: str, layout: Layout, layouts: dict[str, Layout], row_cells: dict[str, Cell] | None = None) -> str:
    """Turn a formula template into an Excel formula."""

    def sub(m: re.Match) -> str:
        path = m["path"]
        if m["sheet"]:
            other = layouts[m["sheet"]]
            return f"'{other.sheet}'!${_abs(other.cell_of(path).ref)}"
        if path.startswith("row.") and row_cells is not None:
            return row_cells[path[4:]].ref
        if path.startswith("table."):  # the whole column of a table: SUM({table.indicators.points})
            _, table_field, column = path.split(".")
            table = next(t for t in layout.tables if t.field == table_field)
            col = next(c for c in table.columns if c.field == column)
            letter = get_column_letter(col.col)
            return f"{letter}{table.first_row}:{letter}{table.last_row}"
        return layout.cell_of(path).ref

    return _PLACEHOLDER.sub(sub, formula)


def referenced_sheets(formula: str) -> set[str]:
    """The keys of the other layouts a formula template reads ({@cover:unit.year} → {"cover"})."""
    return {m["sheet"] for m in _PLACEHOLDER.finditer(formula) if m["sheet"]}


def _abs(ref: str) -> str:
    m = re.match(r"([A-Z]+)(\d+)", ref)
    return f"{m[1]}${m[2]}"


class Builder:
    """Place cells row by row; ``build()`` returns the Layout."""

    def __init__(self, key: str, sheet: str, widths: list[float], landscape: bool = False) -> None:
        self.layout = Layout(key, sheet, widths, landscape)
        self.row = 0

    def next_row(self, height: float | None = None) -> int:
        self.row += 1
        if height:
            self.layout.heights[self.row] = height
        return self.row

    def _add(self, cell: Cell) -> Cell:
        self.layout.cells.append(cell)
        return cell

    def title(self, text: str, height: float = 30) -> Cell:
        r = self.next_row(height)
        return self._add(Cell(r, 1, TITLE, text=text, cols=self.layout.last_col))

    def note(self, text: str, height: float | None = None, col: int = 1, cols: int | None = None,
             row: int | None = None) -> Cell:
        r = row or self.next_row(height)
        return self._add(Cell(r, col, NOTE, text=text, cols=cols or self.layout.last_col - col + 1, wrap=True,
                              align="left"))

    def label(self, col: int, text: str, cols: int = 1, rows: int = 1, row: int | None = None,
              header: bool = False, align: str = "center") -> Cell:
        return self._add(Cell(row or self.row, col, HEADER if header else LABEL, text=text, cols=cols, rows=rows,
                              wrap=True, align=align))

    def input(self, col: int, field_path: str, kind: str = "text", cols: int = 1, rows: int = 1,
              choice: Choice | None = None, prompt: str = "", row: int | None = None, align: str = "center") -> Cell:
        return self._add(Cell(row or self.row, col, INPUT, field=field_path, kind=kind, cols=cols, rows=rows,
                              choice=choice, prompt=prompt, wrap=kind == "text", align=align))

    def computed(self, col: int, field_path: str, formula: str, compute: Callable[[Any], Any] | None,
                 kind: str = "amount", cols: int = 1, row: int | None = None) -> Cell:
        return self._add(Cell(row or self.row, col, COMPUTED, field=field_path, kind=kind, formula=formula,
                              compute=compute, cols=cols))

    def table(self, field_path: str, item_type: type, capacity: int, columns: list[Cell], end_label: str,
              height: float | None = None) -> Table:
        first = self.row + 1
        for _ in range(capacity):
            self.next_row(height)
        for c in columns:
            c.row = first
        t = Table(field_path, item_type, first, capacity, columns, end_label)
        self.layout.tables.append(t)
        return t

    def build(self) -> Layout:
        return self.layout

"""Cells shared by consecutive rows of a table: 一级/二级 of the 绩效指标, merged as the printed forms do.

A table column marked ``merge_down`` prints one merged cell over the consecutive rows holding the
same value; a column marked after another one merges only inside the other's merged runs (a 二级
never spans two 一级). The writer merges by ``shared_runs``; the reader gives every row of a
merged range its value by ``MergedAnchors`` (a merged range shows its value once, and calamine
reads the other cells as blank), so a workbook reads the same whether a clerk kept, removed or
changed the merges.
"""

from __future__ import annotations

import bisect
from typing import Any, Sequence

from .grid import Cell, Table
from .paths import get_path

# (first row, first column, last row, last column), 1-based and inclusive, as in "A13:A16"
CellRange = tuple[int, int, int, int]


def merge_down_columns(table: Table) -> list[Cell]:
    """The table's columns that merge over rows, outermost (leftmost declared) first."""
    return [c for c in table.columns if c.merge_down]


def shared_runs(table: Table, items: Sequence[Any]) -> dict[str, list[tuple[int, int]]]:
    """For each merge-down column: the (first, last) item indexes, last > first, of each run of rows
    sharing a non-blank value, nested inside the runs of the columns before it."""
    columns = merge_down_columns(table)
    # A row holding nothing but 一级/二级 keeps its own 二级 cell: merged whole, it would read as a
    # spare row and be lost.
    others = [c.field for c in table.columns if not c.merge_down]
    has_own = [any(not _blank(get_path(item, name)) for name in others) for item in items]
    values = [[get_path(item, c.field) for item in items] for c in columns]
    return {c.field: runs for c, runs in zip(columns, nested_runs(values, has_own))}


def nested_runs(columns: Sequence[Sequence[Any]], joins: Sequence[bool] | None = None) -> list[list[tuple[int, int]]]:
    """Per column of values (outermost first): the (first, last) indexes, last > first, of each run of
    equal non-blank text, inside the runs of the column before. ``joins[i]`` False: row i never
    joins a run of the innermost column."""
    out: list[list[tuple[int, int]]] = []
    bounds = [(0, len(columns[0]) - 1)] if columns and columns[0] else []
    for depth, values in enumerate(columns):
        innermost = depth == len(columns) - 1
        runs: list[tuple[int, int]] = []
        for first, last in bounds:
            i = first
            while i <= last:
                j = i
                while j < last and _shared(values[i]) and values[j + 1] == values[i] \
                        and (not innermost or joins is None or joins[j + 1]):
                    j += 1
                runs.append((i, j))
                i = j + 1
        out.append([run for run in runs if run[1] > run[0]])
        bounds = runs
    return out


def _shared(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class MergedAnchors:
    """The merged ranges of one column, to look up from any number of rows (a hostile file may hold
    very many ranges: each lookup is a bisection)."""

    def __init__(self, ranges: Sequence[CellRange], col: int, first_row: int) -> None:
        spans = sorted((top, bottom) for top, left, bottom, right in ranges
                       if left <= col <= right and bottom > top and top >= first_row)
        self.tops = [top for top, _ in spans]
        self.bottoms = [bottom for _, bottom in spans]

    def anchor(self, row: int) -> int | None:
        """The row of the cell showing the value of ``row`` when a range merges it with rows above
        (not above the table's first row: a merge up into the header is not a value); else None."""
        i = bisect.bisect_left(self.tops, row) - 1  # the last range starting above the row
        if i >= 0 and self.bottoms[i] >= row:
            return self.tops[i]
        return None

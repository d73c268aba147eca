"""The 校验 button reads merged 一级/二级 cells where the engine can tell them.

A desktop Excel (COM, and the Mac engine) answers ``Range.merge_area``: ``read_merges`` asks it
for the blank 一级/二级 cells of the read table rows and hands the ranges to ``read_sheets``, so a
genuinely blank 一级 under a filled one is reported (T118) exactly as the file reader reports it.
The COM book is faked here from the openpyxl workbook (the merged ranges Excel would report);
the Office.js/Lite book is xlwings' own (tests/xlwings_harness.py), whose merge areas are not
readable synchronously: the button then carries a blank 一级 down from the row above, as documented.
"""

from __future__ import annotations

import pytest
import xlwings as xw
from openpyxl import load_workbook

from perfeval_xl.core.settings import Settings
from perfeval_xl.core.validate import validate
from perfeval_xl.excel import scripts
from perfeval_xl.excel.validate_book import read_merges
from perfeval_xl.io.xlsx_read import read_sheets, read_workbook
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.sheets import UNIT_SHEETS

from .conftest import load_seed
from .xlwings_harness import book_payload, computed_values, run_script

BLANK_LEVEL1 = ("T118", "项目1", "A20")  # 社会效益指标's row once A19:A22 (效益指标) is unmerged


class Area:
    """What ``Range.merge_area`` returns, as far as ``read_merges`` reads it."""

    def __init__(self, top: int, left: int, bottom: int, right: int) -> None:
        self.row, self.column = top, left
        self.last_cell = type("LastCell", (), {"row": bottom, "column": right})()


class ComSheet:
    def __init__(self, ws, calls: list) -> None:
        self.ws, self.calls = ws, calls

    def range(self, cell):
        sheet = self

        class OneCell:
            @property
            def merge_area(self) -> Area:
                row, col = cell
                sheet.calls.append((sheet.ws.title, row, col))
                for m in sheet.ws.merged_cells.ranges:
                    if m.min_row <= row <= m.max_row and m.min_col <= col <= m.max_col:
                        return Area(m.min_row, m.min_col, m.max_row, m.max_col)
                return Area(row, col, row, col)  # Excel: the cell itself when it is not merged

        return OneCell()


class ComBook:
    """The part of a desktop ``xw.Book`` that ``read_merges`` uses, answered from the file."""

    def __init__(self, path, calls: list) -> None:
        wb = load_workbook(path)
        self.sheets = {ws.title: ComSheet(ws, calls) for ws in wb.worksheets}


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """The seed's unit workbook as written (merged 一级/二级), and with 项目1's 效益指标 unmerged."""
    root = tmp_path_factory.mktemp("merges")
    merged, unmerged = root / "merged.xlsx", root / "unmerged.xlsx"
    save_atomic(build_workbook(load_seed("seed000_yanghu_2022.json"), UNIT_SHEETS), merged)
    wb = load_workbook(merged)
    wb["项目1"].unmerge_cells("A19:A22")
    wb.save(unmerged)
    return {name: (path, book_payload(path, computed_values(path))) for name, path in
            (("merged", merged), ("unmerged", unmerged))}


def values(payload) -> dict:
    return {s["name"]: s["values"] for s in payload["sheets"]}


def levels(sub) -> list:
    return [[(i.level1, i.level2, str(i.sources.get("level1")), str(i.sources.get("level2"))) for i in p.indicators]
            for p in sub.projects]


def blank_level1(sub) -> list:
    return [(f.rule, f.location.sheet, f.location.cell) for f in validate(sub, Settings.default()).findings
            if f.rule == "T118" and "缺少一级指标" in f.message]


@pytest.mark.parametrize("name", ["merged", "unmerged"])
def test_com_book_reads_as_the_file_reader(books, name):
    path, payload = books[name]
    calls: list = []
    sheets = values(payload)
    merges = read_merges(ComBook(path, calls), sheets, UNIT_SHEETS)
    from_button = read_sheets(sheets, UNIT_SHEETS, merges=merges).submission
    from_file = read_workbook(path).submission
    assert levels(from_button) == levels(from_file)
    assert blank_level1(from_button) == blank_level1(from_file) == ([BLANK_LEVEL1] if name == "unmerged" else [])
    if name == "merged":
        # one round trip per merged 一级/二级 block of 项目1 (A13:A18, A19:A22, B13:B14, B16:B17), none per cell
        assert [c for c in calls if c[0] == "项目1"] == [("项目1", 14, 1), ("项目1", 20, 1), ("项目1", 14, 2),
                                                        ("项目1", 17, 2)]
        assert sorted(merges["项目1"]) == [(13, 1, 18, 1), (13, 2, 14, 2), (16, 2, 17, 2), (19, 1, 22, 1)]
    else:
        # the unmerged rows are asked once each (A20, A21, A22: the cell itself, not merged)
        assert [c for c in calls if c[0] == "项目1" and c[2] == 1] == [("项目1", 14, 1), ("项目1", 20, 1),
                                                                      ("项目1", 21, 1), ("项目1", 22, 1)]
        assert (19, 1, 22, 1) not in merges["项目1"]


def test_values_only_would_carry_the_blank_level1_down(books):
    _, payload = books["unmerged"]
    assert blank_level1(read_sheets(values(payload), UNIT_SHEETS).submission) == []


def test_office_js_book_cannot_tell_merges_and_carries_down(books):
    """xlwings Lite / Office.js: merge areas are not readable synchronously, so no merges are passed
    (None, not an empty list: an empty list would mean "nothing is merged" and report every merged
    row), and the button runs as before."""
    path, payload = books["unmerged"]
    book = xw.Book(json=payload)
    assert read_merges(book, values(payload), UNIT_SHEETS) is None
    actions = run_script(scripts, "validate", payload)
    written = [v for a in actions if a["func"] == "setValues" for row in a["values"] for v in row]
    assert any("T103" == v for v in written) and not any("缺少一级指标" in str(v) for v in written)

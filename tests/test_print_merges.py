"""一级/二级 merged over the rows that share them, as on the printed forms; read back whatever the merges.

The 王家河 department table (seed 003) has 27 indicator rows, rows 14–40 of its sheet: 产出 ×18
(数量 ×10, 质量 ×2, 时效 ×6), 效益 ×4, 满意度 ×1, 成本 ×4 (经济 ×2, then 社会 and 生态环境 with
nothing but their 一级/二级).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from perfeval_xl.core.model import Indicator
from perfeval_xl.core.validate import validate
from perfeval_xl.io.xlsx_read import read_sheets, read_workbook
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.grid import Table
from perfeval_xl.layout.merges import shared_runs
from perfeval_xl.layout.project import indicator_columns
from perfeval_xl.layout.sheets import UNIT_SHEETS

from .conftest import load_seed, values_only

SHEET = "部门整体支出绩效自评表"
FIRST, LAST = 14, 40  # the indicator rows
LEVEL_MERGES = ["A14:A31", "A32:A35", "A37:A40", "B14:B23", "B24:B25", "B26:B31", "B37:B38"]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("merges") / "王家河.xlsx"
    save_atomic(build_workbook(load_seed("seed003_wangjiahe_2023.json"), UNIT_SHEETS), path)
    return path


def _level_merges(ws) -> list[str]:
    return sorted(str(r) for r in ws.merged_cells.ranges
                  if r.max_col <= 2 and FIRST <= r.min_row and r.max_row <= LAST)


def _edited(written: Path, tmp_path: Path, edit) -> Path:
    wb = load_workbook(written)
    edit(wb[SHEET])
    out = tmp_path / "edited.xlsx"
    wb.save(out)
    return out


def _levels(path: Path) -> list[tuple[str, str]]:
    return [(i.level1, i.level2) for i in read_workbook(path).submission.department.indicators]


def _findings(sub) -> list[tuple[str, str]]:
    return sorted((f.rule, f.location.cell) for f in validate(sub).findings)


SEED_LEVELS = [(i.level1, i.level2) for i in load_seed("seed003_wangjiahe_2023.json").department.indicators]
SEED_FINDINGS = [("T109", "H33"), ("T111", "G25"), ("T111", "G32"), ("T111", "G33"), ("T111", "G36"),
                 ("T115", "E22"), ("T116", "H19"), ("T116", "H20"), ("T118", "G24")]


# ---------------------------------------------------------------- what is merged


def test_rows_sharing_their_levels_are_merged_and_a_level2_never_spans_two_level1():
    items = [Indicator(level1=a, level2=b, name=n) for a, b, n in (
        ("产出指标", "数量指标", "x"), ("产出指标", "数量指标", "y"), ("效益指标", "数量指标", "z"),
        ("效益指标", "社会效益指标", "w"), ("效益指标", "社会效益指标", ""), ("", "", "v"), ("", "", "u"))]
    table = Table("indicators", Indicator, 1, 7, indicator_columns(), "总分")
    # 二级 "数量指标" of rows 1–3 stops at the 一级 change; row 5 holds nothing but its levels, so its
    # 二级 stays its own cell (merged whole it would read as a spare row); blanks never merge
    assert shared_runs(table, items) == {"level1": [(0, 1), (2, 4)], "level2": [(0, 1)]}


def test_the_written_department_table_merges_its_levels_as_printed(written):
    ws = load_workbook(written)[SHEET]
    assert _level_merges(ws) == sorted(LEVEL_MERGES)
    assert ws["A14"].value == "产出指标" and ws["A15"].value is None
    # the 二级 dropdown of a merged row lists the 二级 of the merged 一级 above it
    formulas = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if "INDIRECT" in dv.formula1}
    assert formulas["B15"] == 'INDIRECT("L2_"&A14)' and formulas["B33"] == 'INDIRECT("L2_"&A32)'
    assert formulas["B36"] == 'INDIRECT("L2_"&A36)'
    # a page never starts inside a merged block
    assert all(not (14 <= b.id < 31) for b in ws.row_breaks.brk), [b.id for b in ws.row_breaks.brk]


def test_a_template_merges_nothing_in_its_indicator_rows(tmp_path):
    wb = build_workbook(None, UNIT_SHEETS)
    assert _level_merges(wb[SHEET]) == []


# ---------------------------------------------------------------- read back whatever the merges


def test_the_merged_workbook_reads_every_row_with_its_levels(written):
    sub = read_workbook(written).submission
    assert [(i.level1, i.level2) for i in sub.department.indicators] == SEED_LEVELS
    seed = load_seed("seed003_wangjiahe_2023.json").department
    assert values_only(sub.department)["indicators"] == values_only(seed)["indicators"]
    assert _findings(sub) == SEED_FINDINGS
    # a merged row's 一级 points at the merged cell that shows it
    rows = sub.department.indicators
    assert rows[1].source("level1").cell == "A14" and rows[1].source("level2").cell == "B14"
    assert rows[1].source("name").cell == "C15"


def _unmerge_and_type(ws):
    for area in LEVEL_MERGES:
        ws.unmerge_cells(area)
    for row, (level1, level2) in enumerate(SEED_LEVELS, start=FIRST):
        ws[f"A{row}"], ws[f"B{row}"] = level1, level2


def _partly(ws):  # 产出 typed row by row, the other merges kept
    ws.unmerge_cells("A14:A31")
    for row in range(15, 32):
        ws[f"A{row}"] = "产出指标"


def _differently(ws):  # 产出 as two merged blocks; 成本 merged down over the spare rows
    ws.unmerge_cells("A14:A31")
    ws.merge_cells("A14:A20")
    ws["A21"] = "产出指标"
    ws.merge_cells("A21:A31")
    ws.unmerge_cells("A37:A40")
    ws.merge_cells("A37:A45")


@pytest.mark.parametrize("edit", [_unmerge_and_type, _partly, _differently], ids=["unmerged", "partly", "differently"])
def test_unmerged_partly_or_differently_merged_workbooks_read_alike(written, tmp_path, edit):
    path = _edited(written, tmp_path, edit)
    sub = read_workbook(path).submission
    assert _levels(path) == SEED_LEVELS and len(sub.department.indicators) == 27  # the spare rows stay spare
    assert values_only(sub.department) == values_only(read_workbook(written).submission.department)
    assert _findings(sub) == SEED_FINDINGS


def test_levels_left_blank_after_unmerging_are_reported_as_today(written, tmp_path):
    path = _edited(written, tmp_path, lambda ws: [ws.unmerge_cells(a) for a in LEVEL_MERGES])
    sub = read_workbook(path).submission
    blank1 = [*range(15, 32), *range(33, 36), 38]  # rows whose 一级 was shown by a merge above
    # rows 39–40 hold only their 二级 now: placeholders, which T118 does not check
    # 决算真实性 (row 24) already lacked its 得分: its T118 now points at the first missing cell, A24
    expected = [f for f in SEED_FINDINGS if f != ("T118", "G24")] + [("T118", f"A{r}") for r in blank1]
    assert _findings(sub) == sorted(expected)
    messages = {f.location.cell: f.message for f in validate(sub).findings if f.rule == "T118"}
    assert messages["A15"].endswith("缺少一级指标、二级指标。")
    assert messages["A24"].endswith("缺少一级指标、得分。")  # 决算真实性: its 得分 was already missing
    assert "A32" not in messages and "A36" not in messages  # each block's first row keeps its levels


def test_a_values_only_read_carries_blank_levels_down_from_the_row_above(written):
    """An xlwings book gives values without merges: a blank 一级/二级 of a read row is the row above's."""
    book = CalamineWorkbook.from_path(str(written))
    sheets = {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
    sub = read_sheets(sheets).submission
    assert [(i.level1, i.level2) for i in sub.department.indicators] == SEED_LEVELS
    assert _findings(sub) == SEED_FINDINGS
    # with the merges known to be none, the same blanks are reported
    assert read_sheets(sheets, merges={}).submission.department.indicators[1].level1 == ""


def test_merged_anchors_find_the_range_above_a_row_and_ignore_a_merge_into_the_header():
    from perfeval_xl.layout.merges import MergedAnchors

    ranges = [(13, 1, 15, 1), (16, 1, 18, 1), (16, 2, 17, 3), (30, 1, 30, 4)]  # (top, left, bottom, right)
    column_a = MergedAnchors(ranges, col=1, first_row=14)
    assert [column_a.anchor(r) for r in (14, 15, 16, 17, 18, 19, 30)] == [None, None, None, 16, 16, None, None]
    assert MergedAnchors(ranges, col=3, first_row=14).anchor(17) == 16  # a range over several columns
    # a hostile file's hundred thousand ranges: each lookup bisects
    many = MergedAnchors([(r, 1, r + 1, 1) for r in range(14, 200_014, 2)], col=1, first_row=14)
    assert (many.anchor(100_001), many.anchor(100_000), many.anchor(200_013)) == (100_000, None, 200_012)

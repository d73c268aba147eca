"""执行率 of 0/0 (nothing budgeted, nothing spent) shows "—" — text, centred — in the 区汇总 and in the
退回意见; a figure that is missing leaves the rate blank."""

import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from perfeval_xl.core.formulas import rate_shown
from perfeval_xl.core.score import NO_FIGURE
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.sheets import UNIT_SHEETS
from perfeval_xl.rollup import rollup

from .conftest import load_seed

T0 = 1_680_000_000 * 10**9


def _save(sub, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    save_atomic(build_workbook(sub, UNIT_SHEETS), path)
    os.utime(path, ns=(T0, T0))


@pytest.fixture(scope="module")
def rolled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dash")
    zero = load_seed("seed000_yanghu_2022.json")  # every project: 全年预算 0, 全年执行 0
    for p in zero.projects:
        for row in (p.funding_total, p.funding_current_year):
            row.initial_budget = row.annual_budget = row.executed = 0.0
    missing = load_seed("seed000_yanghu_2022.json")  # 全年执行 not filled in yet
    missing.unit.unit_name, missing.unit.budget_code = "长沙市岳麓区坪塘街道办事处", "901002"
    for p in missing.projects:
        for row in (p.funding_total, p.funding_current_year):
            row.executed = None
    _save(zero, tmp / "in" / "洋湖.xlsx")
    _save(missing, tmp / "in" / "坪塘.xlsx")
    rollup(tmp / "in", tmp / "区汇总.xlsx", jobs=1, feedback_dir=tmp / "退回意见")
    return tmp


def cells(book, sheet: str, header: str):
    """(value, horizontal alignment, number format) of every cell of a column below its header row."""
    ws = book[sheet]
    head = next(r for r in ws.iter_rows(max_row=40) if any(c.value == header for c in r))
    col = next(c.column for c in head if c.value == header)
    out = []
    for row in ws.iter_rows(min_row=head[0].row + 1, min_col=col, max_col=col):
        c = row[0]
        out.append((c.value, c.alignment.horizontal, c.data_type))
    return out


def test_rate_shown():
    assert rate_shown(None, 0, 0.0) == NO_FIGURE == "—"
    assert rate_shown(None, 0, None) is None and rate_shown(None, None, None) is None
    assert rate_shown(None, 0, 5.0) is None  # spent without a budget: no rate, not 0/0
    assert rate_shown(0.937, 64.707, 60.63) == 0.937 and rate_shown(0.0, 10, 0) == 0.0
    assert rate_shown(None, False, False) is None


def test_summary_and_project_sheets(rolled):
    book = load_workbook(rolled / "区汇总.xlsx")
    units = {row[1].value: row for row in book["汇总"].iter_rows(min_row=2) if row[1].value}
    rates = dict(zip(units, cells(book, "汇总", "执行率")))
    assert rates == {"长沙市岳麓区洋湖街道办事处": ("—", "center", "s"), "长沙市岳麓区坪塘街道办事处": (None, None, "n")}
    projects = cells(book, "项目明细", "执行率")
    assert [v for v, _, _ in projects] == [None] * 5 + ["—"] * 5  # 坪塘.xlsx, then 洋湖.xlsx (by path)
    assert {(a, t) for v, a, t in projects if v == "—"} == {("center", "s")}


def test_statistics_overview(rolled):
    book = load_workbook(rolled / "区汇总.xlsx")
    ws = book["统计"]
    head = next(r for r in ws.iter_rows() if r[0].value == "年度")
    col = next(c.column for c in head if c.value == "执行率")
    line = next(ws.iter_rows(min_row=head[0].row + 1, max_row=head[0].row + 1))
    # the year's rate is over the units with both figures: 洋湖 alone, 0/0
    assert line[col - 1].value == "—" and line[col - 1].alignment.horizontal == "center"
    assert [c.value for c in line[3:5]] == [0, 0]


def test_feedback_line(rolled):
    folder = rolled / "退回意见"
    texts = {p.name: "\n".join(str(c.value) for row in load_workbook(p).active.iter_rows() for c in row if c.value)
             for p in folder.glob("*退回意见.xlsx")}
    yanghu = next(t for n, t in texts.items() if "洋湖" in n)
    assert "项目 5 个，全年预算 0 万元，全年执行 0 万元，执行率 —；" in yanghu
    pingtang = next(t for n, t in texts.items() if "坪塘" in n)
    assert "全年执行 — 万元，执行率 —；" in pingtang  # in a sentence a missing figure is a dash too

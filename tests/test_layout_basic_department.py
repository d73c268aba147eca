"""基础数据表 (附件1) and 部门整体支出绩效自评表 sheets: written from their layouts, read back through them.

The seeds are written with ``build_workbook`` and read with ``read_workbook``; every input comes
back as the seed has it, and every computed field either as printed or, where the paper prints
nothing, as the core computes it. LibreOffice recalculates the written formulas to the core's
``compute`` values.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from perfeval_xl.core.model import (EXPENSE_ROWS, BasicData, BuildingRow, DepartmentTable, ExpenseRow, Source,
                                    Submission, UnitInfo)
from perfeval_xl.core.serialize import to_dict
from perfeval_xl.core.settings import Settings
from perfeval_xl.io.xlsx_read import read_workbook
from perfeval_xl.io.xlsx_write import build_workbook, plan_layouts, save_atomic
from perfeval_xl.layout.basic import BASIC
from perfeval_xl.layout.department import DEPARTMENT
from perfeval_xl.layout.grid import COMPUTED, Layout
from perfeval_xl.layout.paths import get_path, set_path
from perfeval_xl.layout.sheets import COVER
from perfeval_xl.layout.workbook import TEMPLATE_VERSION

from .conftest import load_seed

KINDS = [COVER, BASIC, DEPARTMENT]
SEEDS = ["seed003_wangjiahe_2023.json", "seed004_shazitang_2020.json"]


def write(sub: Submission | None, path: Path) -> Path:
    save_atomic(build_workbook(sub, KINDS), path)
    return path


def plain(obj: Any) -> Any:
    """to_dict without the ``_sources`` a read adds."""
    data = to_dict(obj)

    def strip(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if k != "_sources"}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    return strip(data)


def assert_same(got: Any, want: Any, path: str = "$") -> None:
    """Equal, floats to 1e-9 (a recomputed Σ may be 6.640000000000001 where paper prints 6.64)."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and set(got) == set(want), f"{path}: keys {sorted(got)} ≠ {sorted(want)}"
        for k in want:
            assert_same(got[k], want[k], f"{path}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{path}: {got!r} ≠ {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{path}[{i}]")
    elif isinstance(want, float) and isinstance(got, float):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9), f"{path}: {got!r} ≠ {want!r}"
    else:
        assert got == want, f"{path}: {got!r} ≠ {want!r}"


def computed_cells(layout: Layout, obj: Any):
    """(cell, the object its compute takes) for every computed cell, table rows included, in layout order."""
    for cell in layout.cells:
        if cell.role == COMPUTED:
            yield cell, obj
    for table in layout.tables:
        items = (get_path(obj, table.field) or []) if obj is not None else []
        for i in range(table.capacity):
            for cell in table.cells_of_row(i):
                if cell.role == COMPUTED:
                    yield cell, (items[i] if i < len(items) else None)


def expected_read(kind, seed_obj: Any) -> Any:
    """What a read of the written sheet gives: the seed's inputs; each computed field as stated, or — where
    the seed states nothing — the core's value (the formula has no cached value, so the reader computes)."""
    obj = copy.deepcopy(seed_obj) if seed_obj is not None else kind.new()
    if isinstance(obj, BasicData):  # the sheet prints every fixed row, so a read has them all
        for key, _, _ in EXPENSE_ROWS:
            obj.expenses.setdefault(key, ExpenseRow())
    for cell, owner in computed_cells(kind.layout(), obj):
        if cell.field and owner is not None and get_path(owner, cell.field) in (None, ""):
            set_path(owner, cell.field, cell.compute(owner))
    return obj


def layouts_of(sub: Submission | None) -> dict[str, tuple[Layout, Any]]:
    """The layouts build_workbook used (tables sized to the data), by sheet key."""
    return {layout.key: (layout, obj) for layout, obj in plan_layouts(sub, KINDS, Settings.default())}


# ------------------------------------------------------------------------ (1) the empty template


def test_empty_template_reads_back_empty(tmp_path: Path) -> None:
    result = read_workbook(write(None, tmp_path / "template.xlsx"), KINDS)
    sub = result.submission
    # a sheet nobody filled attaches nothing: the empty template is the empty model
    assert plain(sub) == plain(Submission(template_version=TEMPLATE_VERSION))
    # No formula of either sheet yields a value from empty inputs.
    assert [ref for ref in result.recomputed if not ref.startswith(COVER.sheet + "!")] == []
    assert sub.unreadable == []


# ------------------------------------------------------------------------ (2) seeds round-trip


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_round_trips(tmp_path: Path, seed: str) -> None:
    sub = load_seed(seed)
    read = read_workbook(write(sub, tmp_path / "seed.xlsx"), KINDS).submission
    assert read.unreadable == []
    assert_same(plain(read.basic_data), plain(expected_read(BASIC, sub.basic_data)))
    if sub.department is None:  # seed 004 prints no department table: that sheet stays empty
        assert read.department is None
    else:
        assert_same(plain(read.department), plain(expected_read(DEPARTMENT, sub.department)))


def test_seed003_computed_fields_equal_the_printed_figures(tmp_path: Path) -> None:
    """Every figure 王家河 prints for a computed cell is what its formula gives: all cells keep formulas."""
    sub = load_seed("seed003_wangjiahe_2023.json")
    path = write(sub, tmp_path / "seed.xlsx")
    wb = load_workbook(path)
    for key, (layout, obj) in layouts_of(sub).items():
        for cell, owner in computed_cells(layout, obj):
            value = wb[layout.sheet][cell.ref].value
            assert isinstance(value, str) and value.startswith("="), f"{layout.sheet}!{cell.ref}: {value!r}"
    read = read_workbook(path, KINDS).submission
    basic = read.basic_data
    assert basic.staff_control_rate == 1.0
    assert basic.expenses["three_public"].prior_final == pytest.approx(9.63)
    assert basic.expenses["project_spending"].final == pytest.approx(553.52)  # 5 + 0 + 本级专项 548.52
    # 区级专项资金 is a breakdown line: typed, not added to 项目支出.
    assert basic.expenses["district_special"].final == 548.52
    dept = read.department
    assert (dept.execution_rate, dept.execution_score) == (1.0, 10.0)
    # Paper prints no 总分 row; the sheet computes it (决算真实性 has no printed 得分: 83.8 + 10).
    assert (dept.total_points, dept.total_score, dept.stated_grade) == (100.0, 93.8, "优")


def test_seed004_printed_rates_that_disagree_are_kept(tmp_path: Path) -> None:
    """砂子塘 prints 控制率 87% (48 ÷ 55 = 87.27%) and 楼堂馆所 rates 0 over 0: the writer writes the
    printed constants instead of the formulas, and they read back as printed."""
    sub = load_seed("seed004_shazitang_2020.json")
    path = write(sub, tmp_path / "seed.xlsx")
    layout, _ = layouts_of(sub)["basic"]
    ws = load_workbook(path)[layout.sheet]
    rate_cell = layout.cell_of("staff_control_rate")
    assert rate_cell.compute(sub.basic_data) == pytest.approx(48 / 55)
    assert ws[rate_cell.ref].value == 0.87
    buildings = next(t for t in layout.tables if t.field == "buildings")
    row = {c.field: c for c in buildings.cells_of_row(0)}
    for name in ("area_control_rate", "investment_control_rate"):
        assert row[name].compute(sub.basic_data.buildings[0]) is None  # 0 ÷ 0: the formula shows ""
        assert ws[row[name].ref].value == 0
    # Agreeing sums keep their formulas.
    assert str(ws[layout.cell_of("expenses.three_public.budget").ref].value).startswith("=IF(COUNT(")

    basic = read_workbook(path, KINDS).submission.basic_data
    assert basic.staff_control_rate == 0.87
    assert plain(basic.buildings) == plain(sub.basic_data.buildings)
    assert basic.expenses["three_public"].budget == pytest.approx(6.64)  # 5.94 + 0 + 0.7


def grown_submission() -> Submission:
    """More 专项 and 楼堂馆所 rows than the template holds; rates over 0 and over nothing."""
    return Submission(basic_data=BasicData(
        filling_unit="测试街道",
        expenses={"business": ExpenseRow(1.0, 2.0, 3.0), "operation": ExpenseRow(0.5, 0.5, 0.5)},
        special_funds=[ExpenseRow(1.0, 1.0, 1.0, name=f"专项{i}") for i in range(1, 5)],
        buildings=[BuildingRow("办公楼", 1000.0, 1100.0, None, 500.0, 450.0, None),
                   BuildingRow("食堂", 0.0, 0.0, None, 0.0, 10.0, None),
                   BuildingRow("车库", 200.0, 200.0, None, None, None, None)],
        frugality_measures="严控三公经费"))


def test_grown_tables_and_computed_table_cells(tmp_path: Path) -> None:
    """Both tables grow (the lower one moves), and the reader computes the building rates the written
    workbook holds no cached values for."""
    sub = grown_submission()
    result = read_workbook(write(sub, tmp_path / "grown.xlsx"), [BASIC])
    got = result.submission.basic_data
    assert [r.name for r in got.special_funds] == ["专项1", "专项2", "专项3", "专项4"]
    assert [(b.area_control_rate, b.investment_control_rate) for b in got.buildings] == [
        (pytest.approx(1.1), pytest.approx(0.9)), (None, None), (1.0, None)]
    assert got.frugality_measures == "严控三公经费"
    assert got.expenses["project_spending"].final == pytest.approx(3.5 + 4)
    layout, _ = layouts_of(sub)["basic"]
    table = next(t for t in layout.tables if t.field == "buildings")
    rate = {c.field: c for c in table.cells_of_row(0)}["area_control_rate"]
    assert f"{layout.sheet}!{rate.ref}" in result.recomputed
    assert got.buildings[0].source("area_control_rate") == Source(layout.sheet, rate.ref)


# ------------------------------------------------------------------------ (3) sources


def test_sources_are_the_layout_cells(tmp_path: Path) -> None:
    sub = load_seed("seed003_wangjiahe_2023.json")
    read = read_workbook(write(sub, tmp_path / "seed.xlsx"), KINDS).submission
    layouts = layouts_of(sub)
    basic_layout, _ = layouts["basic"]
    dept_layout, _ = layouts["department"]
    sheet = basic_layout.sheet

    def at(layout: Layout, field_path: str) -> Source:
        return Source(layout.sheet, layout.cell_of(field_path).ref)

    basic = read.basic_data
    assert basic.source("staff_authorized") == at(basic_layout, "staff_authorized")
    assert basic.source("staff_control_rate") == at(basic_layout, "staff_control_rate")
    # Below the 本级专项资金 table, which holds 1 + 5 spare rows here (3 in the template).
    assert basic.expenses["public_funds"].source("final") == at(basic_layout, "expenses.public_funds.final")
    assert basic.expenses["project_spending"].source("final") == at(basic_layout, "expenses.project_spending.final")
    assert basic.source("frugality_measures") == at(basic_layout, "frugality_measures")
    special = next(t for t in basic_layout.tables if t.field == "special_funds")
    first = {c.field: c for c in special.cells_of_row(0)}
    assert basic.special_funds[0].source("final") == Source(sheet, first["final"].ref)
    assert basic.special_funds[0].source("name") == Source(sheet, first["name"].ref)

    dept = read.department
    assert dept.source("dept_name") == at(dept_layout, "dept_name")
    assert dept.budget.source("executed") == at(dept_layout, "budget.executed")
    assert dept.source("spending_project") == at(dept_layout, "spending_project")
    assert dept.source("execution_rate") == at(dept_layout, "execution_rate")
    assert dept.source("total_score") == at(dept_layout, "total_score")
    indicators = next(t for t in dept_layout.tables if t.field == "indicators")
    last = {c.field: c for c in indicators.cells_of_row(26)}
    assert dept.indicators[26].source("points") == Source(dept_layout.sheet, last["points"].ref)


def test_table_end_labels_are_the_printed_row_after() -> None:
    for kind in (BASIC, DEPARTMENT):
        layout = kind.layout()
        labels = {c.row: c.text.strip() for c in layout.cells if c.col == 1 and c.text}
        for table in layout.tables:
            assert labels[table.last_row + 1] == table.end_label, (kind.key, table.field)


# ------------------------------------------------------------------------ (4) LibreOffice recalculates


def _soffice_convert(src: Path, outdir: Path, profile: Path) -> Path:
    """Open and re-save with LibreOffice Calc, which calculates every formula without a cached value."""
    outdir.mkdir()
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--calc",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), str(src)],
                   check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(profile)})
    out = outdir / src.name
    assert out.exists(), f"LibreOffice wrote nothing for {src.name}"
    return out


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not on PATH: nothing to recalculate the formulas with")
@pytest.mark.parametrize("case", ["seed003", "template", "grown"])
def test_libreoffice_recalculates_to_the_core_values(tmp_path: Path, case: str) -> None:
    sub = {"seed003": lambda: load_seed("seed003_wangjiahe_2023.json"), "template": lambda: None,
           "grown": grown_submission}[case]()
    src = write(sub, tmp_path / f"{case}.xlsx")
    out = _soffice_convert(src, tmp_path / "lo", tmp_path / "profile")
    book = CalamineWorkbook.from_path(str(out))
    checked = 0
    layouts = layouts_of(sub)
    for kind in (BASIC, DEPARTMENT):
        layout, obj = layouts[kind.key]
        rows = book.get_sheet_by_name(layout.sheet).to_python(skip_empty_area=False)
        # A formula sees the other computed cells' values (等级 sees 总分): compute over the model as the sheet
        # holds it, each computed field as stated or else computed.
        sheet_obj = expected_read(kind, obj)
        for cell, owner in computed_cells(layout, sheet_obj):
            cached = rows[cell.row - 1][cell.col - 1]
            want = cell.compute(owner) if owner is not None else None
            where = f"{layout.sheet}!{cell.ref} {cell.field or cell.formula}"
            if want in (None, ""):
                assert cached == "", where
                continue
            if isinstance(want, str):
                assert cached == want, where
            else:
                assert cached == pytest.approx(want, rel=1e-9, abs=1e-9), where
            checked += 1
    # seed003: 控制率, 3 parents × 3 columns, 3 专项 subtotals; 执行率, 得分, 总分 × 2, 等级.
    # grown: 项目支出 × 3 columns (三公经费 and 公务用车 stay empty), 3 subtotals, 3 building rates (食堂's
    # are over 0, 车库 has no investment).
    assert checked == {"seed003": 1 + 9 + 3 + 5, "template": 0, "grown": 3 + 3 + 3}[case]
    # The recalculated file reads back the same, now from cached values.
    result = read_workbook(out, KINDS)
    assert [ref for ref in result.recomputed if not ref.startswith(COVER.sheet + "!")] == []
    direct = read_workbook(src, KINDS).submission
    assert_same(plain(result.submission.basic_data), plain(direct.basic_data))
    assert_same(plain(result.submission.department), plain(direct.department))

"""项目清单: 执行率 of 0/0 shows "—" (centred), a missing figure leaves it blank; the cell's formula,
computed by the ``formulas`` package, and the Python value come from one declaration
(``core.formulas.EXECUTION_RATE_SHOWN``, the one ``rate_shown`` gives the 区汇总)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from perfeval_xl.core.formulas import EXECUTION_RATE_SHOWN, rate_shown
from perfeval_xl.core.settings import Settings
from perfeval_xl.io.xlsx_write import build_workbook, plan_layouts, save_atomic
from perfeval_xl.layout.project_list import PROJECT_LIST, project_list_cells
from perfeval_xl.layout.sheets import COVER, GUIDE, PROJECT

from .conftest import load_seed
from .test_layout_list_guide import _plain, _soffice_recalculate, needs_soffice

KINDS = [COVER, GUIDE, PROJECT_LIST, PROJECT]


def _submission():
    """Seed 000's first three projects: 0/0, 全年执行数 not filled in, and as filed (183.19 / 186)."""
    sub = load_seed("seed000_yanghu_2022.json")
    sub.projects = sub.projects[:3]
    zero, missing, _ = sub.projects
    for row in (zero.funding_total, zero.funding_current_year):
        row.annual_budget = row.executed = 0.0
    for row in (missing.funding_total, missing.funding_current_year):  # the total adds up its parts
        row.executed = None
    return sub


def test_list_rate_cells_show_a_dash_for_zero_over_zero(tmp_path):
    import formulas

    sub = _submission()
    path = tmp_path / "list.xlsx"
    save_atomic(build_workbook(sub, KINDS), path)
    layout = next(layout for layout, _ in plan_layouts(sub, KINDS, Settings.default()) if layout.key == "project_list")
    rows, total = project_list_cells(layout)
    refs = [r["execution_rate"].ref for r in rows] + [total["execution_rate"].ref]
    assert refs == ["F4", "F5", "F6", "F7"]

    rate = rows[0]["execution_rate"]
    assert rate.formula == ('=IF(AND(ISNUMBER(E4),ISNUMBER(D4)),IF(D4<>0,(E4/D4),IF(E4=0,"—","")),"")')
    third = sub.projects[2].funding_total
    assert (third.annual_budget, third.executed, sub.projects[1].funding_total.annual_budget) == (186.0, 183.19, 115.5)
    # 合计: executed 0 + (blank) + 183.19 over budget 0 + 115.5 + 186
    want = ["—", None, 183.19 / 186.0, (0.0 + 183.19) / (0.0 + 115.5 + 186.0)]
    assert [r["execution_rate"].compute(sub) for r in rows] + [total["execution_rate"].compute(sub)] == want

    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    got = {str(k).rpartition("!")[2]: _plain(getattr(v, "value", v)) for k, v in solution.items()
           if "项目清单" in str(k)}
    assert [got[ref] for ref in refs] == want
    # the budget and executed columns beside them: 0/0 shown as numbers, the missing figure blank
    assert [got[f"D{r}"] for r in (4, 5)] == [0, 115.5]
    assert [got[f"E{r}"] for r in (4, 5)] == [0, None]

    ws = load_workbook(path)["项目清单"]
    assert {ws[ref].alignment.horizontal for ref in refs} == {"center"}
    assert ws["F4"].number_format == ws["F6"].number_format == "0.00%"


def test_rate_shown_is_the_same_declaration():
    for budget, executed in ((0.0, 0.0), (0, None), (None, None), (0.0, 5.0), (10.0, 0.0), (64.707, 60.63),
                             (False, False)):
        env = {"budget": budget, "executed": executed}
        assert rate_shown(None, budget, executed) == EXECUTION_RATE_SHOWN.value(env), (budget, executed)
    assert rate_shown(None, 0.0, 0.0) == "—" and rate_shown(None, 0.0, 5.0) is None
    assert EXECUTION_RATE_SHOWN.value({"budget": 64.707, "executed": 60.63}) == 60.63 / 64.707


@needs_soffice
def test_libreoffice_shows_the_same_cells(tmp_path):
    from python_calamine import CalamineWorkbook

    sub = _submission()
    path = tmp_path / "list.xlsx"
    save_atomic(build_workbook(sub, KINDS), path)
    done, = _soffice_recalculate([path], tmp_path / "out", tmp_path / "profile")
    sheet = CalamineWorkbook.from_path(str(done)).get_sheet_by_name("项目清单").to_python(skip_empty_area=False)
    got = [sheet[r][5] for r in range(3, 7)]
    assert got[:2] == ["—", ""]  # LibreOffice keeps 15 significant digits of the rates
    assert got[2:] == [pytest.approx(183.19 / 186.0, rel=1e-14), pytest.approx(183.19 / 301.5, rel=1e-14)]

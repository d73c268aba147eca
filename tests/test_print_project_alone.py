"""The project table alone carries its 填报单位 and 年度 (row 2, as the printed form's header), which name
the submission when there is no 封面; in the unit workbook the same cells show the 封面's."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from perfeval_xl.core.checks.submission import latest_year
from perfeval_xl.core.model import Submission
from perfeval_xl.core.settings import Settings
from perfeval_xl.core.validate import validate
from perfeval_xl.io.xlsx_read import read_workbook
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.sheets import PROJECT_SHEETS, UNIT_SHEETS
from perfeval_xl.report.figures import project_figures

from .conftest import ROOT, load_seed

YANGHU = "长沙市岳麓区洋湖街道办事处"
TEMPLATE = ROOT / "workbook_templates" / "项目支出绩效自评表.xlsx"


@pytest.fixture(scope="module")
def alone(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("alone") / "项目表.xlsx"
    save_atomic(build_workbook(load_seed("seed000_yanghu_2022.json"), PROJECT_SHEETS), path)
    return path


def test_the_template_asks_for_the_unit_and_the_year():
    wb = load_workbook(TEMPLATE)
    ws = wb["项目1"]
    assert [ws[ref].value for ref in ("A2", "F2", "H2")] == ["填报单位（盖章）", "年度", "金额单位：万元"]
    assert ws["C2"].value is None and ws["G2"].value is None
    assert not ws["C2"].protection.locked and not ws["G2"].protection.locked  # typed by the clerk
    assert "C2:E2" in {str(r) for r in ws.merged_cells.ranges}
    names = {name: dn.attr_text for name, dn in ws.defined_names.items()}
    assert names["pe_project_unit_name"] == "'项目1'!$C$2" and names["pe_project_year"] == "'项目1'!$G$2"
    year_rules = [dv for dv in ws.data_validations.dataValidation if "G2" in str(dv.sqref).split()]
    assert [dv.type for dv in year_rules] == ["whole"]


def test_in_the_unit_workbook_the_cells_show_the_cover():
    ws = build_workbook(None, UNIT_SHEETS)["项目1"]
    assert ws["C2"].value == "=IF('封面'!$B$2=\"\",\"\",'封面'!$B$2)"
    assert ws["G2"].value == "=IF('封面'!$B$4=\"\",\"\",'封面'!$B$4)"
    assert ws["C2"].protection.locked is not False  # computed: locked with the sheet


def test_a_filled_table_alone_prints_its_year_in_the_title_and_its_unit(alone):
    ws = load_workbook(alone)["项目1"]
    assert ws["A1"].value == "项目支出绩效自评表" and ws["A1"].number_format == '"2022年度"@'
    assert (ws["C2"].value, ws["G2"].value) == (YANGHU, 2022)
    assert ws.oddHeader.right.text == YANGHU


@pytest.mark.parametrize("kinds", [PROJECT_SHEETS, UNIT_SHEETS], ids=["as-project-table", "as-any-workbook"])
def test_the_table_alone_names_the_submission(alone, kinds):
    sub = read_workbook(alone, kinds).submission
    assert (sub.unit.unit_name, sub.unit.year) == (YANGHU, 2022)
    assert (str(sub.unit.source("unit_name")), str(sub.unit.source("year"))) == ("项目1!C2", "项目1!G2")
    assert len(sub.projects) == 5 and type(sub.projects[0]).__name__ == "ProjectTable"
    assert "unit_name" not in sub.projects[0].sources  # the table itself is the plain model
    figures = project_figures(sub, sub.projects[0], Settings.default())
    assert (figures["单位名称"], figures["年度"]) == (YANGHU, "2022")


def test_the_cover_names_the_unit_workbook(tmp_path):
    path = tmp_path / "单位.xlsx"
    save_atomic(build_workbook(load_seed("seed000_yanghu_2022.json"), UNIT_SHEETS), path)
    sub = read_workbook(path).submission
    assert (sub.unit.unit_name, sub.unit.year, str(sub.unit.source("year"))) == (YANGHU, 2022, "封面!B4")


def test_a_wrong_year_on_the_table_alone_is_reported_at_its_cell(alone, tmp_path):
    wb = load_workbook(alone)
    wb["项目1"]["G2"] = 22
    wb.save(tmp_path / "22.xlsx")
    sub = read_workbook(tmp_path / "22.xlsx", PROJECT_SHEETS).submission
    hits = [(f.rule, f.location.sheet, f.location.cell, f.message) for f in validate(sub).findings if f.rule == "S106"]
    # the message names the cell the year came from, not a 封面 this workbook does not have
    assert hits == [("S106", "项目1", "G2", f"项目1 G2（年度）为 22，不在 2000–{latest_year()} 之间。")]


def test_a_table_alone_left_unnamed_names_nothing(tmp_path):
    sub = load_seed("seed000_yanghu_2022.json")
    sub.unit = Submission().unit
    path = tmp_path / "无单位.xlsx"
    save_atomic(build_workbook(sub, PROJECT_SHEETS), path)
    read = read_workbook(path, PROJECT_SHEETS).submission
    assert (read.unit.unit_name, read.unit.year, read.unit.sources) == ("", None, {})
    assert len(read.projects) == 5


def test_the_unit_workbooks_project_sheet_written_without_its_cover_shows_the_values():
    from perfeval_xl.layout.sheets import PROJECT

    ws = build_workbook(load_seed("seed000_yanghu_2022.json"), [PROJECT])["项目1"]
    assert (ws["C2"].value, ws["G2"].value) == (YANGHU, 2022)  # no 封面 to refer to

"""Messages a clerk can act on: every finding has a cell, no internal field names,
incomplete suggestions and empty tables said so in `score`'s text."""

from __future__ import annotations

import re

from openpyxl import load_workbook

from perfeval_xl.cli import score_text
from perfeval_xl.core.model import DepartmentTable, Submission, path_label
from perfeval_xl.core.settings import Settings
from perfeval_xl.core.summary import submission_summary
from perfeval_xl.core.validate import validate
from perfeval_xl.io.xlsx_read import read_workbook
from perfeval_xl.io.xlsx_write import build_workbook, plan_layouts
from perfeval_xl.layout.sheets import UNIT_SHEETS

from .conftest import load_seed
from .test_rules import PROJECT, funding, project


def _written(sub: Submission, tmp_path, name: str = "单位.xlsx"):
    path = tmp_path / name
    build_workbook(sub, UNIT_SHEETS).save(path)
    layouts = {layout.key: layout for layout, _ in plan_layouts(sub, UNIT_SHEETS, Settings.default())}
    return path, layouts


def test_s102_on_a_basic_data_total_row_names_the_row_and_column_in_chinese(tmp_path):
    path, layouts = _written(load_seed("seed004_shazitang_2020.json"), tmp_path)
    basic = layouts["basic"]
    ref = basic.cell_of("expenses.three_public.prior_final").ref
    wb = load_workbook(path)
    wb[basic.sheet][ref] = 6.6  # the clerk typed over the 三公经费 上年决算数 sum
    wb.save(path)
    [f] = [f for f in validate(read_workbook(path).submission).findings
           if f.rule == "S102" and f.location.cell == ref]
    assert (f.location.sheet, f.location.cell, f.location.field) == (basic.sheet, ref, "三公经费 上年决算数")
    assert f.message == f"{basic.sheet} {ref}（三公经费 上年决算数）在模板中是公式，现在填的是常数“6.6”。"


def test_path_labels():
    assert path_label("expenses.vehicles.final") == "公务用车购置和维护经费 本年决算数"
    assert path_label("funding_carryover.annual_budget") == "上年结转资金 全年预算数"
    assert path_label("budget.executed") == "年度资金总额 全年执行数"
    assert path_label("执行率") == "执行率"  # a reader's Chinese label passes through


def test_every_finding_on_the_seed_workbooks_has_a_cell_and_no_field_name(tmp_path):
    for name in ("seed000_yanghu_2022.json", "seed001_wujialing_2022.json", "seed003_wangjiahe_2023.json"):
        path, _ = _written(load_seed(name), tmp_path, name + ".xlsx")
        findings = validate(read_workbook(path).submission).findings
        assert findings
        for f in findings:
            assert f.location.sheet and f.location.cell, f
            assert not re.search(r"[a-z]+_[a-z]+", f.message), f.message


def test_t105_and_t114_point_at_the_indicator_header(tmp_path):
    path, layouts = _written(load_seed("seed000_yanghu_2022.json"), tmp_path)
    findings = validate(read_workbook(path).submission).findings
    sheet, header_row = "项目1", layouts["project"].tables[0].first_row - 1
    t105 = next(f for f in findings if f.rule == "T105" and f.location.sheet == sheet)
    assert t105.location.cell == f"F{header_row}"  # the 分值 header
    t114 = next(f for f in findings if f.rule == "T114" and f.location.sheet == sheet)
    assert t114.location.cell == f"A{header_row}"  # the 一级指标 header


def test_score_text_marks_an_incomplete_suggestion():
    sub = project(sat=dict(actual="满意"))  # 80%-type target, 满意 actual: not scorable
    [table] = submission_summary(sub, Settings.default())["projects"]
    assert table["not_scored"] == ["服务对象满意度"]
    text = score_text(submission_summary(sub, Settings.default()))
    assert ("  总分：填报 99.5；执行得分与指标得分合计 99.5；建议 99.5（优），不完整：1 个指标无法按规则计算"
            "（服务对象满意度），按填报得分计入") in text.splitlines()


def test_an_empty_department_table_is_not_filled_in_not_poor():
    table = DepartmentTable(dept_name="王家河街道办事处", budget=funding(), execution_points=10.0)
    summary = submission_summary(Submission(department=table), Settings.default())
    assert (summary["department"]["suggested_total"], summary["department"]["suggested_grade"]) == (None, "")
    assert "  总分：填报 —；执行得分与指标得分合计 —；建议：未填写（没有绩效指标，不评等级）" in score_text(summary).splitlines()
    assert "差" not in score_text(summary)


def test_a_cleared_formula_whose_figures_are_filled_is_s108(tmp_path):
    path, layouts = _written(load_seed("seed004_shazitang_2020.json"), tmp_path)
    basic = layouts["basic"]
    rate, total = basic.cell_of("staff_control_rate").ref, basic.cell_of("expenses.three_public.final").ref
    wb = load_workbook(path)
    wb[basic.sheet][rate] = None  # the clerk deleted the 控制率 formula …
    wb[basic.sheet][total] = None  # … and the 三公经费 本年决算数 sum
    wb.save(path)
    read = read_workbook(path)
    assert read.submission.basic_data.staff_control_rate == 48 / 55  # still computed for the scores
    found = [(f.location.cell, f.location.field, f.message)
             for f in validate(read.submission).findings if f.rule == "S108"]
    assert found == [
        (rate, "控制率", f"{basic.sheet} {rate}（控制率）在模板中是公式，现在是空白；按所填数字应为 87.27%。"),
        (total, "三公经费 本年决算数",
         f"{basic.sheet} {total}（三公经费 本年决算数）在模板中是公式，现在是空白；按所填数字应为 3.25。"),
    ]


def test_rule_texts_cite_no_internal_document_or_module():
    """Users have docs/rules.md and the public documents, not DOMAIN.md or the source code."""
    from perfeval_xl.cli import every_rule

    for r in every_rule():
        for key in ("message", "hint", "what", "why", "example", "basis"):
            text = getattr(r, key)
            assert "DOMAIN" not in text and "perfeval_xl" not in text, (r.code, key, text)

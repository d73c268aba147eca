"""The figures of core.formulas in real generated workbooks, recalculated by LibreOffice.

Two cases that once went wrong: a workbook built with ``execution.method = "bands"`` carried the
proportional 得分 formula, so 校验 flagged the template's own cell (T104); and a freshly prefilled
workbook (全年预算数 typed, 全年执行数 not yet) showed #VALUE! in 执行率 and 得分 once LibreOffice
had calculated it, which 校验 then reported as S101 on locked cells the clerk cannot edit.
"""

from __future__ import annotations

import copy
import os

import pytest

from perfeval_xl.core import formulas
from perfeval_xl.core.settings import Settings
from perfeval_xl.core.validate import validate
from perfeval_xl.io.read import read_submission
from perfeval_xl.io.templates import new_unit_submission
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.sheets import UNIT_SHEETS

from .conftest import load_seed
from .recalc import SOFFICE, calamine_values, libreoffice_recalculate_many

BANDS = Settings.default().override({"execution": {"method": "bands"}})
DEFAULT = Settings.default()
needs_soffice = pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice not installed")


def banded_submission():
    """seed000 with 得分, 总分 and 等级 left to the formulas (a clerk who typed only the figures)."""
    sub = copy.deepcopy(load_seed("seed000_yanghu_2022.json"))
    for p in sub.projects:
        p.execution_points, p.execution_score, p.total_score, p.stated_grade = 10.0, None, None, ""
        p.execution_rate = None
    return sub


def prefilled_submission():
    return new_unit_submission("长沙市岳麓区洋湖街道办事处", 2024, [
        {"name": "社区补助", "implementing_unit": "财政所", "initial_budget": 100.0, "annual_budget": 120.5},
        {"name": "党建经费", "annual_budget": 30.0}], DEFAULT)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    root = tmp_path_factory.mktemp("expr")
    cases = {"banded": (banded_submission(), BANDS), "prefilled": (prefilled_submission(), DEFAULT)}
    written = {}
    for name, (sub, settings) in cases.items():
        path = root / f"{name}.xlsx"
        save_atomic(build_workbook(sub, UNIT_SHEETS, settings), path)
        written[name] = path
    return written


@pytest.fixture(scope="module")
def recalculated(workbooks, tmp_path_factory):
    if SOFFICE is None:
        pytest.fail("CI must run the LibreOffice tests, but soffice is not on PATH")
    outputs = libreoffice_recalculate_many(list(workbooks.values()), tmp_path_factory.mktemp("expr-lo"))
    return dict(zip(workbooks, outputs))


def _rules(report, *codes):
    return [(f.rule, f.location.sheet, f.location.cell) for f in report.findings if f.rule in codes]


def test_banded_workbook_is_not_flagged_on_its_own_formula(workbooks):
    loaded = read_submission(workbooks["banded"], settings=BANDS)  # as `validate --rules` reads it
    assert _rules(validate(loaded.submission, BANDS), "T104", "T107", "S101") == []
    # 预留奖金: 105.95 ÷ 115.5 = 91.73 % → the 90 % band, 0.8 of 10 points (not 9.17 as proportional)
    first = loaded.submission.projects[0]
    assert (first.execution_score, formulas.execution_rate(105.95, 115.5) >= 0.9) == (8.0, True)


def test_prefilled_workbook_has_no_figures_and_no_findings_on_computed_cells(workbooks):
    loaded = read_submission(workbooks["prefilled"])
    first = loaded.submission.projects[0]
    assert (first.funding_total.annual_budget, first.funding_total.executed) == (120.5, None)
    assert (first.execution_rate, first.execution_score) == (None, None)
    assert _rules(validate(loaded.submission, DEFAULT), "S101", "T101", "T104") == []


@needs_soffice
def test_libreoffice_shows_blank_rate_and_score_before_the_executed_amount_is_typed(recalculated):
    values = calamine_values(recalculated["prefilled"])
    for sheet in ("项目1", "项目2"):
        assert values.get((sheet, "E6")) in (120.5, 30.0)
        assert [values.get((sheet, ref)) for ref in ("F6", "H6", "I6")] == [None, None, None]
    assert not [k for k, v in values.items() if isinstance(v, str) and v.startswith("#")]
    loaded = read_submission(recalculated["prefilled"])
    assert _rules(validate(loaded.submission, DEFAULT), "S101") == []


@needs_soffice
def test_libreoffice_computes_the_band_score_the_core_expects(recalculated):
    values = calamine_values(recalculated["banded"])
    loaded = read_submission(recalculated["banded"])
    for i, project in enumerate(loaded.submission.projects, start=1):
        row = project.budget_row
        expected = formulas.execution_score(BANDS).value(
            {"budget": row.annual_budget, "executed": row.executed, "points": 10.0})
        assert values.get((f"项目{i}", "I6")) == expected
    # 执行率 93.70 %, 91.73 %, 98.49 %, 95.06 % → the 90 % band (0.8); the fifth spent its budget → 10
    assert [values.get((f"项目{i}", "I6")) for i in range(1, 6)] == [8.0, 8.0, 8.0, 8.0, 10.0]
    assert _rules(validate(loaded.submission, BANDS), "T104", "S101") == []

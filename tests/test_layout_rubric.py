"""评分表（附件2）: the layout reads back what it writes, and its 计算得分 formulas score as the core does.

The formulas are computed twice from the written file, by the ``formulas`` package and by
LibreOffice (recalculated headlessly, cached values read with calamine), and compared item by
item with ``score_rubric`` on seed 004 and on variations of its figures.
"""

from __future__ import annotations

import copy

import pytest
from openpyxl import load_workbook

from perfeval_xl.core.rubric import RUBRIC_ITEMS, evaluate_rubric
from perfeval_xl.core.settings import Settings
from perfeval_xl.io.xlsx_read import read_workbook
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.basic import BASIC
from perfeval_xl.layout.rubric_sheet import RUBRIC, RUBRIC_SHEET, rubric_layout
from perfeval_xl.layout.sheets import COVER

from .conftest import load_seed, values_only
from .recalc import SOFFICE, calamine_values, formulas_values, libreoffice_recalculate_many

KINDS = [COVER, BASIC, RUBRIC]
SEED = "seed004_shazitang_2020.json"
TOLERANCE = 0.005

needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not on PATH: "
                                   "apt-get install libreoffice-calc-nogui to compare its results")


def _seed():
    return load_seed(SEED)


def _three_public_over_budget():
    """三公经费 3.4% over its budget of 6.64 (all in 公车运行维护): 2 − 0.15 × 3 = 1.55."""
    sub = _seed()
    final = 6.64 * 1.034
    for key in ("vehicle_operation", "vehicles", "three_public"):  # the sums stay consistent
        sub.basic_data.expenses[key].final = final
    return sub


def _procurement_9585():
    """政府采购 508.005 of 530 = 95.85%: 4 whole points off 100%, 1 − 0.4 + 1 = 1.6."""
    sub = _seed()
    sub.basic_data.expenses["procurement"].final = 508.005
    return sub


def _completion_89():
    """实际完成率 89%: 7 × 0.89 = 6.23."""
    sub = _seed()
    sub.rubric.facts["actual_completion_rate"] = 0.89
    return sub


EXACT = Settings.default().override({"rubric": {"procurement": {"deviation_rounding": "exact"}}})
CEIL_BANDS = Settings.default().override({"rubric": {
    "procurement": {"deviation_rounding": "ceil"}, "staff_control": {"deviation_rounding": "ceil"},
    "three_public_control": {"deviation_rounding": "ceil"}, "budget_execution": {"shortfall_rounding": "ceil"},
    "rates": {"method": "bands"}}})

# case → (submission, settings, {item: score the core must give})
CASES = {
    "seed004": (_seed, Settings.default(), {"procurement": 1.6, "budget_execution": 5.5, "staff_control": 2.0}),
    "three_public_over": (_three_public_over_budget, Settings.default(), {"three_public_control": 1.55}),
    "procurement_9585": (_procurement_9585, Settings.default(), {"procurement": 1.6}),
    "completion_89": (_completion_89, Settings.default(), {"completion_rate": 6.23}),
    # a district reading "每降低 1%" exactly: 95.85% → 1 − 0.415 → 0.59 (rounded) + 1
    "procurement_exact": (_procurement_9585, EXACT, {"procurement": 1.59}),
    # any started point counts (95.85% → 5 points off: 1 − 0.5 + 1), rates by bands (89% → 0.6 × 7)
    "ceil_bands": (_completion_89, CEIL_BANDS, {"procurement": 1.5, "completion_rate": 4.2}),
}


def _computed_refs() -> dict[str, str]:
    layout = rubric_layout()
    return {item.key: f"H{layout.cell_of(f'rows.{item.key}.score').row}" for item in RUBRIC_ITEMS}


def _totals_row() -> int:
    return rubric_layout().cell_of("total_score").row


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("rubric")
    out = {}
    for name, (make, settings, _) in CASES.items():
        sub = make()
        path = root / f"{name}.xlsx"
        save_atomic(build_workbook(sub, KINDS, settings), path)
        out[name] = (sub, settings, path)
    return out


@pytest.fixture(scope="module")
def lo_values(written, tmp_path_factory):
    names = list(written)
    outputs = libreoffice_recalculate_many([written[n][2] for n in names], tmp_path_factory.mktemp("rubric-lo"))
    return dict(zip(names, outputs))


# ---------------------------------------------------------------- reading back


def test_layout_has_one_row_per_item_and_one_answer_per_fact():
    layout = rubric_layout()
    assert layout.landscape and layout.sheet == RUBRIC_SHEET
    rows = [layout.cell_of(f"rows.{item.key}.score").row for item in RUBRIC_ITEMS]
    assert rows == list(range(rows[0], rows[0] + len(RUBRIC_ITEMS)))
    facts = {c.field.removeprefix("facts.") for c in layout.fields() if c.field.startswith("facts.")}
    assert facts == {spec.name for item in RUBRIC_ITEMS for spec in item.facts}
    assert all(layout.cell_of(f"rows.{item.key}.points").stamp for item in RUBRIC_ITEMS)


def test_empty_template_reads_back_without_a_rubric(tmp_path):
    path = tmp_path / "template.xlsx"
    save_atomic(build_workbook(None, KINDS), path)
    assert read_workbook(path, KINDS).submission.rubric is None
    ws = load_workbook(path)[RUBRIC_SHEET]
    refs = _computed_refs()
    assert all(ws[ref].data_type == "f" for ref in refs.values())
    assert ws["D3"].value == "=2" and ws["G3"].value is None  # points printed, score to type


def test_seed_004_round_trip(written):
    seed, _, path = written["seed004"]
    back = read_workbook(path, KINDS).submission
    assert values_only(back.rubric) == values_only(seed.rubric)
    assert (back.rubric.total_points, back.rubric.total_score) == (100.0, 92.1)
    assert back.rubric.facts["hired_within_quota"] is False and back.rubric.facts["quantified_indicator_count"] == 4
    layout = rubric_layout()
    entry = back.rubric.entry("staff_control")
    assert str(entry.source("score")) == f"{RUBRIC_SHEET}!{layout.cell_of('rows.staff_control.score').ref}"
    assert str(back.rubric.source("facts.last_review_grade")) == \
        f"{RUBRIC_SHEET}!{layout.cell_of('facts.last_review_grade').ref}"
    ws = load_workbook(path)[RUBRIC_SHEET]
    assert ws[layout.cell_of("facts.has_carryover").ref].value == "是"  # yes/no as the dropdown shows it


def test_answers_only_and_unreadable_answers(tmp_path):
    """One answer makes a rubric (24 entries, no scores); a bad answer is kept for the core to report."""
    layout = rubric_layout()
    path = tmp_path / "partial.xlsx"
    save_atomic(build_workbook(None, KINDS), path)
    wb = load_workbook(path)
    ws = wb[RUBRIC_SHEET]
    ws[layout.cell_of("facts.has_carryover").ref] = "否"
    ws[layout.cell_of("facts.last_review_grade").ref] = "很好"
    ws[layout.cell_of("facts.actual_completion_rate").ref] = "九成"
    wb.save(path)
    sub = read_workbook(path, KINDS).submission
    assert [e.key for e in sub.rubric.entries] == [i.key for i in RUBRIC_ITEMS]
    assert all(e.score is None for e in sub.rubric.entries)
    assert sub.rubric.facts == {"has_carryover": False, "last_review_grade": "很好"}
    [bad] = sub.unreadable
    assert (bad.field, bad.text) == ("评分依据：实际完成率（实际完成工作数 ÷ 计划工作数）", "九成")


# ---------------------------------------------------------------- formulas against the core


def _compare(name, written, values):
    sub, settings, _ = written[name]
    result = evaluate_rubric(sub.basic_data, sub.rubric.facts, settings)
    refs = _computed_refs()
    problems = []
    for item, score in result.items:
        got = values.get((RUBRIC_SHEET, refs[item.key]))
        if score.value is None:
            if got is not None:
                problems.append(f"{item.key}: formula {got!r}, core None")
        elif not isinstance(got, float) or abs(got - score.value) > TOLERANCE:
            problems.append(f"{item.key}: formula {got!r}, core {score.value}")
    row = _totals_row()
    total, grade = values.get((RUBRIC_SHEET, f"H{row}")), values.get((RUBRIC_SHEET, f"H{row + 1}"))
    if total is None or abs(total - result.total) > TOLERANCE or grade != result.grade:
        problems.append(f"合计/等级: formula {total!r}/{grade!r}, core {result.total}/{result.grade}")
    for key, expected in CASES[name][2].items():
        core = next(s.value for i, s in result.items if i.key == key)
        if core != expected:
            problems.append(f"{key}: core {core}, expected {expected}")
    return result, problems


@pytest.mark.parametrize("name", list(CASES))
def test_formulas_package_scores_as_the_core(written, name):
    values = formulas_values(written[name][2])
    result, problems = _compare(name, written, values)
    assert not problems, "\n".join(problems)
    assert all(score.value is not None for _, score in result.items)  # every item is computable here
    if name == "seed004":
        row = _totals_row()
        assert values[(RUBRIC_SHEET, f"H{row}")] == pytest.approx(92.1) == result.total
        assert values[(RUBRIC_SHEET, f"G{row}")] == pytest.approx(92.1)  # Σ 自评得分
        assert values[(RUBRIC_SHEET, f"D{row}")] == 100


@needs_soffice
@pytest.mark.parametrize("name", list(CASES))
def test_libreoffice_scores_as_the_core(written, lo_values, name):
    _, problems = _compare(name, written, calamine_values(lo_values[name]))
    assert not problems, "\n".join(problems)


@needs_soffice
def test_libreoffice_saved_workbook_reads_back_the_same(written, lo_values):
    seed = written["seed004"][0]
    assert values_only(read_workbook(lo_values["seed004"], KINDS).submission.rubric) == values_only(seed.rubric)


def test_missing_input_leaves_the_computed_score_blank(tmp_path):
    sub = _seed()
    del sub.rubric.facts["hired_within_quota"]
    sub.basic_data.expenses["procurement"].budget = None
    path = tmp_path / "missing.xlsx"
    save_atomic(build_workbook(copy.deepcopy(sub), KINDS), path)
    values = formulas_values(path)
    refs = _computed_refs()
    for key in ("staff_control", "procurement"):
        assert values.get((RUBRIC_SHEET, refs[key])) is None
    assert values.get((RUBRIC_SHEET, f"H{_totals_row()}")) is None  # no total while an item is unknown
    assert values[(RUBRIC_SHEET, refs["three_public_control"])] == 2

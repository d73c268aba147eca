"""评分表 (附件2) expressions: each item's 计算得分, its 合计 and 等级 are one declaration.

For every item and every ``[rubric]`` settings variant, the emitted formula, evaluated by the
``formulas`` package, gives the expression's Python value for blank, partial, zero, negative, text
and normal cells; and the core's score of model values is the expression's value over the cells
the 评分表 shows for them (so a score is blank in the cell exactly when the core cannot score).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest
import schedula as sh
from hypothesis import HealthCheck, given, settings as hyp_settings, strategies as st

from perfeval_xl.core.rubric import (ALL_FACTS, RUBRIC_ITEMS, evaluate_rubric, score_expr, score_rubric,
                                     shown_fact)
from perfeval_xl.core.rubric_exprs import (REVIEW_POINTS, RubricSettingError, rubric_grade, rubric_total,
                                           whole_points)
from perfeval_xl.core.expr import Input
from perfeval_xl.core.serialize import submission_from_json
from perfeval_xl.core.settings import Settings

from .recalc import plain, same
from .test_expr_formulas import exact_rounding
from .test_rubric import SEED004, SEED004_SCORES, basic, basic_strategy, facts_strategy, settings_strategy

formulas_pkg = pytest.importorskip("formulas")

DEFAULT = Settings.default()
ROUNDINGS = ("floor", "round", "ceil", "exact")


def _rounding(method: str) -> Settings:
    return DEFAULT.override({"rubric": {
        "staff_control": {"deviation_rounding": method}, "three_public_control": {"deviation_rounding": method},
        "procurement": {"deviation_rounding": method}, "budget_execution": {"shortfall_rounding": method}}})


# Every reading the [rubric] section allows: each rounding method, rates by bands, and values of
# the numeric readings other than the defaults (bands with other edges, other choice points).
VARIANTS = {
    **{m: _rounding(m) for m in ROUNDINGS},
    "rate_bands": DEFAULT.override({"rubric": {"rates": {"method": "bands"}}}),
    "odd_numbers": DEFAULT.override({"rubric": {
        "rates": {"method": "bands", "bands": [{"min_rate": 0.95, "fraction": 1.0},
                                               {"min_rate": 0.6, "fraction": 0.5}]},
        "indicator_clarity": {"quantified_exactly_three": 1.0,
                              "unmatched_bands": [{"max_count": 1, "points": 1.0}, {"max_count": 3, "points": 0.25}]},
        "rectification": {"explained_points": 2, "no_review_points": 4},
        "budget_execution": {"completion_bands": [{"min_rate": 0.98, "points": 2.0}, {"min_rate": 0.5, "points": 1.0}]},
    }}),
}


def _cases() -> list[tuple[str, str]]:
    """(item, variant) for each distinct formula: an item no setting changes is tested once."""
    out, seen = [], set()
    for item in RUBRIC_ITEMS:
        for variant, settings in VARIANTS.items():
            text = score_expr(item, settings).cell_formula({n: n for n in score_expr(item, settings).inputs()})
            if (item.key, text) not in seen:
                seen.add((item.key, text))
                out.append((item.key, variant))
    return out


CASES = _cases()
ITEMS = {item.key: item for item in RUBRIC_ITEMS}
PROP = hyp_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# A cell as a clerk may leave it. BLANK is an empty cell.
BLANK = object()
junk = st.sampled_from(["九成", "约18万", "是的", " "])


def _kind(name: str) -> str:
    if name in ALL_FACTS:
        return ALL_FACTS[name].kind
    return "rate" if name == "basic_data.staff_control_rate" else "amount"


def cell_values(name: str) -> st.SearchStrategy:
    kind = _kind(name)
    if kind == "bool":
        valid = st.sampled_from(["是", "否"])
    elif kind == "choice":
        valid = st.sampled_from(ALL_FACTS[name].choices)
    elif kind == "count":
        valid = st.integers(0, 12).map(float)
    elif kind == "rate":
        valid = st.one_of(st.integers(0, 150).map(lambda n: n / 100), st.sampled_from([0.2, 0.5, 0.8, 0.95, 1.0, 1.01]))
    else:  # amounts: any, and some whose ratios fall on and next to 100 % (100.5 ÷ 100, 95.85 ÷ 100)
        valid = st.one_of(st.integers(0, 100_000).map(lambda n: n / 100),
                          st.sampled_from([100.0, 100.5, 101.0, 104.15, 95.85, 110.0]))
    odd = st.sampled_from([0.0, -1.0, 1.5, 95.0])
    return st.one_of(valid, valid, valid, st.just(BLANK), odd, junk)


def _cell(v: Any) -> Any:
    return sh.EMPTY if v is BLANK else v


def _python(v: Any) -> Any:
    return None if v is BLANK else v


@functools.lru_cache(maxsize=None)
def compiled(key: str, variant: str):
    expr = score_expr(ITEMS[key], VARIANTS[variant])
    names = sorted(expr.inputs())
    refs = {n: f"A{i + 1}" for i, n in enumerate(names)}
    func = formulas_pkg.Parser().ast(expr.cell_formula(refs))[1].compile()
    by_ref = {r: n for n, r in refs.items()}
    return expr, func, [by_ref[r] for r in func.inputs]


def check(key: str, variant: str, cells: dict[str, Any]) -> None:
    expr, func, order = compiled(key, variant)
    got = plain(np.asarray(func(*[np.array([[_cell(cells[n])]], dtype=object) for n in order])).ravel()[0])
    env = {n: _python(v) for n, v in cells.items()}
    expected = expr.value(env)
    if not same(got, expected, tol=1e-12):
        # The formulas package rounds the binary value (7.5 × 0.29 = 2.17499… → 2.17); the cell's
        # own programs and the core round 15 significant digits (test_expr_formulas).
        with exact_rounding():
            expected = expr.value(env)
    assert same(got, expected, tol=1e-12), (key, variant, cells, got, expected)


@pytest.mark.parametrize(("key", "variant"), CASES)
@PROP
@given(data=st.data())
def test_formula_agrees_with_python(key, variant, data):
    expr, _, _ = compiled(key, variant)
    cells = {n: data.draw(cell_values(n), label=n) for n in sorted(expr.inputs())}
    check(key, variant, cells)


def test_every_variant_is_tested_and_every_item_once():
    assert {k for k, _ in CASES} == set(ITEMS)
    assert {v for _, v in CASES} == set(VARIANTS)


# ---------------------------------------------------------------- the core is the expression


def _basic_value(basic, path: str) -> Any:
    if basic is None:
        return None
    parts = path.split(".")[1:]
    if parts[0] == "expenses":
        return getattr(basic.expense(parts[1]), parts[2])
    return getattr(basic, parts[0])


@hyp_settings(max_examples=150, deadline=None)
@given(basic_strategy, facts_strategy, settings_strategy)
def test_core_score_is_the_expression_over_the_cells(data, facts, settings):
    """Whatever the clerk entered, the core's value is what the 计算得分 cell computes from what the
    sheet shows: None exactly where the cell is blank."""
    for item, score in score_rubric(data, facts, settings):
        if "超出可计算范围" in score.explanation:  # a ratio beyond 1e12: refused by the core only
            continue
        expr = score_expr(item, settings)
        env = {n: _basic_value(data, n) if n.startswith("basic_data.") else shown_fact(n, facts.get(n))
               for n in expr.inputs()}
        assert expr.value(env) == score.value, (item.key, env, score)


def test_seed_like_values():
    """Fixed points of the declarations (the 评分标准's numbers), through the core's entry point."""
    facts = {"last_review_grade": "良", "rectification_status": "无重点评价", "has_carryover": False}
    got = {i.key: s.value for i, s in score_rubric(None, facts, DEFAULT) if s.value is not None}
    assert got == {"self_evaluation": REVIEW_POINTS["良"], "rectification": 5.0, "carryover": 2.0}
    odd = {i.key: s.value for i, s in score_rubric(None, facts, VARIANTS["odd_numbers"]) if s.value is not None}
    assert odd["rectification"] == 4.0


@pytest.mark.parametrize(("method", "pct", "counted"), [
    ("floor", 4.15, 4), ("round", 4.5, 5), ("ceil", 0.2, 1), ("exact", 4.15, 4.15), ("floor", 100 * (101 / 100 - 1), 1)])
def test_whole_points(method, pct, counted):
    assert whole_points(Input("p"), method, "x").value({"p": pct}) == counted


def test_unusable_setting_blanks_the_formula_and_the_score():
    s = DEFAULT.override({"rubric": {"procurement": {"deviation_rounding": "truncate"}}})
    item = ITEMS["procurement"]
    with pytest.raises(RubricSettingError, match="truncate"):
        score_expr(item, s)
    from perfeval_xl.layout.rubric_sheet import score_formula

    assert score_formula(item, s) == '=""'


# ---------------------------------------------------------------- 合计 and 等级


@pytest.mark.parametrize("severe", [None, True, False])
@pytest.mark.parametrize("complete", [True, False])
def test_total_and_grade_are_the_expressions(severe, complete):
    """Seed 004 (合计 92.1, 优): the 合计 and 等级 cells' formulas give the core's total and grade,
    with ⑦ 特别严重 forcing 差 and an unscored item leaving the 合计 blank."""
    seed = submission_from_json(SEED004.read_text(encoding="utf-8"))
    facts = dict(seed.rubric.facts)
    facts.pop("fund_compliance_severe", None)
    if severe is not None:
        facts["fund_compliance_severe"] = severe
    if not complete:
        del facts["has_carryover"]
    result = evaluate_rubric(seed.basic_data, facts, DEFAULT)
    assert (result.total, result.grade) == ((92.1 if complete else None),
                                            "差" if severe else "优" if complete else "")
    assert result.computed_total == (92.1 if complete else 92.1 - SEED004_SCORES[5])
    assert bool(result.forced_grade_reason) == bool(severe)

    total = formulas_pkg.Parser().ast(rubric_total(len(RUBRIC_ITEMS)).cell_formula({"scores": "A1:A24"}))[1].compile()
    column = np.array([[sh.EMPTY if s.value is None else s.value] for _, s in result.items], dtype=object)
    assert same(plain(np.asarray(total(column)).ravel()[0]), result.total)
    grade = formulas_pkg.Parser().ast(rubric_grade(DEFAULT).cell_formula(
        {"total": "B1", "fund_compliance_severe": "C1"}))[1].compile()
    cells = {"B1": sh.EMPTY if result.total is None else result.total,
             "C1": {None: sh.EMPTY, True: "是", False: "否"}[severe]}
    shown = plain(np.asarray(grade(*[np.array([[cells[r]]], dtype=object) for r in grade.inputs])).ravel()[0])
    assert shown == (result.grade or None)


@pytest.mark.parametrize(("key", "cells"), [
    ("satisfaction", {"satisfaction_rate": "九成", "satisfaction_points": 6.0}),
    ("budget_adjustment", {"budget_adjustment_amount": "约18万", "budget_with_additions": 120.0,
                           "basic_data.expenses.budget_adjustment.budget": 100.0}),
])
def test_unreadable_optional_answer_blanks_the_score(key, cells):
    """An answer the core cannot read is reported, not passed over for the other input: the cell
    used to compute a score from the other one while the core had none."""
    check(key, "floor", {n: cells.get(n, BLANK) for n in compiled(key, "floor")[0].inputs()})
    assert compiled(key, "floor")[0].value(cells) is None
    facts = {k: v for k, v in cells.items() if not k.startswith("basic_data.")}
    data = basic(adjustment=(0, 100.0, 0))  # 本年预算数 100
    unreadable = next(s for i, s in score_rubric(data, facts, DEFAULT) if i.key == key)
    assert unreadable.value is None and "取值无效" in unreadable.explanation
    readable = {k: v for k, v in facts.items() if not isinstance(v, str)}  # the other input alone scores
    assert next(s for i, s in score_rubric(data, readable, DEFAULT) if i.key == key).value is not None

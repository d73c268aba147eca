"""The 评分表 (附件2) scores as expressions: each item's 计算得分, its 合计 and 等级, declared once.

``rubric_rule(key, context)`` gives an item's ``RubricRule``: the conditions its inputs must meet,
its sub-scores and, where the 评分标准 has one, the condition that zeroes the whole item. Its
``score(points)`` is one ``expr.Expr``: the core's value of the item (``rubric.score_rubric``
evaluates it over the item's facts and basic data) and the 计算得分 cell's formula (the 评分表 layout
renders it). The points, bands and choice points printed in the 评分标准 live here only.

Input names are the names of ``Score.missing``: fact names ("has_carryover") and paths into the
basic data ("basic_data.staff_actual", "basic_data.expenses.three_public.final"). Values are as
the cell shows them: yes/no as "是"/"否", choices as their text, numbers as numbers, blank as None;
every condition is safe on any cell content (text where a number belongs, a blank), so that the
score is blank, never an error, while an input is missing or unreadable.

Readings of the ``[rubric]`` settings (``default_rules.toml``): ``deviation_rounding`` /
``shortfall_rounding`` count "每超出（降低）1%" in whole percentage points ("floor", "round",
"ceil") or exactly ("exact"); ``rates.method`` scores a rate proportionally or by bands. A setting
that cannot be used raises ``RubricSettingError`` (its message in Chinese).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from .expr import (BLANK, Aggregate, All, Compare, Const, Either, Expr, Func, If, Input, IsNumber, Neg, Plus, band,
                   clamp, compile_expr, lookup, rounded)
from .formulas import grade
from .settings import Settings

ROUNDING_METHODS = ("floor", "round", "ceil", "exact")
RATE_METHODS = ("proportional", "bands")
QUARTER_TARGETS = (0.20, 0.50, 0.80)  # 一、二、三季度末支付序时进度
TRANSFER_LIMIT = 0.02  # 项目支出调剂到单位 ≤ 项目支出 2%
ADJUSTMENT_LIMITS = (0.05, 0.10)  # 预算调整率 < 5% 计 3 分，5–10%（含）计 1.5 分
REVIEW_POINTS = {"优": 4.0, "良": 3.0, "中": 2.0, "低": 1.0, "差": 0.0}
RECTIFICATION_POINTS = {"全部整改": 5.0, "部分整改": 3.0, "未整改且无说明": 0.0}  # the others from settings
FUND_CASE_FACTS = ("fund_regulation_cases", "fund_approval_cases", "fund_decision_cases", "fund_purpose_cases")


@dataclass(frozen=True)
class Deduction:
    """``full`` points, less ``per`` for each case (or percentage point) found, not below 0."""

    full: float
    per: float


STAFF_OVER = Deduction(2.0, 0.2)  # 在职人员控制率 每超出 1%
PAY_PROGRESS_SHORT = Deduction(2.0, 0.2)  # 支付序时进度 每低 1 个百分点
THREE_PUBLIC_OVER = Deduction(2.0, 0.15)  # “三公经费”控制率 每超出 1%
PROCUREMENT_DEVIATION = Deduction(1.0, 0.1)  # 政府采购执行率 每超过（降低）1%
RULE_CASES = Deduction(1.0, 0.2)  # 管理制度执行 每例
FUND_CASES = Deduction(1.0, 0.2)  # 资金使用合规性 ①–④ 每例
FUND_FRAUD_CASES = Deduction(1.0, 1.0)  # ⑤⑥ (any case also zeroes the item)
ASSET_CASES = Deduction(0.5, 0.1)  # 资产管理安全性 ①②④ 每例
JUDGED_PART_POINTS = 1.0  # ①② of 管理制度健全性 and 信息公开性, each judged 0–1 (酌情)
RATE_DECIMALS = 10  # a rate is rounded so that band edges (95 ÷ 100) compare as written
YES, NO = "是", "否"


class RubricSettingError(ValueError):
    """A ``[rubric]`` setting that cannot be used; the message is in Chinese."""


def fact(name: str) -> Input:
    return Input(name)


def basic(path: str) -> Input:
    return Input("basic_data." + path)


# ---------------------------------------------------------------- conditions safe on any cell


def number_test(x: Expr, kind: str) -> Expr:
    """What a number in the answer cell of this kind must meet (amounts and points: ≥ 0; counts:
    whole and ≥ 0; rates: 0–10, a larger number being a percent typed as a number)."""
    if kind == "count":
        return All((Compare(">=", x, Const(0)), Compare("=", x, Func("INT", (x,)))))
    if kind == "rate":
        return All((Compare(">=", x, Const(0)), Compare("<=", x, Const(10))))
    return Compare(">=", x, Const(0))


def is_one_of(x: Expr, choices: Sequence[str]) -> Expr:
    return Either(tuple(Compare("=", x, Const(c)) for c in choices))


def is_blank(x: Expr) -> Expr:
    return Compare("=", x, Const(""))


def blank_or(x: Expr, test: Expr) -> Expr:
    """An optional number of the 基础数据表: blank (text is read as blank there) or passing ``test``."""
    return If(IsNumber(x), test, Const(True))


def is_valid(x: Expr, kind: str, choices: Sequence[str] = ()) -> Expr:
    """Whether the answer cell of a fact of this kind holds a usable answer (FactSpec.kind)."""
    if kind == "bool":
        return is_one_of(x, (YES, NO))
    if kind == "choice":
        return is_one_of(x, choices)
    return If(IsNumber(x), number_test(x, kind), Const(False))


def is_amount(x: Expr) -> Expr:
    return is_valid(x, "amount")


def blank_or_valid(x: Expr, kind: str) -> Expr:
    """An optional fact (a number or yes/no): blank, or a usable answer (text that is not one is
    not blank: the core reports it)."""
    if kind == "bool":
        return Either((is_blank(x), is_valid(x, kind)))
    return If(IsNumber(x), number_test(x, kind), is_blank(x))


def this_or_that(first: Expr, first_kind: str, second: Expr) -> Expr:
    """Either of two inputs will do: ``first`` when it holds a number (which must then be usable),
    else, when it is blank, the condition ``second`` on the other input."""
    return If(IsNumber(first), number_test(first, first_kind), All((is_blank(first), second)))


# ---------------------------------------------------------------- sub-scores


def yes_points(x: Expr, points: float) -> Expr:
    return If(Compare("=", x, Const(YES)), Const(points), Const(0))


def case_points(cases: Expr, rule: Deduction) -> Expr:
    return Func("MAX", (Const(rule.full) - Const(rule.per) * cases, Const(0)))


def capped(x: Expr, points: float) -> Expr:
    return Func("MIN", (x, Const(points)))


def whole_points(pct: Expr, method: Any, setting: str) -> Expr:
    """Percentage points counted for a "每超出 1%" deduction (pct ≥ 0), by the rounding setting.
    ROUND(pct, 9) first: 101/100 − 1 is 1.0000000000000009 in floats."""
    p = rounded(pct, 9)
    if method == "floor":
        return Func("INT", (p,))
    if method == "ceil":
        return Neg(Func("INT", (Neg(p),)))
    if method == "round":
        return rounded(p, 0)
    if method == "exact":
        return p
    raise RubricSettingError(f"设置项 “{setting}” 的值 {method!r} 无效（应为 {'／'.join(ROUNDING_METHODS)} 之一）")


def over_points(rate: Expr, rule: Deduction, counted: Expr) -> Expr:
    """Full points up to 100%, then the deduction for each counted point over."""
    return If(Compare("<=", rate, Const(1)), Const(rule.full), case_points(counted, rule))


def over_percent(rate: Expr) -> Expr:
    return (rate - Const(1)) * Const(100)


def rate_of(numerator: Expr, denominator: Expr) -> Expr:
    return rounded(numerator / denominator, RATE_DECIMALS)


def band_table(raw: Any, value_key: str, setting: str) -> list[tuple[float, float]]:
    """[(min_rate, value)] of a bands setting, sorted from the highest band down."""
    try:
        bands = sorted(((float(b["min_rate"]), float(b[value_key])) for b in raw), reverse=True)
    except (KeyError, TypeError, ValueError):
        raise RubricSettingError(f"设置项 “{setting}” 应为 {{ min_rate = …, {value_key} = … }} 的列表") from None
    if not bands:
        raise RubricSettingError(f"设置项 “{setting}” 不能为空")
    return bands


# ---------------------------------------------------------------- one item's rule


@dataclass(frozen=True)
class RuleContext:
    """What an item's rule is built from: the settings, the facts' kinds, the item's 分值."""

    settings: Settings
    facts: Mapping[str, Any]  # fact name → FactSpec (its kind and choices)
    points: float

    def setting(self, key: str) -> Any:
        dotted = "rubric." + key
        try:
            return self.settings[dotted]
        except (KeyError, TypeError):
            raise RubricSettingError(f"缺少设置项 “{dotted}”") from None

    def number_setting(self, key: str) -> float:
        value = self.setting(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RubricSettingError(f"设置项 “rubric.{key}” 应为数字，实际为 {value!r}")
        return float(value)

    def whole(self, pct: Expr, key: str) -> Expr:
        return whole_points(pct, self.setting(key), "rubric." + key)

    def valid(self, *names: str) -> Expr:
        """Every named fact holds a usable answer."""
        tests = tuple(is_valid(fact(n), self.facts[n].kind, self.facts[n].choices) for n in names)
        return All(tests)

    def rate_points(self, rate: Expr) -> Expr:
        """The item's points for a rate under rubric.rates (产出四项, 满意度调查)."""
        method = self.setting("rates.method")
        if method == "proportional":
            return Const(self.points) * Func("MIN", (rate, Const(1)))
        if method == "bands":
            return Const(self.points) * band(rate, band_table(self.setting("rates.bands"), "fraction",
                                                              "rubric.rates.bands"), 0)
        raise RubricSettingError(f"设置项 “rubric.rates.method” 的值 {method!r} 无效（应为 {'／'.join(RATE_METHODS)} 之一）")


@dataclass(frozen=True)
class RubricRule:
    """An item's score: ``guards`` (each tested only when the ones before hold; the score is blank
    unless all do), ``parts`` (sub-scores, each rounded to 2 dp, added), ``zero_if`` (the whole item
    scores 0), then clamped to [0, 分值] and rounded to 2 dp. ``figures`` are the intermediate
    figures the explanation quotes (the rate, the points counted)."""

    guards: tuple[Expr, ...]
    parts: tuple[Expr, ...]
    zero_if: Expr | None = None
    figures: Mapping[str, Expr] = field(default_factory=dict)

    def part_points(self) -> tuple[Expr, ...]:
        return tuple(rounded(p, 2) for p in self.parts)

    def item_points(self, points: float, part_points: Sequence[Expr]) -> Expr:
        """The item's value from its sub-scores' points: their sum (0 when ``zero_if`` holds),
        clamped to [0, 分值], rounded to 2 dp."""
        body: Expr = Plus(tuple(part_points))
        if self.zero_if is not None:
            body = If(self.zero_if, Const(0), body)
        return rounded(clamp(body, 0, points), 2)

    def guarded(self, body: Expr) -> Expr:
        """``body`` once every guard holds (each tested only when the ones before do), else blank."""
        for guard in reversed(self.guards):
            body = If(guard, body)
        return body

    def score(self, points: float) -> Expr:
        """The 计算得分: one expression, the cell's formula and the tree the core is checked against."""
        return self.guarded(self.item_points(points, self.part_points()))

    def compiled(self, points: float) -> CompiledRule:
        """The same rule compiled to Python (``expr.compile_expr``), each sub-score evaluated once
        and passed to the item's value: what the core runs for every 评分表."""
        names = tuple(f"#part{i}" for i in range(len(self.parts)))
        return CompiledRule(
            compile_expr(self.guarded(Const(True))), tuple(compile_expr(p) for p in self.part_points()),
            compile_expr(self.item_points(points, tuple(Input(n) for n in names)), names),
            {name: compile_expr(figure) for name, figure in self.figures.items()})


@dataclass(frozen=True)
class CompiledRule:
    """An item's rule as Python functions of the cells' values (``env``): ``evaluate`` gives the
    value of ``RubricRule.score`` and, when it is not blank, the sub-scores' points."""

    guards_hold: Callable[[Mapping[str, Any]], Any]
    part_points: tuple[Callable[[Mapping[str, Any]], Any], ...]
    item_points: Callable[..., Any]
    figures: Mapping[str, Callable[[Mapping[str, Any]], Any]]

    def evaluate(self, env: Mapping[str, Any]) -> tuple[Any, tuple[Any, ...]]:
        if not self.guards_hold(env):
            return None, ()
        parts = tuple(part(env) for part in self.part_points)
        return self.item_points(env, *parts), parts

    def figure(self, name: str, env: Mapping[str, Any]) -> Any:
        return self.figures[name](env)


def _yes_items(c: RuleContext, points: Mapping[str, float]) -> RubricRule:
    return RubricRule((c.valid(*points),), tuple(yes_points(fact(n), p) for n, p in points.items()))


def _goal_rationality(c: RuleContext) -> RubricRule:
    return _yes_items(c, {"goal_lawful": 0.5, "goal_duty_related": 0.5, "goal_plan_consistent": 1.0})


def _indicator_clarity(c: RuleContext) -> RubricRule:
    quantified, unmatched = fact("quantified_indicator_count"), fact("unmatched_indicator_count")
    three = c.number_setting("indicator_clarity.quantified_exactly_three")
    try:
        steps = sorted((int(b["max_count"]), float(b["points"])) for b in c.setting("indicator_clarity.unmatched_bands"))
    except (KeyError, TypeError, ValueError):
        raise RubricSettingError("设置项 “rubric.indicator_clarity.unmatched_bands” 应为 { max_count = …, points = … } 的列表") from None
    unmatched_points: Expr = Const(0)
    for limit, got in reversed(steps):
        unmatched_points = If(Compare("<=", unmatched, Const(limit)), Const(got), unmatched_points)
    quantified_points = If(Compare(">", quantified, Const(3)), Const(1),
                           If(Compare("=", quantified, Const(3)), Const(three),
                              If(Compare("=", quantified, Const(2)), Const(0.5), Const(0))))
    return RubricRule((c.valid("has_goals", "quantified_indicator_count", "unmatched_indicator_count",
                               "goals_match_funds"),),
                      (yes_points(fact("has_goals"), 1), quantified_points, unmatched_points,
                       yes_points(fact("goals_match_funds"), 1)))


def _staff_control(c: RuleContext) -> RubricRule:
    """在职人员控制率 = 在职 ÷ 编制; 附件1's printed 控制率 only without the counts. 编制 0 with no one
    in post is 0; with staff in post it is undefined."""
    actual, authorized, printed = basic("staff_actual"), basic("staff_authorized"), basic("staff_control_rate")
    hired = fact("hired_within_quota")
    counts = All((IsNumber(actual), IsNumber(authorized)))
    rate = If(counts, If(Compare("=", authorized, Const(0)), Const(0), rate_of(actual, authorized)), printed)
    over = c.whole(over_percent(rate), "staff_control.deviation_rounding")
    return RubricRule(
        (c.valid("hired_within_quota"), blank_or(actual, Compare(">=", actual, Const(0))),
         blank_or(authorized, Compare(">=", authorized, Const(0))),
         If(counts, Either((Compare("<>", authorized, Const(0)), Compare("=", actual, Const(0)))), is_amount(printed))),
        (over_points(rate, STAFF_OVER, over), yes_points(hired, 2)), figures={"rate": rate, "over": over})


def _budget_execution(c: RuleContext) -> RubricRule:
    budget, given = fact("budget_with_additions"), fact("budget_completed")
    final = basic("expenses.budget_adjustment.final")
    rate = rate_of(If(IsNumber(given), given, final), budget)
    bands = band_table(c.setting("budget_execution.completion_bands"), "points",
                       "rubric.budget_execution.completion_bands")
    short = Plus(tuple(c.whole(Func("MAX", (Const(target) - fact(f"pay_progress_q{q}"), Const(0))) * Const(100),
                               "budget_execution.shortfall_rounding")
                       for q, target in enumerate(QUARTER_TARGETS, start=1)))
    transfer = fact("transfer_to_units_rate")
    return RubricRule(
        (c.valid("budget_with_additions"), this_or_that(given, "amount", is_amount(final)),
         c.valid("pay_progress_q1", "pay_progress_q2", "pay_progress_q3", "transfer_to_units_rate"),
         Compare("<>", budget, Const(0))),
        (band(rate, bands, 0), case_points(short, PAY_PROGRESS_SHORT),
         If(Compare("<=", transfer, Const(TRANSFER_LIMIT)), Const(2), Const(0))),
        figures={"rate": rate, "short": short})


def _budget_adjustment(c: RuleContext) -> RubricRule:
    """预算调整率 = 预算调整数 (given, else |批复+追加 − 本年预算数|, less the excluded) ÷ 本年预算数."""
    base = basic("expenses.budget_adjustment.budget")
    amount, with_additions, excluded = (fact("budget_adjustment_amount"), fact("budget_with_additions"),
                                        fact("excluded_adjustment_amount"))
    gross = If(IsNumber(amount), amount, Func("ABS", (with_additions - base,)))
    counted = If(IsNumber(excluded), Func("MAX", (gross - excluded, Const(0))), gross)
    rate = rate_of(counted, base)
    low, high = ADJUSTMENT_LIMITS
    return RubricRule(
        (is_amount(base), this_or_that(amount, "amount", is_amount(with_additions)),
         blank_or_valid(excluded, "amount"), Compare("<>", base, Const(0))),
        (If(Compare("<", rate, Const(low)), Const(3), If(Compare("<=", rate, Const(high)), Const(1.5), Const(0))),),
        figures={"gross": gross, "counted": counted, "rate": rate})


def _carryover(c: RuleContext) -> RubricRule:
    return RubricRule((c.valid("has_carryover"),),
                      (If(Compare("=", fact("has_carryover"), Const(YES)), Const(0), Const(2)),))


def _both_amounts(final: Expr, budget: Expr) -> tuple[Expr, Expr]:
    return is_amount(final), is_amount(budget)


def _three_public_control(c: RuleContext) -> RubricRule:
    """Budget 0 with nothing spent scores full; with spending it is over without limit and scores 0."""
    final, budget = basic("expenses.three_public.final"), basic("expenses.three_public.budget")
    rate = rate_of(final, budget)
    over = c.whole(over_percent(rate), "three_public_control.deviation_rounding")
    return RubricRule((All(_both_amounts(final, budget)),),
                      (If(Compare("=", budget, Const(0)), If(Compare("<>", final, Const(0)), Const(0), Const(2)),
                          over_points(rate, THREE_PUBLIC_OVER, over)),),
                      figures={"rate": rate, "over": over})


def _procurement(c: RuleContext) -> RubricRule:
    final, budget = basic("expenses.procurement.final"), basic("expenses.procurement.budget")
    rate = rate_of(final, budget)
    deviation = Func("ABS", (rate - Const(1),)) * Const(100)
    counted = c.whole(deviation, "procurement.deviation_rounding")
    return RubricRule((All((*_both_amounts(final, budget), c.valid("procurement_compliant"))),),
                      (If(Compare("=", budget, Const(0)), If(Compare("<>", final, Const(0)), Const(0), Const(1)),
                          case_points(counted, PROCUREMENT_DEVIATION)),
                       yes_points(fact("procurement_compliant"), 1)),
                      figures={"rate": rate, "deviation": deviation, "counted": counted})


def _management_rules(c: RuleContext) -> RubricRule:
    return RubricRule((c.valid("internal_control_points", "rules_compliance_points", "rules_violation_cases"),),
                      (capped(fact("internal_control_points"), JUDGED_PART_POINTS),
                       capped(fact("rules_compliance_points"), JUDGED_PART_POINTS),
                       case_points(fact("rules_violation_cases"), RULE_CASES)))


def _fund_compliance(c: RuleContext) -> RubricRule:
    """①–④ 1 − 0.2 per case; any case under ⑤ or ⑥ zeroes all 6 points. ⑦ (特别严重) may be blank;
    it forces the 等级 (``rubric_grade``), not this item's points."""
    misuse, false_claims = fact("fund_misuse_cases"), fact("fund_false_claim_cases")
    return RubricRule(
        (c.valid(*FUND_CASE_FACTS, "fund_misuse_cases", "fund_false_claim_cases"),
         blank_or_valid(fact("fund_compliance_severe"), "bool")),
        (*(case_points(fact(n), FUND_CASES) for n in FUND_CASE_FACTS), case_points(misuse, FUND_FRAUD_CASES),
         case_points(false_claims, FUND_FRAUD_CASES)),
        zero_if=Either((Compare(">", misuse, Const(0)), Compare(">", false_claims, Const(0)))))


def _disclosure(c: RuleContext) -> RubricRule:
    names = ("disclosure_points", "data_quality_points")
    return RubricRule((c.valid(*names),), tuple(capped(fact(n), JUDGED_PART_POINTS) for n in names))


def _self_evaluation(c: RuleContext) -> RubricRule:
    grade_cell = fact("last_review_grade")
    return RubricRule((c.valid("last_review_grade"),), (lookup(grade_cell, REVIEW_POINTS, 0),))


def rectification_points(c: RuleContext) -> dict[str, float]:
    """Points of each 整改情况, in the order of the choices; the two the seed does not print from settings."""
    points = {**RECTIFICATION_POINTS, "未整改但有说明": c.number_setting("rectification.explained_points"),
              "无重点评价": c.number_setting("rectification.no_review_points")}
    return {status: points[status] for status in c.facts["rectification_status"].choices}


def _rectification(c: RuleContext) -> RubricRule:
    return RubricRule((c.valid("rectification_status"),),
                      (lookup(fact("rectification_status"), rectification_points(c), 0),))


def _asset_rules(c: RuleContext) -> RubricRule:
    return _yes_items(c, {n: 0.5 for n in ("asset_rules_sound", "asset_rules_executed", "asset_budgeted",
                                            "asset_within_budget")})


def _asset_safety(c: RuleContext) -> RubricRule:
    return RubricRule((c.valid("asset_custody_cases", "asset_disposal_cases", "asset_proceeds_remitted",
                               "asset_procurement_cases"),),
                      (case_points(fact("asset_custody_cases"), ASSET_CASES),
                       case_points(fact("asset_disposal_cases"), ASSET_CASES),
                       yes_points(fact("asset_proceeds_remitted"), 0.5),
                       case_points(fact("asset_procurement_cases"), ASSET_CASES)))


def _fixed_assets(c: RuleContext) -> RubricRule:
    return _yes_items(c, {"fixed_asset_register": 0.5, "fixed_asset_change_approval": 0.5})


def _rate_item(name: str) -> Callable[[RuleContext], RubricRule]:
    """产出 rates: 分值 × min(rate, 1), or the band's fraction (rubric.rates.method)."""
    return lambda c: RubricRule((c.valid(name),), (c.rate_points(fact(name)),))


def _judged_item(name: str) -> Callable[[RuleContext], RubricRule]:
    """效果 items scored by the unit's own 个性化指标: the points it awarded, up to the 分值."""
    return lambda c: RubricRule((c.valid(name),), (capped(fact(name), c.points),))


def _satisfaction(c: RuleContext) -> RubricRule:
    """A survey's 满意率 gives 分值 × min(rate, 1); without a survey, the judged points."""
    rate, judged = fact("satisfaction_rate"), fact("satisfaction_points")
    return RubricRule((this_or_that(rate, "rate", is_amount(judged)),),
                      (If(IsNumber(rate), c.rate_points(rate), capped(judged, c.points)),))


RULES: dict[str, Callable[[RuleContext], RubricRule]] = {
    "goal_rationality": _goal_rationality, "indicator_clarity": _indicator_clarity,
    "staff_control": _staff_control, "budget_execution": _budget_execution,
    "budget_adjustment": _budget_adjustment, "carryover": _carryover,
    "three_public_control": _three_public_control, "procurement": _procurement,
    "management_rules": _management_rules, "fund_compliance": _fund_compliance, "disclosure": _disclosure,
    "self_evaluation": _self_evaluation, "rectification": _rectification, "asset_rules": _asset_rules,
    "asset_safety": _asset_safety, "fixed_assets": _fixed_assets,
    "completion_rate": _rate_item("actual_completion_rate"), "timeliness_rate": _rate_item("timely_completion_rate"),
    "quality_rate": _rate_item("quality_pass_rate"), "key_work_rate": _rate_item("key_work_completion_rate"),
    "economic_benefit": _judged_item("economic_benefit_points"),
    "social_benefit": _judged_item("social_benefit_points"),
    "ecological_benefit": _judged_item("ecological_benefit_points"), "satisfaction": _satisfaction,
}


def rubric_rule(key: str, context: RuleContext) -> RubricRule:
    return RULES[key](context)


# ---------------------------------------------------------------- 合计 and 等级

SCORES = Input("scores")  # the 24 计算得分 (a list; in the sheet, their column)
SEVERE = fact("fund_compliance_severe")


def computed_total() -> Expr:
    """Σ of the items that have a score, rounded to 2 dp."""
    return rounded(Aggregate("SUM", (SCORES,)), 2)


def rubric_total(items: int) -> Expr:
    """合计: the Σ once every one of ``items`` scores is known, else blank."""
    return If(Compare("=", Aggregate("COUNT", (SCORES,)), Const(items)), computed_total(), BLANK)


def rubric_grade(settings: Settings, total: Expr = Input("total")) -> Expr:
    """等级: “差” when 资金使用合规性⑦ says the violations are especially severe, else by the [grades] bands."""
    return If(Compare("=", SEVERE, Const(YES)), Const("差"), grade(settings, total))


def cell_answer(value: Any) -> Any:
    """A fact as its answer cell shows it (yes/no as 是/否), for the expressions."""
    return (YES if value else NO) if isinstance(value, bool) else value


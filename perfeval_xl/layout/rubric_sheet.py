"""部门整体支出绩效自评评分表 (附件2, DOMAIN §A4): landscape, laid out like the printed form.

Part 1 is the form as printed, one row per ``RUBRIC_ITEMS`` entry: 一级 and 二级 merged over their
rows with their points, 三级, 分值, 评分要点, 评分标准, 自评得分 (typed) and one column the paper
form does not have, 计算得分: the item's score by its 评分标准, computed in Excel from the 基础数据表
(``{@basic:…}``) and the facts of part 2 (``{facts.…}``), following the ``[rubric]`` settings the
layout is built with. Its ``compute`` is the core's value (``score_rubric``) of the same item.
Then 合计 and 等级. Part 2, 评分依据, asks every ``FactSpec`` of ``ALL_FACTS``, grouped by item.

Rows and entries. The model keeps ``RubricSheet.entries`` as a list; the form's 24 rows are fixed.
The sheet's object is therefore a ``RubricForm``, a RubricSheet that also holds the entries by key
(``rows``, field paths ``rows.<key>.score``) and the basic data the 计算得分 column reads. ``get``
builds it from a submission (sharing the entry objects), ``attach`` turns what was read back into a
plain RubricSheet: 24 entries in printed order, each keyed by its row, points as printed (a locked
constant cell, ``=2``), score as typed; facts through ``coerce_fact`` (是/否 → True/False, counts
→ int, an unreadable answer kept as typed so that the core reports it).

An empty sheet (no 自评得分 and no 评分依据 answered) reads back as ``rubric = None``, like a
submission that has no 评分表, whatever the constant points and totals hold.

计算得分 is "" while any input the item needs is missing or invalid, exactly when the core's value
is None, and it also follows the core's readings: "每超出 1%" counted by ``deviation_rounding``,
sub-scores rounded half-up to 2 dp, the item clamped to [0, 分值].
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

from .columns import get_column_letter  # not openpyxl's: validate never loads openpyxl

from ..core.model import BasicData, RubricEntry, RubricSheet, Submission, label
from ..core.rubric import (ALL_FACTS, FUND_CASES, QUARTER_TARGETS, RECTIFICATION_POINTS, RECTIFICATION_STATUSES,
                           REVIEW_GRADES, REVIEW_POINTS, RUBRIC_ITEMS, TRANSFER_LIMIT, FactError, FactSpec,
                           RubricItem, coerce_fact, evaluate_rubric, grade_for, score_rubric)
from ..core.score import fmt_number, round_half_up
from ..core.settings import Settings
from .choices import YES_NO_CHOICE
from .grid import Builder, Choice, Layout
from .project import grade_formula
from .workbook import SheetKind

RUBRIC_TITLE = "部门整体支出绩效自评评分表"
RUBRIC_SHEET = "评分表"
HEADERS = ("一级指标", "二级指标", "三级指标", "分值", "评分要点", "评分标准", "自评得分", "计算得分")
WIDTHS = [7, 8, 11, 5, 44, 54, 8, 8]
POINTS_COL, SCORE_COL, COMPUTED_COL = 4, 7, 8
FACT_KINDS = {"bool": "text", "choice": "text", "rate": "rate", "count": "count", "amount": "amount",
              "points": "points"}  # FactSpec.kind → layout kind of its answer cell
KIND_HELP = {"bool": "选择“是”或“否”。", "choice": "从下拉列表中选择。", "rate": "填百分数，如 95%。",
             "count": "填整数，0 表示未发现。", "amount": "单位：万元。", "points": "填分数。"}
# Items that also read the 基础数据表 (附件1): what part 2 tells the clerk about it.
BASIC_NOTES = {
    "staff_control": "另取附件1「编制数」「实际在职人数」：在职人员控制率 = 实际在职人数 ÷ 编制数。",
    "budget_execution": "另取附件1「部门整体支出预算调整」本年决算数（未填“预算完成数”时作为预算完成数）。",
    "budget_adjustment": "另取附件1「部门整体支出预算调整」本年预算数（预算调整率的分母）。",
    "three_public_control": "无需填写：按附件1「三公经费」本年决算数 ÷ 本年预算数计算。",
    "procurement": "另取附件1「政府采购金额」本年决算数 ÷ 本年预算数（政府采购执行率）。",
}
NOTE = ("说明：黄色单元格由单位填写。“计算得分”由附件1 基础数据表和下方“评分依据”按评分标准自动计算（已锁定），"
        "供核对自评得分；依据未填全时为空白。资金使用合规性⑦为“是”时等级定为“差”。")


# ---------------------------------------------------------------- the sheet's object


@dataclass
class RubricForm(RubricSheet):
    """A RubricSheet as the form shows it: entries by row key, facts as typed, and the basic data."""

    rows: dict[str, RubricEntry] = field(default_factory=dict, metadata=label("评分项目"))
    basic_data: BasicData | None = None

    @classmethod
    def label_of(cls, name: str) -> str:
        """"facts.has_carryover" → its question, for messages about the cell (S101)."""
        fact = name.removeprefix("facts.")
        if fact != name and fact in ALL_FACTS:
            return f"评分依据：{ALL_FACTS[fact].label}"
        return super().label_of(name)

    @classmethod
    def of(cls, sheet: RubricSheet | None, basic: BasicData | None) -> RubricForm:
        form = cls(basic_data=basic)
        if sheet is not None:
            form.rows = {e.key: e for e in sheet.entries}  # the submission's own entries
            form.total_points, form.total_score = sheet.total_points, sheet.total_score
            form.facts = {name: _shown(name, value) for name, value in sheet.facts.items()}
            form.sources = sheet.sources
        return form

    def to_sheet(self) -> RubricSheet | None:
        """The RubricSheet read; None when nothing was scored or answered."""
        entries = []
        for item in RUBRIC_ITEMS:
            row = self.rows.get(item.key) or RubricEntry()
            entries.append(RubricEntry(key=item.key, points=row.points, score=row.score, sources=dict(row.sources)))
        facts = {}
        for name, raw in self.facts.items():
            value = _answer(name, raw)
            if value is not None:
                facts[name] = value
        if not facts and all(e.score is None for e in entries):
            return None
        return RubricSheet(entries=entries, total_points=self.total_points, total_score=self.total_score,
                           facts=facts, sources=dict(self.sources))


def _shown(name: str, value: Any) -> Any:
    """A fact as its cell shows it: 是/否 for yes/no; anything unreadable as it is."""
    spec = ALL_FACTS.get(name)
    if spec is None:
        return value
    try:
        value = coerce_fact(spec, value)
    except FactError:
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _answer(name: str, raw: Any) -> Any:
    """A fact as the model keeps it; None when blank; an unreadable answer as typed."""
    spec = ALL_FACTS.get(name)
    if spec is None:
        return raw if raw not in (None, "") else None
    try:
        return coerce_fact(spec, raw)
    except FactError:
        return raw


def _get(sub: Submission) -> RubricForm:
    return RubricForm.of(sub.rubric, sub.basic_data)


def _attach(sub: Submission, form: RubricForm) -> None:
    sub.rubric = form.to_sheet()


# ---------------------------------------------------------------- the core's values


def _core_score(key: str, settings: Settings) -> Callable[[Any], float | None]:
    def compute(form: Any) -> float | None:
        for item, score in score_rubric(getattr(form, "basic_data", None), form.facts, settings):
            if item.key == key:
                return score.value
        return None
    return compute


def _core_total(settings: Settings) -> Callable[[Any], float | None]:
    return lambda form: evaluate_rubric(getattr(form, "basic_data", None), form.facts, settings).total


def _core_grade(settings: Settings) -> Callable[[Any], str]:
    return lambda form: evaluate_rubric(getattr(form, "basic_data", None), form.facts, settings).grade


def _severe(form: Any) -> bool:
    try:
        return bool(coerce_fact(ALL_FACTS["fund_compliance_severe"], form.facts.get("fund_compliance_severe")))
    except FactError:
        return False


def _stated_total(form: Any) -> float | None:
    scores = [e.score for e in getattr(form, "rows", {}).values() if e.score is not None]
    return round_half_up(sum(scores), 2) if scores else None


def _stated_grade(settings: Settings) -> Callable[[Any], str]:
    def compute(form: Any) -> str:
        if _severe(form):
            return "差"
        total = form.total_score if form.total_score is not None else _stated_total(form)  # as the cell shows it
        return grade_for(total, settings) if total is not None else ""
    return compute


# ---------------------------------------------------------------- Excel formulas of the 24 rules


class _BadSetting(Exception):
    """A [rubric] setting the core would refuse: the formula is "" as the core's value is None."""


def _f(name: str) -> str:
    return f"{{facts.{name}}}"


def _b(path: str) -> str:
    return f"{{@basic:{path}}}"


def _num(x: float) -> str:
    return fmt_number(float(x), 10)


# Validity of an input, as the core reads it from the model the reader makes (text in a number
# cell is read as blank). Each test is safe on any cell content: no comparison of text with numbers.
def _is_yes_no(x: str) -> str:
    return f'OR({x}="是",{x}="否")'


def _yes(x: str, points: float) -> str:
    return f'IF({x}="是",{_num(points)},0)'


def _is_choice(x: str, choices: tuple[str, ...]) -> str:
    return "OR(" + ",".join(f'{x}="{c}"' for c in choices) + ")"


def _is_amount(x: str) -> str:
    return f"IF(ISNUMBER({x}),{x}>=0,FALSE)"


def _is_count(x: str) -> str:
    return f"IF(ISNUMBER({x}),AND({x}>=0,{x}=INT({x})),FALSE)"


def _is_rate(x: str) -> str:
    return f"IF(ISNUMBER({x}),AND({x}>=0,{x}<=10),FALSE)"


def _blank_or(x: str, test: str) -> str:
    """An optional number: blank (or text) is fine, a number must pass ``test``."""
    return f"IF(ISNUMBER({x}),{test},TRUE)"


def _fact_ok(name: str) -> str:
    spec = ALL_FACTS[name]
    x = _f(name)
    if spec.kind == "bool":
        return _is_yes_no(x)
    if spec.kind == "choice":
        return _is_choice(x, spec.choices)
    if spec.kind == "count":
        return _is_count(x)
    if spec.kind == "rate":
        return _is_rate(x)
    return _is_amount(x)


def _whole(pct: str, method: Any) -> str:
    """Percentage points counted for "每超出 1%" (pct ≥ 0), as rubric._whole_percent."""
    p = f"ROUND({pct},9)"
    if method == "floor":
        return f"INT({p})"
    if method == "ceil":
        return f"-INT(-{p})"
    if method == "round":
        return f"ROUND({p},0)"
    if method == "exact":
        return p
    raise _BadSetting(method)


def _over(rate: str, full: float, per: float, method: Any) -> str:
    return f"IF({rate}<=1,{_num(full)},MAX({_num(full)}-{_num(per)}*{_whole(f'({rate}-1)*100', method)},0))"


def _cases(n: str, full: float, per: float) -> str:
    return f"MAX({_num(full)}-{_num(per)}*{n},0)"


def _bands(raw: Any, value_key: str) -> list[tuple[float, float]]:
    try:
        bands = sorted(((float(b["min_rate"]), float(b[value_key])) for b in raw), reverse=True)
    except (KeyError, TypeError, ValueError):
        raise _BadSetting(value_key) from None
    if not bands:
        raise _BadSetting(value_key)
    return bands


def _band_value(rate: str, bands: list[tuple[float, float]]) -> str:
    expr = "0"
    for low, value in reversed(bands):
        expr = f"IF({rate}>={_num(low)},{_num(value)},{expr})"
    return expr


def _number_setting(settings: Settings, key: str) -> float:
    value = settings.get("rubric." + key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _BadSetting(key)
    return float(value)


def _rate_points(rate: str, points: float, settings: Settings) -> str:
    method = settings.get("rubric.rates.method")
    if method == "proportional":
        return f"{_num(points)}*MIN({rate},1)"
    if method == "bands":
        return f"{_num(points)}*{_band_value(rate, _bands(settings.get('rubric.rates.bands'), 'fraction'))}"
    raise _BadSetting(method)


@dataclass
class _Rule:
    """An item's formula: conditions (each tested only when the ones before hold), parts, zeroing."""

    conditions: list[str]
    parts: list[str]
    zero_if: str = ""

    def formula(self, points: float) -> str:
        body = "+".join(f"ROUND({p},2)" for p in self.parts)
        if self.zero_if:
            body = f"IF({self.zero_if},0,{body})"
        expr = f"ROUND(MIN(MAX({body},0),{_num(points)}),2)"
        for condition in reversed(self.conditions):
            expr = f'IF({condition},{expr},"")'
        return "=" + expr


def _facts_ok(*names: str) -> str:
    return "AND(" + ",".join(_fact_ok(n) for n in names) + ")" if len(names) > 1 else _fact_ok(names[0])


def _goal_rationality(s: Settings) -> _Rule:
    names = ("goal_lawful", "goal_duty_related", "goal_plan_consistent")
    return _Rule([_facts_ok(*names)], [_yes(_f(n), p) for n, p in zip(names, (0.5, 0.5, 1.0))])


def _indicator_clarity(s: Settings) -> _Rule:
    q, u = _f("quantified_indicator_count"), _f("unmatched_indicator_count")
    three = _number_setting(s, "indicator_clarity.quantified_exactly_three")
    try:
        steps = sorted((int(b["max_count"]), float(b["points"])) for b in s.get("rubric.indicator_clarity.unmatched_bands"))
    except (KeyError, TypeError, ValueError):
        raise _BadSetting("unmatched_bands") from None
    unmatched = "0"
    for limit, got in reversed(steps):
        unmatched = f"IF({u}<={limit},{_num(got)},{unmatched})"
    return _Rule([_facts_ok("has_goals", "quantified_indicator_count", "unmatched_indicator_count",
                            "goals_match_funds")],
                 [_yes(_f("has_goals"), 1), f"IF({q}>3,1,IF({q}=3,{_num(three)},IF({q}=2,0.5,0)))", unmatched,
                  _yes(_f("goals_match_funds"), 1)])


def _staff_control(s: Settings) -> _Rule:
    a, z, printed = _b("staff_actual"), _b("staff_authorized"), _b("staff_control_rate")
    counts = f"AND(ISNUMBER({a}),ISNUMBER({z}))"
    rate = f"IF({counts},IF({z}=0,0,ROUND({a}/{z},10)),{printed})"
    return _Rule(
        [_fact_ok("hired_within_quota"), _blank_or(a, f"{a}>=0"), _blank_or(z, f"{z}>=0"),
         # the counts, else 附件1's printed rate; 编制 0 with staff in post is undefined
         f"IF({counts},OR({z}<>0,{a}=0),{_is_amount(printed)})"],
        [_over(rate, 2, 0.2, s.get("rubric.staff_control.deviation_rounding")), _yes(_f("hired_within_quota"), 2)])


_QUARTERS = tuple(enumerate(QUARTER_TARGETS, start=1))  # (quarter, 支付序时进度 target)


def _budget_execution(s: Settings) -> _Rule:
    budget, given, final = _f("budget_with_additions"), _f("budget_completed"), _b("expenses.budget_adjustment.final")
    rate = f"ROUND(IF(ISNUMBER({given}),{given},{final})/{budget},10)"
    method = s.get("rubric.budget_execution.shortfall_rounding")
    short = "+".join(_whole(f"MAX({_num(t)}-{_f(f'pay_progress_q{q}')},0)*100", method) for q, t in _QUARTERS)
    transfer = _f("transfer_to_units_rate")
    return _Rule(
        [_fact_ok("budget_with_additions"), f"IF(ISNUMBER({given}),{given}>=0,{_is_amount(final)})",
         _facts_ok("pay_progress_q1", "pay_progress_q2", "pay_progress_q3", "transfer_to_units_rate"),
         f"{budget}<>0"],
        [_band_value(rate, _bands(s.get("rubric.budget_execution.completion_bands"), "points")),
         f"MAX(2-0.2*({short}),0)", f"IF({transfer}<={_num(TRANSFER_LIMIT)},2,0)"])


def _budget_adjustment(s: Settings) -> _Rule:
    base = _b("expenses.budget_adjustment.budget")
    amount, with_additions, excluded = (_f("budget_adjustment_amount"), _f("budget_with_additions"),
                                        _f("excluded_adjustment_amount"))
    gross = f"IF(ISNUMBER({amount}),{amount},ABS({with_additions}-{base}))"
    counted = f"IF(ISNUMBER({excluded}),MAX({gross}-{excluded},0),{gross})"
    rate = f"ROUND({counted}/{base},10)"
    return _Rule(
        [_is_amount(base), f"IF(ISNUMBER({amount}),{amount}>=0,{_is_amount(with_additions)})",
         _blank_or(excluded, f"{excluded}>=0"), f"{base}<>0"],
        [f"IF({rate}<0.05,3,IF({rate}<=0.1,1.5,0))"])


def _carryover(s: Settings) -> _Rule:
    return _Rule([_fact_ok("has_carryover")], [f'IF({_f("has_carryover")}="是",0,2)'])


def _three_public_control(s: Settings) -> _Rule:
    final, budget = _b("expenses.three_public.final"), _b("expenses.three_public.budget")
    rate = f"ROUND({final}/{budget},10)"
    method = s.get("rubric.three_public_control.deviation_rounding")
    return _Rule([f"AND({_is_amount(final)},{_is_amount(budget)})"],
                 [f"IF({budget}=0,IF({final}<>0,0,2),{_over(rate, 2, 0.15, method)})"])


def _procurement(s: Settings) -> _Rule:
    final, budget = _b("expenses.procurement.final"), _b("expenses.procurement.budget")
    deviation = f"ABS(ROUND({final}/{budget},10)-1)*100"
    counted = _whole(deviation, s.get("rubric.procurement.deviation_rounding"))
    return _Rule([f"AND({_is_amount(final)},{_is_amount(budget)},{_fact_ok('procurement_compliant')})"],
                 [f"IF({budget}=0,IF({final}<>0,0,1),MAX(1-0.1*{counted},0))", _yes(_f("procurement_compliant"), 1)])


def _management_rules(s: Settings) -> _Rule:
    names = ("internal_control_points", "rules_compliance_points", "rules_violation_cases")
    return _Rule([_facts_ok(*names)], [f"MIN({_f(names[0])},1)", f"MIN({_f(names[1])},1)",
                                       _cases(_f(names[2]), 1, 0.2)])


_FUND_CASES = tuple(name for name, _ in FUND_CASES)


def _fund_compliance(s: Settings) -> _Rule:
    misuse, false_claims, severe = _f("fund_misuse_cases"), _f("fund_false_claim_cases"), _f("fund_compliance_severe")
    return _Rule([_facts_ok(*_FUND_CASES, "fund_misuse_cases", "fund_false_claim_cases"),
                  f'OR({severe}="",{_is_yes_no(severe)})'],
                 [_cases(_f(n), 1, 0.2) for n in _FUND_CASES] + [_cases(misuse, 1, 1), _cases(false_claims, 1, 1)],
                 zero_if=f"OR({misuse}>0,{false_claims}>0)")


def _disclosure(s: Settings) -> _Rule:
    names = ("disclosure_points", "data_quality_points")
    return _Rule([_facts_ok(*names)], [f"MIN({_f(n)},1)" for n in names])


def _choice_points(x: str, points: dict[str, float]) -> str:
    expr = "0"
    for choice, value in reversed(list(points.items())):
        expr = f'IF({x}="{choice}",{_num(value)},{expr})'
    return expr


def _self_evaluation(s: Settings) -> _Rule:
    assert tuple(REVIEW_POINTS) == REVIEW_GRADES
    return _Rule([_fact_ok("last_review_grade")], [_choice_points(_f("last_review_grade"), REVIEW_POINTS)])


def _rectification(s: Settings) -> _Rule:
    points = {**RECTIFICATION_POINTS, "未整改但有说明": _number_setting(s, "rectification.explained_points"),
              "无重点评价": _number_setting(s, "rectification.no_review_points")}
    points = {status: points[status] for status in RECTIFICATION_STATUSES}
    assert set(points) == set(RECTIFICATION_STATUSES)
    return _Rule([_fact_ok("rectification_status")], [_choice_points(_f("rectification_status"), points)])


def _asset_rules(s: Settings) -> _Rule:
    names = ("asset_rules_sound", "asset_rules_executed", "asset_budgeted", "asset_within_budget")
    return _Rule([_facts_ok(*names)], [_yes(_f(n), 0.5) for n in names])


def _asset_safety(s: Settings) -> _Rule:
    return _Rule([_facts_ok("asset_custody_cases", "asset_disposal_cases", "asset_proceeds_remitted",
                            "asset_procurement_cases")],
                 [_cases(_f("asset_custody_cases"), 0.5, 0.1), _cases(_f("asset_disposal_cases"), 0.5, 0.1),
                  _yes(_f("asset_proceeds_remitted"), 0.5), _cases(_f("asset_procurement_cases"), 0.5, 0.1)])


def _fixed_assets(s: Settings) -> _Rule:
    names = ("fixed_asset_register", "fixed_asset_change_approval")
    return _Rule([_facts_ok(*names)], [_yes(_f(n), 0.5) for n in names])


def _rate_item(fact: str) -> Callable[[Settings, float], _Rule]:
    return lambda s, points: _Rule([_fact_ok(fact)], [_rate_points(_f(fact), points, s)])


def _judged(fact: str) -> Callable[[Settings, float], _Rule]:
    return lambda s, points: _Rule([_fact_ok(fact)], [f"MIN({_f(fact)},{_num(points)})"])


def _satisfaction(s: Settings, points: float) -> _Rule:
    rate, judged = _f("satisfaction_rate"), _f("satisfaction_points")
    return _Rule([f"IF(ISNUMBER({rate}),{_is_rate(rate)},{_is_amount(judged)})"],
                 [f"IF(ISNUMBER({rate}),{_rate_points(rate, points, s)},MIN({judged},{_num(points)}))"])


_RULES: dict[str, Callable[..., _Rule]] = {
    "goal_rationality": _goal_rationality, "indicator_clarity": _indicator_clarity,
    "staff_control": _staff_control, "budget_execution": _budget_execution,
    "budget_adjustment": _budget_adjustment, "carryover": _carryover,
    "three_public_control": _three_public_control, "procurement": _procurement,
    "management_rules": _management_rules, "fund_compliance": _fund_compliance, "disclosure": _disclosure,
    "self_evaluation": _self_evaluation, "rectification": _rectification, "asset_rules": _asset_rules,
    "asset_safety": _asset_safety, "fixed_assets": _fixed_assets,
}
_RULES_WITH_POINTS: dict[str, Callable[[Settings, float], _Rule]] = {
    "completion_rate": _rate_item("actual_completion_rate"), "timeliness_rate": _rate_item("timely_completion_rate"),
    "quality_rate": _rate_item("quality_pass_rate"), "key_work_rate": _rate_item("key_work_completion_rate"),
    "economic_benefit": _judged("economic_benefit_points"), "social_benefit": _judged("social_benefit_points"),
    "ecological_benefit": _judged("ecological_benefit_points"), "satisfaction": _satisfaction,
}


def score_formula(item: RubricItem, settings: Settings) -> str:
    """The 计算得分 formula template of ``item`` ("" formula when a setting is unusable)."""
    try:
        if item.key in _RULES:
            rule = _RULES[item.key](settings)
        else:
            rule = _RULES_WITH_POINTS[item.key](settings, item.points)
        return rule.formula(item.points)
    except _BadSetting:
        return '=""'


# ---------------------------------------------------------------- the layout


def _runs(attr: str) -> list[tuple[RubricItem, int]]:
    """(first item, number of items) of each run of items sharing ``attr`` (一级 or 二级)."""
    runs: list[tuple[RubricItem, int]] = []
    for item in RUBRIC_ITEMS:
        if runs and getattr(runs[-1][0], attr) == getattr(item, attr) and (
                attr != "level2" or runs[-1][0].level1 == item.level1):
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((item, 1))
    return runs


def _grade_bands(settings: Settings) -> str:
    """"优 ≥ 90，良 ≥ 80，中 ≥ 60，差 < 60" from the [grades] settings."""
    bands = sorted(settings["grades"].items(), key=lambda kv: -kv[1])
    parts = [f"{g} ≥ {fmt_number(v)}" for g, v in bands[:-1]]
    if bands:
        parts.append(f"{bands[-1][0]} < {fmt_number(bands[-2][1])}" if len(bands) > 1 else bands[-1][0])
    return "，".join(parts)


def _fact_help(spec: FactSpec) -> str:
    return spec.help or KIND_HELP[spec.kind]


def _fact_choice(spec: FactSpec) -> Choice | None:
    if spec.kind == "bool":
        return YES_NO_CHOICE
    if spec.kind == "choice":
        return Choice(items=spec.choices)
    return None


def rubric_layout(sheet: str = RUBRIC_SHEET, capacities: dict[str, int] | None = None,
                  settings: Settings | None = None) -> Layout:
    settings = settings or Settings.default()
    b = Builder("rubric", sheet, widths=list(WIDTHS), landscape=True)
    b.layout.attachment = "附件2"
    b.title(RUBRIC_TITLE)
    b.next_row(30)
    for col, text in enumerate(HEADERS, start=1):
        b.label(col, text, header=True)
    b.layout.print_title_rows = f"{b.row}:{b.row}"

    # Part 1: the form as printed, one row per item.
    first = b.row + 1
    for level, attr in ((1, "level1"), (2, "level2")):
        row = first
        for item, n in _runs(attr):
            points = item.level1_points if level == 1 else item.level2_points
            b.label(level, f"{getattr(item, attr)}\n（{fmt_number(points)}分）", rows=n, row=row)
            row += n
    for item in RUBRIC_ITEMS:
        b.next_row(30)
        b.label(3, item.name)
        b.computed(POINTS_COL, f"rows.{item.key}.points", f"={_num(item.points)}", lambda form, p=item.points: p,
                   "points").stamp = True
        b.label(5, item.criteria, align="left")
        b.label(6, item.standard, align="left")
        b.input(SCORE_COL, f"rows.{item.key}.score", "points")
        b.computed(COMPUTED_COL, "", score_formula(item, settings), _core_score(item.key, settings), "points")
    last = b.row

    def column(col: int) -> str:
        letter = get_column_letter(col)
        return f"{letter}{first}:{letter}{last}"

    b.next_row(26)
    b.label(1, "合计", cols=3)
    b.computed(POINTS_COL, "total_points", f"=SUM({column(POINTS_COL)})",
               lambda form: round_half_up(sum(i.points for i in RUBRIC_ITEMS), 2), "points")
    b.label(5, "", cols=2)
    b.computed(SCORE_COL, "total_score",
               f'=IF(COUNT({column(SCORE_COL)})=0,"",ROUND(SUM({column(SCORE_COL)}),2))', _stated_total, "points")
    b.computed(COMPUTED_COL, "", f'=IF(COUNT({column(COMPUTED_COL)})={len(RUBRIC_ITEMS)},'
               f'ROUND(SUM({column(COMPUTED_COL)}),2),"")', _core_total(settings), "points")
    totals = b.row

    b.next_row(26)
    b.label(1, "等级", cols=3)
    b.label(4, f"按合计得分：{_grade_bands(settings)}；资金使用合规性⑦违规情况特别严重的定为“差”。", cols=3,
            align="left")
    severe = f'{_f("fund_compliance_severe")}="是"'
    for col, compute in ((SCORE_COL, _stated_grade(settings)), (COMPUTED_COL, _core_grade(settings))):
        total_ref = f"{get_column_letter(col)}{totals}"
        b.computed(col, "", f'=IF({severe},"差",{grade_formula(total_ref, settings)[1:]})', compute, "text")
    b.note(NOTE, height=30)
    # Only part 1 prints: the header row repeats on every page, and part 2 has columns of its own.
    b.layout.print_last_row = b.row

    # Part 2: 评分依据, the facts the 计算得分 column reads, grouped by item.
    b.next_row(26)
    b.label(1, "评分依据（单位填写，“计算得分”按此计算；本部分不打印）", cols=len(WIDTHS), header=True)
    b.next_row(24)
    for col, cols, text in ((1, 3, "评分项目"), (4, 2, "评分依据"), (6, 1, "填写说明"), (7, 2, "填写")):
        b.label(col, text, cols=cols, header=True)
    for item in RUBRIC_ITEMS:
        start = b.row + 1
        for spec in item.facts:
            b.next_row(22)
            b.label(4, spec.label, cols=2, align="left")
            b.label(6, _fact_help(spec), align="left")
            b.input(7, f"facts.{spec.name}", FACT_KINDS[spec.kind], cols=2, choice=_fact_choice(spec))
        if item.key in BASIC_NOTES:
            b.next_row(22)
            b.label(4, BASIC_NOTES[item.key], cols=3, align="left")
            b.label(7, "—", cols=2)
        b.label(1, item.name, cols=3, rows=b.row - start + 1, row=start)
    return b.build()


RUBRIC = SheetKind("rubric", RUBRIC_SHEET, lambda sheet, caps, settings: rubric_layout(sheet, caps, settings),
                   get=_get, attach=_attach, new=RubricForm, title=RUBRIC_TITLE,
                   printed=lambda sub, form: sub.rubric is not None)

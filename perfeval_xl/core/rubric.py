"""部门整体支出绩效自评评分表 (附件2, DOMAIN §A4) as executable rules.

Every one of the 24 scored lines of the 100-point department rubric is a ``RubricItem``
whose ``score`` turns the 基础数据表 (``BasicData``, 附件1) and the facts a clerk enters
(``RubricSheet.facts``: yes/no, counts of non-compliant cases, grades, rates) into a
``Score`` whose explanation names every figure and sub-score.

Conventions
-----------
* Money is in 万元, rates are fractions (0.9346), as in ``model``.
* A fact that is absent (or ``None`` / "") is *missing*; a fact that cannot be read as
  its kind is *invalid*. Either way the item's value is ``None`` and ``Score.missing``
  names what is needed. Names are fact names (``ALL_FACTS``) or paths into the basic
  data, ``"basic_data.staff_actual"`` / ``"basic_data.expenses.three_public.budget"``;
  ``describe_input`` gives the Chinese label of either. Where either of two inputs will
  do, both are listed and the explanation says so (填其一).
* ``Score.inputs`` is keyed by the same names.
* Every value is an expression of ``rubric_exprs`` evaluated over the inputs read (as their cells
  show them): the same expression is the 评分表's 计算得分 formula. This module reads and checks
  the inputs and words the explanation. Each sub-score is rounded half-up to 2 dp, the item is
  clamped to [0, 分值] and rounded half-up to 2 dp.
* "每超出（降低）1% 扣 x 分" counts whole percentage points by default ("floor": 4.15% → 4);
  ``rubric.<item>.deviation_rounding`` may be "floor", "round", "ceil" or "exact". Seed
  004 prints 1.6 for 政府采购 at 95.85%, which "floor" and "round" reproduce and "exact"
  (1 − 0.415 + 1 → 1.58) does not.
* A misconfigured setting makes the item uncomputable with a message about the setting;
  it never raises out of ``score_rubric``.
* Readings chosen for ambiguous wording of the seed are configurable in the ``[rubric]``
  section of ``default_rules.toml`` and listed in tests/data/README.md.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .expr import Expr, compile_expr
from .formulas import compiled_for, grade_of
from .model import EXPENSE_LABELS, KEYED_LABELS, BasicData, ExpenseRow
from .rubric_exprs import (ADJUSTMENT_LIMITS, ASSET_CASES, FUND_CASE_FACTS, FUND_CASES, FUND_FRAUD_CASES,
                           JUDGED_PART_POINTS, PAY_PROGRESS_SHORT, PROCUREMENT_DEVIATION, QUARTER_TARGETS, RULE_CASES,
                           STAFF_OVER, THREE_PUBLIC_OVER, TRANSFER_LIMIT, YES, CompiledRule, Deduction, RubricRule,
                           RubricSettingError, RuleContext, band_table, cell_answer, computed_total, rubric_grade,
                           rubric_rule, rubric_total)
from .score import Score, fmt_amount, fmt_number, fmt_percent, fmt_points
from .settings import Settings
from .values import parse_number

FACT_KINDS = ("bool", "count", "rate", "amount", "choice", "points")
REVIEW_GRADES = ("优", "良", "中", "低", "差")
RECTIFICATION_STATUSES = ("全部整改", "部分整改", "未整改但有说明", "未整改且无说明", "无重点评价")

# A rate above this is almost surely a percent typed as a number (95 for 95%).
_MAX_RATE = 10.0
# Figures beyond this (万元, counts, rates) are typing slips, and too large to round exactly.
_MAX_MAGNITUDE = 1e12


# ---------------------------------------------------------------- public types


@dataclass(frozen=True)
class FactSpec:
    """One fact a clerk answers for the rubric."""

    name: str  # ASCII snake_case, unique across the rubric
    label: str  # the Chinese question
    kind: str  # one of FACT_KINDS
    choices: tuple[str, ...] = ()  # for "choice"
    help: str = ""


@dataclass(frozen=True)
class RubricInputs:
    basic: BasicData | None
    facts: Mapping[str, Any]
    settings: Settings

    @functools.cached_property
    def rubric_settings(self) -> str:
        """The [rubric] section as JSON text: what the items' rules are built (and cached) from."""
        return self.settings.text("rubric")


@dataclass(frozen=True)
class RubricItem:
    """One scored line of 附件2."""

    key: str
    level1: str
    level1_points: float
    level2: str
    level2_points: float
    name: str
    points: float
    criteria: str  # 评分要点 as printed
    standard: str  # 评分标准 as printed
    facts: tuple[FactSpec, ...]
    basic_data: tuple[str, ...]  # EXPENSE_ROWS keys / BasicData fields it reads
    score: Callable[[RubricInputs], Score] = field(repr=False, compare=False)

    @property
    def rule(self) -> str:
        return "A4." + self.key


@dataclass(frozen=True)
class RubricResult:
    items: list[tuple[RubricItem, Score]]
    total: float | None  # Σ when every item is computable, else None
    computed_total: float  # Σ of the computable items
    grade: str  # "" when the total is unknown and no grade is forced
    forced_grade_reason: str = ""


class FactError(ValueError):
    """A fact value that does not fit its kind; the message is in Chinese."""


# ---------------------------------------------------------------- facts


def _bool_fact(name: str, label: str, help: str = "") -> FactSpec:
    return FactSpec(name, label, "bool", help=help)


def _count_fact(name: str, label: str, help: str = "") -> FactSpec:
    return FactSpec(name, label, "count", help=help or "填 0 表示未发现。")


_TRUE = {"是", "有", "true", "yes", "y", "1", "√", "✓", "对"}
_FALSE = {"否", "无", "false", "no", "n", "0", "×", "✗", "不"}


def coerce_fact(spec: FactSpec, raw: Any) -> Any:
    """The fact value as its kind, None when not given; FactError when unreadable.

    Lenient where a workbook cell would be: 是/否 for yes/no, "95%" for a rate, "3" for a
    count. Rates are fractions; a number above 10 is refused as a probable percent.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = spec.kind
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, (int, float)) and raw in (0, 1):
            return bool(raw)
        if isinstance(raw, str) and raw.strip().lower() in _TRUE:
            return True
        if isinstance(raw, str) and raw.strip().lower() in _FALSE:
            return False
        raise FactError(f"应填“是”或“否”，实际为 {raw!r}")
    if kind == "choice":
        text = raw.strip() if isinstance(raw, str) else raw
        if text in spec.choices:
            return text
        raise FactError(f"应为 {'／'.join(spec.choices)} 之一，实际为 {raw!r}")
    number = _number(raw, percent_ok=(kind == "rate"))
    if number is None:
        raise FactError(f"应为数字，实际为 {raw!r}")
    if number < 0:
        raise FactError(f"不能为负数（{number:g}）")
    if number > _MAX_MAGNITUDE:
        raise FactError(f"数值过大（{number:g}）")
    if kind == "count":
        if number != int(number):
            raise FactError(f"应为整数（例数），实际为 {fmt_number(number)}")
        return int(number)
    if kind == "rate" and number > _MAX_RATE:
        raise FactError(f"比率应填小数（如 0.95 表示 95%），实际为 {fmt_number(number)}")
    return float(number)


def _number(raw: Any, percent_ok: bool) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
    elif isinstance(raw, str):
        value = parse_number(raw, percent_ok)
        if value is None:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


# ---------------------------------------------------------------- settings helpers


def _pct(rate: float) -> str:
    """A threshold rate as a clerk writes it: 0.95 → "95%"."""
    return fmt_number(rate * 100, 4) + "%"


def _band_text(bands: list[tuple[float, float]], rate: float) -> tuple[float, str]:
    """(value, the band in words) of the first band the rate reaches, for the explanation."""
    for i, (low, value) in enumerate(bands):
        if rate >= low:
            upper = f" 且 < {_pct(bands[i - 1][0])}" if i else ""
            return value, f"≥ {_pct(low)}{upper}"
    return 0.0, f"< {_pct(bands[-1][0])}"


# ---------------------------------------------------------------- reading inputs


class _Incomplete(Exception):
    pass


class _Undefined(Exception):
    """The inputs are present but the figure is undefined (a zero denominator)."""


class _Reader:
    """Reads facts, basic data and settings for one item, collecting what is missing; once the
    inputs are complete (``check``), evaluates the item's rule (``rubric_exprs``) over them."""

    def __init__(self, inputs: RubricInputs, item: RubricItem) -> None:
        self.inputs = inputs
        self.item = item
        self.points = item.points  # the item's 分值
        self.missing: list[str] = []
        self.invalid: list[tuple[str, str]] = []
        self.used: dict[str, Any] = {}
        self.either: list[tuple[str, ...]] = []
        self.rule: CompiledRule | None = None  # set by check(), with the inputs as their cells
        self.env: dict[str, Any] = {}  # show them (env), what the rule reads

    def fact(self, name: str, optional: bool = False) -> Any:
        spec = ALL_FACTS[name]
        try:
            value = coerce_fact(spec, self.inputs.facts.get(name))
        except FactError as exc:
            self.invalid.append((name, str(exc)))
            return None
        if value is None:
            if not optional:
                self.missing.append(name)
        else:
            self.used[name] = value
        return value

    def require(self, *names: str) -> None:
        """Record absent inputs read as optional that turn out to be needed."""
        unreadable = {name for name, _ in self.invalid}
        self.missing.extend(n for n in names if n not in self.missing and n not in unreadable)

    def need_either(self, *names: str) -> None:
        """Record that one of several absent inputs is needed (unless one was unreadable)."""
        if any(n == name for n in names for name, _ in self.invalid):
            return
        self.require(*names)
        self.either.append(names)

    def basic(self, field_name: str, optional: bool = False) -> float | None:
        path = "basic_data." + field_name
        value = getattr(self.inputs.basic, field_name, None) if self.inputs.basic else None
        return self._basic_value(path, value, optional)

    def expense(self, row: str, column: str, optional: bool = False) -> float | None:
        path = f"basic_data.expenses.{row}.{column}"
        basic = self.inputs.basic
        value = getattr(basic.expense(row), column) if basic else None
        return self._basic_value(path, value, optional)

    def _basic_value(self, path: str, value: Any, optional: bool) -> float | None:
        if value is None:
            if not optional:
                self.missing.append(path)
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.invalid.append((path, f"应为数字，实际为 {value!r}"))
            return None
        if not 0 <= value <= _MAX_MAGNITUDE:
            self.invalid.append((path, f"不能为负数（{value:g}）" if value < 0 else f"数值过大（{value:g}）"))
            return None
        self.used[path] = float(value)
        return float(value)

    def setting(self, key: str) -> Any:
        return self.context().setting(key)

    def context(self) -> RuleContext:
        return RuleContext(self.inputs.settings, ALL_FACTS, self.points)

    def check(self) -> None:
        """Stop unless every input is there and readable; then build the item's rule (a setting it
        cannot use stops here, after the inputs, with its own message)."""
        if self.missing or self.invalid:
            raise _Incomplete
        self.rule = _rule_of(self.item.key, self.inputs.rubric_settings)[2]
        self.env = {name: cell_answer(value) for name, value in self.used.items()}

    def figure(self, name: str) -> Any:
        """An intermediate figure of the rule (the rate, the points counted) for the explanation."""
        assert self.rule is not None, "figure() before check()"
        return self.rule.figure(name, self.env)

    def rate(self, numerator: float, denominator: float) -> float:
        """The rule's "rate" figure, refused when it is beyond what can be computed."""
        rate = self.figure("rate")
        if not abs(rate) <= _MAX_MAGNITUDE:
            raise _Undefined(f"{fmt_number(numerator)} ÷ {fmt_number(denominator)} 超出可计算范围")
        return rate


@dataclass
class _Outcome:
    parts: list[str]  # what each sub-score of the rule is for; its points come from the rule
    ratio: float | None = None
    zeroed: str = ""  # when set, the whole item scores 0 for this reason
    note: str = ""  # appended to the explanation


def describe_input(name: str) -> str:
    """Chinese label of a fact name or a ``basic_data.…`` path (as in ``Score.missing``)."""
    if name in ALL_FACTS:
        return ALL_FACTS[name].label
    parts = name.split(".")
    if parts[:2] == ["basic_data", "expenses"] and len(parts) == 4:
        row = EXPENSE_LABELS.get(parts[2], parts[2])
        return f"附件1 基础数据表「{row.strip()}」{ExpenseRow.label_of(parts[3])}"
    if parts[0] == "basic_data" and len(parts) == 2:
        return f"附件1 基础数据表「{BasicData.label_of(parts[1])}」"
    return name


def _incomplete_score(item: RubricItem, r: _Reader) -> Score:
    alternatives = {n for group in r.either for n in group}
    texts = []
    single = [n for n in r.missing if n not in alternatives]
    if single:
        texts.append("未填写：" + "；".join(describe_input(n) for n in single))
    for group in r.either:
        texts.append("以下填其一：" + " 或 ".join(describe_input(n) for n in group))
    for name, problem in r.invalid:
        texts.append(f"取值无效：{describe_input(name)}（{problem}）")
    text = f"{item.name}无法计分。" + "；".join(texts) + "。"
    names = tuple(dict.fromkeys([*r.missing, *(n for n, _ in r.invalid)]))
    return Score(None, item.points, item.rule, text, dict(r.used), missing=names)


def _finish(item: RubricItem, r: _Reader, out: _Outcome) -> Score:
    """The Score: sub-scores and value are the rule's expressions evaluated over the inputs read
    (compiled, each sub-score once), the same expressions the 评分表's 计算得分 cells compute."""
    assert r.rule is not None and len(out.parts) == len(r.rule.part_points), item.key
    value, part_points = r.rule.evaluate(r.env)
    assert value is not None, f"{item.key}: the inputs were read as complete but the rule's conditions fail"
    texts = [f"{text}，计 {fmt_points(p)}" for text, p in zip(out.parts, part_points)]
    if out.zeroed:
        texts.append(out.zeroed)
    explanation = "；".join(texts)
    if out.zeroed or len(part_points) > 1:
        explanation += f"；合计 {fmt_points(value)}"
    elif value != part_points[0]:
        explanation += f"；按分值上下限计 {fmt_points(value)}"
    if out.note:
        explanation += "；" + out.note
    return Score(value, item.points, item.rule, explanation + "。", dict(r.used), ratio=out.ratio)


def _run(key: str, fn: Callable[[_Reader], _Outcome], inputs: RubricInputs) -> Score:
    item = ITEMS_BY_KEY[key]
    r = _Reader(inputs, item)
    try:
        out = fn(r)
    except _Incomplete:
        return _incomplete_score(item, r)
    except (RubricSettingError, _Undefined) as exc:
        return Score(None, item.points, item.rule, f"{item.name}无法计分：{exc}。", dict(r.used))
    return _finish(item, r, out)


# ---------------------------------------------------------------- shared wording


def _yes_no(r: _Reader, name: str, yes: str, no: str) -> str:
    return yes if r.fact(name) else no


def _case_part(label: str, cases: int, rule: Deduction) -> str:
    if not cases:
        return f"{label}未发现不符"
    return f"{label}不符 {cases} 例，{fmt_number(rule.full)} − {fmt_number(rule.per)} × {cases}"


def _points_part(value: float, label: str, points: float) -> str:
    if value > points:
        return f"{label}（填 {fmt_number(value)}，超过 {fmt_number(points)} 分，按 {fmt_number(points)} 分计）"
    return f"{label}酌情评定"


def _over_deduction(r: _Reader, label: str, rate: float, rule: Deduction) -> str:
    """Full points up to 100%, minus the deduction for each 1% over (the "over" figure)."""
    if rate <= 1.0:
        return f"{label} ≤ 100%"
    over = r.figure("over")
    return (f"{label}超出 100% {fmt_number((rate - 1.0) * 100, 2)} 个百分点（按 {fmt_number(over, 2)} 计），"
            f"{fmt_number(rule.full)} − {fmt_number(rule.per)} × {fmt_number(over, 2)}")


def _rate_points(r: _Reader, rate: float) -> str:
    """How a rate scores under rubric.rates (产出四项, 满意度调查)."""
    points = r.points
    if r.setting("rates.method") == "proportional":
        return f"{fmt_number(points)} × min({fmt_percent(rate)}, 100%)"
    fraction, band = _band_text(band_table(r.setting("rates.bands"), "fraction", "rubric.rates.bands"), rate)
    return f"{fmt_percent(rate)} 在 {band} 档，{fmt_number(points)} × {fmt_number(fraction)}"


# ---------------------------------------------------------------- the 24 rules (their wording; scores in rubric_exprs)


def _goal_rationality(r: _Reader) -> _Outcome:
    parts = [
        _yes_no(r, "goal_lawful", "① 符合国家法律法规及本区国民经济和社会发展规划", "① 不符合法律法规或发展规划"),
        _yes_no(r, "goal_duty_related", "② 与部门（单位）职责密切相关", "② 与部门职责关联不密切"),
        _yes_no(r, "goal_plan_consistent", "③ 符合部门制定的发展实施规划", "③ 不符合部门发展实施规划"),
    ]
    r.check()
    return _Outcome(parts)


def _indicator_clarity(r: _Reader) -> _Outcome:
    has_goals = r.fact("has_goals")
    quantified = r.fact("quantified_indicator_count")
    unmatched = r.fact("unmatched_indicator_count")
    matched_funds = r.fact("goals_match_funds")
    r.check()
    parts = ["① 有目标" if has_goals else "① 无目标"]
    if quantified > 3:
        parts.append(f"② 量化指标 {quantified} 个（超过 3 个）")
    elif quantified == 3:
        parts.append("② 量化指标恰为 3 个（“超过3个”不含本数，按设置计分）")
    elif quantified == 2:
        parts.append("② 量化指标 2 个")
    else:
        parts.append(f"② 量化指标 {quantified} 个（2 个以下）")
    parts.append(f"③ 与年度任务数或计划数不相对应的指标 {unmatched} 个")
    parts.append("④ 目标与资金匹配良好" if matched_funds else "④ 目标与资金不匹配")
    return _Outcome(parts)


def _staff_control(r: _Reader) -> _Outcome:
    """在职人员控制率 = 在职 ÷ 编制 (附件1); 附件1's printed 控制率 is used only without the counts."""
    actual = r.basic("staff_actual", optional=True)
    authorized = r.basic("staff_authorized", optional=True)
    printed = None
    if actual is None or authorized is None:
        printed = r.basic("staff_control_rate", optional=True)
        if printed is None:
            r.require(*(p for p, v in (("basic_data.staff_actual", actual),
                                       ("basic_data.staff_authorized", authorized)) if v is None))
    hired_ok = r.fact("hired_within_quota")
    r.check()
    if printed is not None:
        rate, label = printed, f"在职人员控制率（附件1 所填）{fmt_percent(printed)}"
    elif authorized == 0:
        if actual:
            raise _Undefined("附件1 编制数为 0 而实际在职人数不为 0，无法计算在职人员控制率")
        rate, label = 0.0, "编制数与在职人数均为 0，在职人员控制率"
    else:
        rate = r.rate(actual, authorized)
        label = f"在职人员控制率 = {fmt_number(actual)} ÷ {fmt_number(authorized)} = {fmt_percent(rate)}"
    parts = [_over_deduction(r, label, rate, STAFF_OVER),
             "聘用人员未超编办人社部门批复数" if hired_ok else "聘用人员实际使用数超过批复数"]
    return _Outcome(parts, ratio=rate)


def _budget_execution(r: _Reader) -> _Outcome:
    budget = r.fact("budget_with_additions")
    completed = r.fact("budget_completed", optional=True)
    if completed is None:
        completed = r.expense("budget_adjustment", "final", optional=True)
        if completed is None:
            r.need_either("budget_completed", "basic_data.expenses.budget_adjustment.final")
    progress = [r.fact(f"pay_progress_q{q}") for q in (1, 2, 3)]
    transfer = r.fact("transfer_to_units_rate")
    r.check()
    if not budget:
        raise _Undefined("预算数（批复 + 追加）为 0，无法计算预算完成率")
    # ① 预算完成率
    rate = r.rate(completed, budget)
    _, band = _band_text(band_table(r.setting("budget_execution.completion_bands"), "points",
                                    "rubric.budget_execution.completion_bands"), rate)
    parts = [f"① 预算完成率 = {fmt_number(completed)} ÷ {fmt_number(budget)} = {fmt_percent(rate)}，在 {band} 档"]
    # ② 支付序时进度: each quarter's shortfall counted (rubric.budget_execution.shortfall_rounding), summed.
    shown = "／".join(fmt_percent(p) for p in progress)
    wanted = "／".join(_pct(t) for t in QUARTER_TARGETS)
    short = r.figure("short")
    deduction = PAY_PROGRESS_SHORT
    if short:
        parts.append(f"② 一、二、三季度末支付序时进度 {shown}，对照 {wanted} 共低 {fmt_number(short, 2)} 个百分点，"
                     f"{fmt_number(deduction.full)} − {fmt_number(deduction.per)} × {fmt_number(short, 2)}")
    else:
        parts.append(f"② 一、二、三季度末支付序时进度 {shown} 均达到 {wanted}")
    # ③ 项目支出调剂到单位
    relation = "≤" if transfer <= TRANSFER_LIMIT else ">"
    parts.append(f"③ 项目支出调剂到单位 {fmt_percent(transfer)} {relation} {_pct(TRANSFER_LIMIT)}")
    return _Outcome(parts, ratio=rate)


def _budget_adjustment(r: _Reader) -> _Outcome:
    """预算调整率 = 预算调整数 ÷ 预算数.

    Reading: 预算数 is the year's approved budget, 附件1「部门整体支出预算调整」本年预算数.
    预算调整数 is the fact ``budget_adjustment_amount`` when given; otherwise it is estimated
    as |批复 + 追加 (``budget_with_additions``) − 本年预算数|, the net change of the budget
    (追加/追减 that offset each other and 结构调整 are then not seen, so enter the amount
    where they occurred). ``excluded_adjustment_amount`` (国家政策、不可抗力、市委市政府
    临时交办、经济科目非跨类调整) is subtracted.
    """
    base = r.expense("budget_adjustment", "budget")
    amount = r.fact("budget_adjustment_amount", optional=True)
    with_additions = None
    if amount is None:
        with_additions = r.fact("budget_with_additions", optional=True)
        if with_additions is None:
            r.need_either("budget_adjustment_amount", "budget_with_additions")
    excluded = r.fact("excluded_adjustment_amount", optional=True) or 0.0
    r.check()
    gross = r.figure("gross")
    if amount is None:
        how = f"预算调整数按 |批复+追加 {fmt_number(with_additions)} − 年初预算 {fmt_number(base)}| = {fmt_number(gross)}"
    else:
        how = f"预算调整数 {fmt_number(gross)}"
    counted = r.figure("counted")
    if excluded:
        how += f"，扣除不计入的调整 {fmt_number(excluded)} 后为 {fmt_number(counted)}"
    if not base:
        raise _Undefined("附件1「部门整体支出预算调整」本年预算数为 0，无法计算预算调整率")
    rate = r.rate(counted, base)
    low, high = ADJUSTMENT_LIMITS
    text = f"{how}；预算调整率 = {fmt_number(counted)} ÷ {fmt_number(base)} = {fmt_percent(rate)}"
    if rate < low:
        part = f"{text} < {_pct(low)}"
    elif rate <= high:
        part = f"{text}，在 {_pct(low)}–{_pct(high)}（含）之间"
    else:
        part = f"{text} > {_pct(high)}"
    return _Outcome([part], ratio=rate)


def _carryover(r: _Reader) -> _Outcome:
    has = r.fact("has_carryover")
    r.check()
    return _Outcome(["区本级资金有结转结余" if has else "区本级资金无结转"])


def _three_public_control(r: _Reader) -> _Outcome:
    """“三公经费”控制率 = 本年决算 ÷ 本年预算 (附件1).

    Only the 当年预算 limit is scored here; "不超上年决算" (exceeding last year's 决算) is
    reported by a separate check on the basic data, not deducted. Budget 0 with nothing
    spent scores full; budget 0 with spending is over without limit and scores 0.
    """
    final = r.expense("three_public", "final")
    budget = r.expense("three_public", "budget")
    r.check()
    if not budget:
        if final:
            return _Outcome([f"“三公经费”预算为 0，实际支出 {fmt_amount(final)}，控制率无上限地超出"])
        return _Outcome(["“三公经费”预算与实际支出均为 0，控制率 ≤ 100%"])
    rate = r.rate(final, budget)
    label = f"“三公经费”控制率 = {fmt_number(final)} ÷ {fmt_number(budget)} = {fmt_percent(rate)}"
    return _Outcome([_over_deduction(r, label, rate, THREE_PUBLIC_OVER)], ratio=rate)


def _procurement(r: _Reader) -> _Outcome:
    final = r.expense("procurement", "final")
    budget = r.expense("procurement", "budget")
    compliant = r.fact("procurement_compliant")
    r.check()
    if not budget:
        part = (f"政府采购预算为 0，实际采购 {fmt_amount(final)}，执行率无法达到 100%" if final
                else "政府采购预算与实际采购均为 0，视同执行率 100%")
        rate = None
    else:
        rate = r.rate(final, budget)
        deviation, counted = r.figure("deviation"), r.figure("counted")
        text = f"政府采购执行率 = {fmt_number(final)} ÷ {fmt_number(budget)} = {fmt_percent(rate)}"
        rule = PROCUREMENT_DEVIATION
        if counted:
            part = (f"{text}，偏离 100% {fmt_number(deviation, 2)} 个百分点（按 {fmt_number(counted, 2)} 计），"
                    f"{fmt_number(rule.full)} − {fmt_number(rule.per)} × {fmt_number(counted, 2)}")
        else:
            part = f"{text}，偏离 100% 不足 1 个百分点" if deviation else f"{text}"
    second = ("所有项目依法采购并履行验收手续" if compliant
              else "存在未依法采购、规避或化整为零、未履行验收手续的情况")
    return _Outcome([part, second], ratio=rate)


def _management_rules(r: _Reader) -> _Outcome:
    internal = r.fact("internal_control_points")
    compliance = r.fact("rules_compliance_points")
    cases = r.fact("rules_violation_cases")
    r.check()
    return _Outcome([
        _points_part(internal, "① 内控、财务管理和会计核算制度健全性", JUDGED_PART_POINTS),
        _points_part(compliance, "② 管理制度合法、合规、完整", JUDGED_PART_POINTS),
        _case_part("③ 管理制度执行", cases, RULE_CASES),
    ])


_FUND_CASE_LABELS = ("① 财经法规和财务管理制度", "② 支付审批程序和手续", "③ 重大开支集体研究决策", "④ 预算批复或合同规定用途")


def _fund_compliance(r: _Reader) -> _Outcome:
    """资金使用合规性: ①–④ 1 − 0.2 per case; any case under ⑤ or ⑥ zeroes all 6 points.

    ⑦ (违规情况特别严重) does not change this item's points: ``evaluate_rubric`` forces the
    grade to 差. It is read here so that an unreadable answer is reported; absent means 否.
    """
    counts = [r.fact(name) for name in FUND_CASE_FACTS]
    misuse = r.fact("fund_misuse_cases")
    false_claims = r.fact("fund_false_claim_cases")
    severe = r.fact("fund_compliance_severe", optional=True)
    r.check()
    parts = [_case_part(label, n, FUND_CASES) for label, n in zip(_FUND_CASE_LABELS, counts)]
    parts.append(_case_part("⑤ 截留、挤占、挪用、虚列支出", misuse, FUND_FRAUD_CASES))
    parts.append(_case_part("⑥ 重复申报项目、虚报冒领资金", false_claims, FUND_FRAUD_CASES))
    zeroed = ""
    if misuse or false_claims:
        found = "、".join(t for t, n in (("⑤", misuse), ("⑥", false_claims)) if n)
        zeroed = f"{found} 存在不符情形，本指标 6 分全扣"
    note = "⑦ 违规情况特别严重，重点绩效评价等级定为“差”" if severe else ""
    return _Outcome(parts, zeroed=zeroed, note=note)


def _disclosure(r: _Reader) -> _Outcome:
    disclosed = r.fact("disclosure_points")
    data_quality = r.fact("data_quality_points")
    r.check()
    return _Outcome([
        _points_part(disclosed, "① 预决算和绩效管理信息公开", JUDGED_PART_POINTS),
        _points_part(data_quality, "② 基础数据和会计信息真实准确完整", JUDGED_PART_POINTS),
    ])


def _self_evaluation(r: _Reader) -> _Outcome:
    grade = r.fact("last_review_grade")
    r.check()
    return _Outcome([f"区财政局考核评审等级为“{grade}”"])


def _rectification(r: _Reader) -> _Outcome:
    """The seed prints 全部整改 5 / 部分整改 3 / 未整改且无整改情况说明 0; 未整改但有说明 and
    无上年度重点评价 are not printed and come from settings (defaults 0 and 5)."""
    status = r.fact("rectification_status")
    r.check()
    return _Outcome([f"上年度重点评价问题整改情况：{status}"])


def _asset_rules(r: _Reader) -> _Outcome:
    parts = [
        _yes_no(r, "asset_rules_sound", "① 已制定合法、合规、完整的资产管理制度", "① 资产管理制度不健全"),
        _yes_no(r, "asset_rules_executed", "② 资产管理制度得到有效执行", "② 资产管理制度未有效执行"),
        _yes_no(r, "asset_budgeted", "③ 资产配置编制了年度预算", "③ 资产配置未编制年度预算"),
        _yes_no(r, "asset_within_budget", "④ 资产配置执行未超年度预算", "④ 资产配置执行超年度预算"),
    ]
    r.check()
    return _Outcome(parts)


def _asset_safety(r: _Reader) -> _Outcome:
    custody = r.fact("asset_custody_cases")
    disposal = r.fact("asset_disposal_cases")
    remitted = r.fact("asset_proceeds_remitted")
    purchase = r.fact("asset_procurement_cases")
    r.check()
    return _Outcome([
        _case_part("① 资产配置、保管、账务、盘点", custody, ASSET_CASES),
        _case_part("② 资产处置", disposal, ASSET_CASES),
        "③ 资产有偿使用或处置收入及时足额上缴" if remitted else "③ 发现资产收入未上缴",
        _case_part("④ 资产购置履行政府采购手续", purchase, ASSET_CASES),
    ])


def _fixed_assets(r: _Reader) -> _Outcome:
    parts = [
        _yes_no(r, "fixed_asset_register", "建立了固定资产台账并实行编码管理", "未建立固定资产台账或未实行编码管理"),
        _yes_no(r, "fixed_asset_change_approval", "建立了固定资产增减变化审批程序", "未建立固定资产增减变化审批程序"),
    ]
    r.check()
    return _Outcome(parts)


def _rate_item(fact: str, label: str) -> Callable[[_Reader], _Outcome]:
    """产出 rates: points × min(rate, 1) by default (rubric.rates.method)."""

    def rule(r: _Reader) -> _Outcome:
        rate = r.fact(fact)
        r.check()
        return _Outcome([f"{label} {fmt_percent(rate)}，{_rate_points(r, rate)}"], ratio=rate)

    return rule


def _judged_item(fact: str, label: str) -> Callable[[_Reader], _Outcome]:
    """效果 items the rubric leaves to the unit's own 个性化指标: the points it awarded."""

    def rule(r: _Reader) -> _Outcome:
        judged = r.fact(fact)
        r.check()
        return _Outcome([_points_part(judged, label + "按个性化指标", r.points)])

    return rule


def _satisfaction(r: _Reader) -> _Outcome:
    """A survey's 满意率 gives points × min(rate, 1); without a survey, the judged points."""
    rate = r.fact("satisfaction_rate", optional=True)
    judged = None
    if rate is None:
        judged = r.fact("satisfaction_points", optional=True)
        if judged is None:
            r.need_either("satisfaction_rate", "satisfaction_points")
    r.check()
    if rate is not None:
        return _Outcome([f"满意度调查结果 {fmt_percent(rate)}，{_rate_points(r, rate)}"], ratio=rate)
    return _Outcome([_points_part(judged, "无满意度调查结果，满意度由单位", r.points)])


# ---------------------------------------------------------------- the rubric as printed

_EFFECT_STANDARD = ("此三项指标为设置部门整体支出绩效评价指标时必须考虑的共性要素，可根据部门实际并结合部门整体支出绩效"
                    "目标设立情况有选择的进行设置，并将其细化为相应的个性化指标。")

# (key, level1, level1 points, level2, level2 points, name, points, 评分要点, 评分标准,
#  facts, basic-data names, rule)
_ROWS: tuple[tuple[Any, ...], ...] = (
    ("goal_rationality", "投入", 10, "目标设定", 6, "绩效目标合理性", 2,
     "①是否符合国家法律法规、国民经济和社会发展总体规划；\n②是否符合部门“三定”方案确定的职责；\n"
     "③是否符合部门制定的发展实施规划。",
     "①符合国家相关法律法规，本区国民经济和社会发展规划，计0.5分，否则不得分；\n"
     "②与部门（单位）职责密切相关，计0.5分，否则不得分；\n③符合部门制定的发展实施规划，计1分，否则不得分。",
     (_bool_fact("goal_lawful", "① 绩效目标是否符合国家相关法律法规及本区国民经济和社会发展规划"),
      _bool_fact("goal_duty_related", "② 绩效目标是否与部门（单位）职责（“三定”方案）密切相关"),
      _bool_fact("goal_plan_consistent", "③ 绩效目标是否符合部门制定的发展实施规划")),
     (), _goal_rationality),
    ("indicator_clarity", "投入", 10, "目标设定", 6, "绩效指标明确性", 4,
     "①是否将部门整体的绩效目标细化分解为具体的工作任务；\n②是否通过清晰、可衡量的指标值予以体现。\n"
     "③是否与部门年度的任务数或计划数相对应；\n④是否与本年度部门预算资金相匹配。",
     "①有目标，计1分，否则不得分；\n②目标明确，细化量化良好，个性指标中量化指标超过3个，计1分，量化指标为2个，计0.5分，"
     "2个以下不得分；\n③与年度任务数或计划数相对应，计1分，低于2个，计0.5分，低于4个不得分；\n"
     "④目标与资金匹配良好，逻辑关系明确，计1分，否则不得分。",
     (_bool_fact("has_goals", "① 是否将部门整体绩效目标细化分解为具体工作任务（有目标）"),
      FactSpec("quantified_indicator_count", "② 个性指标中量化指标的个数", "count",
               help="超过 3 个计 1 分，2 个计 0.5 分，2 个以下不得分；恰为 3 个按设置 "
                    "rubric.indicator_clarity.quantified_exactly_three 计分（默认 0.5）。"),
      FactSpec("unmatched_indicator_count", "③ 与年度任务数或计划数不相对应的指标个数", "count",
               help="评分标准原文有误；默认按不相对应的个数：0 个计 1 分，1 个计 0.5 分，2 个及以上不得分"
                    "（rubric.indicator_clarity.unmatched_bands）。"),
      _bool_fact("goals_match_funds", "④ 目标是否与本年度部门预算资金匹配良好、逻辑关系明确")),
     (), _indicator_clarity),
    ("staff_control", "投入", 10, "预算配置", 4, "人员控制率", 4,
     "在职人员控制率=（在职人员数/编制数）×100%。\n聘用人员控制率≦人社和编办共同批复的人数；\n"
     "在职人员数：部门（单位）实际在职人数，以财政部门确定的部门决算编制口径为准。\n"
     "编制数：机构编制部门核定批复的部门（单位）的人员编制数。",
     "在职人员控制率≦100%计2分，每超出1%扣0.2分，扣完为止。\n聘用人员实际使用数小于等于编办人社部门批复数，计2分，否则不得分。",
     (_bool_fact("hired_within_quota", "聘用人员实际使用数是否不超过编办人社部门批复数"),),
     ("staff_authorized", "staff_actual", "staff_control_rate"), _staff_control),
    ("budget_execution", "过程", 40, "预算执行", 15, "预算执行率", 6,
     "①预算完成率=（预算完成数/预算数）×100%。\n预算完成数：部门（单位）本年度实际完成的预算数。\n"
     "预算数：财政部门批复的本年度部门（单位）预算数及追加的项目预算数。\n"
     "②支付序时进度=（序时执行数/序时指标下达数）×100%。\n序时执行数：指按时间节点部门预算项目实际支出数。"
     "序时指标下达数：按时间节点给部门预算下达的项目支出和追加的项目支出指标数之和。\n③部门预算项目支出调剂到单位。",
     "①全年预算完成率95%以上计2分，95-90%（含），计1.5分，90-80%（含），计1分，小于80%不得分；\n"
     "②一、二、三季度末支付序时进度分别达到20%、50%、80%（含）以上计2分，每低1个百分点扣0.2分，扣完为止。\n"
     "③部门预算项目支出调剂到单位小于等于项目支出2%，计2分；大于2%，不计分；",
     (FactSpec("budget_with_additions", "预算数：财政部门批复的本年度预算数及追加的项目预算数（万元）", "amount"),
      FactSpec("budget_completed", "预算完成数：本年度实际完成的预算数（万元）", "amount",
               help="不填则取附件1「部门整体支出预算调整」本年决算数。"),
      FactSpec("pay_progress_q1", "一季度末支付序时进度（序时执行数 ÷ 序时指标下达数）", "rate"),
      FactSpec("pay_progress_q2", "二季度末支付序时进度（序时执行数 ÷ 序时指标下达数）", "rate"),
      FactSpec("pay_progress_q3", "三季度末支付序时进度（序时执行数 ÷ 序时指标下达数）", "rate"),
      FactSpec("transfer_to_units_rate", "部门预算项目支出调剂到单位的金额占项目支出的比例", "rate",
               help="没有调剂填 0。")),
     ("budget_adjustment",), _budget_execution),
    ("budget_adjustment", "过程", 40, "预算执行", 15, "预算调整率", 3,
     "预算调整率=（预算调整数/预算数）×100%。\n预算调整数：部门（单位）在本年度内涉及预算的追加、追减或结构调整的资金总和"
     "（因落实国家政策、发生不可抗力，市委、市政府临时交办而产生的调整及经济科目非跨类调整除外）。",
     "预算调整率<5%，计3分；5-10%（含），计1.5分；大于10%不得分。",
     (FactSpec("budget_adjustment_amount", "预算调整数：本年度预算追加、追减或结构调整的资金总和（万元）", "amount",
               help="不填则按 |批复+追加 − 附件1 本年预算数| 估算。"),
      FactSpec("excluded_adjustment_amount",
               "其中不计入的调整：落实国家政策、不可抗力、市委市政府临时交办、经济科目非跨类调整（万元）", "amount",
               help="没有填 0 或不填。")),
     ("budget_adjustment",), _budget_adjustment),
    ("carryover", "过程", 40, "预算执行", 15, "结转结余", 2,
     "根据区政府文件规定，预算单位年度安排的区级预算资金不能结转。",
     "区本级资金无结转，计2分；有结转，不计分；",
     (_bool_fact("has_carryover", "区本级资金是否有结转结余"),),
     (), _carryover),
    ("three_public_control", "过程", 40, "预算执行", 15, "“三公经费”控制率", 2,
     "“三公经费”控制率=（“三公经费”实际支出数/“三公经费”预算安排数）×100%。不超当年预算，不超上年决算。",
     "“三公经费”控制率100%以下（含）计2分，每超出1%扣0.15分，扣完为止。",
     (), ("three_public",), _three_public_control),
    ("procurement", "过程", 40, "预算执行", 15, "政府采购执行率和规范性", 2,
     "政府采购执行率=（实际政府采购金额/政府采购预算数）×100%；\n"
     "政府采购预算：采购机关根据事业发展计划和行政任务编制的、并经过规定程序批准的年度政府采购计划。\n"
     "预算单位严格执行《政府采购法》，无规避政府采购或化整为零进行政府采购的行为。所有项目必须依法采购，履行验收手续。",
     "政府采购执行率100%计1分，每超过（降低）1%扣0.1分，扣完为止。\n"
     "所有项目依法采购，无规避政府采购或化整为零进行政府采购的行为，并履行验收手续计1分，否则不得分。",
     (_bool_fact("procurement_compliant", "所有项目是否依法采购、无规避或化整为零，并履行验收手续"),),
     ("procurement",), _procurement),
    ("management_rules", "过程", 40, "预算管理", 20, "管理制度健全性", 3,
     "①部门（单位）内控制度、内部财务管理制度和会计核算制度是否健全；\n②相关管理制度是否合法、合规、完整；\n"
     "③相关管理制度是否得到有效执行。",
     "①部门（单位）内控制度、内部财务管理制度和会计核算制度健全，计1分，否则酌情扣分；\n"
     "②管理制度合法、合规、完整，计1分，否则酌情扣分；\n③管理制度得到有效执行，计1分，1例不符合扣0.2分。",
     (FactSpec("internal_control_points", "① 内控制度、内部财务管理制度和会计核算制度健全程度得分（0–1，酌情）", "points"),
      FactSpec("rules_compliance_points", "② 管理制度合法、合规、完整程度得分（0–1，酌情）", "points"),
      _count_fact("rules_violation_cases", "③ 管理制度未得到有效执行的例数")),
     (), _management_rules),
    ("fund_compliance", "过程", 40, "预算管理", 20, "资金使用合规性", 6,
     "①是否符合国家财经法规和财务管理制度以及有关专项资金管理办法的规定；\n②资金的支付是否有完整的审批程序和手续；\n"
     "③重大项目开支和大额资金使用是否经单位党组集体研究决策；\n④是否符合项目预算批复或合同规定的用途；\n"
     "⑤是否存在截留、挤占、挪用、虚列支出等情况；\n⑥是否存在重复申报项目、虚报冒领资金。",
     "①符合国家财经法规和财务管理制度以及有关专项资金管理办法的规定，计1分，1例不符合扣0.2分；\n"
     "②资金的支付有完整的审批程序和手续，计1分，1例不符合扣0.2分；\n"
     "③重大项目开支和大额资金使用经过单位党组集体研究决策，计1分，1例不符合扣0.2分；\n"
     "④符合项目预算批复或合同规定的用途，计1分，1例不符合扣0.2分；\n"
     "⑤不存在截留、挤占、挪用、虚列支出等情况，计1分，1例不符合本指标6分全扣；\n"
     "⑥不存在重复申报项目、虚报冒领资金，计1分，1例不符合本指标6分全扣；\n⑦违规情况特别严重的，重点绩效评价等级定为“差”。",
     (_count_fact("fund_regulation_cases", "① 不符合国家财经法规、财务管理制度及专项资金管理办法的例数"),
      _count_fact("fund_approval_cases", "② 资金支付缺少完整审批程序和手续的例数"),
      _count_fact("fund_decision_cases", "③ 重大项目开支和大额资金使用未经单位党组集体研究决策的例数"),
      _count_fact("fund_purpose_cases", "④ 不符合项目预算批复或合同规定用途的例数"),
      _count_fact("fund_misuse_cases", "⑤ 截留、挤占、挪用、虚列支出的例数", "有 1 例即本指标 6 分全扣。"),
      _count_fact("fund_false_claim_cases", "⑥ 重复申报项目、虚报冒领资金的例数", "有 1 例即本指标 6 分全扣。"),
      _bool_fact("fund_compliance_severe", "⑦ 违规情况是否特别严重",
                 "填“是”则评价等级定为“差”；不填视为“否”。")),
     (), _fund_compliance),
    ("disclosure", "过程", 40, "预算管理", 20, "信息公开性", 2,
     "①预算单位按规定及时、准确、完整的公开预决算和绩效管理信息；\n②基础数据信息和会计信息资料真实、准确、完整；",
     "①、②各计1分，否则，酌情扣分；",
     (FactSpec("disclosure_points", "① 按规定及时、准确、完整公开预决算和绩效管理信息的得分（0–1，酌情）", "points"),
      FactSpec("data_quality_points", "② 基础数据信息和会计信息资料真实、准确、完整的得分（0–1，酌情）", "points")),
     (), _disclosure),
    ("self_evaluation", "过程", 40, "预算管理", 20, "绩效自评管理情况", 4,
     "①是否按要求开展绩效自评工作；②绩效自评报告报送及时；③绩效自评报告的综合评审等级；④绩效自评报告是否完整，"
     "数据是否全面、真实、准确，绩效指标是否细化量化和科学合理，绩效自评反映的问题是否具体，意见是否可行；",
     "根据区财政局2020年考核结果，评审为优，计4分；评审为良，计3分；评审为中，计2分；评审为低，计1分；评审为差，计0分。",
     (FactSpec("last_review_grade", "区财政局对绩效自评的考核评审等级", "choice", REVIEW_GRADES,
               help="评分表所称的区财政局考核结果（seed 004 为“2020年考核结果”）。"),),
     (), _self_evaluation),
    ("rectification", "过程", 40, "预算管理", 20, "重点绩效评价整改情况", 5,
     "对上年度财政重点评价中存在的问题是否进行整改。",
     "2019年重点评价问题全部整改，计5分；2019年重点评价问题部分整改，计3分；2019年重点评价问题未整改且无整改情况说明的不计分。",
     (FactSpec("rectification_status", "上年度财政重点评价问题的整改情况", "choice", RECTIFICATION_STATUSES,
               help="“未整改但有说明”“无重点评价”评分标准未写分值，按设置 rubric.rectification.explained_points／"
                    "no_review_points 计分（默认 0 分／5 分）。"),),
     (), _rectification),
    ("asset_rules", "过程", 40, "资产管理", 5, "资产管理制度健全性", 2,
     "①是否已制定合法、合规、完整的资产管理制度；\n②相关资产管理制度是否得到有效执行；\n③资产配置是否编制年度预算；\n"
     "④资产配置预算实际执行情况。",
     "①已制定合法、合规、完整的资产管理制度，计0.5分，否则不得分；\n②相关资产管理制度得到有效执行，计0.5分，否则，不得分；\n"
     "③资产管理编制年度预算，计0.5分，未编制不得分。\n④资产配置预算实际执行情况未超年度预算（按程序审批除外），计0.5分，否则，不得分。",
     (_bool_fact("asset_rules_sound", "① 是否已制定合法、合规、完整的资产管理制度"),
      _bool_fact("asset_rules_executed", "② 资产管理制度是否得到有效执行"),
      _bool_fact("asset_budgeted", "③ 资产配置是否编制年度预算"),
      _bool_fact("asset_within_budget", "④ 资产配置实际执行是否未超年度预算（按程序审批的除外）")),
     (), _asset_rules),
    ("asset_safety", "过程", 40, "资产管理", 5, "资产管理安全性", 2,
     "①资产保存是否完整并有台账；\n②资产配置是否合理；\n③资产处置是否规范；\n④资产账务管理是否合规，是否帐实相符；\n"
     "⑤资产是否有偿使用或处置收入及时足额上缴；\n⑥相关资产购置是否履行政府采购手续；\n⑦资产是否定期进行盘点并有记录。",
     "①资产配置合理符合标准、保管完整，账务管理规范，定期盘点并有台账，账实相符的，计0.5分，发现一例不符，扣0.1分，扣完为止；\n"
     "②资产处置规范，计0.5分，发现一例不符，扣0.1分，扣完为止；\n③资产有偿使用或处置收入及时足额上缴，计0.5分，发现未上缴，本项不得分；\n"
     "④资产购置履行政府采购手续，计0.5分，发现一例不符，扣0.1分，扣完为止；",
     (_count_fact("asset_custody_cases", "① 资产配置、保管、账务管理、定期盘点台账、账实相符方面不符的例数"),
      _count_fact("asset_disposal_cases", "② 资产处置不规范的例数"),
      _bool_fact("asset_proceeds_remitted", "③ 资产有偿使用或处置收入是否及时足额上缴", "没有此类收入填“是”。"),
      _count_fact("asset_procurement_cases", "④ 资产购置未履行政府采购手续的例数")),
     (), _asset_safety),
    ("fixed_assets", "过程", 40, "资产管理", 5, "固定资产保管和使用情况", 1,
     "①是否建立固定资产台账，实行编码管理；\n②固定资产增减变化是否建立审批程序；",
     "建了固定资产台账实行编码管理的计0.5分；建立了固定资产增减变化审批程序的计0.5分，否则不得分。",
     (_bool_fact("fixed_asset_register", "是否建立固定资产台账并实行编码管理"),
      _bool_fact("fixed_asset_change_approval", "是否建立固定资产增减变化审批程序")),
     (), _fixed_assets),
    ("completion_rate", "产出", 25, "职责履行", 25, "实际完成率", 7,
     "部门履行职责而实际完成工作数与计划工作数的比率，用以反映和考核部门履职工作任务目标的实现程度。",
     "实际完成率=（实际完成工作数/计划工作数）*100%。实际完成工作数：一定时期（年度或规划期）内部门实际完成工作任务的数量。\n"
     "计划工作数：部门整体绩效目标确定的一定时期（年度或规划期）内预计完成工作任务的数量。",
     (FactSpec("actual_completion_rate", "实际完成率（实际完成工作数 ÷ 计划工作数）", "rate"),),
     (), _rate_item("actual_completion_rate", "实际完成率")),
    ("timeliness_rate", "产出", 25, "职责履行", 25, "完成及时性", 5,
     "部门在规定时限内及时完成的实际工作数与计划工作数的比率，用以反映和考核部门履职实效目标的实现程度。",
     "完成及时率=（及时完成实际工作数/计划工作数）*100%。及时完成工作数：部门按照整体绩效目标确定的时限实际完成的工作任务数量。",
     (FactSpec("timely_completion_rate", "完成及时率（及时完成实际工作数 ÷ 计划工作数）", "rate"),),
     (), _rate_item("timely_completion_rate", "完成及时率")),
    ("quality_rate", "产出", 25, "职责履行", 25, "质量达标率", 7,
     "达到质量标准（绩效标准值）的实际工作数与计划工作数的比率，用以反映和考核部门履职时效目标的实现程度。",
     "质量达标率=（质量达标实际工作数/计划工作数）*100%。质量达标实际工作数：一定时期（年度或规划期）内部门实际完成工作数中"
     "达到部门绩效目标要求（绩效标准值）的工作任务数量。",
     (FactSpec("quality_pass_rate", "质量达标率（质量达标实际工作数 ÷ 计划工作数）", "rate"),),
     (), _rate_item("quality_pass_rate", "质量达标率")),
    ("key_work_rate", "产出", 25, "职责履行", 25, "重点工作办结率", 6,
     "部门年度重点工作实际完成数与交办或下达数的比率，用以反映部门对重点工作的办理落实程度。",
     "重点工作办结率=（重点工作实际完成数/交办或下达数）*100%。重点工作是指党委、政府、人大、相关部门交办或下达的工作任务。",
     (FactSpec("key_work_completion_rate", "重点工作办结率（重点工作实际完成数 ÷ 交办或下达数）", "rate"),),
     (), _rate_item("key_work_completion_rate", "重点工作办结率")),
    ("economic_benefit", "效果", 25, "履职效益", 25, "经济效益", 5,
     "部门履行职责对经济发展所带来的直接或间接影响", _EFFECT_STANDARD,
     (FactSpec("economic_benefit_points", "经济效益得分（按部门个性化指标评定，0–5）", "points"),),
     (), _judged_item("economic_benefit_points", "经济效益")),
    ("social_benefit", "效果", 25, "履职效益", 25, "社会效益", 7,
     "部门履行职责对社会发展所带来的直接或间接影响", _EFFECT_STANDARD,
     (FactSpec("social_benefit_points", "社会效益得分（按部门个性化指标评定，0–7）", "points"),),
     (), _judged_item("social_benefit_points", "社会效益")),
    ("ecological_benefit", "效果", 25, "履职效益", 25, "生态效益", 5,
     "部门履行职责对生态环境所带来的直接或间接影响", _EFFECT_STANDARD,
     (FactSpec("ecological_benefit_points", "生态效益得分（按部门个性化指标评定，0–5）", "points"),),
     (), _judged_item("ecological_benefit_points", "生态效益")),
    ("satisfaction", "效果", 25, "履职效益", 25, "社会公众或服务对象满意度", 8,
     "社会公众或部门的服务对象对部门履职效果的满意程度",
     "社会公众或服务对象是指部门履行职责而影响到的部门、群体或个人。一般采取社会调查的方式。",
     (FactSpec("satisfaction_rate", "社会公众或服务对象满意度调查结果（满意率）", "rate",
               help="有调查结果时得分 = 8 × min(满意率, 100%)。"),
      FactSpec("satisfaction_points", "满意度得分（无调查结果时由单位评定，0–8）", "points",
               help="只在未填满意度调查结果时使用。")),
     (), _satisfaction),
)


def _build() -> tuple[RubricItem, ...]:
    return tuple(
        RubricItem(key, l1, float(l1p), l2, float(l2p), name, float(points), criteria, standard,
                   tuple(facts), tuple(basic), functools.partial(_run, key, fn))
        for key, l1, l1p, l2, l2p, name, points, criteria, standard, facts, basic, fn in _ROWS
    )


RUBRIC_ITEMS: tuple[RubricItem, ...] = _build()
ITEMS_BY_KEY: dict[str, RubricItem] = {item.key: item for item in RUBRIC_ITEMS}
ALL_FACTS: dict[str, FactSpec] = {spec.name: spec for item in RUBRIC_ITEMS for spec in item.facts}
KEYED_LABELS["rows"].update({item.key: f"「{item.name}」" for item in RUBRIC_ITEMS})  # "rows.carryover.score" in messages


# ---------------------------------------------------------------- evaluation


def score_rubric(basic: BasicData | None, facts: Mapping[str, Any] | None,
                 settings: Settings) -> list[tuple[RubricItem, Score]]:
    inputs = RubricInputs(basic, facts or {}, settings)
    return [(item, item.score(inputs)) for item in RUBRIC_ITEMS]


def grade_for(total: float, settings: Settings) -> str:
    """The first grade of settings["grades"] whose lower bound the total reaches (``formulas.grade``)."""
    return grade_of(total, settings)


def score_expr(item: RubricItem, settings: Settings) -> Expr:
    """The item's 计算得分 as one expression over its facts and basic data (``rubric_exprs``);
    RubricSettingError when a setting cannot be used."""
    return _rule_of(item.key, RubricInputs(None, {}, settings).rubric_settings)[1]


def _rule_of(key: str, rubric_settings: str) -> tuple[RubricRule, Expr, CompiledRule]:
    """The item's rule and score under these [rubric] settings; RubricSettingError when one is unusable."""
    built = _built_rule(key, rubric_settings)
    if isinstance(built, str):
        raise RubricSettingError(built)  # a new one each time: a cached exception would keep its tracebacks
    return built


@functools.lru_cache(maxsize=256)
def _built_rule(key: str, rubric_settings: str) -> tuple[RubricRule, Expr, CompiledRule] | str:
    """Built (and compiled) once per item and [rubric] section (its JSON text), as the rules only
    read that section."""
    item = ITEMS_BY_KEY[key]
    context = RuleContext(Settings({"rubric": json.loads(rubric_settings)}), ALL_FACTS, item.points)
    try:
        rule = rubric_rule(key, context)
    except RubricSettingError as exc:
        return str(exc)
    return rule, rule.score(item.points), rule.compiled(item.points)


def shown_fact(name: str, raw: Any) -> Any:
    """A fact as its answer cell shows it: 是/否 for yes/no, numbers as numbers; an answer that
    cannot be read as its kind (reported by the item) as it is."""
    spec = ALL_FACTS.get(name)
    if spec is None:
        return raw
    try:
        return cell_answer(coerce_fact(spec, raw))
    except FactError:
        return raw


def evaluate_rubric(basic: BasicData | None, facts: Mapping[str, Any] | None,
                    settings: Settings) -> RubricResult:
    """The items' scores, their 合计 (once every item scores) and the 等级, by the same expressions
    as the 评分表's 合计 and 等级 cells (compiled once, ``expr.compile_expr``)."""
    facts = facts or {}
    items = score_rubric(basic, facts, settings)
    scores = {"scores": [s.value for _, s in items]}
    total_of, computed_total_of = _compiled_totals()
    total = total_of(scores)
    severe = shown_fact("fund_compliance_severe", facts.get("fund_compliance_severe"))
    grade = compiled_for(rubric_grade, "grades", settings)({"total": total, "fund_compliance_severe": severe}) or ""
    reason = "资金使用合规性⑦：违规情况特别严重，重点绩效评价等级定为“差”。" if severe == YES else ""
    return RubricResult(items, total, computed_total_of(scores), grade, reason)


@functools.cache
def _compiled_totals() -> tuple[Callable[[Mapping[str, Any]], Any], Callable[[Mapping[str, Any]], Any]]:
    return compile_expr(rubric_total(len(RUBRIC_ITEMS))), compile_expr(computed_total())


def unknown_facts(facts: Mapping[str, Any]) -> list[str]:
    """Names in a facts mapping that no rubric item asks for (typos, old names)."""
    return [name for name in facts if name not in ALL_FACTS]

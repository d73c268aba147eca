"""Scores of 项目支出 / 部门整体支出 tables (DOMAIN §C): execution, indicators, total, grade.

Each function returns a Score whose explanation a clerk can check with a calculator.
Suggested scores follow the national rules; the numbers that sources disagree on come
from the rules file (Settings).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from . import formulas
from .formulas import TotalCap, cap_bands, capped_total, execution_rate, grade_of, total_cap  # noqa: F401 (re-exported)
from .model import QUALITATIVE_GRADES, Indicator, PerformanceTable, indicator_title
from .score import Score, fmt_number, fmt_percent, fmt_points, round_half_up
from .settings import Settings
from .values import ParsedValue, Quantity, money_hint_from_name, parse_value

def award(points: float, fraction: float, decimals: int) -> float:
    """分值 × fraction, the fraction clipped to [0, 1], rounded half-up but never above 分值."""
    return min(round_half_up(points * min(max(fraction, 0.0), 1.0), decimals), points)


# ---------------------------------------------------------------- C1 execution


def score_execution(table: PerformanceTable, settings: Settings) -> Score:
    points = float(settings["execution.points"])
    row = table.budget_row
    rate = execution_rate(row.executed, row.annual_budget)
    inputs = {"全年预算数": row.annual_budget, "全年执行数": row.executed, "分值": points}
    if rate is None:
        missing = tuple(n for n in ("annual_budget", "executed") if not getattr(row, n))
        return Score(None, points, "C1.execution", "全年预算数或全年执行数未填写（或预算数为 0），无法计算执行率。",
                     inputs, missing=missing)
    shown = f"执行率 = 全年执行数 {fmt_number(row.executed)} ÷ 全年预算数 {fmt_number(row.annual_budget)} = {fmt_percent(rate)}"
    value = formulas.execution_score_of(settings)({"budget": row.annual_budget, "executed": row.executed, "points": points})
    if settings["execution.method"] == "bands":
        fraction = formulas.execution_fraction_of(settings)({"rate": rate})
        text = f"{shown}；按档次计分，得分 = {fmt_number(points)} × {fmt_number(fraction)} = {fmt_points(value)}。"
    else:
        text = f"{shown}；得分 = 分值 {fmt_number(points)} × min(执行率, 100%) = {fmt_points(value)}。"
    return Score(value, points, "C1.execution", text, inputs, ratio=rate)


# ---------------------------------------------------------------- C2/C3 indicators

_NEGATIVE = re.compile(r"未完成|未达到|未达成|未按时|未及时|不及时|不满意|滞后|延迟|推迟|未能|没有完成|尚未")
_MET_WORDS = {"完成", "已完成", "全部完成", "按时", "按时完成", "及时", "及时完成", "达成", "已达成", "达到",
              "已达到", "满意", "到位", "已到位", "是", "有", "实现", "已实现", "合格", "达标", "良好", "正常"}
_PUNCT = re.compile(r"[\s，,。.;；:：、“”\"'‘’（）()《》!！?？]+")


def _core(text: str) -> str:
    return _PUNCT.sub("", text)


def _units_compatible(a: str, b: str) -> bool:
    return not a or not b or a == b or a.startswith(b) or b.startswith(a)


@dataclass(frozen=True)
class _Actual:
    number: float
    op: str
    approx: bool
    unit: str
    note: str = ""


def _describe(v: ParsedValue) -> str:
    return f"“{v.raw.strip()}”" if v.raw.strip() else "（空）"


def _actual_quantity(target: ParsedValue | Quantity, actual: ParsedValue) -> _Actual | str:
    """The actual figure to compare with a quantitative target, or why there is none."""
    t_dim, t_unit = target.dimension, target.unit
    if actual.kind == "zero_event":
        return _Actual(0.0, "=", False, t_unit)
    if actual.is_quantitative:
        cand: list[Quantity | ParsedValue] = [actual]
        note = ""
    else:
        cand = [q for q in actual.evidence if _fits(t_dim, t_unit, q.dimension, q.unit)]
        note = "（数字取自实际完成值的文字）"
        if len(cand) != 1:
            if t_dim == "percent":
                return f"年度指标值为百分比，实际完成值{_describe(actual)}不是百分比，无法定量评分；请填写实际达到的百分比（如满意度调查结果）。"
            return f"实际完成值{_describe(actual)}不是可比较的数值，无法定量评分。"
    q = cand[0]
    if q.number is None:  # pragma: no cover - parser always sets number on quantities
        return f"实际完成值{_describe(actual)}无法读出数值。"
    if not _fits(t_dim, t_unit, q.dimension, q.unit):
        return (f"年度指标值与实际完成值的计量单位不一致（{t_unit or '无单位'} 与 {q.unit or '无单位'}），"
                f"无法定量评分；请用同一单位填写。")
    if not q.unit and t_unit:
        note += f"（实际完成值未写单位，按“{t_unit}”理解）"
    return _Actual(float(q.number), q.op or "=", bool(q.approx), q.unit or t_unit, note)


def _fits(t_dim: str, t_unit: str, a_dim: str, a_unit: str) -> bool:
    if t_dim == "percent" or a_dim == "percent":
        return t_dim == a_dim
    if t_dim and a_dim and t_dim != a_dim:
        return False
    return _units_compatible(t_unit, a_unit)


REVERSE_METHODS = ("linear_to_double", "inverse_ratio")


def _fraction(t_op: str, t_num: float, a: _Actual, reverse_method: str = "linear_to_double"
              ) -> tuple[float, float | None, str]:
    """(fraction of points, actual/target ratio, formula text) for one target/actual pair."""
    ratio = a.number / t_num if t_num else None
    if t_op in ("<=", "<"):  # reverse indicator: smaller is better
        if t_num == 0:
            return (1.0 if a.number <= 0 else 0.0), ratio, "零目标：实际为 0 得满分，否则 0 分"
        met = a.number < t_num if t_op == "<" else a.number <= t_num
        if met:
            return 1.0, ratio, "反向指标：实际未超过目标，得满分"
        if reverse_method == "inverse_ratio":  # 得分 = 分值 × 目标 ÷ 实际 (rules file indicators.reverse_method)
            frac = t_num / a.number
            return frac, ratio, f"反向指标：得分 = 分值 × 目标 ÷ 实际 = 分值 × {fmt_percent(frac)}"
        if a.number >= 2 * t_num:
            return 0.0, ratio, "反向指标：实际达到目标的 2 倍及以上，得 0 分"
        frac = 1 - (a.number - t_num) / t_num
        return frac, ratio, f"反向指标：得分 = 分值 × (1 − (实际 − 目标) ÷ 目标) = 分值 × {fmt_number(frac)}"
    if t_op == ">":
        met = a.number > t_num or (a.number == t_num and a.op in (">", ">="))
    else:
        met = a.number >= t_num
    if met:
        return 1.0, ratio, "正向指标：实际达到目标，得满分"
    if not t_num:  # pragma: no cover - a target of 0 with ≥ is always met by a non-negative actual
        return 0.0, ratio, "正向指标：目标为 0，实际为负，得 0 分"
    frac = max(0.0, a.number / t_num)
    return frac, ratio, f"正向指标：得分 = 分值 × 实际 ÷ 目标 = 分值 × {fmt_percent(frac)}"


def _shown(number: float, unit: str, op: str = "=") -> str:
    sym = {"=": "", ">=": "≥", ">": ">", "<=": "≤", "<": "<"}.get(op, "")
    spacer = "" if unit in ("", "%") else " "
    return f"{sym}{fmt_number(number)}{spacer}{unit}"


def _quantitative(ind: Indicator, t: ParsedValue, a: ParsedValue, points: float, decimals: int,
                  settings: Settings) -> Score:
    got = _actual_quantity(t, a)
    inputs = {"年度指标值": ind.target, "实际完成值": ind.actual, "分值": points}
    if isinstance(got, str):
        return Score(None, points, "C2.mismatch", got, inputs, kind="定量")
    frac, ratio, formula = _fraction(t.op, float(t.number), got, settings["indicators.reverse_method"])
    value = award(points, frac, decimals)
    deviation = _deviation_deduction(ratio, points, decimals, settings)
    if deviation:
        deducted, why = deviation
        value = max(round_half_up(value - deducted, decimals), 0.0)
        formula += why
    ratio_text = f"，完成率 {fmt_percent(ratio)}" if ratio is not None else ""
    text = (f"目标 {_shown(t.number, t.unit, t.op)}（原文“{t.raw.strip()}”），"
            f"实际 {_shown(got.number, got.unit, got.op)}{got.note}{ratio_text}；{formula}，"
            f"建议得分 {fmt_points(value)}（分值 {fmt_number(points)}）。")
    rule = "C2.reverse" if t.op in ("<=", "<") else "C2.positive"
    return Score(value, points, rule, text, inputs, ratio=ratio, kind="定量")


def _deviation_deduction(ratio: float | None, points: float, decimals: int, settings: Settings
                         ) -> tuple[float, str] | None:
    """Points taken off for 偏离 (actual ≥ threshold away from the target, either way) where the
    rules file's [indicators.deviation] is enabled; None otherwise."""
    if ratio is None or not settings["indicators.deviation.enabled"]:
        return None
    threshold = float(settings["indicators.deviation.ratio"])
    if abs(ratio - 1) < threshold - 1e-9:
        return None
    deducted = round_half_up(points * float(settings["indicators.deviation.deduction"]), decimals)
    return deducted, (f"；实际偏离目标 {fmt_percent(abs(ratio - 1))}（达到 {fmt_percent(threshold, 0)}），"
                      f"按偏离扣 {fmt_number(deducted)} 分")


def _compound(ind: Indicator, t: ParsedValue, a: ParsedValue, points: float, decimals: int,
              settings: Settings) -> Score:
    inputs = {"年度指标值": ind.target, "实际完成值": ind.actual, "分值": points}
    actual_parts: list[ParsedValue | Quantity]
    if a.kind == "compound" and len(a.parts) == len(t.parts):
        actual_parts = list(a.parts)
    elif len(a.evidence) == len(t.parts):
        actual_parts = list(a.evidence)
    else:
        return Score(None, points, "C2.mismatch",
                     f"复合指标有 {len(t.parts)} 项目标，实际完成值{_describe(a)}无法逐项对应，无法定量评分；请按目标逐项填写实际数。",
                     inputs, kind="定量")
    fractions, ratios, lines = [], [], []
    for i, (tp, ap) in enumerate(zip(t.parts, actual_parts), start=1):
        single = ap if isinstance(ap, ParsedValue) else _quantity_value(ap)
        got = _actual_quantity(tp, single)
        if isinstance(got, str) or tp.number is None:
            return Score(None, points, "C2.mismatch", f"复合指标第 {i} 项：{got}", inputs, kind="定量")
        frac, ratio, _ = _fraction(tp.op, float(tp.number), got, settings["indicators.reverse_method"])
        fractions.append(min(max(frac, 0.0), 1.0))
        ratios.append(ratio)
        lines.append(f"第 {i} 项 目标 {_shown(tp.number, tp.unit, tp.op)}、实际 {_shown(got.number, got.unit, got.op)}"
                     + (f"（{fmt_percent(ratio)}）" if ratio is not None else ""))
    low = min(fractions)
    value = award(points, low, decimals)
    known = [r for r in ratios if r is not None]
    text = (f"复合指标，逐项比较：{'；'.join(lines)}；按完成程度最低的一项计分，"
            f"建议得分 = {fmt_number(points)} × {fmt_percent(low)} = {fmt_points(value)}。")
    return Score(value, points, "C2.compound", text, {**inputs, "part_ratios": ratios},
                 ratio=min(known) if known else None, kind="定量")


def _quantity_value(q: Quantity) -> ParsedValue:
    return ParsedValue(raw=f"{q.number}{q.unit}", text=f"{q.number}{q.unit}", kind="count", op=q.op,
                       number=q.number, unit=q.unit, dimension=q.dimension, approx=q.approx)


def _zero_target(ind: Indicator, t: ParsedValue, a: ParsedValue, points: float) -> Score:
    inputs = {"年度指标值": ind.target, "实际完成值": ind.actual, "分值": points}
    happened: float | None = None
    if a.kind == "zero_event":
        happened = 0.0
    elif a.is_quantitative and a.number is not None:
        happened = a.number
    elif re.search(r"无|未发生|零|没有", a.text) and not _NEGATIVE.search(a.text.replace("未发生", "")):
        happened = 0.0
    if happened is None:
        return Score(None, points, "C2.zero", f"零目标（{_describe(t)}），实际完成值{_describe(a)}无法判断是否发生，请写明发生次数。",
                     inputs, kind="定量")
    value = points if happened <= 0 else 0.0
    verdict = "实际未发生，得满分" if happened <= 0 else f"实际发生 {fmt_number(happened)} 次，得 0 分"
    return Score(value, points, "C2.zero", f"零目标（{_describe(t)}）：{verdict}（{fmt_points(value)}）。",
                 inputs, kind="定量")


def _relative(ind: Indicator, t: ParsedValue, a: ParsedValue, points: float, decimals: int,
              settings: Settings) -> Score:
    inputs = {"年度指标值": ind.target, "实际完成值": ind.actual, "分值": points}
    if a.kind != "relative_change":
        return _qualitative(ind, t, a, points, settings)
    word = {"up": "增长", "down": "下降"}
    if a.direction != t.direction:
        return Score(0.0, points, "C2.relative", f"目标为{word[t.direction]}，实际为{word.get(a.direction, '变化')}，方向相反，得 0 分。",
                     inputs, kind="定量")
    if t.change is None or a.change is None or abs(a.change) >= abs(t.change):
        return Score(points, points, "C2.relative",
                     f"目标为{word[t.direction]}{'' if t.change is None else fmt_number(abs(t.change)) + '%'}，"
                     f"实际{_describe(a)}，方向一致且幅度达到，得满分 {fmt_points(points)}。", inputs, kind="定量")
    frac = abs(a.change) / abs(t.change)
    value = award(points, frac, decimals)
    return Score(value, points, "C2.relative",
                 f"目标{word[t.direction]} {fmt_number(abs(t.change))}%，实际 {fmt_number(abs(a.change))}%，"
                 f"得分 = 分值 × {fmt_percent(frac)} = {fmt_points(value)}。", inputs, ratio=frac, kind="定量")


def infer_grade(t: ParsedValue, a: ParsedValue) -> str:
    """达成 when the actual restates or confirms the target, 未达成 when it says not; else ""."""
    if a.kind == "empty":
        return ""
    if _NEGATIVE.search(a.text):
        return "未达成"
    core_t, core_a = _core(t.text), _core(a.text)
    if core_a in _MET_WORDS or (core_t and core_a and (core_t in core_a or core_a in core_t)):
        return "达成"
    if t.kind == "deadline" and (t.deadline and t.deadline in a.text or a.deadline == t.deadline):
        return "达成"
    return ""


def _qualitative(ind: Indicator, t: ParsedValue, a: ParsedValue, points: float, settings: Settings) -> Score:
    inputs = {"年度指标值": ind.target, "实际完成值": ind.actual, "分值": points}
    bands = settings["indicators.qualitative_bands"]
    grade, inferred = ind.qualitative_grade.strip(), False
    if grade not in QUALITATIVE_GRADES:
        grade, inferred = infer_grade(t, a), True
    if not grade:
        return Score(None, points, "C3.qualitative",
                     f"定性指标：无法从实际完成值{_describe(a)}判断是否达成年度指标值{_describe(t)}，请选择定性评级（达成/部分达成/未达成）。",
                     inputs, kind="定性")
    lo, hi = bands[grade]
    band = (award(points, lo, 2), award(points, hi, 2))
    how = (f"实际完成值{_describe(a)}与年度指标值{_describe(t)}对照，判为“{grade}”" if inferred
           else f"单位评定为“{grade}”")
    upper = "" if hi >= 1 else "（不含上限）"
    text = f"定性指标：{how}；该等级得分区间为 {fmt_number(band[0])}–{fmt_number(band[1])} 分{upper}（分值 × {fmt_percent(lo, 0)}–{fmt_percent(hi, 0)}）"
    value = points if grade == "达成" else None
    text += f"，建议 {fmt_points(value)}。" if value is not None else "，请在区间内评分。"
    return Score(value, points, "C3.qualitative", text, inputs, band=band, grade=grade,
                 grade_inferred=inferred, kind="定性")


@functools.lru_cache(maxsize=8192)
def _parse(text: str, money: bool) -> ParsedValue:
    """Submissions repeat the same values ("每月底", "100%", "完成") across rows and units."""
    return parse_value(text, money_hint=money)


def score_indicator(ind: Indicator, settings: Settings) -> Score:
    """Suggested score of one indicator row (DOMAIN §C2, §C3)."""
    if ind.points is None:
        return Score(None, None, "C2.no_points", "分值未填写，无法评分。", {"分值": None}, missing=("points",))
    points = float(ind.points)
    decimals = int(settings["indicators.score_decimals"])
    money = money_hint_from_name(indicator_title(ind.name))
    t = _parse(ind.target, money)
    a = _parse(ind.actual, money)
    if t.kind == "empty" or a.kind == "empty":
        missing = tuple(n for n, v in (("target", t), ("actual", a)) if v.kind == "empty")
        return Score(None, points, "C2.missing", "年度指标值或实际完成值未填写，无法评分。",
                     {"年度指标值": ind.target, "实际完成值": ind.actual}, missing=missing)
    if ind.qualitative_grade in QUALITATIVE_GRADES:
        return _qualitative(ind, t, a, points, settings)
    if t.kind == "compound":
        return _compound(ind, t, a, points, decimals, settings)
    if t.kind == "zero_event":
        return _zero_target(ind, t, a, points)
    if t.is_quantitative and t.number is not None:
        if t.number == 0 and t.op in ("<=", "<", "="):
            return _zero_target(ind, t, a, points)
        return _quantitative(ind, t, a, points, decimals, settings)
    if t.kind == "relative_change":
        return _relative(ind, t, a, points, decimals, settings)
    return _qualitative(ind, t, a, points, settings)


# ---------------------------------------------------------------- C4 total and grade


@dataclass
class IndicatorResult:
    index: int  # position in table.indicators
    indicator: Indicator
    score: Score


@dataclass
class TableResult:
    table: PerformanceTable
    execution: Score
    indicators: list[IndicatorResult]
    suggested_total: float | None  # execution + suggested (or, where none, stated) indicator scores
    suggested_complete: bool  # every indicator had a suggestion
    grade: str
    cap: str = ""  # explanation when the 一体化 cap lowered the total
    notes: list[str] = field(default_factory=list)

    @property
    def stated_total(self) -> float | None:
        """What the clerk's own scores add up to: 执行得分 + Σ 指标得分."""
        t = self.table
        parts = [t.execution_score] + [r.indicator.score for r in self.indicators]
        if all(p is None for p in parts):
            return None
        return round_half_up(sum(p or 0.0 for p in parts), 2)


def score_table(table: PerformanceTable, settings: Settings) -> TableResult:
    execution = score_execution(table, settings)
    results = [IndicatorResult(i, ind, score_indicator(ind, settings))
               for i, ind in enumerate(table.indicators) if not ind.is_placeholder()]
    if not results:  # nothing to score: the table is not filled in, which is not a grade of 差
        return TableResult(table, execution, results, None, False, "", notes=["未填写绩效指标"])
    complete = all(r.score.computable for r in results)
    total: float | None = None
    if execution.value is not None:
        total = execution.value + sum(
            (r.score.value if r.score.value is not None else (r.indicator.score or 0.0)) for r in results)
        total = round_half_up(total, 2)
    cap = ""
    ceiling = float(settings["indicators.table_total_points"])
    if total is not None and total > ceiling:
        cap = f"执行得分与指标得分合计 {fmt_number(total)} 分，超过 {fmt_number(ceiling)} 分（分值设置有误），按 {fmt_number(ceiling)} 分计。"
        total = ceiling
    limit = total_cap(execution.ratio, settings)
    if total is not None and limit is not None and total > limit.max_total:
        cap += f"执行率 {fmt_percent(execution.ratio)}，按一体化规则总分不超过 {fmt_number(limit.max_total)} 分（原为 {fmt_number(total)} 分）。"
        total = limit.max_total
    return TableResult(table, execution, results, total, complete, grade_of(total, settings), cap)

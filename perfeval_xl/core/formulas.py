"""Every computed figure of the self-evaluation tables, declared once (DOMAIN §C1, §C4).

Each figure is an ``expr.Expr`` over named inputs. The layouts render it as the cell's formula
(``figure.cell_formula(refs)``); scoring, the 项目清单, the roll-up and the report take its Python
value (the functions below). A figure that depends on the rules file is built from the settings,
so a template written with ``execution.method = "bands"`` carries the band formula the checks
apply to it.

Input names: ``budget`` (全年预算数), ``executed`` (全年执行数), ``points`` (执行率分值),
``parts`` (cells added up), ``total`` (总分).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from .expr import (Compare, Const, Expr, Func, If, Input, IsNumber, average_or_blank, band, clamp, compile_expr,
                   is_number, ratio, rounded, sum_or_blank, when_numbers)
from .score import NO_FIGURE, fmt_number, fmt_percent
from .settings import Settings

BUDGET, EXECUTED, POINTS, TOTAL = Input("budget"), Input("executed"), Input("points"), Input("total")
RATE = Input("rate")

# 执行率 = 全年执行数 ÷ 全年预算数; blank without an executed amount or with a zero budget.
EXECUTION_RATE: Expr = ratio(EXECUTED, BUDGET)

# 执行率 as a table cell shows it (the 项目清单's formula, the 区汇总's value via ``rate_shown``): the
# rate; "—" for 0/0 (nothing budgeted and nothing spent: there is no rate, yet no figure is missing);
# blank when a figure is missing or money was spent without a budget. Where it is a number it is
# EXECUTION_RATE, so nothing that computes with the rate ever meets the "—".
EXECUTION_RATE_SHOWN: Expr = ratio(EXECUTED, BUDGET, zero_over_zero=Const(NO_FIGURE))


# 控制率 of the 基础数据表 (在职人员, 楼堂馆所): part ÷ whole, blank unless the whole is above 0.
CONTROL_RATE: Expr = when_numbers((Input("part"), Input("whole")),
                                  If(Compare(">", Input("whole"), Const(0)), Input("part") / Input("whole")))


def execution_fraction(rate: Expr, settings: Settings) -> Expr:
    """The share of the execution points a rate earns: the rate itself, or the rules file's band."""
    if settings["execution.method"] == "bands":
        return band(rate, [(b["min_rate"], b["fraction"]) for b in settings["execution.bands"]], 0.0)
    return rate


def execution_score(settings: Settings) -> Expr:
    """预算执行得分 = ROUND(分值 × min(max(fraction, 0), 1), 2); blank when the rate or 分值 is."""
    return when_numbers((BUDGET, EXECUTED, POINTS), _nonzero_budget(
        rounded(POINTS * clamp(execution_fraction(EXECUTED / BUDGET, settings), 0.0, 1.0), 2)))


def _nonzero_budget(body: Expr) -> Expr:
    return If(Compare("<>", BUDGET, Const(0)), body)


def parts_sum(count: int, decimals: int | None = None) -> Expr:
    """Σ of ``count`` cells named part0…; blank when none is filled (总分, 分值合计, 资金合计)."""
    return sum_or_blank(*(Input(f"part{i}") for i in range(count)), decimals=decimals)


def parts_average(count: int) -> Expr:
    return average_or_blank(*(Input(f"part{i}") for i in range(count)))


def grade_bands(settings: Settings) -> list[tuple[float, str]]:
    """(lower bound, grade), highest first, from the [grades] settings."""
    return [(lower, grade) for grade, lower in sorted(settings["grades"].items(), key=lambda kv: -kv[1])]


def grade(settings: Settings, total: Expr = TOTAL, rate: Expr | None = None) -> Expr:
    """等级 of a 总分 by the [grades] bands; blank without a total. With ``rate``, the grade of the
    total under the 一体化 cap of that execution rate ([execution.caps]), so that the 等级 cell and
    the scoring agree."""
    bands = grade_bands(settings)
    graded = capped(settings, total, rate) if rate is not None else total
    return when_numbers((total,), band(graded, bands[:-1], bands[-1][1]))


@dataclass(frozen=True)
class TotalCap:
    """The 一体化 cap on the 总分 that an execution rate below ``below`` sets."""

    below: float
    max_total: float

    def rule_zh(self) -> str:
        return f"执行率低于 {fmt_percent(self.below, 0)} 的，总分不超过 {fmt_number(self.max_total)} 分"


def cap_bands(settings: Settings) -> list[TotalCap]:
    """The caps of the rules file by rising ``below``, each the lowest cap its rates fall under
    (a rate under 60 % is also under 80 %: the stricter cap wins)."""
    if not settings["execution.caps.enabled"]:
        return []
    raw = sorted(settings["execution.caps.caps"], key=lambda c: c["below"])
    return [TotalCap(float(c["below"]), float(min(d["max_total"] for d in raw if d["below"] >= c["below"])))
            for c in raw]


def total_cap(rate: float | None, settings: Settings) -> TotalCap | None:
    """The cap that applies at this execution rate; None when caps are off or the rate is high enough."""
    if rate is None:
        return None
    return next((c for c in cap_bands(settings) if rate < c.below), None)


def capped_total(total: float | None, rate: float | None, settings: Settings) -> float | None:
    limit = total_cap(rate, settings)
    return total if total is None or limit is None else min(total, limit.max_total)


def capped(settings: Settings, total: Expr = TOTAL, rate: Expr = RATE) -> Expr:
    """The total under the cap of its execution rate; the total itself when caps are off or the
    rate is blank."""
    caps = cap_bands(settings)
    if not caps:
        return total
    limit: Expr = total
    for cap in reversed(caps):
        limit = If(Compare("<", rate, Const(cap.below)), Const(cap.max_total), limit)
    return Func("MIN", (total, If(IsNumber(rate), limit, total)))


# ---------------------------------------------------------------- Python values


# The figures are compiled once (``expr.compile_expr``): every project table and unit of a roll-up
# computes them.


@functools.cache
def _compiled_execution_rate() -> Callable[[Mapping[str, Any]], Any]:
    return compile_expr(EXECUTION_RATE)


def execution_rate(executed: float | None, budget: float | None) -> float | None:
    return _compiled_execution_rate()({"executed": executed, "budget": budget})


@functools.cache
def _compiled_execution_rate_shown() -> Callable[[Mapping[str, Any]], Any]:
    return compile_expr(EXECUTION_RATE_SHOWN)


def rate_shown(rate: float | None, budget: Any, executed: Any) -> float | str | None:
    """The 执行率 cell of a table over ``budget`` and ``executed``: ``rate`` (the caller's
    ``execution_rate`` of the same figures) when there is one, else what EXECUTION_RATE_SHOWN shows
    ("—" for 0/0, blank when a figure is missing)."""
    if rate is not None:
        return rate
    return _compiled_execution_rate_shown()({"budget": budget, "executed": executed})


def compiled_for(build: Callable[[Settings], Expr], section: str, settings: Settings
                 ) -> Callable[[Mapping[str, Any]], Any]:
    """``build(settings)`` compiled, once per text of the one settings ``section`` it reads
    (``Settings.text``): a roll-up asks for it for every table and unit under the same rules."""
    return _compiled_for(build, section, settings.text(section))


@functools.lru_cache(maxsize=256)
def _compiled_for(build: Callable[[Settings], Expr], section: str, text: str) -> Callable[[Mapping[str, Any]], Any]:
    return compile_expr(build(Settings({section: json.loads(text)})))


def execution_score_of(settings: Settings) -> Callable[[Mapping[str, Any]], Any]:
    """``execution_score(settings)`` compiled: its value over ``budget``, ``executed`` and ``points``."""
    return compiled_for(execution_score, "execution", settings)


def execution_fraction_of(settings: Settings) -> Callable[[Mapping[str, Any]], Any]:
    """``execution_fraction`` of an input ``rate``, compiled."""
    return compiled_for(_rate_fraction, "execution", settings)


def _rate_fraction(settings: Settings) -> Expr:
    return execution_fraction(RATE, settings)


def grade_of(total: float | None, settings: Settings) -> str:
    if total is None:
        return ""
    return compiled_for(grade, "grades", settings)({"total": total}) or ""


@functools.lru_cache(maxsize=16)
def _compiled_rounding(decimals: int) -> Callable[[Mapping[str, Any]], Any]:
    return compile_expr(rounded(Input("x"), decimals))


def sum_of(values: Sequence[Any], decimals: int | None = None) -> float | None:
    """Σ of the filled numbers (None when none is); what ``parts_sum`` gives in the cell."""
    numbers = [float(v) for v in values if is_number(v)]
    if not numbers:
        return None
    return _compiled_rounding(decimals)({"x": sum(numbers)}) if decimals is not None else sum(numbers)


def parts_env(values: Sequence[Any]) -> dict[str, Any]:
    return {f"part{i}": v for i, v in enumerate(values)}


def parts_refs(refs: Sequence[str]) -> dict[str, str]:
    return {f"part{i}": r for i, r in enumerate(refs)}

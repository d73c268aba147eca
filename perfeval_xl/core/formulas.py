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

from typing import Any, Sequence

from .expr import (Compare, Const, Expr, If, Input, average_or_blank, band, clamp, evaluate, is_number, ratio,
                   rounded, sum_or_blank, when_numbers)
from .settings import Settings

BUDGET, EXECUTED, POINTS, TOTAL = Input("budget"), Input("executed"), Input("points"), Input("total")

# 执行率 = 全年执行数 ÷ 全年预算数; blank without an executed amount or with a zero budget.
EXECUTION_RATE: Expr = ratio(EXECUTED, BUDGET)


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


def grade(settings: Settings, total: Expr = TOTAL) -> Expr:
    """等级 of a 总分 by the [grades] bands; blank without a total.

    This is the one place the grade of a table is declared: a cap on the grade (the 一体化 rule
    of [execution.caps]) belongs here, as a further argument, so that the 等级 cell and the
    scoring agree.
    """
    bands = grade_bands(settings)
    return when_numbers((total,), band(total, bands[:-1], bands[-1][1]))


# ---------------------------------------------------------------- Python values


def execution_rate(executed: float | None, budget: float | None) -> float | None:
    return evaluate(EXECUTION_RATE, executed=executed, budget=budget)


def grade_of(total: float | None, settings: Settings) -> str:
    if total is None:
        return ""
    return evaluate(grade(settings), total=total) or ""


def sum_of(values: Sequence[Any], decimals: int | None = None) -> float | None:
    """Σ of the filled numbers (None when none is); what ``parts_sum`` gives in the cell."""
    numbers = [float(v) for v in values if is_number(v)]
    if not numbers:
        return None
    return evaluate(rounded(Input("x"), decimals), x=sum(numbers)) if decimals is not None else sum(numbers)


def parts_env(values: Sequence[Any]) -> dict[str, Any]:
    return {f"part{i}": v for i, v in enumerate(values)}


def parts_refs(refs: Sequence[str]) -> dict[str, str]:
    return {f"part{i}": r for i, r in enumerate(refs)}

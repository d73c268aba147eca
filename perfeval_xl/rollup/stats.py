"""District statistics over the units that count: grades, mean/median, rankings, low execution."""

from __future__ import annotations

import math
import statistics
from typing import Any

from ..core.formulas import execution_rate
from ..core.score import round_half_up
from ..core.settings import Settings
from .record import UnitRow

# 执行率 below this lists the unit under 执行率低于 90% (DOMAIN §F).
LOW_EXECUTION_RATE = 0.9
NO_SCORE = "无得分"


RANKED_FIELDS = ("path", "unit", "code", "year", "score", "score_basis", "grade", "rate", "budget", "executed")


def _entry(u: UnitRow) -> dict[str, Any]:
    return {f: getattr(u, f) for f in RANKED_FIELDS}


def _ranked(units: list[UnitRow], key: str) -> list[dict[str, Any]]:
    """Units with a value for ``key``, best first; ties share a rank (1, 2, 2, 4), then by path."""
    have = sorted((u for u in units if getattr(u, key) is not None), key=lambda u: (-getattr(u, key), u.path))
    out, rank, previous = [], 0, None
    for i, u in enumerate(have, start=1):
        if getattr(u, key) != previous:
            rank, previous = i, getattr(u, key)
        out.append({"rank": rank, **_entry(u)})
    return out


def district_stats(units: list[UnitRow], settings: Settings) -> dict[str, Any]:
    """Per 年度: counts, money, grade distribution, mean/median score, rankings, low execution.

    ``units`` are the 汇总 rows. Rankings never mix years: a folder may hold several.
    """
    grades = list(settings["grades"])
    years: dict[Any, list[UnitRow]] = {}
    for u in units:
        years.setdefault(u.year, []).append(u)
    out = []
    for year in sorted(years, key=lambda y: (y is None, y or 0)):
        group = years[year]
        scores = [u.score for u in group if u.score is not None]
        budget = [u.budget for u in group if u.budget is not None]
        executed = [u.executed for u in group if u.executed is not None]
        both = [u for u in group if u.budget is not None and u.executed is not None]
        total_budget = round(math.fsum(u.budget for u in both), 6) if both else None
        total_exec = round(math.fsum(u.executed for u in both), 6) if both else None
        distribution = {g: sum(1 for u in group if u.grade == g) for g in grades}
        distribution[NO_SCORE] = sum(1 for u in group if not u.grade)
        low = [_entry(u) for u in sorted((u for u in group if u.rate is not None and u.rate < LOW_EXECUTION_RATE),
                                         key=lambda u: (u.rate, u.path))]
        out.append({
            "year": year,
            "units": len(group),
            "projects": sum(u.projects for u in group),
            "budget": round(math.fsum(budget), 6) if budget else None,
            "executed": round(math.fsum(executed), 6) if executed else None,
            # district rate over the units that report both figures; their sums and count beside it,
            # so that the 概况 row shows a rate its own figures give
            "rate": execution_rate(total_exec, total_budget),
            "rate_units": len(both),
            "rate_budget": total_budget,
            "rate_executed": total_exec,
            "scored": len(scores),
            "mean": round_half_up(statistics.fmean(scores), 2) if scores else None,
            "median": round_half_up(statistics.median(scores), 2) if scores else None,
            "grades": distribution,
            "errors": sum(u.errors for u in group),
            "warnings": sum(u.warnings for u in group),
            "by_score": _ranked(group, "score"),
            "by_rate": _ranked(group, "rate"),
            "low_execution": low,
        })
    return {"years": out, "low_execution_rate": LOW_EXECUTION_RATE}

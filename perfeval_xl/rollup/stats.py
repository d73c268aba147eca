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


class Entry:
    """A unit in a ranking or list of the statistics, read like a dict (``entry["unit"]``).

    It points at the unit's 汇总 row instead of copying its fields into a dict of its own: two
    rankings of 10^5 units held ~0.9 KB of dicts per unit until the 区汇总 was written."""

    __slots__ = ("rank", "_unit")

    def __init__(self, unit: UnitRow, rank: int | None = None) -> None:
        self.rank, self._unit = rank, unit

    def __getitem__(self, key: str) -> Any:
        if key == "rank" and self.rank is not None:
            return self.rank
        if key not in RANKED_FIELDS:
            raise KeyError(key)
        return getattr(self._unit, key)

    def keys(self) -> list[str]:
        return (["rank"] if self.rank is not None else []) + list(RANKED_FIELDS)

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def __eq__(self, other: object) -> bool:
        return dict(self) == (dict(other) if isinstance(other, Entry) else other)

    def __repr__(self) -> str:
        return repr(dict(self))


def _entry(u: UnitRow) -> Entry:
    return Entry(u)


def _ranked(units: list[UnitRow], key: str) -> list[Entry]:
    """Units with a value for ``key``, best first; ties share a rank (1, 2, 2, 4), then by path."""
    have = sorted((u for u in units if getattr(u, key) is not None), key=lambda u: (-getattr(u, key), u.path))
    out, rank, previous = [], 0, None
    for i, u in enumerate(have, start=1):
        if getattr(u, key) != previous:
            rank, previous = i, getattr(u, key)
        out.append(Entry(u, rank))
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

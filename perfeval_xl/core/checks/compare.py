"""How stated figures are compared with recomputed ones (tolerances from the rules file)."""

from __future__ import annotations

import functools

from ..score import round_half_up
from ..settings import Settings


def amounts_differ(stated: float, expected: float, settings: Settings) -> bool:
    return abs(stated - expected) > float(settings["tolerance.amount"]) + 1e-9


def points_differ(stated: float, expected: float, settings: Settings) -> bool:
    return abs(stated - expected) > float(settings["indicators.score_tolerance"]) + 1e-9


@functools.lru_cache(maxsize=4096)  # the same stated rates recur in every table and unit
def _decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def rate_matches(stated: float, recomputed: float, settings: Settings) -> bool:
    """A stated rate is right when it is the recomputed rate rounded as the clerk rounded it.

    "93.70%" or "93.7%" for 93.699…% and "87%" for 87.27% are right; "91.74%" for 91.73% is not.
    """
    stated_pct = stated * 100
    decimals = min(int(settings["tolerance.rate_decimals"]), _decimals(round(stated_pct, 6)))
    return round_half_up(recomputed * 100, decimals) == round_half_up(stated_pct, decimals)


def total(values: list[float | None]) -> float | None:
    """Σ of the filled values; None when none is filled."""
    filled = [v for v in values if v is not None]
    return sum(filled) if filled else None

"""The result of any scoring rule, with its explanation, and the number formats used in text."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping


@dataclass(frozen=True)
class Score:
    """Points a rule awards, and why, in words a clerk can check by hand.

    ``value`` is None when the rule cannot decide (missing facts, a value it cannot
    read); ``missing`` then names what is needed.
    """

    value: float | None
    points: float | None
    rule: str  # stable id of the scoring rule, e.g. "C2.positive" or "A4.staff_control"
    explanation: str  # Chinese, names the figures
    inputs: Mapping[str, Any] = field(default_factory=dict)
    ratio: float | None = None  # actual / target for quantitative indicators
    band: tuple[float, float] | None = None  # allowed range of points (qualitative)
    grade: str = ""  # qualitative grade used (达成/部分达成/未达成)
    grade_inferred: bool = False  # the grade was inferred from the text, not picked by the clerk
    missing: tuple[str, ...] = ()
    kind: str = ""  # "定量" | "定性" | "" (for execution / rubric items)

    @property
    def computable(self) -> bool:
        return self.value is not None


_QUANTA: dict[int, Decimal] = {}


def round_half_up(value: float, decimals: int = 2) -> float:
    """Round as people do on paper (2.345 → 2.35), not banker's rounding."""
    if not math.isfinite(value) or abs(value) >= 1e15:  # beyond what a 2-dp quantize can hold
        return value
    if value.is_integer() if isinstance(value, float) else isinstance(value, int):
        return float(value)  # most points and counts: nothing to round (and Decimal is slow)
    if type(value) is float:  # the same figures recur in every check and every file: round each once
        key = (value, decimals)
        rounded = _ROUNDED.get(key)
        if rounded is None:
            if len(_ROUNDED) >= 1 << 16:
                _ROUNDED.clear()
            rounded = _ROUNDED[key] = _decimal_round(value, decimals)
        return rounded
    return _decimal_round(value, decimals)


_ROUNDED: dict[tuple[float, int], float] = {}  # non-integer floats only: no 0.0 / -0.0 alike keys


def _decimal_round(value: float, decimals: int) -> float:
    quantum = _QUANTA.get(decimals) or _QUANTA.setdefault(decimals, Decimal(1).scaleb(-decimals))
    # 15 significant digits first, as spreadsheets do: 89.99499999999999 (= 89.995 in float sums) → 90.00
    return float(Decimal(f"{value:.15g}").quantize(quantum, rounding=ROUND_HALF_UP))


@functools.lru_cache(maxsize=1 << 14, typed=True)  # every message and explanation quotes the same few figures
def fmt_number(value: float | None, decimals: int = 4) -> str:
    """64.707 → "64.707"; 10.0 → "10"; None → "（空）"."""
    if value is None:
        return "（空）"
    text = f"{round_half_up(value, decimals):.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_amount(value: float | None) -> str:
    """Money in 万元 as a clerk writes it."""
    return fmt_number(value, 4) + ("" if value is None else " 万元")


@functools.lru_cache(maxsize=1 << 14, typed=True)
def fmt_percent(rate: float | None, decimals: int = 2) -> str:
    """0.93699 → "93.70%"."""
    if rate is None:
        return "（空）"
    return f"{round_half_up(rate * 100, decimals):.{decimals}f}%"


NO_FIGURE = "—"  # a figure a summary or a table has no value for


def fmt_figure(value: Any, decimals: int = 2) -> str:
    """A figure in a summary line or a listing: money (万元) and scores to 2 decimals, "—" when none.

    Check messages keep ``fmt_number``'s 4 decimals: they quote a typed figure (64.707) as typed.
    """
    if value is None:
        return NO_FIGURE
    if isinstance(value, float):
        return fmt_number(value, decimals)
    return str(value)


def fmt_rate(rate: float | None) -> str:
    """执行率 in a summary line: 93.70%, "—" when none."""
    return NO_FIGURE if rate is None else fmt_percent(rate)


def fmt_points(value: float | None) -> str:
    return fmt_number(value, 2) + ("" if value is None else " 分")

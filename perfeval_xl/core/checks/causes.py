"""Findings that follow from one slip get one cause, so that every view shows the slip once.

A clerk who types 分值 100 instead of 10 on the execution row trips T103, and with it T104 (the
execution score), T105 (the indicators no longer share 100 − 10), T107 (the total) … — all correct,
but one thing to fix. The rules below name, for a root rule, the findings of the same table that
follow from it; everything else is its own cause. Grouping itself is
``perfeval_xl.core.findings.group_by_cause``.
"""

from __future__ import annotations

from typing import Iterable

from ..findings import Finding
from ..model import Indicator, PerformanceTable, Submission
from ..score import fmt_number
from .tables import row_of

# Root rule → rules whose findings in the same table follow from it.
FOLLOWS_EXECUTION_POINTS = ("T104", "T105", "T106", "T107", "T108", "T119", "T121")
# One indicator's 分值 typed wrong: its own row's findings, and the totals.
FOLLOWS_INDICATOR_POINTS_ROW = ("T106", "T109", "T110", "T111", "T112", "T113")
FOLLOWS_INDICATOR_POINTS_TABLE = ("T107", "T108", "T119", "T121")


def assign_causes(findings: list[Finding], sub: Submission) -> list[Finding]:
    """The same findings, each carrying the cause key of the slip it follows from."""
    tables = {t.title: t for t in [*sub.projects, *([sub.department] if sub.department else [])]}
    cause: dict[int, str] = {}
    notes: dict[int, str] = {}  # what the root finding's group adds to its message
    by_table: dict[str, list[int]] = {}
    for i, f in enumerate(findings):
        by_table.setdefault(f.location.table, []).append(i)
    for i, f in enumerate(findings):
        if f.rule == "S102":  # formulas typed over in the same column of several sheets: one habit, one cause
            cause[i] = f"S102|{f.location.field}"
    for title, indices in by_table.items():
        rules = {findings[i].rule: i for i in indices}
        if "T123" in rules:  # a 全年预算数 of 0: the overspend (T102) is the same slip
            _tie(findings, indices, findings[rules["T123"]].key, {"T123", "T102"}, cause)
        if "T103" in rules:  # the execution row's 分值: the same wrong figure is one slip in every table
            root = findings[rules["T103"]]
            key = f"T103|{root.values.get('stated')}|{root.values.get('expected')}"
            _tie(findings, indices, key, {"T103", *FOLLOWS_EXECUTION_POINTS}, cause)
        elif "T105" in rules and title in tables:
            root = findings[rules["T105"]]
            _tie(findings, indices, root.key, {"T105", *FOLLOWS_INDICATOR_POINTS_TABLE}, cause)
            changed = _changed_points_row(tables[title], root)
            if changed:
                row, ind, excess = changed
                for i in indices:
                    if findings[i].rule in FOLLOWS_INDICATOR_POINTS_ROW and findings[i].location.row == row:
                        cause[i] = root.key
                notes[rules["T105"]] = (f"{'多出' if excess > 0 else '少了'}的 {fmt_number(abs(excess))} 分在{row}："
                                        f"分值 {fmt_number(ind.points)}，得分仍是 {fmt_number(ind.score)}")
    return [f.replaced(cause=cause.get(i, f.cause),
                       values={**f.values, "cause_note": notes[i]} if i in notes else f.values)
            if i in cause or i in notes else f for i, f in enumerate(findings)]


def _tie(findings: list[Finding], indices: Iterable[int], key: str, rules: set[str], cause: dict[int, str]) -> None:
    for i in indices:
        if findings[i].rule in rules:
            cause[i] = key


def _changed_points_row(table: PerformanceTable, total_finding: Finding) -> tuple[str, Indicator, float] | None:
    """The one indicator whose 分值, less the excess of the 分值合计, equals its 得分 (the full marks it
    had before the 分值 was changed), with the excess; None when no single row fits."""
    try:
        excess = float(total_finding.values["stated"]) - float(total_finding.values["expected"])
    except (KeyError, ValueError):
        return None
    fits = [ind for ind in table.indicators if not ind.is_placeholder() and ind.points is not None
            and ind.score is not None and ind.points - excess >= 0 and abs(ind.points - excess - ind.score) < 1e-6]
    return (row_of(fits[0]), fits[0], excess) if len(fits) == 1 else None

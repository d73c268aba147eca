"""Read the clerk's 情况说明 back from a 校验结果 sheet (layout: ``perfeval_xl.layout.results``)."""

from __future__ import annotations

from typing import Any

from ..core.model import Explanation
from ..layout.results import COLUMN, HEADERS, RESULTS_SHEET


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _header_row(rows: list[list[Any]]) -> int | None:
    for i, row in enumerate(rows[:20]):
        if tuple(_text(v) for v in row[:len(HEADERS)]) == HEADERS:
            return i
    return None


def result_rows(rows: list[list[Any]]) -> list[dict[str, str]]:
    """The table of a 校验结果 sheet as dicts keyed by column key (empty when it is not one)."""
    start = _header_row(rows)
    if start is None:
        return []
    out = []
    for row in rows[start + 1:]:
        cells = [_text(row[c.col - 1]) if c.col - 1 < len(row) else "" for c in COLUMN.values()]
        if not any(cells):
            continue
        out.append(dict(zip(COLUMN, cells)))
    return out


def explanations(rows: list[list[Any]]) -> list[Explanation]:
    """Every 情况说明 typed on the sheet, with the rule and location key it belongs to."""
    return [Explanation(r["rule"], r["key"], r["explanation"]) for r in result_rows(rows)
            if r["explanation"] and r["rule"] and r["key"]]


def attach_explanations(sheets: dict[str, list[list[Any]]], sub) -> None:
    """The reader's hook: a workbook with a 校验结果 sheet carries its 情况说明 into the submission."""
    rows = sheets.get(RESULTS_SHEET)
    if rows:
        sub.explanations = explanations(rows)

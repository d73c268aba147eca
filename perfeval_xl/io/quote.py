"""Submitted text that Excel could take for a formula stays text, in every workbook the tool writes.

Text beginning with ``= + - @``, a tab or a carriage return is a formula (or DDE) trigger when a
person edits the cell or a program re-reads it as typed input. Such text is written as a string
cell with Excel's quote prefix (the ``'`` shown in the formula bar), never as a formula. One
helper for every writer: unit workbooks (``new``, ``--from-json``, ``--prefill``), 区汇总 and
退回意见 (SECURITY.md).
"""

from __future__ import annotations

from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def needs_quote(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def put_text(cell: Any, text: str) -> None:
    """Set an openpyxl cell to ``text``: a plain string, or a quoted string cell when it could be a formula."""
    cell.value = text
    if needs_quote(text):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        cell.quotePrefix = True

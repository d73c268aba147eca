"""Column letters without openpyxl: ``from openpyxl.utils import get_column_letter`` loads all of
openpyxl (~80 ms), which `validate` — reading with python-calamine — otherwise never needs.
(In layout/ so the xlwings Lite bundle, which carries core/layout/io/excel, has it too.)

Same contract as openpyxl's function (tests/test_pkg_startup.py compares every column).
"""

from __future__ import annotations

MAX_COLUMN = 18278  # XFD: the last column of a worksheet


def get_column_letter(index: int) -> str:
    """1 → A, 27 → AA, 18278 → ZZZ."""
    if not 1 <= index <= MAX_COLUMN:
        raise ValueError(f"Invalid column index {index}")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters

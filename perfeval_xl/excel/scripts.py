"""The buttons as xlwings Lite scripts (``@xw.script``): each is a thin call into the same
function the Windows ribbon runs (``buttons``).

Lite has no message box a script can rely on, so each script shows its result in the workbook:
the first cell of the 校验结果 sheet (the 校验 summary line, which ``validate_book`` writes; after
another button, what that button did), and the console as well.
"""

from __future__ import annotations

import xlwings as xw

from ..layout.results import RESULTS_SHEET
from .book_tools import fill_scores, new_project_sheet
from .validate_book import validate_book


def show(book, text: str) -> str:
    """Write ``text`` into A1 of the 校验结果 sheet (added when missing) and print it."""
    names = [s.name for s in book.sheets]
    sheet = book.sheets[RESULTS_SHEET] if RESULTS_SHEET in names else book.sheets.add(RESULTS_SHEET,
                                                                                       before=book.sheets[0])
    sheet.range((1, 1)).value = [[text]]
    print(text)
    return text


@xw.script(name="校验")
def validate(book: xw.Book):
    """校验整本工作簿，写出“校验结果”表并标出有问题的单元格。"""
    print(validate_book(book).summary)  # validate_book wrote it into A1 of 校验结果


@xw.script(name="填入建议得分")
def fill_suggested_scores(book: xw.Book):
    """把建议得分填入空着的“得分”单元格（已填的得分不动）。"""
    show(book, f"填入建议得分：{fill_scores(book).summary}请重新校验。")


@xw.script(name="新增项目表")
def add_project_sheet(book: xw.Book):
    """复制一张项目支出绩效自评表，编号为下一个“项目N”，清空其中的填报内容。"""
    show(book, f"新增项目表：{new_project_sheet(book)}")

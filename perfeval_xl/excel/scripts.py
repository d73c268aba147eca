"""The buttons as xlwings Lite scripts (``@xw.script``): each is a thin call into the same
function the Windows ribbon runs (``buttons``)."""

from __future__ import annotations

import xlwings as xw

from .book_tools import fill_scores, new_project_sheet
from .validate_book import validate_book


@xw.script(name="校验")
def validate(book: xw.Book):
    """校验整本工作簿，写出“校验结果”表并标出有问题的单元格。"""
    outcome = validate_book(book)
    print(outcome.summary)


@xw.script(name="填入建议得分")
def fill_suggested_scores(book: xw.Book):
    """把建议得分填入空着的“得分”单元格（已填的得分不动）。"""
    print(fill_scores(book).summary)


@xw.script(name="新增项目表")
def add_project_sheet(book: xw.Book):
    """复制一张项目支出绩效自评表，编号为下一个“项目N”，清空其中的填报内容。"""
    print(new_project_sheet(book))

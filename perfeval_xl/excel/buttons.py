"""Entry points of the Windows ribbon add-in (RunPython): thin calls into the functions the
xlwings Lite scripts run.

Every ribbon button calls the same VBA callback, which runs
``import perfeval_xl.excel.buttons as b;b.on_ribbon('<button id>')``; ``on_ribbon`` picks the
action. The workbook is ``xw.Book.caller()``; messages go to an Excel message box.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .book_tools import fill_scores, new_project_sheet
from .validate_book import validate_book

ROLLUP_OUTPUT = "区汇总.xlsx"
FEEDBACK_DIR = "退回意见"


def _validate(book) -> str:
    return validate_book(book).summary


def _fill(book) -> str:
    return fill_scores(book).summary


def _new_project(book) -> str:
    return new_project_sheet(book)


BOOK_ACTIONS: dict[str, Callable] = {"pe_validate": _validate, "pe_fill_scores": _fill, "pe_new_project": _new_project}
TITLE = "绩效自评"


def on_ribbon(control_id: str, book=None) -> str:
    """Run the action of ribbon button ``control_id`` on ``book`` (default: the calling workbook)."""
    import xlwings as xw

    if control_id == "pe_rollup":
        app = book.app if book is not None else xw.apps.active
        folder = pick_folder(app)
        text = run_rollup(folder) if folder else "未选择文件夹，未汇总。"
        _alert(app, text)
        return text
    action = BOOK_ACTIONS.get(control_id)
    if action is None:
        raise ValueError(f"未知的按钮：{control_id}")
    book = book if book is not None else xw.Book.caller()
    text = action(book)
    _alert(book.app, text)
    return text


def _alert(app, text: str) -> None:
    try:
        app.alert(text, title=TITLE)
    except Exception:  # noqa: BLE001 - an engine without message boxes (Lite prints instead)
        print(text)


def pick_folder(app) -> str | None:
    """Excel's own folder picker (Windows: Application.FileDialog(msoFileDialogFolderPicker))."""
    dialog = app.api.FileDialog(4)  # msoFileDialogFolderPicker
    dialog.Title = "选择各街道报送的工作簿所在的文件夹"
    if dialog.Show() != -1:
        return None
    return str(dialog.SelectedItems(1))


def run_rollup(folder: str | Path) -> str:
    """The 汇总 button: roll ``folder`` up into ``folder/区汇总.xlsx`` (and 退回意见), as
    ``perfeval-xl rollup FOLDER -o FOLDER/区汇总.xlsx --feedback FOLDER/退回意见`` does."""
    from ..rollup import RollupError, rollup

    folder = Path(folder)
    try:
        result = rollup(folder, folder / ROLLUP_OUTPUT, jobs=1, feedback_dir=folder / FEEDBACK_DIR)
    except RollupError as exc:
        return str(exc)
    lines = [result.summary_zh()]
    lines += [f"未能读取：{reason}" for _, reason in result.unreadable]
    return "\n".join(lines)

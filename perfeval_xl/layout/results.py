"""The 校验结果 sheet the 校验 button writes: its columns, defined once.

The writer (``perfeval_xl.excel.validate_book``) lays rows out from ``RESULT_COLUMNS``; the
reader (``perfeval_xl.io.results_read``) finds the header row by the same texts and reads the
clerk's 情况说明 back, matched by 规则 and the hidden 定位 key (``Location.key``), so an
explanation survives the next validation and travels to the district roll-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from .columns import get_column_letter  # not openpyxl's: validate never loads openpyxl

from ..core.findings import FINDING_COLUMNS

RESULTS_SHEET = "校验结果"
TITLE_ROW = 1  # the summary line ("2 个错误，5 个提示" or "校验通过")
NOTE_ROW = 2
HEADER_ROW = 3
FIRST_ROW = 4
NOTE = ("每行一个问题；点“单元格”可跳到该单元格。“错误”须改正；“提示”可在“情况说明”列写明原因，"
        "下次校验和区汇总都会保留。请勿修改最后一列“定位”。")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float  # characters

    @property
    def col(self) -> int:
        return RESULT_COLUMNS.index(self) + 1

    @property
    def letter(self) -> str:
        return get_column_letter(self.col)


# Headers are core.findings.FINDING_COLUMNS'; 位置 here is row and field (the table has its own
# column), and 问题说明 keeps the header "说明" that sheets written by earlier versions carry (the
# reader finds the header row by these texts).
_WIDTHS = {"no": 6, "severity": 8, "table": 26, "where": 24, "cell": 14, "rule": 7, "message": 60, "hint": 36,
           "explanation": 30, "key": 0}  # key: Location.key, width 0 hides it
RESULT_COLUMNS: tuple[Column, ...] = tuple(
    Column(key, "说明" if key == "message" else FINDING_COLUMNS[key], width) for key, width in _WIDTHS.items())
COLUMN = {c.key: c for c in RESULT_COLUMNS}
HEADERS = tuple(c.header for c in RESULT_COLUMNS)

# Fill colours of highlighted cells (#RRGGBB) and of the severity column.
ERROR_COLOR = "#FFC7CE"
WARNING_COLOR = "#F8CBAD"  # light orange: apart from the pale yellow of input cells

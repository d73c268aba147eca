"""What the worksheet functions compute, as plain Python over the core (no xlwings here).

Inputs arrive as Excel sends them: numbers as float, text as str (full-width digits, "12%",
"1,234"), dates as datetime (Windows) or text, empty cells as None, error cells as their code
("#DIV/0!", the UDFs ask xlwings for ``err_to_str``), ranges as lists of rows. Bad input raises
``CellError``: the cell shows an Excel error code (``code``) — an error cell passed in keeps its
own code — and the reason (``reason``, Chinese) is what the ``PE_*_EXPLAIN`` functions and the
说明 column of the table functions show. A Python traceback never reaches a cell.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from ..core.model import Indicator, ProjectTable
from ..core.rubric import ITEMS_BY_KEY, evaluate_rubric
from ..core.scoring import execution_rate, grade_of, score_execution, score_indicator, score_table
from ..core.settings import Settings
from ..core.validate import validate
from ..core.values import money_hint_from_name, parse_value
from ..io.xlsx_read import convert, read_sheets
from ..layout.project import indicator_columns
from ..layout.sheets import UNIT_SHEETS

NA, VALUE, DIV0 = "#N/A", "#VALUE!", "#DIV/0!"
EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!")
MAX_POINTS = 100.0  # no 分值 or 总分 exceeds the 100 points of a whole form
_DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*$")


class CellError(Exception):
    """What a cell shows instead of a result: an Excel error ``code`` ("#VALUE!"), and why (Chinese)."""

    def __init__(self, code: str, reason: str = "") -> None:
        super().__init__(reason or code)
        self.code = code
        self.reason = reason or code

    @property
    def shown(self) -> str:  # the cell's value
        return self.code


def _scalar(raw: Any, what: str) -> Any:
    """One cell's value; an error cell passed in propagates its own error."""
    if isinstance(raw, list):
        raise CellError(VALUE, f"{what}应为一个单元格，收到的是一个区域")
    if isinstance(raw, str) and raw.strip() in EXCEL_ERRORS:
        raise CellError(raw.strip(), f"{what}单元格本身是错误值 {raw.strip()}")
    return raw


@functools.cache
def _settings() -> Settings:
    return Settings.default()


def number(raw: Any, what: str, kind: str = "amount") -> float | None:
    """A number cell as typed: 12, "１２.５", "1,234", "93%" (rates); None when empty."""
    raw = _scalar(raw, what)
    if isinstance(raw, (dt.date, dt.datetime)):
        raise CellError(VALUE, f"{what}应为数字，收到的是日期 {raw:%Y-%m-%d}")
    value, ok = convert(raw, kind)
    if not ok:
        raise CellError(VALUE, f"{what}不是数字：“{raw}”")
    return value


def amount(raw: Any, what: str) -> float | None:
    """A sum of money (万元): never negative."""
    value = number(raw, what)
    if value is not None and value < 0:
        raise CellError(VALUE, f"{what}不能为负数：{value:g}")
    return value


def points(raw: Any, what: str = "分值") -> float | None:
    """A 分值 or 总分: a number of points between 0 and 100."""
    value = number(raw, what, "points")
    if value is not None and not 0 <= value <= MAX_POINTS:
        raise CellError(VALUE, f"{what}应在 0 到 {MAX_POINTS:g} 分之间，填的是 {value:g}")
    return value


def text(raw: Any, what: str = "单元格") -> str:
    """A text cell; a date (a date cell, or "2023/12/31" typed) reads as the date it is."""
    raw = _scalar(raw, what)
    if raw is None:
        return ""
    if isinstance(raw, (dt.date, dt.datetime)):
        return f"{raw.year}年{raw.month}月{raw.day}日"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    shown = str(raw).strip()
    m = _DATE_TEXT.match(shown)
    if m:
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return shown
        return f"{day.year}年{day.month}月{day.day}日"
    return shown


# ---------------------------------------------------------------- execution (DOMAIN §C1)


def exec_rate(executed: Any, budget: Any) -> float:
    e, b = amount(executed, "全年执行数"), amount(budget, "全年预算数")
    if e is None or b is None:
        raise CellError(NA, "全年执行数或全年预算数未填写")
    if not b:
        raise CellError(DIV0, "全年预算数为 0，无法计算执行率")
    return execution_rate(e, b)


@functools.lru_cache(maxsize=16)
def _execution_settings(points: float) -> Settings:
    base = _settings()
    if points == float(base["execution.points"]):
        return base
    return base.override_toml(f"[execution]\npoints = {points!r}\n", origin="分值")


def _execution(executed: Any, budget: Any, points_raw: Any):
    e, b = amount(executed, "全年执行数"), amount(budget, "全年预算数")
    p = points(points_raw)
    settings = _execution_settings(float(p) if p is not None else float(_settings()["execution.points"]))
    table = ProjectTable()
    table.funding_total.executed, table.funding_total.annual_budget = e, b
    return score_execution(table, settings)


def exec_score(executed: Any, budget: Any, points: Any = None) -> float:
    score = _execution(executed, budget, points)
    if score.value is None:
        raise CellError(NA, score.explanation)
    return score.value


def exec_explain(executed: Any, budget: Any, points: Any = None) -> str:
    try:
        return _execution(executed, budget, points).explanation
    except CellError as exc:
        return exc.reason


# ---------------------------------------------------------------- indicators (DOMAIN §C2, §C3)


def _indicator(target: Any, actual: Any, points_raw: Any, name: Any = None, grade: Any = None) -> Indicator:
    return Indicator(name=text(name, "三级指标"), target=text(target, "年度指标值"), actual=text(actual, "实际完成值"),
                     points=points(points_raw), qualitative_grade=text(grade, "定性评级"))


def indicator_score(target: Any, actual: Any, points: Any, name: Any = None, grade: Any = None) -> float:
    score = score_indicator(_indicator(target, actual, points, name, grade), _settings())
    if score.value is None:
        raise CellError(NA, score.explanation)
    return score.value


def indicator_explain(target: Any, actual: Any, points: Any, name: Any = None, grade: Any = None) -> str:
    try:
        return score_indicator(_indicator(target, actual, points, name, grade), _settings()).explanation
    except CellError as exc:
        return exc.reason


# The indicator row's columns, relative to the first column of the table (from the layout).
_COLUMNS = indicator_columns()
_FIRST = min(c.col for c in _COLUMNS)
_OFFSET = {c.field: c.col - _FIRST for c in _COLUMNS}
TABLE_WIDTH = max(_OFFSET.values()) + 1
TABLE_RESULT_HEADERS = ("建议得分", "类型", "说明")


def _check_width(rows: Any) -> None:
    """The table functions need the form's columns exactly: anything else would misread every row."""
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        raise CellError(VALUE, f"请选择绩效指标表的行（{TABLE_WIDTH} 列：一级指标 至 定性评级）")
    widths = {len(r) for r in rows}
    if widths != {TABLE_WIDTH}:
        raise CellError(VALUE, f"绩效指标表的行应为 {TABLE_WIDTH} 列（一级指标 至 定性评级），选择的区域为 "
                               f"{'、'.join(str(w) for w in sorted(widths))} 列")


def _row_value(row: list[Any], field: str) -> Any:
    i = _OFFSET[field]
    return row[i] if i < len(row) else None


def score_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """One [建议得分, 类型, 说明] row per indicator row (columns as on the form: 一级指标 … 定性评级).

    A row with nothing typed gives an empty row; a row whose score cannot be suggested gives ""
    and says why. One call for the whole table: the core scores every row in one pass.
    """
    _check_width(rows)
    out: list[list[Any]] = []
    settings = _settings()
    for row in rows:
        if all(v in (None, "") for v in row):
            out.append(["", "", ""])
            continue
        try:
            ind = _indicator(_row_value(row, "target"), _row_value(row, "actual"), _row_value(row, "points"),
                             _row_value(row, "name"), _row_value(row, "qualitative_grade"))
        except CellError as exc:
            out.append([exc.code, "", exc.reason])
            continue
        if ind.is_placeholder():
            out.append(["", "", ""])
            continue
        s = score_indicator(ind, settings)
        out.append(["" if s.value is None else s.value, s.kind, s.explanation])
    return out


def score_table_rows(rows: list[list[Any]], executed: Any = None, budget: Any = None,
                     points_raw: Any = None) -> list[list[Any]]:
    """``score_rows`` plus, when the budget row is given, a last row with the suggested 总分 and 等级."""
    out = score_rows(rows)
    if executed is None and budget is None:
        return out
    table = ProjectTable(indicators=[])
    table.funding_total.executed = amount(executed, "全年执行数")
    table.funding_total.annual_budget = amount(budget, "全年预算数")
    given = points(points_raw)
    if any(r[0] in EXCEL_ERRORS for r in out):
        out.append([NA, "", "有的行无法读取（见该行说明），未给出建议总分"])
        return out
    for row in rows:
        table.indicators.append(_indicator(_row_value(row, "target"), _row_value(row, "actual"),
                                           _row_value(row, "points"), _row_value(row, "name"),
                                           _row_value(row, "qualitative_grade")))
    settings = _execution_settings(float(given if given is not None else _settings()["execution.points"]))
    result = score_table(table, settings)
    total = "" if result.suggested_total is None else result.suggested_total
    note = "建议总分 = 执行得分 + 各指标建议得分" + (f"；{result.cap}" if result.cap else "。")
    out.append([total, result.grade, note])
    return out


# ---------------------------------------------------------------- values, grade


def explain_value(value: Any, name: Any = None) -> str:
    """What "≥8亿元" or "每月底" was understood as."""
    try:
        raw = text(value, "值")
    except CellError as exc:
        return exc.reason
    return parse_value(raw, money_hint=money_hint_from_name(text(name))).describe()


def grade(total: Any) -> str:
    t = points(total, "总分")
    if t is None:
        raise CellError(NA, "总分未填写")
    return grade_of(t, _settings())


# ---------------------------------------------------------------- sheets: rubric, checks


_BY_TITLE = {kind.title: kind.sheet for kind in UNIT_SHEETS}


def _sheets(ranges: list[tuple[Any, Any]]) -> dict[str, list[list[Any]]]:
    """Sheet values (each range from A1 of its sheet) by sheet name; a sheet is named by the
    argument or, failing that, recognised by its title in A1 as the reader does."""
    sheets: dict[str, list[list[Any]]] = {}
    for values, name in ranges:
        if values is None:
            continue
        if not isinstance(values, list) or not values or not isinstance(values[0], list):
            raise CellError(VALUE, "请选择从 A1 开始的整张表")
        title = text(values[0][0]) if values[0] else ""
        sheet = text(name) or _BY_TITLE.get(title)
        if not sheet:
            raise CellError(VALUE, f"无法识别这张表：A1 为“{title}”；请选择从 A1 开始的整张表，或写明表名")
        sheets[sheet] = [[("" if v is None else v) for v in row] for row in values]
    return sheets


def rubric_rows(rubric: Any, basic: Any = None) -> list[list[Any]]:
    """[代码, 评分项目, 分值, 计算得分, 说明] for every line of 评分表 (附件2), then 合计 and 等级."""
    sub = read_sheets(_sheets([(rubric, None), (basic, None)])).submission
    facts = sub.rubric.facts if sub.rubric else {}
    result = evaluate_rubric(sub.basic_data, facts, _settings())
    rows = [[item.key, item.name, item.points, "" if s.value is None else s.value, s.explanation]
            for item, s in result.items]
    rows.append(["合计", result.forced_grade_reason or "", sum(i.points for i in ITEMS_BY_KEY.values()),
                 "" if result.total is None else result.total, result.grade])
    return rows


CHECK_HEADERS = ("严重程度", "单元格", "规则", "说明")


def check_rows(values: Any, sheet: Any = None) -> list[list[Any]]:
    """The findings of the rule catalog for one sheet (a range from its A1), one row each."""
    sub = read_sheets(_sheets([(values, sheet)])).submission
    report = validate(sub, _settings())
    if not report.findings:
        return [["校验通过", "", "", ""]]
    return [[f.severity.value, f"{f.location.sheet}!{f.location.cell}" if f.location.cell else "",
             f.rule, f.message] for f in report.findings]

"""What the worksheet functions compute, as plain Python over the core (no xlwings here).

Inputs arrive as Excel sends them: numbers as float, text as str (full-width digits, "12%",
"1,234"), empty cells as None, ranges as lists of rows. Bad input raises ``CellError`` with an
Excel error code or a short Chinese message; ``udfs`` turns it into the cell's value, so a
Python traceback never reaches a cell.
"""

from __future__ import annotations

import functools
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


class CellError(Exception):
    """What a cell shows instead of a result: an Excel error code ("#VALUE!") or a Chinese message."""

    def __init__(self, shown: str) -> None:
        super().__init__(shown)
        self.shown = shown


@functools.cache
def _settings() -> Settings:
    return Settings.default()


def number(raw: Any, what: str, kind: str = "amount") -> float | None:
    """A number cell as typed: 12, "１２.５", "1,234", "93%" (rates); None when empty."""
    if isinstance(raw, list):
        raise CellError(VALUE)
    value, ok = convert(raw, kind)
    if not ok:
        raise CellError(f"{what}不是数字：“{raw}”")
    return value


def text(raw: Any) -> str:
    if isinstance(raw, list):
        raise CellError(VALUE)
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


# ---------------------------------------------------------------- execution (DOMAIN §C1)


def exec_rate(executed: Any, budget: Any) -> float:
    e, b = number(executed, "全年执行数"), number(budget, "全年预算数")
    if e is None or b is None:
        raise CellError(NA)
    if not b:
        raise CellError(DIV0)
    return execution_rate(e, b)


@functools.lru_cache(maxsize=16)
def _execution_settings(points: float) -> Settings:
    base = _settings()
    if points == float(base["execution.points"]):
        return base
    return base.override_toml(f"[execution]\npoints = {points!r}\n", origin="分值")


def _execution(executed: Any, budget: Any, points: Any):
    e, b = number(executed, "全年执行数"), number(budget, "全年预算数")
    p = number(points, "分值", "points")
    settings = _execution_settings(float(p) if p is not None else float(_settings()["execution.points"]))
    table = ProjectTable()
    table.funding_total.executed, table.funding_total.annual_budget = e, b
    return score_execution(table, settings)


def exec_score(executed: Any, budget: Any, points: Any = None) -> float:
    score = _execution(executed, budget, points)
    if score.value is None:
        raise CellError(NA)
    return score.value


def exec_explain(executed: Any, budget: Any, points: Any = None) -> str:
    return _execution(executed, budget, points).explanation


# ---------------------------------------------------------------- indicators (DOMAIN §C2, §C3)


def _indicator(target: Any, actual: Any, points: Any, name: Any = None, grade: Any = None) -> Indicator:
    return Indicator(name=text(name), target=text(target), actual=text(actual),
                     points=number(points, "分值", "points"), qualitative_grade=text(grade))


def indicator_score(target: Any, actual: Any, points: Any, name: Any = None, grade: Any = None) -> float:
    score = score_indicator(_indicator(target, actual, points, name, grade), _settings())
    if score.value is None:
        raise CellError(NA)
    return score.value


def indicator_explain(target: Any, actual: Any, points: Any, name: Any = None, grade: Any = None) -> str:
    return score_indicator(_indicator(target, actual, points, name, grade), _settings()).explanation


# The indicator row's columns, relative to the first column of the table (from the layout).
_COLUMNS = indicator_columns()
_FIRST = min(c.col for c in _COLUMNS)
_OFFSET = {c.field: c.col - _FIRST for c in _COLUMNS}
TABLE_WIDTH = max(_OFFSET.values()) + 1
TABLE_RESULT_HEADERS = ("建议得分", "类型", "说明")


def _row_value(row: list[Any], field: str) -> Any:
    i = _OFFSET[field]
    return row[i] if i < len(row) else None


def score_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """One [建议得分, 类型, 说明] row per indicator row (columns as on the form: 一级指标 … 定性评级).

    A row with nothing typed gives an empty row; a row whose score cannot be suggested gives ""
    and says why. One call for the whole table: the core scores every row in one pass.
    """
    out: list[list[Any]] = []
    settings = _settings()
    for row in rows:
        if not isinstance(row, list):
            raise CellError(VALUE)
        if all(v in (None, "") for v in row):
            out.append(["", "", ""])
            continue
        try:
            ind = _indicator(_row_value(row, "target"), _row_value(row, "actual"), _row_value(row, "points"),
                             _row_value(row, "name"), _row_value(row, "qualitative_grade"))
        except CellError as exc:
            out.append(["", "", exc.shown])
            continue
        if ind.is_placeholder():
            out.append(["", "", ""])
            continue
        s = score_indicator(ind, settings)
        out.append(["" if s.value is None else s.value, s.kind, s.explanation])
    return out


def score_table_rows(rows: list[list[Any]], executed: Any = None, budget: Any = None,
                     points: Any = None) -> list[list[Any]]:
    """``score_rows`` plus, when the budget row is given, a last row with the suggested 总分 and 等级."""
    out = score_rows(rows)
    if executed is None and budget is None:
        return out
    table = ProjectTable(indicators=[])
    table.funding_total.executed = number(executed, "全年执行数")
    table.funding_total.annual_budget = number(budget, "全年预算数")
    for row in rows:
        table.indicators.append(_indicator(_row_value(row, "target"), _row_value(row, "actual"),
                                           _row_value(row, "points"), _row_value(row, "name"),
                                           _row_value(row, "qualitative_grade")))
    settings = _execution_settings(float(number(points, "分值", "points") or _settings()["execution.points"]))
    result = score_table(table, settings)
    total = "" if result.suggested_total is None else result.suggested_total
    note = "建议总分 = 执行得分 + 各指标建议得分" + (f"；{result.cap}" if result.cap else "。")
    out.append([total, result.grade, note])
    return out


# ---------------------------------------------------------------- values, grade


def explain_value(value: Any, name: Any = None) -> str:
    """What "≥8亿元" or "每月底" was understood as."""
    raw = text(value)
    return parse_value(raw, money_hint=money_hint_from_name(text(name))).describe()


def grade(total: Any) -> str:
    t = number(total, "总分", "points")
    if t is None:
        raise CellError(NA)
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
            raise CellError("请选择从 A1 开始的整张表")
        title = text(values[0][0]) if values[0] else ""
        sheet = text(name) or _BY_TITLE.get(title)
        if not sheet:
            raise CellError(f"无法识别这张表：A1 为“{title}”；请选择从 A1 开始的整张表，或写明表名")
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

"""Worksheet functions (UDFs) for Excel: thin ``@xw.func`` wrappers over ``excel.functions``.

Names are ASCII with the prefix ``PE_`` (Excel shows them upper-case: ``=PE_SCORE(...)``); the
descriptions are Chinese, for the function wizard. Table functions take a 2-D range and spill a
2-D result. None is volatile. Bad input shows an Excel error code ("#N/A", "#VALUE!"; an error
cell passed in shows its own code: every argument has ``err_to_str``), never a traceback; the
reason is what ``PE_SCORE_EXPLAIN`` / ``PE_EXEC_EXPLAIN`` say, and the table functions put it
beside the code.

Real errors: xlwings Lite (Office.js) turns a returned "#N/A" into Excel's #N/A (ISERROR TRUE).
The Windows COM path cannot: xlwings writes the returned value through pywin32 as it is
(``udfs.call_udf`` → ``conversion.write`` → ``_xlwindows.Engine.prepare_xl_data_element``, with no
mapping from error strings to VT_ERROR), its generated VBA wrapper assigns that Variant (or
``Err.Description`` on an exception) to the cell, and returning ``VARIANT(VT_ERROR, …)`` does not
work either (xlwings issue #776). There the cell holds the text "#N/A": ISERROR is FALSE but
ISNUMBER is FALSE too, which is what docs/excel-guide.md tells clerks to test.

Windows desktop: the ribbon add-in's config sheet ``perfeval_xl.conf`` names this module under ``UDF MODULES``;
xlwings Lite: ``perfeval-xl lite`` writes a ``main.py`` that imports these functions.
"""

from __future__ import annotations

import xlwings as xw

from . import functions as fn
from .functions import CellError


def _call(f, *args):
    try:
        return f(*args)
    except CellError as exc:
        return exc.code
    except Exception:  # noqa: BLE001 - a cell shows an error value, never a traceback
        return fn.VALUE


def _call_table(f, *args):
    """A table function: on bad input one row, the error code and (beside it) the reason."""
    try:
        return f(*args)
    except CellError as exc:
        return [[exc.code, exc.reason]]
    except Exception:  # noqa: BLE001 - a cell shows an error value, never a traceback
        return [[fn.VALUE, "无法计算（内部错误）"]]


@xw.func(category="perfeval-xl")
@xw.arg("executed", err_to_str=True, doc="全年执行数（万元）")
@xw.arg("budget", err_to_str=True, doc="全年预算数（万元）")
def pe_exec_rate(executed, budget):
    """预算执行率 = 全年执行数 ÷ 全年预算数（小数，设为百分比格式显示）。"""
    return _call(fn.exec_rate, executed, budget)


@xw.func(category="perfeval-xl")
@xw.arg("executed", err_to_str=True, doc="全年执行数（万元）")
@xw.arg("budget", err_to_str=True, doc="全年预算数（万元）")
@xw.arg("points", err_to_str=True, doc="分值（可省略，默认按规则文件，一般为 10 分）")
def pe_exec_score(executed, budget, points=None):
    """预算执行得分 = 分值 × min(执行率, 100%)，保留两位小数。"""
    return _call(fn.exec_score, executed, budget, points)


@xw.func(category="perfeval-xl")
@xw.arg("executed", err_to_str=True, doc="全年执行数（万元）")
@xw.arg("budget", err_to_str=True, doc="全年预算数（万元）")
@xw.arg("points", err_to_str=True, doc="分值（可省略）")
def pe_exec_explain(executed, budget, points=None):
    """预算执行得分的计算过程（中文说明）。"""
    return _call(fn.exec_explain, executed, budget, points)


@xw.func(category="perfeval-xl")
@xw.arg("target", err_to_str=True, doc="年度指标值，如“≥8亿元”“每月底”")
@xw.arg("actual", err_to_str=True, doc="实际完成值")
@xw.arg("points", err_to_str=True, doc="分值")
@xw.arg("name", err_to_str=True, doc="三级指标名称（可省略；含“资金”等字样时“万”按万元理解）")
@xw.arg("grade", err_to_str=True, doc="定性评级：达成/部分达成/未达成（可省略）")
def pe_score(target, actual, points, name=None, grade=None):
    """一个绩效指标的建议得分；无法给出建议时显示 #N/A（原因见 PE_SCORE_EXPLAIN）。"""
    return _call(fn.indicator_score, target, actual, points, name, grade)


@xw.func(category="perfeval-xl")
@xw.arg("target", err_to_str=True, doc="年度指标值")
@xw.arg("actual", err_to_str=True, doc="实际完成值")
@xw.arg("points", err_to_str=True, doc="分值")
@xw.arg("name", err_to_str=True, doc="三级指标名称（可省略）")
@xw.arg("grade", err_to_str=True, doc="定性评级（可省略）")
def pe_score_explain(target, actual, points, name=None, grade=None):
    """一个绩效指标建议得分的理由（中文说明）。"""
    return _call(fn.indicator_explain, target, actual, points, name, grade)


@xw.func(category="perfeval-xl")
@xw.arg("rows", err_to_str=True, ndim=2, doc="绩效指标表的行（一级指标 至 定性评级 共 9 列，如 A17:I31）")
@xw.arg("executed", err_to_str=True, doc="全年执行数（可省略；给出时最后一行为建议总分和等级）")
@xw.arg("budget", err_to_str=True, doc="全年预算数（可省略）")
@xw.arg("points", err_to_str=True, doc="预算执行率分值（可省略）")
def pe_score_table(rows, executed=None, budget=None, points=None):
    """整张绩效指标表一次算完：每行返回 建议得分、类型（定量/定性）、说明，结果自动溢出。"""
    return _call_table(fn.score_table_rows, rows, executed, budget, points)


@xw.func(category="perfeval-xl")
@xw.arg("value", err_to_str=True, doc="年度指标值或实际完成值，如“≥8亿元”“每月底”")
@xw.arg("name", err_to_str=True, doc="三级指标名称（可省略）")
def pe_explain_value(value, name=None):
    """说明一个值被理解成了什么（数量、金额、比例、期限、定性……）。"""
    return _call(fn.explain_value, value, name)


@xw.func(category="perfeval-xl")
@xw.arg("total", err_to_str=True, doc="总分（0–100）")
def pe_grade(total):
    """总分对应的等级（优/良/中/差，按规则文件的分档）。"""
    return _call(fn.grade, total)


@xw.func(category="perfeval-xl")
@xw.arg("rubric", err_to_str=True, ndim=2, doc="评分表（从 A1 开始的整张表）")
@xw.arg("basic", err_to_str=True, ndim=2, doc="基础数据表（从 A1 开始的整张表，可省略）")
def pe_rubric(rubric, basic=None):
    """评分表逐项计算：每行返回 代码、评分项目、分值、计算得分、说明，最后一行为合计和等级。"""
    return _call_table(fn.rubric_rows, rubric, basic)


@xw.func(category="perfeval-xl")
@xw.arg("values", err_to_str=True, ndim=2, doc="要检查的表（从 A1 开始的整张表，如 项目1!A1:I40）")
@xw.arg("sheet", err_to_str=True, doc="表名（可省略；省略时按第一行标题识别）")
def pe_check(values, sheet=None):
    """按规则目录检查一张表，逐条列出问题：严重程度、单元格、规则、说明。"""
    return _call_table(fn.check_rows, values, sheet)

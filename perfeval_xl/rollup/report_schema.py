"""JSON Schema of the roll-up report (``rollup --json``) and of one file's report (``validate --format json``).

``python -m perfeval_xl.docs`` writes it to docs/rollup-report-schema.json; the tests validate the
example district's report and ``validate``'s output against it, so the documentation cannot drift
from what the tool writes. The file report's and a finding's keys are closed (no other keys);
the batch statistics are described, not closed.
"""

from __future__ import annotations

from typing import Any

from .engine import REPORT_FORMAT, REPORT_VERSION

TEXT = {"type": "string"}
COUNT = {"type": "integer", "minimum": 0}
NUMBER_OR_NULL = {"type": ["number", "null"]}
SEVERITY = {"enum": ["error", "warning"]}
BY_RULE = {"type": "object", "title": "规则 → 严重程度 → 条数",
           "additionalProperties": {"type": "object", "additionalProperties": COUNT}}


def _closed(title: str, properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "title": title, "properties": properties,
            "required": [k for k in properties if k not in optional], "additionalProperties": False}


FINDING = _closed("一条问题（core.findings.Finding.to_dict）", {
    "rule": {**TEXT, "title": "规则编号"}, "severity": SEVERITY, "severity_zh": {"enum": ["错误", "提示"]},
    "title": {**TEXT, "title": "问题"}, "table": {**TEXT, "title": "表"}, "row": {**TEXT, "title": "行"},
    "field": {**TEXT, "title": "栏目"}, "sheet": {**TEXT, "title": "工作表"}, "cell": {**TEXT, "title": "单元格"},
    "message": {**TEXT, "title": "问题说明"}, "hint": {**TEXT, "title": "修改建议"},
    "explanation": {**TEXT, "title": "情况说明"}, "values": {"type": "object", "title": "消息中的数值"},
    "cause": {**TEXT, "title": "原因键：同一原因的问题相同"},
})

GROUP = _closed("同一原因的问题", {
    "cause": TEXT, "severity": SEVERITY, "severity_zh": {"enum": ["错误", "提示"]}, "rule": TEXT, "title": TEXT,
    "message": TEXT, "count": COUNT, "rules": {"type": "array", "items": TEXT},
    "places": {"type": "array", "items": _closed("位置", {k: TEXT for k in ("rule", "table", "row", "field", "sheet",
                                                                          "cell")})},
})

FILE_REPORT = _closed("一份报送的校验报告（validate --format json；区汇总 JSON 的 files[]）", {
    "file": {**TEXT, "title": "文件（区汇总中为相对汇总文件夹的路径）"},
    "sha256": TEXT, "valid": {"type": "boolean", "title": "无错误"}, "summary": TEXT,
    "stats": _closed("计数", {"errors": COUNT, "warnings": COUNT, "seconds": {"type": "number"}, "by_rule": BY_RULE,
                            "causes": COUNT}),
    "findings": {"type": "array", "items": FINDING, "title": "问题（每条规则至多 findings.max_per_rule 条）"},
    "omitted": {"type": "object", "additionalProperties": COUNT, "title": "每条规则未列出的条数"},
    "groups": {"type": "array", "items": GROUP},
    "recomputed_cells": {"type": "array", "items": TEXT, "title": "没有保存计算结果、由本工具计算的公式单元格"},
    "awaiting_explanation": {"type": "array", "items": FINDING, "title": "须写情况说明的提示"},
})

SUBMISSION = {
    "type": "object", "title": "区汇总对一个文件的处理结果",
    "properties": {
        "path": TEXT, "sha256": TEXT, "size": {"type": ["integer", "null"]},
        "status": {"enum": ["ok", "superseded", "unreadable", "ignored"]}, "seconds": {"type": "number"},
        "valid": {"type": "boolean"}, "error": {**TEXT, "title": "未能读取的原因"},
        "unit": TEXT, "budget_code": TEXT, "year": {"type": ["integer", "null"]}, "template_version": TEXT,
        "table_type": TEXT, "recomputed_cells": COUNT,
        "counts": _closed("含跨文件规则的计数", {"errors": COUNT, "warnings": COUNT, "by_rule": BY_RULE}),
        "figures": _closed("金额（万元）与得分", {k: NUMBER_OR_NULL for k in ("budget", "executed", "rate", "dept_score",
                                                                      "project_avg")} | {"projects": COUNT}),
        "score": {**NUMBER_OR_NULL, "title": "汇总得分"}, "grade": TEXT, "review_status": TEXT,
        "awaiting_explanation": COUNT, "superseded_by": TEXT,
        "previous_year": {"type": "object"}, "since_previous_version": {"type": "object"},
    },
    "required": ["path", "sha256", "size", "status", "seconds", "valid"],
    "additionalProperties": False,
}


def report_schema() -> dict[str, Any]:
    """The roll-up report, version ``REPORT_VERSION``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"perfeval-xl 区汇总 JSON 报告（{REPORT_FORMAT}，第 {REPORT_VERSION} 版）",
        "type": "object",
        "properties": {
            "format": {"const": REPORT_FORMAT}, "format_version": {"const": REPORT_VERSION},
            "tool": TEXT, "template_version": TEXT, "folder": TEXT, "output": {"type": ["string", "null"]},
            "exit_code": {"type": "integer"}, "summary": TEXT,
            "totals": _closed("文件与问题的总数", {k: COUNT for k in ("files", "read", "units", "unreadable",
                                                                  "superseded", "ignored", "errors", "warnings")}),
            "stats": {"type": "object", "title": "按年度的统计（等级分布、排名、执行率偏低）",
                      "properties": {"low_execution_rate": {"type": "number"}, "years": {"type": "array"}},
                      "required": ["low_execution_rate", "years"]},
            "feedback_files": {"type": "array", "items": TEXT},
            "duplicates": {"type": "array", "title": "重复报送（X501）的每一组"},
            "rules": {"type": "array", "title": "跨文件规则"},
            "seconds": {"type": "number"},
            "files": {"type": "array", "items": FILE_REPORT, "title": "每个可读文件本身的校验报告"},
            "cross_findings": {"type": "array", "title": "跨文件规则（X5xx）的问题",
                               "items": {**FINDING, "properties": {"file": TEXT, **FINDING["properties"]},
                                         "required": ["file", *FINDING["required"]]}},
            "submissions": {"type": "array", "items": SUBMISSION},
            "roster": {"type": "array", "title": "报送情况（--roster）"},
            "roster_counts": {"type": "object"},
            "archive": {"type": "object", "title": "档案（--archive）"},
        },
        "required": ["format", "format_version", "tool", "exit_code", "totals", "stats", "files", "cross_findings",
                     "submissions", "duplicates"],
        "additionalProperties": False,
        "$defs": {"file_report": FILE_REPORT, "finding": FINDING},
    }

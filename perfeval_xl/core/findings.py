"""Findings and the one report shape every run produces (after Frictionless' report).

A Finding points at a place — table → row → field, plus sheet and cell when the value
was read from a workbook — and carries its message already filled in, in Chinese.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence


class Severity(enum.Enum):
    ERROR = "错误"  # must be fixed before submission
    WARNING = "提示"  # look at it; may stand with a written 情况说明

    @property
    def code(self) -> str:
        return "error" if self is Severity.ERROR else "warning"

    @classmethod
    def parse(cls, text: str) -> Severity:
        for s in cls:
            if text in (s.value, s.code):
                return s
        raise ValueError(f"未知的严重程度 “{text}”（应为 错误 或 提示）")


@dataclass(frozen=True)
class Location:
    table: str  # e.g. 项目支出绩效自评表「两保站人员工资」
    row: str = ""  # e.g. 年度资金总额, 指标「足额支付低保站人员工资」
    field: str = ""  # Chinese label, e.g. 执行率
    sheet: str = ""
    cell: str = ""

    @property
    def key(self) -> str:
        """Stable across runs and independent of cell moves: used to match 情况说明."""
        return "|".join((self.table, self.row, self.field))

    def __str__(self) -> str:
        where = " ".join(p for p in (self.table, self.row, self.field) if p)
        return f"{where}（{self.sheet}!{self.cell}）" if self.sheet else where


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    title: str
    message: str
    location: Location
    hint: str = ""  # 修改建议
    values: dict[str, Any] = field(default_factory=dict, compare=False)
    explanation: str = ""  # the clerk's 情况说明, carried over from the submission

    @property
    def key(self) -> str:
        return f"{self.rule}@{self.location.key}"

    def to_dict(self) -> dict[str, Any]:
        loc = self.location
        return {
            "rule": self.rule,
            "severity": self.severity.code,
            "severity_zh": self.severity.value,
            "title": self.title,
            "table": loc.table,
            "row": loc.row,
            "field": loc.field,
            "sheet": loc.sheet,
            "cell": loc.cell,
            "message": self.message,
            "hint": self.hint,
            "explanation": self.explanation,
            "values": self.values,
        }


@dataclass
class Report:
    """All findings for one submission, plus what a batch needs to merge reports."""

    findings: list[Finding]
    path: str = ""
    sha256: str = ""
    seconds: float = 0.0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def counts_by_rule(self) -> dict[str, dict[str, int]]:
        counts: dict[str, Counter] = {}
        for f in self.findings:
            counts.setdefault(f.rule, Counter())[f.severity.code] += 1
        return {rule: dict(c) for rule, c in sorted(counts.items())}

    def flatten(self, names: Iterable[str]) -> list[list[Any]]:
        """One row per finding with the named fields: tests and tables in one line."""
        names = list(names)
        return [[f.to_dict()[n] for n in names] for f in self.findings]

    def summary_zh(self) -> str:
        if not self.findings:
            return "校验通过"
        e, w = len(self.errors), len(self.warnings)
        if not e:
            return f"校验通过，{w} 个提示"
        return f"{e} 个错误，{w} 个提示"

    def to_dict(self, max_per_rule: int | None = None) -> dict[str, Any]:
        listed: list[dict[str, Any]] = []
        shown: Counter = Counter()
        omitted: Counter = Counter()
        for f in self.findings:
            if max_per_rule is not None and shown[f.rule] >= max_per_rule:
                omitted[f.rule] += 1
                continue
            shown[f.rule] += 1
            listed.append(f.to_dict())
        return {
            "file": self.path,
            "sha256": self.sha256,
            "valid": self.valid,
            "summary": self.summary_zh(),
            "stats": {
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "seconds": round(self.seconds, 4),
                "by_rule": self.counts_by_rule(),
            },
            "findings": listed,
            "omitted": dict(sorted(omitted.items())),
        }


def report_text(report, max_per_rule: int | None = None, recomputed: Sequence[str] = ()) -> str:
    """The 校验 result as a clerk reads it: summary, then each finding with its cell."""
    data = report.to_dict(max_per_rule=max_per_rule)
    lines = [f"文件：{report.path}", f"结果：{data['summary']}"]
    if recomputed:
        lines.append(f"说明：{len(recomputed)} 个公式单元格没有保存计算结果（文件未在 Excel 中打开保存过），已按本工具的计算读取。")
    for f in data["findings"]:
        where = " ".join(p for p in (f["table"], f["row"], f["field"]) if p)
        cell = f"（{f['sheet']}!{f['cell']}）" if f["sheet"] else ""
        lines += ["", f"[{f['severity_zh']}] {f['rule']} {f['title']} — {where}{cell}", f"  {f['message']}"]
        if f["explanation"]:
            lines.append(f"  情况说明：{f['explanation']}")
    for code, count in data["omitted"].items():
        lines += ["", f"（规则 {code} 另有 {count} 处未列出）"]
    return "\n".join(lines)


# ---------------------------------------------------------------- the findings table, defined once

# Every column a table of findings shows (校验结果, 问题清单, 退回意见), by key: its header.
FINDING_COLUMNS: dict[str, str] = {
    "no": "序号", "file": "来源文件", "sheet": "工作表", "cell": "单元格", "rule": "规则", "severity": "严重程度",
    "title": "问题", "table": "表", "where": "位置", "message": "问题说明", "hint": "修改建议",
    "explanation": "情况说明", "key": "定位（勿改）",
}
# One finding of the roll-up (a row of 问题清单 after the unit's columns; what 退回意见 shows).
ROLLUP_FINDING_KEYS = ("file", "sheet", "cell", "rule", "severity", "title", "where", "message", "hint", "explanation")
FEEDBACK_KEYS = ("no", "severity", "rule", "title", "sheet", "cell", "where", "message", "hint", "explanation")


def place(f: dict[str, Any], with_table: bool = True) -> str:
    """位置: table, row and field of a finding (without the table where the table has its own column)."""
    parts = (f["table"], f["row"], f["field"]) if with_table else (f["row"], f["field"])
    return " ".join(p for p in parts if p)


def finding_row(f: dict[str, Any], file: str) -> tuple:
    """A finding (``Finding.to_dict()``) as the roll-up's row, in ``ROLLUP_FINDING_KEYS`` order."""
    values = {**f, "file": file, "severity": f["severity_zh"], "where": place(f)}
    return tuple(values[k] for k in ROLLUP_FINDING_KEYS)

"""Findings and the one report shape every run produces (after Frictionless' report).

A Finding points at a place — table → row → field, plus sheet and cell when the value
was read from a workbook — and carries its message already filled in, in Chinese.
"""

from __future__ import annotations

import enum
import operator
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence


class Severity(enum.Enum):
    ERROR = "错误"  # must be fixed before submission
    WARNING = "提示"  # look at it; may stand with a written 情况说明

    def __init__(self, zh: str) -> None:
        # "error" / "warning": the JSON reports' word, read for every finding (an attribute, not a property)
        self.code = "error" if zh == "错误" else "warning"

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
    # The slip this finding follows from (perfeval_xl.core.checks.causes): findings with the same cause
    # are shown once, with every cell. "" means the finding is its own cause.
    cause: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        return f"{self.rule}@{self.location.key}"

    def replaced(self, *, values: dict[str, Any] | None = None, explanation: str | None = None,
                 cause: str | None = None) -> Finding:
        """This finding with other values, 情况说明 or cause: ``dataclasses.replace`` without its walk
        over the fields at every call (it runs for most findings of every file checked)."""
        return Finding(self.rule, self.severity, self.title, self.message, self.location, self.hint,
                       self.values if values is None else values,
                       self.explanation if explanation is None else explanation,
                       self.cause if cause is None else cause)

    @property
    def cause_key(self) -> str:
        return self.cause or self.key

    @property
    def where(self) -> str:
        """Table, row and field, with the cell: what a clerk looks for."""
        return str(self.location)

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
            "cause": self.cause_key,
        }


@dataclass
class FindingGroup:
    """Findings that follow from one slip: shown once (the first finding's message) with every place."""

    cause: str
    findings: list[Finding]

    @property
    def head(self) -> Finding:
        return self.findings[0]

    @property
    def severity(self) -> Severity:
        return Severity.ERROR if any(f.severity is Severity.ERROR for f in self.findings) else Severity.WARNING

    @property
    def count(self) -> int:
        return len(self.findings)

    def count_zh(self) -> str:
        """"5 处（4 个错误，1 个提示）"."""
        e = sum(f.severity is Severity.ERROR for f in self.findings)
        w = self.count - e
        parts = [f"{e} 个错误" if e else "", f"{w} 个提示" if w else ""]
        return f"{self.count} 处（{'，'.join(p for p in parts if p)}）"

    @property
    def tables(self) -> list[str]:
        return list(dict.fromkeys(f.location.table for f in self.findings))

    @property
    def message(self) -> str:
        """The first finding's message; across tables without the first table's name in front."""
        head = self.head
        if len(self.findings) == 1:  # one finding, one table, no note of a cause
            return head.message
        prefix = f"{head.location.table}："
        message = head.message
        if message.startswith(prefix):
            tables = len(self.tables)
            if tables > 1:
                message = f"{tables} 张表：" + message[len(prefix):]
        note = head.values.get("cause_note")
        return f"{message}（{note}）" if note else message

    def note_zh(self, finding: Finding | None = None) -> str:
        """What a row of a findings table (column 同一原因) says about its cause: "" for a finding alone,
        else the count and the group's first finding ("共 20 处，首见 T103 项目1!G6"; "共 20 处，本条为首见")."""
        if self.count == 1:
            return ""
        head = self.head
        at = f"{head.location.sheet}!{head.location.cell}" if head.location.cell else head.location.table
        return f"共 {self.count} 处，" + ("本条为首见" if finding is head else f"首见 {head.rule} {at}")

    def to_dict(self) -> dict[str, Any]:
        head, severity, findings = self.findings[0], self.severity, self.findings
        return {
            "cause": self.cause,
            "severity": severity.code,
            "severity_zh": severity.value,
            "rule": head.rule,
            "title": head.title,
            "message": self.message,
            "count": len(findings),
            "rules": sorted({f.rule for f in findings}),
            "places": [{"rule": f.rule, "table": loc.table, "row": loc.row, "field": loc.field, "sheet": loc.sheet,
                        "cell": loc.cell} for f in findings for loc in (f.location,)],
        }


def group_by_cause(findings: Iterable[Finding]) -> list[FindingGroup]:
    """One group per cause, in the order the causes first appear; a group's findings in their order."""
    groups: dict[str, FindingGroup] = {}
    for f in findings:
        key = f.cause_key
        if key in groups:
            groups[key].findings.append(f)
        else:
            groups[key] = FindingGroup(key, [f])
    return list(groups.values())


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
        counts: dict[str, dict[str, int]] = {}
        for f in self.findings:
            per_rule = counts.get(f.rule)
            if per_rule is None:
                per_rule = counts[f.rule] = {}
            code = f.severity.code
            per_rule[code] = per_rule.get(code, 0) + 1
        return dict(sorted(counts.items()))

    def flatten(self, names: Iterable[str]) -> list[list[Any]]:
        """One row per finding with the named fields: tests and tables in one line."""
        names = list(names)
        return [[f.to_dict()[n] for n in names] for f in self.findings]

    def groups(self) -> list[FindingGroup]:
        return group_by_cause(self.findings)

    def summary_zh(self) -> str:
        if not self.findings:
            return "校验通过"
        e, w = len(self.errors), len(self.warnings)
        if not e:
            return f"校验通过，{w} 个提示"
        return f"{e} 个错误，{w} 个提示"

    def to_dict(self, max_per_rule: int | None = None, *, dicts: Sequence[dict[str, Any]] | None = None,
                groups: list[FindingGroup] | None = None) -> dict[str, Any]:
        """``dicts``, ``groups``: each finding's ``to_dict()`` and ``groups()``, when the caller has
        made them already (a roll-up worker uses them for its rows too)."""
        groups = self.groups() if groups is None else groups
        dicts = [f.to_dict() for f in self.findings] if dicts is None else dicts
        listed: list[dict[str, Any]] = []
        shown: Counter = Counter()
        omitted: Counter = Counter()
        for f, d in zip(self.findings, dicts):
            if max_per_rule is not None and shown[f.rule] >= max_per_rule:
                omitted[f.rule] += 1
                continue
            shown[f.rule] += 1
            listed.append(d)
        errors = sum(f.severity is Severity.ERROR for f in self.findings)
        return {
            "file": self.path,
            "sha256": self.sha256,
            "valid": not errors,
            "summary": self.summary_zh(),
            "stats": {
                "errors": errors,
                "warnings": len(self.findings) - errors,
                "seconds": round(self.seconds, 4),
                "by_rule": self.counts_by_rule(),
                "causes": len(groups),
            },
            "findings": listed,
            "omitted": dict(sorted(omitted.items())),
            # every finding of one slip, once: a group per cause (a finding alone is its own group)
            "groups": [g.to_dict() for g in groups],
        }


def report_text(report, max_per_rule: int | None = None, recomputed: Sequence[str] = ()) -> str:
    """The 校验 result as a clerk reads it: summary, then each cause with its cells (错误 first)."""
    lines = [f"文件：{report.path}", f"结果：{report.summary_zh()}"]
    if recomputed:
        lines.append(f"说明：{len(recomputed)} 个公式单元格没有保存计算结果（文件未在 Excel 中打开保存过），已按本工具的计算读取。")
    return "\n".join(lines + findings_text(report, max_per_rule))


def findings_text(report: Any, max_per_rule: int | None = None) -> list[str]:
    """The findings of a ``Report`` as a clerk reads them: one block per cause (a slip that trips several
    rules is shown once, with the count and every place), each place with its sheet and cell."""
    groups = report.groups()
    lines: list[str] = []
    if len(groups) < len(report.findings):
        lines.append(f"同一原因引起的问题合并显示：{len(report.findings)} 处问题归为 {len(groups)} 个原因。")
    shown: dict[str, int] = {}
    omitted: dict[str, int] = {}
    groups = sorted(groups, key=lambda g: g.severity is not Severity.ERROR)  # 错误 before 提示 (stable)
    for n, g in enumerate(groups):
        head = g.head
        if n == 0 or g.severity is not groups[n - 1].severity:
            lines += ["", f"—— {g.severity.value} ——"]
        if max_per_rule is not None and shown.get(head.rule, 0) >= max_per_rule:
            omitted[head.rule] = omitted.get(head.rule, 0) + g.count  # places, not groups
            continue
        shown[head.rule] = shown.get(head.rule, 0) + 1
        if g.count == 1:
            lines += ["", f"[{head.severity.value}] {head.rule} {head.title} — {head.where}", f"  {head.message}"]
            if head.explanation:
                lines.append(f"  情况说明：{head.explanation}")
            continue
        lines += ["", f"[{g.severity.value}] {head.rule} {head.title} — 同一原因 {g.count_zh()}", f"  {g.message}",
                  "  涉及："]
        for f in g.findings:
            lines.append(f"    {f.rule} {f.title} — {f.where}" + (f"（情况说明：{f.explanation}）" if f.explanation else ""))
    for code, count in sorted(omitted.items()):
        lines += ["", f"（规则 {code} 另有 {count} 处未列出）"]
    return lines


# ---------------------------------------------------------------- the findings table, defined once

# Every column a table of findings shows (校验结果, 问题清单, 退回意见), by key: its header.
FINDING_COLUMNS: dict[str, str] = {
    "no": "序号", "file": "来源文件", "sheet": "工作表", "cell": "单元格", "rule": "规则", "severity": "严重程度",
    "title": "问题", "table": "表", "where": "位置", "message": "问题说明", "hint": "修改建议",
    "explanation": "情况说明", "same_cause": "同一原因", "key": "定位（勿改）",
}
# One finding of the roll-up (a row of 问题清单 after the unit's columns; what 退回意见 shows).
ROLLUP_FINDING_KEYS = ("file", "sheet", "cell", "rule", "severity", "title", "where", "message", "hint", "explanation",
                       "same_cause")
FEEDBACK_KEYS = ("no", "severity", "rule", "title", "sheet", "cell", "where", "message", "hint", "explanation",
                 "same_cause")


def place(f: dict[str, Any], with_table: bool = True) -> str:
    """位置: table, row and field of a finding (without the table where the table has its own column)."""
    parts = (f["table"], f["row"], f["field"]) if with_table else (f["row"], f["field"])
    return " ".join(p for p in parts if p)


def finding_row(f: dict[str, Any], file: str, same_cause: str = "") -> tuple:
    """A finding (``Finding.to_dict()``) as the roll-up's row, in ``ROLLUP_FINDING_KEYS`` order."""
    return _ROLLUP_ROW({**f, "file": file, "severity": f["severity_zh"], "where": place(f), "same_cause": same_cause})


_ROLLUP_ROW = operator.itemgetter(*ROLLUP_FINDING_KEYS)

"""The rule registry (after Ruff's codes.rs and pandera's registered checks).

A rule is a plain generator function registered with its metadata: a stable code, a
default severity, what it applies to, a Chinese message template and four doc sections.
`perfeval-xl rules`, the README table, the 校验 sheet and the docs read it through ``core.registry``,
which loads every check module (this module imports none: the checks import it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from .findings import Finding, Location, Severity
from .model import Located

# What a rule runs on; the runner hands each check every subject of its scope.
SCOPES = {
    "table": "项目支出及部门整体支出绩效自评表",
    "project": "项目支出绩效自评表",
    "department": "部门整体支出绩效自评表",
    "basic_data": "基础数据表（附件1）",
    "rubric": "评分表（附件2）",
    "submission": "整份报送",
    "rollup": "区汇总（多份报送之间）",  # rules of perfeval_xl.rollup, run across submissions
    "report": "自评报告（与表格核对）",  # rules of perfeval_xl.report, run with a report file
}

CODE_PATTERN = re.compile(r"^[A-Z]\d{3}$")


@dataclass(frozen=True)
class Hit:
    """Where a check found a problem, and the figures for the message."""

    obj: Located | None  # the model object whose field it is (for the label and the cell)
    field: str
    row: str
    values: dict[str, Any]
    sheet: str = ""  # where the finding has no model object to take its cell from
    cell: str = ""
    table: str = ""  # overrides the subject's table title


def hit(obj: Located | None, field: str = "", row: str = "", **values: Any) -> Hit:
    return Hit(obj, field, row, values)


@dataclass(frozen=True)
class RuleDoc:
    """What every rule says of itself, whoever runs it (the catalog here, the roll-up, the report check)."""

    code: str
    title: str
    severity: Severity
    scope: str  # key of SCOPES
    message: str  # str.format template over the hit's values
    hint: str  # 修改建议
    what: str  # 检查内容
    why: str  # 为什么重要
    example: str  # 示例
    basis: str  # 依据

    def doc_zh(self) -> str:
        return "\n".join([
            f"{self.code} {self.title}（默认：{self.severity.value}；适用：{SCOPES[self.scope]}）",
            f"检查内容：{self.what}",
            f"为什么重要：{self.why}",
            f"示例：{self.example}",
            f"依据：{self.basis}",
            f"修改建议：{self.hint}",
        ])

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "title": self.title, "severity": self.severity.code,
            "severity_zh": self.severity.value, "scope": self.scope, "scope_zh": SCOPES[self.scope],
            "message": self.message, "hint": self.hint, "what": self.what, "why": self.why,
            "example": self.example, "basis": self.basis,
        }

    def severity_in(self, settings: Any) -> Severity | None:
        """The severity the district's rules file gives this rule; None when it is switched off."""
        chosen = settings.severity_override(self.code)
        if chosen == "关闭":
            return None
        return Severity.parse(chosen) if chosen else self.severity

    def finding(self, severity: Severity, location: Location, values: dict[str, Any],
                message_values: dict[str, Any] | None = None) -> Finding:
        """The finding with its message filled from ``message_values`` (default: ``values``)."""
        message = fill(self.message, values if message_values is None else message_values)
        return Finding(self.code, severity, self.title, message, location, self.hint, dict(values))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"  # a value a check did not give stays visible, never raises


def fill(template: str, values: dict[str, Any]) -> str:
    try:
        return template.format_map(values)
    except KeyError:  # rare: only then the copy that leaves a missing value as "{name}"
        return template.format_map(_Blank(values))


def rule_doc(code: str, title: str, severity: str, scope: str, **text: str) -> RuleDoc:
    """A rule run outside the catalog's runner (across submissions, against a report)."""
    if not CODE_PATTERN.match(code) or scope not in SCOPES:
        raise ValueError(f"bad rule {code!r} / scope {scope!r}")
    return RuleDoc(code, title, Severity.parse(severity), scope, **text)


@dataclass(frozen=True)
class Rule(RuleDoc):
    """A catalog rule: its doc and the check the runner calls with each subject of its scope."""

    check: Callable[..., Iterable[Hit]] = lambda ctx, subject: ()


RULES: dict[str, Rule] = {}


def rule(code: str, title: str, *, severity: str, scope: str, message: str, hint: str,
         what: str, why: str, example: str, basis: str) -> Callable:
    """Register a check. Codes are unique and never reused for another meaning."""

    def register(fn: Callable[..., Iterator[Hit]]) -> Callable[..., Iterator[Hit]]:
        if not CODE_PATTERN.match(code):
            raise ValueError(f"bad rule code {code!r}")
        if code in RULES:
            raise ValueError(f"rule code {code} registered twice")
        if scope not in SCOPES:
            raise ValueError(f"rule {code}: unknown scope {scope!r}")
        RULES[code] = Rule(code, title, Severity.parse(severity), scope, message, hint,
                           what, why, example, basis, fn)
        return fn

    return register

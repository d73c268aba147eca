"""Run every registered rule over a submission and collect the findings (lazily, all of them)."""

from __future__ import annotations

import time
from typing import Any, Iterable, Sequence

from .catalog import Hit, Rule
from .checks.causes import assign_causes
from .explanations import awaits_explanation
from .findings import Finding, FindingGroup, Location, Report, Severity
from .model import PerformanceTable, Submission
from .registry import all_rules
from .rubric import RubricResult, evaluate_rubric
from .scoring import TableResult, score_table
from .settings import Settings

INTERNAL_RULE = "E901"


class CheckContext:
    """What checks share: the settings and results computed once per table."""

    def __init__(self, submission: Submission, settings: Settings) -> None:
        self.submission = submission
        self.settings = settings
        self._tables: list[TableResult] = []  # tables are unhashable dataclasses: found by identity
        self._rubric: RubricResult | None = None

    def table_result(self, table: PerformanceTable) -> TableResult:
        for result in self._tables:
            if result.table is table:
                return result
        result = score_table(table, self.settings)
        self._tables.append(result)
        return result

    def rubric_result(self) -> RubricResult:
        if self._rubric is None:
            sub = self.submission
            facts = sub.rubric.facts if sub.rubric else {}
            self._rubric = evaluate_rubric(sub.basic_data, facts, self.settings)
        return self._rubric


def subjects(sub: Submission, scope: str) -> list[tuple[str, Any]]:
    """(table title, subject) pairs a rule of this scope runs on."""
    if scope == "project":
        return [(p.title, p) for p in sub.projects]
    if scope == "department":
        return [(sub.department.title, sub.department)] if sub.department else []
    if scope == "table":
        return subjects(sub, "project") + subjects(sub, "department")
    if scope == "basic_data":
        return [("基础数据表", sub.basic_data)] if sub.basic_data else []
    if scope == "rubric":
        return [("评分表", sub.rubric)] if sub.rubric else []
    return [("报送", sub)]


def _finding(rule: Rule, severity: Severity, table: str, h: Hit) -> Finding:
    obj, field = h.obj, h.field
    if obj is not None and field:
        source = obj.sources.get(field)
        label = type(obj).label_of(field)
    else:
        source, label = None, field
    table = h.table or table
    location = Location(table, h.row, label, source.sheet if source else h.sheet, source.cell if source else h.cell)
    return rule.finding(severity, location, h.values, {"table": table, "row": h.row, "field": label, **h.values})


def run_rules(sub: Submission, settings: Settings, rules: Iterable[Rule] | None = None,
              ctx: CheckContext | None = None) -> list[Finding]:
    ctx = ctx or CheckContext(sub, settings)
    explanations = {(e.rule, e.where): e.text for e in sub.explanations}
    findings: list[Finding] = []
    by_scope: dict[str, list[tuple[str, Any]]] = {}  # each scope's subjects, listed once per submission
    for rule in rules if rules is not None else all_rules():
        severity = rule.severity_in(settings)
        if severity is None:
            continue
        targets = by_scope.get(rule.scope)
        if targets is None:
            targets = by_scope[rule.scope] = subjects(sub, rule.scope)
        for table, subject in targets:
            try:
                hits = list(rule.check(ctx, subject))
            except Exception as exc:  # a broken rule reports itself and never stops the batch
                findings.append(Finding(
                    INTERNAL_RULE, Severity.ERROR, "规则执行出错",
                    f"规则 {rule.code}（{rule.title}）在检查{table}时出错：{type(exc).__name__}: {exc}",
                    Location(table), "请将此信息反馈给维护人员。", {"rule": rule.code}))
                continue
            for h in hits:
                f = _finding(rule, severity, table, h)
                text = explanations.get((f.rule, f.location.key), "") if explanations else ""
                findings.append(f.replaced(explanation=text) if text else f)
    return assign_causes(findings, sub)


def validate(sub: Submission, settings: Settings | None = None, *, path: str = "",
             sha256: str = "", context: CheckContext | None = None) -> Report:
    """Run the catalog; pass a ``context`` to reuse its scores afterwards (e.g. for the summary)."""
    settings = settings or Settings.default()
    started = time.perf_counter()
    findings = run_rules(sub, settings, ctx=context)
    return Report(findings, path=path, sha256=sha256, seconds=time.perf_counter() - started)


def file_report(report: Report, settings: Settings, recomputed: Sequence[str] = (),
                max_per_rule: int | None = None, *, dicts: Sequence[dict[str, Any]] | None = None,
                groups: list[FindingGroup] | None = None) -> dict[str, Any]:
    """One file's report as JSON: what ``validate --format json`` prints, and each entry of the
    roll-up report's ``files`` (the same function, so the two cannot differ).

    ``recomputed``: the formula cells read without a saved value; ``max_per_rule`` defaults to
    the rules file's ``findings.max_per_rule``; ``dicts``, ``groups``: as ``Report.to_dict`` takes them."""
    cap = int(settings["findings.max_per_rule"]) if max_per_rule is None else max_per_rule
    dicts = [f.to_dict() for f in report.findings] if dicts is None else dicts
    awaiting = awaits_explanation(settings)
    return {**report.to_dict(max_per_rule=cap, dicts=dicts, groups=groups), "recomputed_cells": list(recomputed),
            "awaiting_explanation": [d for f, d in zip(report.findings, dicts) if awaiting(f)]}

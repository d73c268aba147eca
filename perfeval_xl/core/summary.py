"""All scores of a submission as plain data: what `perfeval-xl score` prints and the roll-up reads."""

from __future__ import annotations

from typing import Any

from .model import PerformanceTable, Submission, indicator_title
from .rubric import evaluate_rubric
from .score import Score
from .scoring import grade_of, score_table
from .settings import Settings


def score_dict(score: Score) -> dict[str, Any]:
    return {
        "value": score.value, "points": score.points, "rule": score.rule, "kind": score.kind,
        "ratio": score.ratio, "band": list(score.band) if score.band else None, "grade": score.grade,
        "grade_inferred": score.grade_inferred, "missing": list(score.missing),
        "explanation": score.explanation,
    }


def table_summary(table: PerformanceTable, settings: Settings, scores: Any = None) -> dict[str, Any]:
    result = scores.table_result(table) if scores is not None else score_table(table, settings)
    return {
        "table": table.title,
        "execution": {**score_dict(result.execution), "stated_rate": table.execution_rate,
                      "stated_points": table.execution_points, "stated_score": table.execution_score},
        "indicators": [
            {"index": r.index, "level1": r.indicator.level1, "level2": r.indicator.level2,
             "name": indicator_title(r.indicator.name), "target": r.indicator.target, "actual": r.indicator.actual,
             "points": r.indicator.points, "stated_score": r.indicator.score, "suggested": score_dict(r.score)}
            for r in result.indicators
        ],
        "stated_total": table.total_score,
        "stated_components_total": result.stated_total,
        "stated_grade": table.stated_grade or grade_of(table.total_score, settings),
        "suggested_total": result.suggested_total,
        "suggested_complete": result.suggested_complete,
        "suggested_grade": result.grade,
        "cap": result.cap,
        "filled": bool(result.indicators),
        "not_scored": [indicator_title(r.indicator.name) for r in result.indicators if not r.score.computable],
    }


def submission_summary(sub: Submission, settings: Settings, scores: Any = None) -> dict[str, Any]:
    """``scores``: a validate ``CheckContext`` whose per-table results are reused, not recomputed."""
    out: dict[str, Any] = {
        "unit": sub.unit.unit_name, "budget_code": sub.unit.budget_code, "year": sub.unit.year,
        "projects": [table_summary(p, settings, scores) for p in sub.projects],
        "department": table_summary(sub.department, settings, scores) if sub.department else None,
        "rubric": None,
    }
    if sub.rubric is not None:
        result = (scores.rubric_result() if scores is not None
                  else evaluate_rubric(sub.basic_data, sub.rubric.facts, settings))
        stated = {e.key: e.score for e in sub.rubric.entries}
        out["rubric"] = {
            "items": [{"key": item.key, "name": item.name, "points": item.points,
                       "stated_score": stated.get(item.key), "computed": score_dict(score)}
                      for item, score in result.items],
            "stated_total": sub.rubric.total_score,
            "computed_total": result.total,
            "computed_partial_total": result.computed_total,
            "grade": result.grade,
            "forced_grade_reason": result.forced_grade_reason,
        }
    return out


def suggestion_text(table: dict[str, Any]) -> str:
    """The suggested total of a ``table_summary`` as a clerk reads it: a table without indicators is
    未填写 (not 差); a total that counts the clerk's own score for rows the rules could not score says so."""
    if not table.get("filled", True):
        return "建议：未填写（没有绩效指标，不评等级）"
    total = table["suggested_total"]
    if total is None:
        return "建议：无法计算（全年预算数或全年执行数未填写）"
    shown = f"{total:.2f}".rstrip("0").rstrip(".")
    text = f"建议 {shown}（{table['suggested_grade'] or '—'}）"
    not_scored = table.get("not_scored") or []
    if not_scored:
        text += (f"，不完整：{len(not_scored)} 个指标无法按规则计算（{'、'.join(not_scored)}），"
                 "按填报得分计入")
    return text


def findings_text(report: Any, max_per_rule: int | None = None) -> list[str]:
    """The findings of a ``Report`` as a clerk reads them: one block per cause (a slip that trips several
    rules is shown once, with the count and every place), each place with its sheet and cell."""
    groups = report.groups()
    lines: list[str] = []
    if len(groups) < len(report.findings):
        lines.append(f"同一原因引起的问题合并显示：{len(report.findings)} 处问题归为 {len(groups)} 个原因。")
    shown: dict[str, int] = {}
    omitted: dict[str, int] = {}
    for g in groups:
        head = g.head
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

"""The one rule registry: every rule the tool knows, whoever runs it.

* the per-submission catalog (``core.checks``, each check registered by ``catalog.rule``), run by
  ``validate``;
* the cross-submission rules X5xx (``core.cross_rules``), run by the roll-up;
* the report-check rules W6xx (``core.report_rules``), run with a 自评报告.

Importing this module loads all three, so a caller never has to import the check modules first.
`perfeval-xl rules`, docs/rules.md and the README table are generated from ``every_rule()``.
"""

from __future__ import annotations

from . import checks  # noqa: F401  (the per-submission rules register themselves as their modules load)
from .catalog import RULES, SCOPES, Rule, RuleDoc
from .cross_rules import ROLLUP_RULES
from .report_rules import REPORT_RULES


def all_rules() -> list[Rule]:
    """The per-submission catalog (what ``validate`` runs), in code order."""
    return [RULES[c] for c in sorted(RULES)]


def every_rule() -> list[RuleDoc]:
    """The catalog, the roll-up's cross-submission rules and the report check's, in code order."""
    return sorted([*RULES.values(), *ROLLUP_RULES.values(), *REPORT_RULES.values()], key=lambda r: r.code)


def rules_markdown(rules: list[RuleDoc] | None = None) -> str:
    """The README's rule table (generated, never edited by hand)."""
    rules = rules if rules is not None else every_rule()
    lines = ["| 代码 | 默认 | 适用 | 规则 | 检查内容 |", "|---|---|---|---|---|"]
    for r in rules:
        lines.append(f"| {r.code} | {r.severity.value} | {SCOPES[r.scope]} | {r.title} | {r.what} |")
    return "\n".join(lines)

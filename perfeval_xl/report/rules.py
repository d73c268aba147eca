"""Rules of the report check (W601–W609): a 自评报告's stated figures against the tables.

Same shape as the catalog's rules (code, default severity, Chinese message template, the four
doc sections, ``doc_zh``/``to_dict``) so ``perfeval-xl rules``, the README table, docs/rules.md
and ``[severity]`` overrides treat them like any other rule. Not registered in
``core.catalog.RULES``: they need the report file, which ``validate`` only has with ``--report``.
"""

from __future__ import annotations

from typing import Any

from ..core.catalog import RuleDoc
from ..core.report_rules import REPORT_RULES, REPORT_SCOPE  # noqa: F401  (re-exported)
from ..core.findings import Finding, Location
from ..core.settings import Settings

REPORT_TABLE = "自评报告"  # Location.table of every W6xx finding


def report_rules() -> list[RuleDoc]:
    return [REPORT_RULES[c] for c in sorted(REPORT_RULES)]


def make_finding(code: str, settings: Settings, where: str, field: str, **values: Any) -> Finding | None:
    """A W6xx finding at ``where`` (e.g. 第 12 段), or None when the district switched the rule off."""
    rule = REPORT_RULES[code]
    severity = rule.severity_in(settings)
    if severity is None:
        return None
    return rule.finding(severity, Location(REPORT_TABLE, where, field), values, {"where": where, **values})

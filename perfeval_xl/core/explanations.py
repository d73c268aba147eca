"""Which 提示 still need a 情况说明: the rules file names the rules whose 提示 stand only with one."""

from __future__ import annotations

from typing import Iterable

from .findings import Finding, Severity
from .settings import Settings


def awaiting_explanation(findings: Iterable[Finding], settings: Settings) -> list[Finding]:
    """The 提示 of a rule in ``[workflow] explanation_required`` that carry no 情况说明 yet."""
    required = settings.explanation_required
    return [f for f in findings
            if f.severity is Severity.WARNING and f.rule in required and not f.explanation.strip()]

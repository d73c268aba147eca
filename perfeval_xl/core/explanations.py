"""Which 提示 still need a 情况说明: the rules file names the rules whose 提示 stand only with one."""

from __future__ import annotations

from typing import Callable, Iterable

from .findings import Finding, Severity
from .settings import Settings


def awaiting_explanation(findings: Iterable[Finding], settings: Settings) -> list[Finding]:
    """The 提示 of a rule in ``[workflow] explanation_required`` that carry no 情况说明 yet."""
    return list(filter(awaits_explanation(settings), findings))


def awaits_explanation(settings: Settings) -> Callable[[Finding], bool]:
    """Whether a finding is one of ``awaiting_explanation``'s, as a test of one finding at a time."""
    required = settings.explanation_required
    return lambda f: f.severity is Severity.WARNING and f.rule in required and not f.explanation.strip()

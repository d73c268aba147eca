"""Fixtures of the rules added for issue 19 (caps, warning lights, 基础数据表 arithmetic), run through
the same checks as tests/test_rules.py: each fires exactly where expected, with its exact message, and
is quiet when fixed. Rules that exist only under a rules-file setting carry that setting."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pytest

from perfeval_xl.core.catalog import all_rules
from perfeval_xl.core.model import ExpenseRow, Source, Submission
from perfeval_xl.core.settings import Settings
from perfeval_xl.core.validate import INTERNAL_RULE, validate

from .test_rules import BASIC, PROJECT, Expect, basic_only, funding, project, where, of_rule

CAPS_ON = {"execution": {"caps": {"enabled": True}}}


@dataclass(frozen=True)
class DomainCase:
    bad: Callable[[], Submission]
    fixed: Callable[[], Submission]
    expected: list[Expect]
    settings: dict = field(default_factory=dict)
    also: frozenset[str] = frozenset()


def case(bad, fixed, *expected: Expect, settings: dict | None = None, also: tuple[str, ...] = ()) -> DomainCase:
    return DomainCase(bad, fixed, list(expected), settings or {}, frozenset(also))


def _at_55(total: float, grade: str) -> Submission:
    """执行率 55%: 执行得分 5.5, all indicators met (90) → 95.5 before the cap of 69."""
    return project(funding_total=funding(executed=55.0), funding_current_year=funding(executed=55.0),
                   execution_rate=0.55, execution_score=5.5, total_score=total, stated_grade=grade,
                   sources={"total_score": Source("项目1", "G28")})


DOMAIN_CASES: dict[str, DomainCase] = {
    "T121": case(
        lambda: _at_55(95.5, "中"),
        lambda: _at_55(69.0, "中"),
        Expect(PROJECT, "总分", "总分得分",
               f"{PROJECT}：总分填报为 95.5 分，预算执行率为 55.00%；按一体化规则，执行率低于 60% 的，总分不超过 69 分。",
               "项目1", "G28"),
        settings=CAPS_ON,
    ),
}

CODES = sorted(DOMAIN_CASES)


def _settings(c: DomainCase) -> Settings:
    return Settings.default().override(c.settings) if c.settings else Settings.default()


def test_domain_rules_are_registered():
    assert set(CODES) <= {r.code for r in all_rules()}


@pytest.mark.parametrize("code", CODES)
def test_rule_fires_exactly_where_expected_with_its_message(code):
    c = DOMAIN_CASES[code]
    found = of_rule(validate(c.bad(), _settings(c)).findings, code)
    assert where(found) == [[code, e.table, e.row, e.field, e.sheet, e.cell] for e in c.expected]
    assert [f.message for f in found] == [e.message for e in c.expected]
    rule = next(r for r in all_rules() if r.code == code)
    assert all((f.severity, f.title, f.hint) == (rule.severity, rule.title, rule.hint) for f in found)


@pytest.mark.parametrize("code", CODES)
def test_fixture_trips_no_other_rule(code):
    c = DOMAIN_CASES[code]
    fired = {f.rule for f in validate(c.bad(), _settings(c)).findings}
    assert INTERNAL_RULE not in fired
    assert fired - {code} == c.also


@pytest.mark.parametrize("code", CODES)
def test_rule_is_quiet_when_fixed(code):
    c = DOMAIN_CASES[code]
    findings = validate(c.fixed(), _settings(c)).findings
    assert of_rule(findings, code) == [] and of_rule(findings, INTERNAL_RULE) == []


@pytest.mark.parametrize("code", CODES)
def test_rule_switched_off_in_settings_is_silent(code):
    c = DOMAIN_CASES[code]
    off = _settings(c).override({"severity": {code: "关闭"}})
    assert of_rule(validate(c.bad(), off).findings, code) == []


# ---------------------------------------------------------------------------- caps


def test_t121_is_silent_with_caps_off_and_t119_follows_the_capped_total():
    assert of_rule(validate(_at_55(95.5, "优")).findings, "T121") == []
    caps = Settings.default().override(CAPS_ON)
    # 95.5 capped at 69 is 中: "优" is wrong, "中" is right (T121 still asks to lower the total)
    [grade] = of_rule(validate(_at_55(95.5, "优"), caps).findings, "T119")
    assert grade.message == f"{PROJECT}：等级填报为“优”，总分 95.5 对应等级为“中”。"
    assert of_rule(validate(_at_55(95.5, "中"), caps).findings, "T119") == []


def test_t107_accepts_the_capped_total_with_caps_on():
    caps = Settings.default().override(CAPS_ON)
    assert validate(_at_55(69.0, "中"), caps).findings == []
    assert [f.rule for f in validate(_at_55(69.0, "中")).findings] == ["T107"]  # caps off: 69 ≠ 95.5


@pytest.mark.parametrize("caps, grade", [(False, "优"), (True, "中")])
def test_template_grade_formula_applies_the_cap(tmp_path, caps, grade):
    """The 等级 cell of a workbook generated with caps on grades the capped total (formulas' evaluation)."""
    from perfeval_xl.io.xlsx_write import build_workbook, plan_layouts
    from perfeval_xl.layout.sheets import PROJECT as PROJECT_SHEET
    from .recalc import formulas_values

    settings = Settings.default().override(CAPS_ON) if caps else Settings.default()
    sub = _at_55(95.5, "")
    sub.projects[0].total_score = None  # the template's own formulas give 总分 and 等级
    path = tmp_path / "项目.xlsx"
    wb = build_workbook(sub, [PROJECT_SHEET], settings)
    wb.save(path)
    [(layout, _)] = [p for p in plan_layouts(sub, [PROJECT_SHEET], settings) if p[0].key == "project"]
    cell = layout.cell_of("stated_grade")
    values = formulas_values(path)
    assert values[("项目1", cell.ref)] == grade

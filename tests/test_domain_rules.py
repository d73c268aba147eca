"""Fixtures of the caps, warning-light and 基础数据表 arithmetic rules, run through
the same checks as tests/test_rules.py: each fires exactly where expected, with its exact message, and
is quiet when fixed. Rules that exist only under a rules-file setting carry that setting."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pytest

from perfeval_xl.core.registry import all_rules
from perfeval_xl.core.model import BuildingRow, ExpenseRow, ReadNotice, Source, Submission
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


def _spent(executed: float) -> Submission:
    """All three indicators at full marks; 执行率 = executed %."""
    return project(funding_total=funding(executed=executed), funding_current_year=funding(executed=executed),
                   execution_rate=executed / 100, execution_score=executed / 10, total_score=90 + executed / 10,
                   sources={"execution_rate": Source("项目1", "H6")})


def _zero_budget(budget: float) -> Submission:
    row = funding(budget=budget, executed=95.0)
    row.sources["annual_budget"] = Source("项目1", "E6")
    rate = 0.95 if budget else None
    return project(funding_total=row, funding_current_year=funding(budget=budget, executed=95.0),
                   execution_rate=rate, execution_score=9.5 if budget else None, total_score=99.5 if budget else 90.0,
                   stated_grade="优")


def _blank_staff_rate() -> Submission:
    sub = basic_only(staff_control_rate=None)
    sub.basic_data.sources["staff_control_rate"] = Source("基础数据表", "F4")
    return sub


DOMAIN_CASES: dict[str, DomainCase] = {
    "T121": case(
        lambda: _at_55(95.5, "中"),
        lambda: _at_55(69.0, "中"),
        Expect(PROJECT, "总分", "总分得分",
               f"{PROJECT}：总分填报为 95.5 分，预算执行率为 55.00%；按一体化规则，执行率低于 60% 的，总分不超过 69 分。",
               "项目1", "G28"),
        settings=CAPS_ON,
        also=("T122",),  # every indicator at full marks with 55 % spent is also the T122 warning light
    ),
    "B308": case(
        lambda: _blank_staff_rate(),
        lambda: basic_only(staff_control_rate=0.8727),
        Expect(BASIC, "财政供养人员情况", "控制率",
               f"{BASIC}：财政供养人员情况的控制率未填写，而实际在职人数 48、编制数 55 已填写，应为 87.27%。",
               "基础数据表", "F4"),
    ),
    "S108": case(
        lambda: Submission(basic_data=basic_only().basic_data, notices=[
            ReadNotice("formula_cleared", "基础数据表", "F4", "控制率", "0.8727272727272727")]),
        lambda: basic_only(),
        Expect("基础数据表", "", "控制率", "基础数据表 F4（控制率）在模板中是公式，现在是空白；按所填数字应为 87.27%。",
               "基础数据表", "F4"),
    ),
    "T122": case(
        lambda: _spent(60.0),
        lambda: _spent(70.0),
        Expect(PROJECT, "年度资金总额", "执行率",
               f"{PROJECT}：绩效指标得分合计 90 分，为指标分值 90 分的 100.00%（3 个指标中 3 个满分），"
               "而预算执行率只有 60.00%；钱没有花完，目标却几乎全部完成。", "项目1", "H6"),
    ),
    "T123": case(
        lambda: _zero_budget(0.0),
        lambda: _zero_budget(100.0),
        Expect(PROJECT, "年度资金总额", "全年预算数",
               f"{PROJECT}：全年预算数为 0，全年执行数为 95 万元，执行率无法计算，预算执行得分无从评定。", "项目1", "E6"),
        also=("T102",),  # 95 spent of 0 is also an overspend (grouped under T123's cause)
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
    assert [f.rule for f in validate(_at_55(69.0, "中"), caps).findings] == ["T122"]
    assert [f.rule for f in validate(_at_55(69.0, "中")).findings] == ["T107", "T122"]  # caps off: 69 ≠ 95.5


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


def test_t122_thresholds_come_from_the_rules_file():
    lenient = Settings.default().override({"warnings": {"ahead_of_spending": {"max_execution": 0.5}}})
    assert of_rule(validate(_spent(60.0), lenient).findings, "T122") == []
    strict = Settings.default().override({"warnings": {"ahead_of_spending": {"max_execution": 0.8}}})
    assert len(of_rule(validate(_spent(70.0), strict).findings, "T122")) == 1


def test_t123_and_its_overspend_are_one_cause():
    report = validate(_zero_budget(0.0))
    [group] = report.groups()
    assert [f.rule for f in group.findings] == ["T102", "T123"]
    [t102] = of_rule(report.findings, "T102")
    assert t102.message == f"{PROJECT}：全年执行数 95 万元超过全年预算数 0 万元（执行率 无法计算）。"


def test_b308_blank_totals_in_every_column_and_building_rates():
    sub = basic_only(three_public=ExpenseRow(prior_final=6.6, budget=None, final=3.25),
                     vehicles=ExpenseRow(prior_final=4.0, budget=4.0, final=2.0),
                     reception=ExpenseRow(prior_final=2.6, budget=2.64, final=1.25),
                     public_funds=ExpenseRow(final=30.0), office=ExpenseRow(budget=20.0, final=20.0),
                     buildings=(BuildingRow(name="车棚", approved_area=100.0, actual_area=90.0, budget_investment=10.0,
                                            actual_investment=9.0, investment_control_rate=0.9),))
    assert [(f.location.row, f.location.field, f.message) for f in of_rule(validate(sub).findings, "B308")] == [
        ("三公经费", "本年预算数",
         f"{BASIC}：三公经费的本年预算数未填写，而分项 1、公务用车购置和维护经费 4 + 3、公务接待 2.64 已填写，应为 6.64。"),
        ("公用经费", "本年预算数", f"{BASIC}：公用经费的本年预算数未填写，而分项 其中：办公经费 20 已填写，应为 不小于 20。"),
        ("楼堂馆所「车棚」", "规模控制率",
         f"{BASIC}：楼堂馆所「车棚」的规模控制率未填写，而实际规模 90、批复规模 100 已填写，应为 90.00%。"),
    ]


def test_new_workbook_with_caps_on_grades_the_capped_total(tmp_path):
    """`perfeval-xl new --rules` with [execution.caps] on: the 等级 formula of the tables applies the cap."""
    from openpyxl import load_workbook

    from perfeval_xl.cli import main

    rules = tmp_path / "区规则.toml"
    rules.write_text("[execution.caps]\nenabled = true\n", encoding="utf-8")
    for name, args in (("默认.xlsx", []), ("封顶.xlsx", ["--rules", str(rules)])):
        assert main(["new", "--unit", "洋湖街道", "--year", "2022", "-o", str(tmp_path / name), *args]) == 0
    formulas = {}
    for name in ("默认.xlsx", "封顶.xlsx"):
        ws = load_workbook(tmp_path / name)["部门整体支出绩效自评表"]
        formulas[name] = [c.value for row in ws.iter_rows() for c in row
                          if isinstance(c.value, str) and c.value.startswith("=IF(") and '"优"' in c.value]
    [plain], [capped] = formulas["默认.xlsx"], formulas["封顶.xlsx"]
    assert "MIN(" not in plain and "<0.5" not in plain
    assert "<0.5,59," in capped and "<0.8,89," in capped and capped.count("MIN(") == 3

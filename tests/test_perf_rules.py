"""The shortcuts of the rules' hot path give what the plain code gave (issue 18: a worker's CPU per file)."""

import dataclasses

from perfeval_xl.core.findings import Finding, Location, Severity
from perfeval_xl.core.model import Indicator
from perfeval_xl.core.score import fmt_number, fmt_percent
from perfeval_xl.core.settings import Settings

FINDING = Finding("T105", Severity.ERROR, "指标分值合计不符", "项目支出绩效自评表「甲」：绩效指标分值合计为 100 分。",
                  Location("项目支出绩效自评表「甲」", "绩效指标", "分值", "项目1", "G9"), hint="调整各指标分值。",
                  values={"stated": "100", "expected": "90"}, explanation="已说明", cause="T105@x")


def test_replaced_is_dataclasses_replace_field_for_field():
    # a field added to Finding and forgotten in Finding.replaced would be dropped silently: compare every field
    changes = [{}, {"cause": "T103|100|10"}, {"explanation": "新说明"}, {"values": {"cause_note": "多出的 10 分"}},
               {"cause": "c", "explanation": "e", "values": {}}]
    for change in changes:
        fast, plain = FINDING.replaced(**change), dataclasses.replace(FINDING, **change)
        assert [getattr(fast, f.name) for f in dataclasses.fields(Finding)] == \
               [getattr(plain, f.name) for f in dataclasses.fields(Finding)]
    assert FINDING.replaced(cause="c").values is FINDING.values  # shared, as dataclasses.replace shares it


def test_is_placeholder_is_no_filled_field():
    rows = [Indicator(name="指标 1："), Indicator(name="指标 2：", target=" "), Indicator(name="指标 1：", points=0.0),
            Indicator(name="指标 1：", score=0.0), Indicator(name="指标 3：", actual="完成"),
            Indicator(name="指标 3：", deviation_reason="无"), Indicator(name="补助社区支出"), Indicator(name="", target="1")]
    assert [r.is_placeholder() for r in rows] == [True, True, False, False, False, False, False, False]
    assert all(r.is_placeholder() == (not r.filled_fields()) for r in rows)


def test_cached_figures_keep_their_type_and_format():
    assert [fmt_number(10), fmt_number(10.0), fmt_number(True), fmt_number(-0.0), fmt_number(64.707),
            fmt_number(2.345, 2), fmt_number(None)] == ["10", "10", "1", "0", "64.707", "2.35", "（空）"]
    assert fmt_number(1e16) == "10000000000000000"
    assert fmt_percent(0.93699) == "93.70%" and fmt_percent(0.5, 0) == "50%" and fmt_percent(None) == "（空）"
    # a float nan is not equal to itself: it still formats, cached or not
    assert fmt_number(float("nan")) == "nan" == fmt_number(float("nan"))


def test_settings_lookups_are_the_values_of_the_rules_file():
    s = Settings.default()
    assert s["execution.points"] == s["execution.points"] == 10
    assert s["indicators"] is s["indicators"]  # a section is the merged section itself, not a copy
    override = s.override({"execution": {"points": 20}})
    assert override["execution.points"] == 20 and s["execution.points"] == 10
    assert s.get("no.such.key", "默认") == "默认" and s.get("no.such.key", "默认") == "默认"


def _yanghu():
    from pathlib import Path

    from perfeval_xl.io.read import read_submission

    path = Path(__file__).resolve().parent.parent / "examples" / "报送" / "岳麓区" / "洋湖街道2022年度项目支出绩效自评表.xlsx"
    return read_submission(path).submission


def test_a_file_report_from_shared_dicts_is_the_file_report():
    from collections import Counter

    from perfeval_xl.core.explanations import awaiting_explanation
    from perfeval_xl.core.validate import file_report, validate

    settings = Settings.default()
    report = validate(_yanghu(), settings, path="岳麓区/洋湖.xlsx")
    assert len(report.findings) == 52
    dicts, groups = [f.to_dict() for f in report.findings], report.groups()
    for cap in (None, 3):
        shared = file_report(report, settings, ["项目1!H6"], cap, dicts=dicts, groups=groups)
        assert shared == file_report(report, settings, ["项目1!H6"], cap)
    assert shared["omitted"] == {"S102": 15, "T103": 2, "T104": 2, "T105": 2, "T107": 2, "T109": 1, "T116": 1}
    assert shared["awaiting_explanation"] == [f.to_dict() for f in awaiting_explanation(report.findings, settings)]
    assert [d["rule"] for d in shared["awaiting_explanation"]] == ["T116"] * 4
    # counts by rule: rules in code order, each rule's severities in the order first met
    counted: dict = {}
    for f in report.findings:
        counted.setdefault(f.rule, Counter())[f.severity.code] += 1
    assert list(report.counts_by_rule().items()) == [(r, dict(c)) for r, c in sorted(counted.items())]
    assert shared["stats"]["errors"] == len(report.errors) == 25 and shared["stats"]["warnings"] == 27


def test_the_compiled_execution_score_is_the_declared_formula():
    from perfeval_xl.core import formulas
    from perfeval_xl.core.expr import Input

    bands = Settings.default().override({"execution": {"method": "bands", "points": 20}})
    for settings in (Settings.default(), bands):
        declared = formulas.execution_score(settings)
        for budget, executed, points in [(100.0, 93.7, 10.0), (100.0, 120.0, 10.0), (80.0, 0.0, 20.0),
                                         (0.0, 5.0, 10.0), (None, 5.0, 10.0), (50.0, None, 10.0), (115.5, 105.95, 20.0),
                                         (100.0, -3.0, 10.0), ("约18万", 5.0, 10.0)]:
            env = {"budget": budget, "executed": executed, "points": points}
            assert formulas.execution_score_of(settings)(env) == declared.value(env)
        for rate in (0.0, 0.55, 0.6, 0.7999, 0.8, 0.95, 1.0, 1.3):
            assert formulas.execution_fraction_of(settings)({"rate": rate}) == \
                   formulas.execution_fraction(Input("rate"), settings).value({"rate": rate})
    assert formulas.execution_score_of(Settings.default())({"budget": 115.5, "executed": 105.95, "points": 10.0}) == 9.17
    assert formulas.execution_fraction_of(bands)({"rate": 0.55}) != 0.55  # the bands are applied, not the rate


def test_a_message_names_a_value_the_check_did_not_give():
    from perfeval_xl.core.catalog import fill

    assert fill("{table}：总分 {stated}，应为 {expected}。", {"table": "甲", "stated": "98", "expected": "100"}) == \
        "甲：总分 98，应为 100。"
    assert fill("{table}：总分 {stated}，应为 {expected}。", {"table": "甲", "stated": "98"}) == "甲：总分 98，应为 {expected}。"

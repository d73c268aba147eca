"""The rule registry itself: unique codes, complete docs, severities from settings."""

import pytest

from perfeval_xl.core.catalog import CODE_PATTERN, RULES, SCOPES, rule
from perfeval_xl.core.registry import all_rules
from perfeval_xl.core.findings import Severity
from perfeval_xl.core.model import ProjectTable, Submission
from perfeval_xl.core.validate import run_rules, validate
from perfeval_xl.core.settings import Settings


def test_every_rule_is_registered_once_with_complete_docs():
    rules = all_rules()
    codes = [r.code for r in rules]
    assert len(codes) == len(set(codes)) >= 30
    for r in rules:
        assert CODE_PATTERN.match(r.code)
        assert r.scope in SCOPES
        for section in (r.title, r.message, r.hint, r.what, r.why, r.example, r.basis):
            assert section.strip(), f"{r.code} has an empty doc section"


def test_registering_a_code_twice_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        rule("T101", "x", severity="错误", scope="table", message="", hint="", what="", why="",
             example="", basis="")(lambda ctx, t: iter(()))


def test_rule_doc_lists_all_sections():
    doc = RULES["T101"].doc_zh()
    for heading in ("检查内容：", "为什么重要：", "示例：", "依据：", "修改建议："):
        assert heading in doc


def _one_bad_project() -> Submission:
    return Submission(projects=[ProjectTable(name="甲", execution_points=100.0)])


def test_severity_is_switched_in_settings_not_code():
    sub = _one_bad_project()  # an empty table also lacks 产出/效益/满意度 indicators (T114)
    assert validate(sub).flatten(["rule", "severity"]) == [["T103", "error"]] + [["T114", "warning"]] * 3
    relaxed = Settings.default().override({"severity": {"T103": "提示", "T114": "关闭"}})
    assert validate(sub, relaxed).flatten(["rule", "severity"]) == [["T103", "warning"]]
    off = Settings.default().override({"severity": {"T103": "关闭", "T114": "关闭"}})
    assert validate(sub, off).findings == []


def test_a_broken_rule_reports_itself_and_the_others_still_run():
    def explode(ctx, table):
        raise ZeroDivisionError("boom")
        yield  # pragma: no cover

    broken = RULES["T101"].__class__(**{**RULES["T101"].__dict__, "code": "T999", "check": explode})
    findings = run_rules(_one_bad_project(), Settings.default(), [broken, RULES["T103"]])
    assert [(f.rule, f.severity) for f in findings] == [("E901", Severity.ERROR), ("T103", Severity.ERROR)]
    assert "T999" in findings[0].message and "boom" in findings[0].message


def test_an_explanation_answers_only_the_finding_it_was_written_for():
    """Three T114 of one table (no 产出, 效益, 满意度) are three places: one 情况说明 each."""
    from perfeval_xl.core.model import Explanation

    sub = _one_bad_project()
    missing = [f for f in validate(sub).findings if f.rule == "T114"]
    assert [f.location.field for f in missing] == ["一级指标（产出）", "一级指标（效益）", "一级指标（满意度）"]
    sub.explanations = [Explanation("T114", missing[2].location.key, "本项目为人员工资，不设满意度指标")]
    explained = {f.location.field: f.explanation for f in validate(sub).findings if f.rule == "T114"}
    assert explained == {"一级指标（产出）": "", "一级指标（效益）": "", "一级指标（满意度）": "本项目为人员工资，不设满意度指标"}

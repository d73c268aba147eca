"""One definition of a findings table: 校验结果, 问题清单 and 退回意见 take their columns from core.findings."""

from perfeval_xl.core.findings import (FEEDBACK_KEYS, FINDING_COLUMNS, ROLLUP_FINDING_KEYS, Finding, Location,
                                       Severity, finding_row)
from perfeval_xl.layout.results import HEADERS
from perfeval_xl.rollup.feedback import COLUMNS as FEEDBACK_COLUMNS
from perfeval_xl.rollup import feedback
from perfeval_xl.rollup.feedback import build_feedback
from perfeval_xl.rollup.record import FileRecord, FindingRow, UnitRow
from perfeval_xl.rollup.sheets import FINDING_COLS, UNIT_COLS

FINDING = Finding("T101", Severity.ERROR, "执行率与执行数/预算数不符", "项目1：执行率填报为 91.74%。",
                  Location("项目支出绩效自评表「预留奖金」", "年度资金总额", "执行率", "项目1", "H6"),
                  hint="按“全年执行数 ÷ 全年预算数”重新计算执行率。", explanation="已核实")


def test_the_three_tables_show_the_columns_they_showed():
    assert HEADERS == ("序号", "严重程度", "表", "位置", "单元格", "规则", "说明", "修改建议", "情况说明", "定位（勿改）")
    assert [c.header for c in FINDING_COLS[len(UNIT_COLS):]] == [
        "来源文件", "工作表", "单元格", "规则", "严重程度", "问题", "位置", "问题说明", "修改建议", "情况说明", "同一原因"]
    assert [h for h, _ in FEEDBACK_COLUMNS] == [
        "序号", "严重程度", "规则", "问题", "工作表", "单元格", "位置", "问题说明", "修改建议", "情况说明", "同一原因"]
    assert [FINDING_COLUMNS[k] for k in FEEDBACK_KEYS] == [h for h, _ in FEEDBACK_COLUMNS]


def test_a_finding_reads_the_same_in_the_rollup_and_the_feedback(monkeypatch):
    row = FindingRow.of(FINDING.to_dict(), "岳麓区/洋湖.xlsx", "同一原因共 2 处")
    assert dict(zip(ROLLUP_FINDING_KEYS, finding_row(FINDING.to_dict(), "岳麓区/洋湖.xlsx", "同一原因共 2 处"))) == {
        "file": "岳麓区/洋湖.xlsx", "sheet": "项目1", "cell": "H6", "rule": "T101", "severity": "错误",
        "title": "执行率与执行数/预算数不符", "where": "项目支出绩效自评表「预留奖金」 年度资金总额 执行率",
        "message": "项目1：执行率填报为 91.74%。", "hint": "按“全年执行数 ÷ 全年预算数”重新计算执行率。",
        "explanation": "已核实", "same_cause": "同一原因共 2 处"}
    assert [row.value(k) for k in ROLLUP_FINDING_KEYS] == list(finding_row(FINDING.to_dict(), "岳麓区/洋湖.xlsx",
                                                                             "同一原因共 2 处"))
    # the summary line is the roll-up record's business, not the findings table's
    monkeypatch.setattr(feedback, "summary_line", lambda unit: "汇总：1 个错误")
    unit = UnitRow(FileRecord(path="岳麓区/洋湖.xlsx", name="洋湖.xlsx", unit="洋湖街道", year=2022), score=None,
                   score_basis="", score_source="", grade="", errors=1, warnings=0)
    ws = build_feedback(unit, [row]).active
    assert [c.value for c in ws[4]] == [1, "错误", "T101", "执行率与执行数/预算数不符", "项目1", "H6",
                                        "项目支出绩效自评表「预留奖金」 年度资金总额 执行率",
                                        "项目1：执行率填报为 91.74%。", "按“全年执行数 ÷ 全年预算数”重新计算执行率。", "已核实",
                                        "同一原因共 2 处"]

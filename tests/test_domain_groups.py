"""Findings grouped by cause: one slip is shown once with the count and every place."""

from __future__ import annotations

import json

from perfeval_xl.core.findings import group_by_cause
from perfeval_xl.core.findings import findings_text
from perfeval_xl.core.validate import validate

from .conftest import load_seed
from .test_rules import BENEFIT_ROW, OUTPUT_ROW, PROJECT, project

YANGHU_TABLES = ["两保站人员工资", "预留奖金", "行政审批办综合工作经费", "党建办综合工作经费", "城管办拆控违"]


def test_yanghu_execution_points_100_is_one_cause_with_twenty_places():
    report = validate(load_seed("seed000_yanghu_2022.json"))
    groups = report.groups()
    assert len(report.findings) == 34 and len(groups) == 15
    [slip] = [g for g in groups if g.head.rule == "T103"]
    assert slip.cause == "T103|100|10"
    assert slip.count == 20 and slip.count_zh() == "20 处（20 个错误）"
    assert [(f.rule, f.location.table) for f in slip.findings] == [
        (rule, f"项目支出绩效自评表「{t}」") for rule in ("T103", "T104", "T105", "T107") for t in YANGHU_TABLES]
    assert slip.message == "5 张表：预算执行率的分值填报为 100，按规定应为 10 分。"
    # every other finding of the seed is its own cause
    assert all(g.count == 1 for g in groups if g is not slip)


def test_json_keeps_every_finding_and_adds_the_groups():
    report = validate(load_seed("seed000_yanghu_2022.json"))
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert len(data["findings"]) == 34 and data["stats"]["causes"] == 15
    assert sum(g["count"] for g in data["groups"]) == 34
    slip = next(g for g in data["groups"] if g["rule"] == "T103")
    assert slip["rules"] == ["T103", "T104", "T105", "T107"] and slip["count"] == 20
    assert {f["cause"] for f in data["findings"] if f["rule"] in ("T104", "T105", "T107")} == {"T103|100|10"}
    assert [p["field"] for p in slip["places"][:5]] == ["分值"] * 5


def test_one_changed_indicator_points_is_one_cause():
    # 分值 of one indicator typed 40 instead of 30 (its 得分 still 30): the 分值合计 is 100, the 总分分值
    # 110, the row lacks a 偏差原因 and is under-scored — 3 错误 and 1 提示, one slip
    report = validate(project(out=dict(points=40.0), total_points=110.0))
    [group] = report.groups()
    assert [(f.rule, f.location.row, f.location.field) for f in group.findings] == [
        ("T105", "绩效指标", "分值"), ("T108", "总分", "总分分值"),
        ("T109", OUTPUT_ROW, "偏差原因分析及改进措施"), ("T111", OUTPUT_ROW, "得分")]
    assert group.count_zh() == "4 处（3 个错误，1 个提示）"
    assert findings_text(report) == [
        "同一原因引起的问题合并显示：4 处问题归为 1 个原因。",
        "",
        "—— 错误 ——",
        "",
        "[错误] T105 指标分值合计不符 — 同一原因 4 处（3 个错误，1 个提示）",
        f"  {PROJECT}：绩效指标分值合计为 100 分，应为 90 分（100 分减去预算执行率 10 分）。"
        f"（多出的 10 分在{OUTPUT_ROW}：分值 40，得分仍是 30）",
        "  涉及：",
        f"    T105 指标分值合计不符 — {PROJECT} 绩效指标 分值",
        f"    T108 总分分值不为 100 — {PROJECT} 总分 总分分值",
        f"    T109 扣分但未说明偏差原因 — {PROJECT} {OUTPUT_ROW} 偏差原因分析及改进措施",
        f"    T111 得分低于按规则计算的得分 — {PROJECT} {OUTPUT_ROW} 得分",
    ]


def test_an_unrelated_slip_in_the_same_table_stays_its_own_cause():
    # the 分值 slip on the 产出 row, and a missing 偏差原因 on the 效益 row (score 27 of 30)
    report = validate(project(out=dict(points=40.0), ben=dict(score=27.0), total_points=110.0, total_score=96.5))
    groups = group_by_cause(report.findings)
    assert [(g.head.rule, g.count) for g in groups] == [("T105", 4), ("T109", 1)]
    assert groups[1].head.location.row == BENEFIT_ROW


def test_no_grouping_line_when_every_finding_is_its_own_cause():
    report = validate(project(total_score=98.0))
    assert findings_text(report)[0] == ""
    assert len(report.groups()) == 1


def test_problem_list_and_feedback_rows_say_the_same_cause(tmp_path):
    """问题清单 and 退回意见 keep one row per finding and add the column 同一原因."""
    import shutil

    from openpyxl import load_workbook

    from perfeval_xl.rollup.engine import rollup

    from .test_domain_examples import EXAMPLES

    folder = tmp_path / "报送"
    folder.mkdir()
    shutil.copy(EXAMPLES / "洋湖街道2022年度项目支出绩效自评表.xlsx", folder)
    rollup(folder, tmp_path / "区汇总.xlsx", feedback_dir=tmp_path / "退回意见", jobs=1)
    ws = load_workbook(tmp_path / "区汇总.xlsx")["问题清单"]
    headers = [c.value for c in ws[1]]
    rows = [dict(zip(headers, (c.value for c in r))) for r in ws.iter_rows(min_row=2)]
    t103 = [r for r in rows if r["规则"] in ("T103", "T104", "T105", "T107")]
    assert len(t103) == 20  # every finding keeps its row
    assert t103[0]["同一原因"] == "共 20 处，本条为首见" and t103[0]["单元格"] == "G6"
    assert {r["同一原因"] for r in t103[1:]} == {"共 20 处，首见 T103 项目1!G6"}
    assert all(r["同一原因"] in (None, "") for r in rows if r["规则"] == "T109")
    [feedback] = (tmp_path / "退回意见").glob("*退回意见.xlsx")  # beside it: the 标注副本
    fb = load_workbook(feedback).active
    assert fb.cell(3, fb.max_column).value == "同一原因"
    assert "共 20 处，首见 T103 项目1!G6" in [fb.cell(r, fb.max_column).value for r in range(4, fb.max_row + 1)]


def test_the_results_sheet_says_the_same_cause_in_its_message_column():
    from perfeval_xl.excel.validate_book import results_block
    from perfeval_xl.layout.results import COLUMN, FIRST_ROW

    block = results_block(validate(project(out=dict(points=40.0), total_points=110.0)), set())
    rows = block[FIRST_ROW - 1:]
    message = COLUMN["message"].col - 1
    assert [(r[COLUMN["rule"].col - 1], r[message].rsplit("（", 1)[-1]) for r in rows] == [
        ("T105", "同一原因 4 处，本条为首见）"), ("T108", f"同一原因 4 处，首见 T105 {PROJECT}）"),
        ("T109", f"同一原因 4 处，首见 T105 {PROJECT}）"), ("T111", f"同一原因 4 处，首见 T105 {PROJECT}）")]


def test_a_lowered_indicator_points_names_the_row_and_the_shortfall():
    report = validate(project(out=dict(points=20.0), total_points=90.0))
    [group] = report.groups()
    assert [f.rule for f in group.findings] == ["T105", "T106", "T108", "T110"]
    assert group.message.endswith(f"（少了的 10 分在{OUTPUT_ROW}：分值 20，得分仍是 30）")


def test_findings_past_the_per_rule_cap_are_counted_by_place():
    report = validate(load_seed("seed000_yanghu_2022.json"))
    lines = findings_text(report, max_per_rule=1)
    assert lines[-1] == "（规则 T116 另有 3 处未列出）"
    assert "（规则 T109 另有 3 处未列出）" in lines
    assert sum(1 for line in lines if line.startswith("[")) == 6  # T101, the T103 cause, T109, T114, T115, T116

"""The exact findings the rule catalog raises on each digitised seed table.

These are real slips in published reports (DOMAIN.md; tests/data/README.md): each was checked by
hand against the seed text. A seed table that follows the rules (seed 004) raises nothing.
"""

import pytest

from perfeval_xl.core.validate import validate

from .conftest import load_seed


SEED000_FINDINGS = [
    ['T101', 'error', '项目支出绩效自评表「预留奖金」', '年度资金总额', '执行率'],
    ['T103', 'error', '项目支出绩效自评表「两保站人员工资」', '年度资金总额', '分值'],
    ['T103', 'error', '项目支出绩效自评表「预留奖金」', '年度资金总额', '分值'],
    ['T103', 'error', '项目支出绩效自评表「行政审批办综合工作经费」', '年度资金总额', '分值'],
    ['T103', 'error', '项目支出绩效自评表「党建办综合工作经费」', '年度资金总额', '分值'],
    ['T103', 'error', '项目支出绩效自评表「城管办拆控违」', '年度资金总额', '分值'],
    ['T104', 'error', '项目支出绩效自评表「两保站人员工资」', '年度资金总额', '得分'],
    ['T104', 'error', '项目支出绩效自评表「预留奖金」', '年度资金总额', '得分'],
    ['T104', 'error', '项目支出绩效自评表「行政审批办综合工作经费」', '年度资金总额', '得分'],
    ['T104', 'error', '项目支出绩效自评表「党建办综合工作经费」', '年度资金总额', '得分'],
    ['T104', 'error', '项目支出绩效自评表「城管办拆控违」', '年度资金总额', '得分'],
    ['T105', 'error', '项目支出绩效自评表「两保站人员工资」', '绩效指标', '分值'],
    ['T105', 'error', '项目支出绩效自评表「预留奖金」', '绩效指标', '分值'],
    ['T105', 'error', '项目支出绩效自评表「行政审批办综合工作经费」', '绩效指标', '分值'],
    ['T105', 'error', '项目支出绩效自评表「党建办综合工作经费」', '绩效指标', '分值'],
    ['T105', 'error', '项目支出绩效自评表「城管办拆控违」', '绩效指标', '分值'],
    ['T107', 'error', '项目支出绩效自评表「两保站人员工资」', '总分', '总分得分'],
    ['T107', 'error', '项目支出绩效自评表「预留奖金」', '总分', '总分得分'],
    ['T107', 'error', '项目支出绩效自评表「行政审批办综合工作经费」', '总分', '总分得分'],
    ['T107', 'error', '项目支出绩效自评表「党建办综合工作经费」', '总分', '总分得分'],
    ['T107', 'error', '项目支出绩效自评表「城管办拆控违」', '总分', '总分得分'],
    ['T109', 'error', '项目支出绩效自评表「党建办综合工作经费」', '指标「远程教育站点及时维护」', '偏差原因分析及改进措施'],
    ['T109', 'error', '项目支出绩效自评表「党建办综合工作经费」', '指标「工作人员满意度」', '偏差原因分析及改进措施'],
    ['T109', 'error', '项目支出绩效自评表「城管办拆控违」', '指标「美化环境」', '偏差原因分析及改进措施'],
    ['T109', 'error', '项目支出绩效自评表「城管办拆控违」', '指标「街道居民满意」', '偏差原因分析及改进措施'],
    ['T114', 'warning', '项目支出绩效自评表「两保站人员工资」', '绩效指标', '一级指标（满意度）'],
    ['T114', 'warning', '项目支出绩效自评表「党建办综合工作经费」', '绩效指标', '一级指标（效益）'],
    ['T115', 'warning', '项目支出绩效自评表「预留奖金」', '指标「居民满意度」', '实际完成值'],
    ['T115', 'warning', '项目支出绩效自评表「党建办综合工作经费」', '指标「工作人员满意度」', '实际完成值'],
    ['T115', 'warning', '项目支出绩效自评表「城管办拆控违」', '指标「街道居民满意」', '实际完成值'],
    ['T116', 'warning', '项目支出绩效自评表「预留奖金」', '指标「补助社区支出」', '偏差原因分析及改进措施'],
    ['T116', 'warning', '项目支出绩效自评表「预留奖金」', '指标「下拨疫情防控专项经费」', '偏差原因分析及改进措施'],
    ['T116', 'warning', '项目支出绩效自评表「行政审批办综合工作经费」', '指标「开展各类宣传教育培训活动」', '偏差原因分析及改进措施'],
    ['T116', 'warning', '项目支出绩效自评表「行政审批办综合工作经费」', '指标「全街接种新冠疫苗 10 万剂次以上」', '偏差原因分析及改进措施'],
]


SEED003_FINDINGS = [
    ['T109', 'error', '部门整体支出绩效自评表', '指标「促进社会治安稳定」', '偏差原因分析及改进措施'],
    ['T111', 'warning', '部门整体支出绩效自评表', '指标「管理制度健全性」', '得分'],
    ['T111', 'warning', '部门整体支出绩效自评表', '指标「年度工作达标率」', '得分'],
    ['T111', 'warning', '部门整体支出绩效自评表', '指标「促进社会治安稳定」', '得分'],
    ['T111', 'warning', '部门整体支出绩效自评表', '指标「满意度」', '得分'],
    ['T115', 'warning', '部门整体支出绩效自评表', '指标「完成老旧小区改造项目建设工作」', '实际完成值'],
    ['T116', 'warning', '部门整体支出绩效自评表', '指标「开展环境整治次数」', '偏差原因分析及改进措施'],
    ['T116', 'warning', '部门整体支出绩效自评表', '指标「深入践行“群英断是非”工作法」', '偏差原因分析及改进措施'],
    ['T118', 'error', '部门整体支出绩效自评表', '指标「决算真实性」', '得分'],
]


@pytest.mark.parametrize("name, expected", [
    ("seed000_yanghu_2022.json", SEED000_FINDINGS),
    ("seed003_wangjiahe_2023.json", SEED003_FINDINGS),
    ("seed004_shazitang_2020.json", []),
])
def test_exact_findings_on_each_seed(name, expected):
    report = validate(load_seed(name))
    assert report.flatten(["rule", "severity", "table", "row", "field"]) == expected


def test_seed000_messages_name_the_figures():
    report = validate(load_seed("seed000_yanghu_2022.json"))
    messages = {(f.rule, f.location.table): f.message for f in report.findings[::-1]}  # first one wins
    assert messages[("T104", "项目支出绩效自评表「两保站人员工资」")] == (
        "项目支出绩效自评表「两保站人员工资」：预算执行得分填报为 100 分，按规则应为 9.37 分。"
        "计算：执行率 = 全年执行数 60.63 ÷ 全年预算数 64.707 = 93.70%；得分 = 分值 10 × min(执行率, 100%) = 9.37 分。")
    assert messages[("T107", "项目支出绩效自评表「党建办综合工作经费」")] == (
        "项目支出绩效自评表「党建办综合工作经费」：总分填报为 98 分，预算执行得分 100 分 加各指标得分 98 分 合计为 198 分。")
    assert messages[("T116", "项目支出绩效自评表「预留奖金」")] == (
        "项目支出绩效自评表「预留奖金」指标「补助社区支出」：实际完成为目标的 150.00%（超过 120%），未说明原因。")


def test_seed003_messages_name_the_figures():
    report = validate(load_seed("seed003_wangjiahe_2023.json"))
    under = [f.message for f in report.findings if f.rule == "T111"]
    assert under[1] == ("部门整体支出绩效自评表指标「年度工作达标率」：得分填报为 4.8 分，低于按规则计算的 4.95 分。"
                        "目标 100%（原文“100%”），实际 99%，完成率 99.00%；正向指标：得分 = 分值 × 实际 ÷ 目标 = 分值 × 99.00%，"
                        "建议得分 4.95 分（分值 5）。")


def test_seed_tables_that_follow_the_rules_raise_no_error():
    # seed 003's basic data and department totals are consistent: no D/B findings at all
    report = validate(load_seed("seed003_wangjiahe_2023.json"))
    assert not [f for f in report.findings if f.rule[0] in "DB"]
    assert validate(load_seed("seed004_shazitang_2020.json")).valid


def test_a_clerk_explanation_travels_with_its_finding():
    from perfeval_xl.core.model import Explanation

    sub = load_seed("seed003_wangjiahe_2023.json")
    target = next(f for f in validate(sub).findings if f.rule == "T116")
    sub.explanations.append(Explanation(target.rule, target.location.key, "年初目标按上年实际设定，明年上调至 260 次。"))
    again = next(f for f in validate(sub).findings if f.key == target.key)
    assert again.explanation == "年初目标按上年实际设定，明年上调至 260 次。"

"""The scoring engine (DOMAIN §C) on small hand-made rows, one rule at a time."""

import pytest

from perfeval_xl.core.model import FundingRow, Indicator, ProjectTable
from perfeval_xl.core.scoring import grade_of, score_execution, score_indicator, score_table
from perfeval_xl.core.settings import Settings


def ind(target, actual, points=10.0, name="指标 1：测试指标", grade=""):
    return Indicator(level1="产出指标", level2="数量指标", name=name, target=target, actual=actual,
                     points=points, score=None, qualitative_grade=grade)


def suggested(target, actual, points=10.0, **kw):
    return score_indicator(ind(target, actual, points, **kw), Settings.default())


@pytest.mark.parametrize("target, actual, points, value, rule", [
    # positive: met → full; short → proportional
    ("12 次", "12 次", 20, 20.0, "C2.positive"),
    ("≥100次", "80次", 10, 8.0, "C2.positive"),
    ("≥8亿元", "8.4亿元", 3, 3.0, "C2.positive"),
    ("100%", "99%", 5, 4.95, "C2.positive"),
    ("100%", "98%", 3, 2.94, "C2.positive"),
    ("≥90%", "100%", 3, 3.0, "C2.positive"),
    (">2000万元", ">2000万元", 3, 3.0, "C2.positive"),
    ("10 万剂次以上", "共接种新冠疫苗约 18 万剂次", 12, 12.0, "C2.positive"),
    ("20 场以上", "寒暑假期间开展各类宣传教育培训活动 63 场次，参与学生 2000 余人次。", 10, 10.0, "C2.positive"),
    ("≥200次", "全年开展综合整治提质扩面大清扫、清理家园整治活动约270余", 3, 3.0, "C2.positive"),
    # reverse: ≤ target full; between target and 2×target linear; ≥ 2×target zero
    ("≤10次", "8次", 10, 10.0, "C2.reverse"),
    ("≤10次", "15次", 10, 5.0, "C2.reverse"),
    ("≤10次", "20次", 10, 0.0, "C2.reverse"),
    # zero target
    ("0次", "0次", 5, 5.0, "C2.zero"),
    ("0次", "1次", 5, 0.0, "C2.zero"),
    ("辖区治安稳定, 全年无重大政治事件及安全生产事故", "辖区治安稳定, 无重大事故", 6, 6.0, "C2.zero"),
    # compound: the lowest part decides
    ("组织群英会≥50次，解决群众急难愁盼问题≥50件", "组织群英会80次，解决群众急难愁盼问题57件", 3, 3.0, "C2.compound"),
    ("组织群英会≥50次，解决群众急难愁盼问题≥50件", "组织群英会80次，解决群众急难愁盼问题40件", 3, 2.4, "C2.compound"),
    # relative change
    ("“三公”经费同比下降", "同比下降100%", 5, 5.0, "C2.relative"),
    ("同比下降10%", "同比增长5%", 5, 0.0, "C2.relative"),
])
def test_quantitative_rules(target, actual, points, value, rule):
    s = suggested(target, actual, points)
    assert (s.value, s.rule) == (value, rule)
    assert s.kind == "定量"


def test_money_indicator_reads_bare_wan_as_wanyuan():
    s = suggested("20 万", "30 万", 20, name="指标 1: 补助社区支出")
    assert (s.value, s.ratio) == (20.0, 1.5)
    assert "万元" in s.explanation


def test_percent_target_with_a_word_actual_cannot_be_scored():
    s = suggested("80%", "满意", 20)
    assert (s.value, s.rule) == (None, "C2.mismatch")
    assert s.explanation == "年度指标值为百分比，实际完成值“满意”不是百分比，无法定量评分；请填写实际达到的百分比（如满意度调查结果）。"


@pytest.mark.parametrize("target, actual, grade, value, band", [
    ("及时", "及时支付", "达成", 20.0, (16.0, 20.0)),
    ("每月底", "每月底", "达成", 20.0, (16.0, 20.0)),
    ("两个工作日内回复", "所有工单均在两个工作日内回复", "达成", 20.0, (16.0, 20.0)),
    ("完成", "年底全面完成各项工作", "达成", 20.0, (16.0, 20.0)),
    ("按时", "未按时完成", "未达成", None, (0.0, 12.0)),
])
def test_qualitative_grade_is_inferred_from_the_text(target, actual, grade, value, band):
    s = suggested(target, actual, 20)
    assert (s.grade, s.grade_inferred, s.value, s.band) == (grade, True, value, band)


def test_clerk_grade_wins_and_gives_its_band():
    s = suggested("按时", "按时", 10, grade="部分达成")
    assert (s.grade, s.grade_inferred, s.value, s.band) == ("部分达成", False, None, (6.0, 8.0))


def test_unreadable_qualitative_asks_for_a_grade():
    s = suggested("高效参与", "多方发展志愿服务，参与服务居民群众。", 10)
    assert s.value is None and s.rule == "C3.qualitative"
    assert "请选择定性评级" in s.explanation


def test_missing_points_or_values():
    assert score_indicator(Indicator(name="x", target="1次", actual="1次"), Settings.default()).missing == ("points",)
    assert suggested("", "1次").missing == ("target",)


def _table(budget, executed, indicators=(), execution_score=None):
    return ProjectTable(name="测试", funding_total=FundingRow(budget, budget, executed),
                        execution_score=execution_score, indicators=list(indicators))


def test_execution_score_proportional_and_capped_at_full():
    s = score_execution(_table(64.707, 60.63), Settings.default())
    assert (s.value, round(s.ratio, 6)) == (9.37, 0.936993)
    assert s.explanation == ("执行率 = 全年执行数 60.63 ÷ 全年预算数 64.707 = 93.70%；"
                             "得分 = 分值 10 × min(执行率, 100%) = 9.37 分。")
    assert score_execution(_table(50, 55), Settings.default()).value == 10.0


def test_execution_points_and_bands_are_configurable():
    twenty = Settings.default().override({"execution": {"points": 20}})
    assert score_execution(_table(100, 93.7), twenty).value == 18.74
    bands = Settings.default().override({"execution": {"method": "bands"}})
    assert score_execution(_table(100, 93.7), bands).value == 8.0
    assert score_execution(_table(0, 5), Settings.default()).value is None


@pytest.mark.parametrize("total, grade", [(100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.9, "中"),
                                          (60, "中"), (59.99, "差"), (0, "差"), (None, "")])
def test_grade_bands(total, grade):
    assert grade_of(total, Settings.default()) == grade


def test_table_total_uses_suggestions_and_the_optional_execution_cap():
    rows = [ind("≥100次", "100次", 45.0), ind("100%", "100%", 45.0)]
    table = _table(100, 65, rows)
    result = score_table(table, Settings.default())
    assert (result.suggested_total, result.grade, result.cap) == (96.5, "优", "")
    capped = score_table(table, Settings.default().override({"execution": {"caps": {"enabled": True}}}))
    assert (capped.suggested_total, capped.grade) == (79.0, "中")
    assert capped.cap == "执行率 65.00%，按一体化规则总分不超过 79 分（原为 96.5 分）。"


def test_placeholder_rows_are_not_scored():
    table = _table(10, 10, [Indicator(level1="产出指标", level2="质量指标", name="指标 1："), ind("1次", "1次", 90.0)])
    assert [r.index for r in score_table(table, Settings.default()).indicators] == [1]


def test_suggested_total_never_exceeds_100_when_points_are_misallocated():
    rows = [ind("1次", "1次", 50.0), ind("1次", "1次", 50.0)]  # Σ 100 instead of 90 (seed 000's slip)
    result = score_table(_table(10, 10, rows), Settings.default())
    assert (result.suggested_total, result.grade) == (100.0, "优")
    assert result.cap == "执行得分与指标得分合计 110 分，超过 100 分（分值设置有误），按 100 分计。"

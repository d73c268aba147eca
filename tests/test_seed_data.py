"""The digitised seed tables (tests/data/seed*.json) load into the model and carry what the paper prints.

Every figure asserted here is read off the seed text extractions in /work/shared/seeds
(000 洋湖 2022, 001 伍家岭 2022, 002 东方红 2022, 003 王家河 2023, 004 砂子塘 2020), slips included; tests/data/README.md says how
each table was digitised. The assertions are on the printed figures, computed from the loaded
model, so a digitising slip shows here — what the tool should conclude is tested elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perfeval_xl.core.model import EXPENSE_ROWS, Indicator, Submission
from perfeval_xl.core.serialize import submission_from_json, submission_to_json

DATA = Path(__file__).parent / "data"
SEED000 = DATA / "seed000_yanghu_2022.json"
SEED001 = DATA / "seed001_wujialing_2022.json"
SEED002 = DATA / "seed002_dongfanghong_2022.json"
SEED003 = DATA / "seed003_wangjiahe_2023.json"
SEED004 = DATA / "seed004_shazitang_2020.json"


def load(path: Path) -> Submission:
    return submission_from_json(path.read_text(encoding="utf-8"))


def filled(indicators: list[Indicator]) -> list[Indicator]:
    return [i for i in indicators if not i.is_placeholder()]


def sum_points(indicators: list[Indicator]) -> float:
    return sum(i.points or 0 for i in filled(indicators))


def sum_scores(indicators: list[Indicator]) -> float:
    return sum(i.score or 0 for i in filled(indicators))


@pytest.fixture(scope="module")
def s000() -> Submission:
    return load(SEED000)


@pytest.fixture(scope="module")
def s001() -> Submission:
    return load(SEED001)


@pytest.fixture(scope="module")
def s002() -> Submission:
    return load(SEED002)


@pytest.fixture(scope="module")
def s003() -> Submission:
    return load(SEED003)


@pytest.fixture(scope="module")
def s004() -> Submission:
    return load(SEED004)


# ---------------------------------------------------------------------------- all files


@pytest.mark.parametrize("path", [SEED000, SEED001, SEED002, SEED003, SEED004], ids=lambda p: p.stem)
def test_round_trip_is_identical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert submission_to_json(submission_from_json(text)) == text


@pytest.mark.parametrize("path", [SEED000, SEED001, SEED002, SEED003, SEED004], ids=lambda p: p.stem)
def test_paper_data_has_no_workbook_sources(path: Path) -> None:
    assert "_sources" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", [SEED000, SEED001, SEED003], ids=lambda p: p.stem)
def test_indicator_levels_have_no_layout_spaces(path: Path) -> None:
    sub = load(path)
    tables = list(sub.projects) + ([sub.department] if sub.department else [])
    for table in tables:
        for ind in table.indicators:
            assert ind.level1 and ind.level2
            assert not any(ch.isspace() for ch in ind.level1 + ind.level2), (ind.level1, ind.level2)
            assert "<p>" not in ind.target + ind.actual + ind.deviation_reason
            assert ind.qualitative_grade == ""


# ---------------------------------------------------------------------------- seed 000


def test_seed000_unit(s000: Submission) -> None:
    u = s000.unit
    assert (u.unit_name, u.budget_code, u.year, u.report_date) == (
        "长沙市岳麓区洋湖街道办事处", "124013", 2022, "2023-03-26")
    assert s000.department is None and s000.basic_data is None and s000.rubric is None


def test_seed000_project_names_and_headers(s000: Submission) -> None:
    assert [(p.name, p.competent_dept, p.implementing_unit) for p in s000.projects] == [
        ("两保站人员工资", "洋湖街道办事处", "财政所"),
        ("预留奖金", "洋湖街道办事处", "财政所"),
        ("行政审批办综合工作经费", "洋湖街道办事处", "行政审批办"),
        ("党建办综合工作经费", "洋湖街道办事处", "党建办"),
        ("城管办拆控违", "洋湖街道办事处", "城管办"),
    ]
    for p in s000.projects:
        assert p.evaluation_method == "部门（单位）绩效自评"
        assert p.evaluation_body == "部门（单位）评价组"
        assert p.report_date == "2023-03-26"
    # Covers: only project 2 prints all three names, project 4 only the preparer.
    assert [(p.unit_head, p.project_head, p.preparer) for p in s000.projects] == [
        ("", "", ""), ("傅言", "刘记", "文奇"), ("", "", ""), ("", "", "黄洁"), ("", "", ""),
    ]


# name: (年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分, 总分分值, 总分得分) as printed
SEED000_FUNDING = {
    "两保站人员工资": (64.707, 64.707, 60.63, 100, 0.937, 100, 100, 100),
    "预留奖金": (115.50, 115.50, 105.95, 100, 0.9174, 100, 100, 100),
    "行政审批办综合工作经费": (186, 186, 183.19, 100, 0.9849, 100, 100, 98),
    "党建办综合工作经费": (134, 134, 127.38, 100, 0.9506, 100, 100, 98),
    "城管办拆控违": (50, 50, 50, 100, 1.0, 100, 100, 98),
}


@pytest.mark.parametrize("name", list(SEED000_FUNDING))
def test_seed000_funding_execution_and_total(s000: Submission, name: str) -> None:
    (p,) = [p for p in s000.projects if p.name == name]
    initial, annual, executed, ex_points, ex_rate, ex_score, total_points, total_score = SEED000_FUNDING[name]
    t = p.funding_total
    assert (t.initial_budget, t.annual_budget, t.executed) == pytest.approx((initial, annual, executed))
    c = p.funding_current_year
    assert (c.initial_budget, c.annual_budget, c.executed) == pytest.approx((initial, annual, executed))
    assert p.funding_carryover.is_blank() and p.funding_other.is_blank()
    assert (p.execution_points, p.execution_rate, p.execution_score) == pytest.approx((ex_points, ex_rate, ex_score))
    assert (p.total_points, p.total_score) == pytest.approx((total_points, total_score))
    assert p.stated_grade == ""


def test_seed000_printed_slips_are_kept(s000: Submission) -> None:
    reserve = s000.projects[1]
    # printed 91.74% although 105.95 / 115.50 = 91.73%
    assert reserve.execution_rate == pytest.approx(0.9174)
    assert round(reserve.funding_total.executed / reserve.funding_total.annual_budget, 4) == pytest.approx(0.9173)
    for p in s000.projects:
        assert p.execution_points == 100  # printed 100 on the execution row, not 10
        # 总分 printed without the execution score
        assert p.total_score == pytest.approx(sum_scores(p.indicators))


# name: (Σ 分值, Σ 得分, number of filled rows, number of placeholder rows)
SEED000_INDICATOR_SUMS = {
    "两保站人员工资": (100, 100, 5, 6),
    "预留奖金": (100, 100, 5, 6),
    "行政审批办综合工作经费": (100, 98, 9, 0),
    "党建办综合工作经费": (100, 98, 5, 6),
    "城管办拆控违": (100, 98, 5, 0),
}


@pytest.mark.parametrize("name", list(SEED000_INDICATOR_SUMS))
def test_seed000_indicator_sums(s000: Submission, name: str) -> None:
    (p,) = [p for p in s000.projects if p.name == name]
    points, scores, n_filled, n_placeholders = SEED000_INDICATOR_SUMS[name]
    assert sum_points(p.indicators) == pytest.approx(points)
    assert sum_scores(p.indicators) == pytest.approx(scores)
    assert len(filled(p.indicators)) == n_filled
    assert len(p.indicators) - n_filled == n_placeholders


def rows(p) -> list[tuple]:
    return [(i.level1, i.level2, i.name, i.target, i.actual, i.points, i.score) for i in p.indicators]


def test_seed000_liangbaozhan_rows(s000: Submission) -> None:
    assert rows(s000.projects[0]) == [
        ("产出指标", "数量指标", "指标 1：足额支付低保站人员工资", "12 次", "12 次", 20, 20),
        ("产出指标", "数量指标", "指标 2：足额支付社保站人员工资", "12 次", "12 次", 20, 20),
        ("产出指标", "质量指标", "指标 1：", "", "", None, None),
        ("产出指标", "时效指标", "指标 1：及时支付低保站人员工资", "每月底", "每月底", 20, 20),
        ("产出指标", "时效指标", "指标 2：及时支付社保站人员工资", "每月底", "每月底", 20, 20),
        ("产出指标", "成本指标", "指标 1：", "", "", None, None),
        ("效益指标", "经济效益指标", "指标 1：", "", "", None, None),
        ("效益指标", "社会效益指标", "指标 1：两保站人员认真细致完成本职工作", "完成", "完成", 20, 20),
        ("效益指标", "生态效益指标", "指标 1：", "", "", None, None),
        ("效益指标", "可持续影响指标", "指标 1：", "", "", None, None),
        ("满意度指标", "服务对象满意度指标", "指标 1：", "", "", None, None),
    ]
    assert s000.projects[0].goal_expected == "及时足额发放两保站工作人员工资"
    assert s000.projects[0].goal_actual == "已及时足额发放两保站工作人员工资"


def test_seed000_reserve_rows(s000: Submission) -> None:
    assert rows(s000.projects[1]) == [
        ("产出指标", "数量指标", "指标 1: 补助社区支出", "20 万", "30 万", 20, 20),
        ("产出指标", "数量指标", "指标 2: 下拨疫情防控专项经费", "10 万", "16 万", 20, 20),
        ("产出指标", "质量指标", "指标 1:", "", "", None, None),
        ("产出指标", "时效指标", "指标 1: 及时支付突发紧急项目资金", "及时", "及时支付", 20, 20),
        ("产出指标", "时效指标", "指标 2:", "", "", None, None),
        ("产出指标", "成本指标", "指标 1:", "", "", None, None),
        ("效益指标", "经济效益指标", "指标 1:", "", "", None, None),
        ("效益指标", "社会效益指标", "指标 1: 街道紧急事项完成度", "完成", "完成", 20, 20),
        ("效益指标", "生态效益指标", "指标 1:", "", "", None, None),
        ("效益指标", "可持续影响指标", "指标 1:", "", "", None, None),
        ("满意度指标", "服务对象满意度指标", "指标 1: 居民满意度", "80%", "满意", 20, 20),
    ]


def test_seed000_approval_office_rows(s000: Submission) -> None:
    p = s000.projects[2]
    assert [(i.level1, i.level2, i.name, i.points, i.score) for i in p.indicators] == [
        ("产出指标", "数量指标", "指标 1：开展各类宣传教育培训活动", 10, 10),
        ("产出指标", "数量指标", "指标 2：全街接种新冠疫苗 10 万剂次以上", 12, 12),
        ("产出指标", "质量指标", "指标 1: 社会救助精准", 12, 12),
        ("产出指标", "时效指标", "指标 1: 老幼关怀及时", 10, 10),
        ("效益指标", "社会效益指标", "指标 1: 强化社区社会组织培育", 12, 12),
        ("效益指标", "社会效益指标", "指标 2：特殊关怀到位", 12, 12),
        ("效益指标", "可持续影响指标", "指标 1：用好专项平台，最大限度方便企业和群众办事", 12, 10),
        ("满意度指标", "服务对象满意度指标", "指标 1: 社区服务参与积极性", 10, 10),
        ("满意度指标", "服务对象满意度指标", "指标 2: 政务服务便捷度", 10, 10),
    ]
    first = p.indicators[0]
    assert (first.target, first.actual) == (
        "20 场以上", "深入开展“利剑护蕾”专项行动，寒暑假期间开展各类宣传教育培训活动 63 场次，参与学生 2000 余人次。")
    assert (p.indicators[1].target, p.indicators[1].actual) == ("10 万剂次以上", "共接种新冠疫苗约 18 万剂次")
    care = p.indicators[5]
    assert care.target == "对全街残疾人基本情况建档立册，及时做好资料审核与异动，利用政策为残疾人服务。"
    assert care.actual.startswith("街道现有两补领取对象 193 人，")
    assert care.actual.endswith("发放慰问费 6.8 万元。")
    platform = p.indicators[6]
    assert platform.actual == "2022 年系统录入数据 1060 余件。压缩率达到 88%，覆盖率达到 85%。"
    assert platform.deviation_reason.startswith("社区（村）一站式服务尚未完全到位；")
    assert [i.deviation_reason != "" for i in p.indicators] == [False] * 6 + [True] + [False] * 2
    assert p.indicators[8].actual == "街道“上门办”服务工作获先进社区(村) 2 个(全区共评选 28 个)。"


def test_seed000_party_office_rows(s000: Submission) -> None:
    assert rows(s000.projects[3]) == [
        ("产出指标", "数量指标", "指标 1：七一纪念表彰活动", "1 次", "1 次", 20, 20),
        ("产出指标", "数量指标", "指标 2：组织干部职工体检", "1 次", "1 次", 20, 20),
        ("产出指标", "质量指标", "指标 1：", "", "", None, None),
        ("产出指标", "时效指标", "指标 1：按时党员慰问", "按时", "按时", 20, 20),
        ("产出指标", "时效指标", "指标 2：远程教育站点及时维护", "及时", "及时", 20, 19),
        ("产出指标", "成本指标", "指标 1：", "", "", None, None),
        ("效益指标", "经济效益指标", "指标 1：", "", "", None, None),
        ("效益指标", "社会效益指标", "指标 1：", "", "", None, None),
        ("效益指标", "生态效益指标", "指标 1：", "", "", None, None),
        ("效益指标", "可持续影响指标", "指标 1：", "", "", None, None),
        ("满意度指标", "服务对象满意度指标", "指标 1：工作人员满意度", "80%", "满意", 20, 19),
    ]
    # the two 19-point rows print no 偏差原因
    assert all(i.deviation_reason == "" for i in s000.projects[3].indicators)
    assert s000.projects[3].goal_actual.startswith("全街 59 个党支部标准化规范化达标建设全面完成")


def test_seed000_urban_management_rows(s000: Submission) -> None:
    assert rows(s000.projects[4]) == [
        ("产出指标", "数量指标", "指标 1: 按规定数量拆除", "区拆违办交办数量", "区拆违办交办数量", 20, 20),
        ("产出指标", "时效指标", "指标 1: 年底全面完成各项工作", "完成", "年底全面完成各项工作", 20, 20),
        ("效益指标", "经济效益指标", "指标 1: 美化环境拉动经济", "拉动", "美化环境拉动经济", 20, 20),
        ("效益指标", "生态效益指标", "指标 1: 美化环境", "美化", "美化环境", 20, 19),
        ("满意度指标", "服务对象满意度指标", "指标 1: 街道居民满意", "80%", "街道居民满意", 20, 19),
    ]
    assert all(i.deviation_reason == "" for i in s000.projects[4].indicators)


# ---------------------------------------------------------------------------- seed 001


def test_seed001_unit_and_department_money(s001: Submission) -> None:
    u = s001.unit
    assert (u.unit_name, u.budget_code, u.year, u.preparer, u.report_date) == (
        "长沙市开福区伍家岭街道办事处", "", 2022, "", "")
    assert s001.rubric is None
    d = s001.department
    assert d.dept_name == "长沙市开福区伍家岭街道办事处"
    # "2022年初预算数为3338.72万元，决算数为5437.72万元，…相差2099万元"; no 全年预算数 printed
    assert (d.budget.initial_budget, d.budget.annual_budget, d.budget.executed) == (3338.72, None, 5437.72)
    assert round(d.budget.executed - d.budget.initial_budget, 2) == 2099
    assert (d.execution_points, d.execution_rate, d.execution_score) == (None, None, None)
    assert (d.income_general_budget, d.income_government_fund, d.income_special_account, d.income_other) == (
        None, None, None, None)
    # the 一般公共预算 基本支出 / 项目支出 of section 二
    assert (d.spending_basic, d.spending_project) == (2400.49, 2910.23)
    assert (d.total_points, d.total_score, d.stated_grade, d.goal_actual) == (None, None, "", "")


def test_seed001_spending_split_covers_the_general_budget_only(s001: Submission) -> None:
    d = s001.department
    # 5437.72 is 2400.49 + 2910.23 + 政府性基金 16 + 国有资本经营 38.45 + 其他支出 72.55 (sections 3, 4, 6);
    # the text splits only the 一般公共预算 into 基本/项目, so Σ 支出性质 falls 127.00 short
    assert round(d.spending_basic + d.spending_project, 2) == 5310.72
    assert round(d.budget.executed - (d.spending_basic + d.spending_project), 2) == round(16 + 38.45 + 72.55, 2)


def test_seed001_goal_and_indicators(s001: Submission) -> None:
    d = s001.department
    assert d.goal_expected.startswith("2022年部门整体支出绩效目标分为部门产出指标和部门效益指标。部门产出指标具体设置为：（1）质量指标：")
    assert d.goal_expected.endswith("（4）生态效益指标：坚持新发展理念，统筹兼顾抓好经济发展和生态环境保护，实现高质量、可持续发展。")
    assert [(i.level1, i.level2, i.name, i.target) for i in d.indicators] == [
        ("产出指标", "质量指标", "保障街道机关干部和14名社区退休人员及街道日常支出，确保各项工作任务顺利完成", ""),
        ("产出指标", "时效指标", "完成所有任务目标", "2022年年底"),
        ("产出指标", "成本指标", "成本节约率", "大于等于0%"),
        ("产出指标", "数量指标", "重点工作办结率", "达100%"),
        ("产出指标", "数量指标", "部门整体支出支付进度", "合理"),
        ("效益指标", "社会公众及服务对象满意度", "持续改善和保障民生工作，不断增强居民群众的获得感、幸福感和满意度", ""),
        ("效益指标", "经济效益指标", "持续优化政务服务和营商环境，用心帮扶服务企业，推进我街道经济发展实现量质齐升", ""),
        ("效益指标", "社会效益指标",
         "坚决贯彻落实区委区政府部署要求，统筹抓好城市管理、安全生产、公共服务、基层党建、文明创建、社会治理等各项工作，营造良好生产生活环境", ""),
        ("效益指标", "生态效益指标", "坚持新发展理念，统筹兼顾抓好经济发展和生态环境保护，实现高质量、可持续发展", ""),
    ]
    # the narrative states targets only: no actual, 分值, 得分 or 偏差原因 for any indicator
    for i in d.indicators:
        assert (i.actual, i.points, i.score, i.deviation_reason) == ("", None, None, "")
        assert not i.is_placeholder()


# name: 2022 spending (万元) as printed in 二、（二）项目支出情况
SEED001_PROJECTS = {
    "背街小巷清扫保洁经费": 201.35,
    "城市管理": 465.40,
    "公共服务": 1452.90,
    "两保人员经费": 30.10,
    "其他事务": 299.68,
    "社会管理": 239.25,
    "协管员工资保险经费": 80.44,
    "治安巡防队员、流动人口协管员经费": 141.10,
}


def test_seed001_projects(s001: Submission) -> None:
    assert {p.name: p.funding_total.executed for p in s001.projects} == SEED001_PROJECTS
    assert [p.name for p in s001.projects] == list(SEED001_PROJECTS)
    for p in s001.projects:
        assert (p.funding_total.initial_budget, p.funding_total.annual_budget) == (None, None)
        for row in (p.funding_current_year, p.funding_carryover, p.funding_other):
            assert row.is_blank()
        assert p.indicators == [] and p.goal_actual == ""
        assert (p.execution_points, p.execution_rate, p.execution_score, p.total_points, p.total_score) == (
            None, None, None, None, None)
    goals = {p.name: p.goal_expected for p in s001.projects}
    assert goals["背街小巷清扫保洁经费"].startswith("①满意度指标：社会公众满意度大于等于90%；②成本指标：项目的成本节约率大于等于0；")
    assert goals["协管员工资保险经费"] == (
        "①效益指标：有效保障城管协管员合法权益；②满意度指标：城管协管员满意度大于等于90%；"
        "③成本指标：项目的成本节约率大于等于0；④产出指标：按时发放城管协管员工资、保险。")
    assert goals["治安巡防队员、流动人口协管员经费"].endswith("④产出指标：按时发放治安巡防队员、流动人口协管员工资、保险。")


def test_seed001_printed_slips_are_kept(s001: Submission) -> None:
    # the eight projects add up to 2910.22, the printed 项目支出 is 2910.23
    assert round(sum(p.funding_total.executed for p in s001.projects), 2) == 2910.22
    assert s001.department.spending_project == 2910.23


def test_seed001_basic_data(s001: Submission) -> None:
    b = s001.basic_data
    # "2022年末本单位实有在职干部人数59人"; no 编制数, so no 控制率
    assert (b.filling_unit, b.staff_authorized, b.staff_actual, b.staff_control_rate) == ("", None, 59, None)
    assert b.expenses == {} and b.special_funds == [] and b.buildings == [] and b.frugality_measures == ""


# ---------------------------------------------------------------------------- seed 002


def test_seed002_unit_and_department(s002: Submission) -> None:
    u = s002.unit
    assert (u.unit_name, u.budget_code, u.year, u.preparer, u.report_date) == (
        "长沙市岳麓区东方红街道办事处", "", 2022, "", "2023-10-25")
    assert s002.projects == [] and s002.rubric is None
    d = s002.department
    assert d.dept_name == "长沙市岳麓区东方红街道办事处"
    # "预算收入4,263.67万元" (also "年初预算资金4,263.67万元"); "预算支出6597.28 万元"
    assert (d.budget.initial_budget, d.budget.annual_budget, d.budget.executed) == (4263.67, None, 6597.28)
    assert (d.spending_basic, d.spending_project) == (1917, 4680.28)
    assert round(d.spending_basic + d.spending_project, 2) == d.budget.executed
    assert (d.income_general_budget, d.income_government_fund, d.income_special_account, d.income_other) == (
        None, None, None, None)
    assert (d.execution_points, d.execution_rate, d.execution_score, d.total_points, d.total_score) == (
        None, None, None, None, None)
    assert (d.goal_expected, d.goal_actual, d.indicators) == ("", "", [])
    assert d.stated_grade == "优秀"  # "绩效自评优秀", as printed (not 优)


def test_seed002_basic_data(s002: Submission) -> None:
    b = s002.basic_data
    # "现有工作人员共计200人" (工作人员, not said to be 在职 on 编制); no 编制数
    assert (b.filling_unit, b.staff_authorized, b.staff_actual, b.staff_control_rate) == ("", None, 200, None)
    assert b.expenses == {} and b.special_funds == [] and b.buildings == [] and b.frugality_measures == ""


# ---------------------------------------------------------------------------- seed 003


def test_seed003_unit_and_department_money(s003: Submission) -> None:
    assert (s003.unit.unit_name, s003.unit.budget_code, s003.unit.year) == ("岳阳市岳阳楼区王家河街道办事处", "", 2023)
    assert s003.projects == [] and s003.rubric is None
    d = s003.department
    assert d.dept_name == "岳阳市岳阳楼区王家河街道办事处"
    assert (d.budget.initial_budget, d.budget.annual_budget, d.budget.executed) == pytest.approx(
        (956.66, 1577.26, 1577.26))
    assert (d.execution_points, d.execution_rate, d.execution_score) == pytest.approx((10, 1.0, 10.0))
    income = (d.income_general_budget, d.income_government_fund, d.income_special_account, d.income_other)
    assert income == pytest.approx((1467.43, 0.0, 0.0, 109.83))
    assert (d.spending_basic, d.spending_project) == pytest.approx((1023.74, 553.52))
    assert sum(income) == pytest.approx(1577.26)
    assert d.spending_basic + d.spending_project == pytest.approx(1577.26)
    assert d.total_points is None and d.total_score is None  # no 总分 row printed


def test_seed003_goals(s003: Submission) -> None:
    d = s003.department
    assert d.goal_expected.startswith("1、强化思想淬炼，筑牢信仰之基。 2、突出项目为王，注入内生动力。")
    assert d.goal_expected.endswith("6、坚持刀刃向内，持续正风肃纪。")
    assert d.goal_actual.startswith("1、开展理论学习研讨4次，中心组学习12次；")
    assert d.goal_actual.endswith("6、签订承诺书117份；开展廉政谈话110人次。")


def test_seed003_indicator_sums(s003: Submission) -> None:
    inds = s003.department.indicators
    assert len(inds) == 27
    assert len(filled(inds)) == 25
    assert sum_points(inds) == pytest.approx(90)
    # 决算真实性 prints only its 分值 (3): its 得分 cell is missing from the seed, so Σ 得分 = 83.8
    assert sum_scores(inds) == pytest.approx(83.8)
    by_level1: dict[str, float] = {}
    for i in filled(inds):
        by_level1[i.level1] = by_level1.get(i.level1, 0) + i.points
    assert by_level1 == pytest.approx({"产出指标": 52, "效益指标": 23, "满意度指标": 5, "成本指标": 10})


def test_seed003_indicator_rows(s003: Submission) -> None:
    inds = s003.department.indicators
    assert [(i.level1, i.level2) for i in inds] == (
        [("产出指标", "数量指标")] * 10 + [("产出指标", "质量指标")] * 2 + [("产出指标", "时效指标")] * 6
        + [("效益指标", "经济效益指标"), ("效益指标", "社会效益指标"), ("效益指标", "生态效益指标"),
           ("效益指标", "可持续影响指标"), ("满意度指标", "服务对象满意度指标")]
        + [("成本指标", "经济成本指标")] * 2 + [("成本指标", "社会成本指标"), ("成本指标", "生态环境成本指标")])
    assert [(i.name, i.points, i.score) for i in inds] == [
        ("三公经费控制率", 3, 3), ("预算执行率", 3, 3), ("预算编制完整", 3, 3),
        ("开展安全生产隐患排查整治行动", 3, 3), ("固定资产投资总量", 3, 3), ("开展环境整治次数", 3, 3),
        ("深入践行“群英断是非”工作法", 3, 3), ("完成网格化工作任务", 3, 3),
        ("完成老旧小区改造项目建设工作", 3, 3), ("全年税收收入", 3, 3),
        ("决算真实性", 3, None), ("管理制度健全性", 3, 2),
        ("旧改项目验收合格率", 3, 3), ("公共财政支出进度", 3, 3), ("预决算公开及时性", 2, 2),
        ("乡镇各项补贴资金及时发放", 3, 3), ("工资发放及时率", 3, 3), ("12345等工单及时回复", 2, 2),
        ("年度工作达标率", 5, 4.8), ("促进社会治安稳定", 6, 5), ("生态环境", 6, 6), ("社会公众服务", 6, 6),
        ("满意度", 5, 4), ("行政成本控制", 5, 5), ("本单位财政供养人数", 5, 5),
        ("", None, None), ("", None, None),
    ]
    assert [i.is_placeholder() for i in inds[-2:]] == [True, True]
    targets = {i.name: (i.target, i.actual) for i in inds}
    assert targets["固定资产投资总量"] == ("≥8亿元", "8.4亿元")
    assert targets["全年税收收入"] == (">2000万元", ">2000万元")
    assert targets["深入践行“群英断是非”工作法"] == (
        "组织群英会≥50次，解决群众急难愁盼问题≥50件", "组织群英会80次，解决群众急难愁盼问题57件")
    assert targets["开展环境整治次数"] == ("≥200次", "全年开展综合整治提质扩面大清扫、清理家园整治活动约270余")
    assert targets["行政成本控制"] == ("“三公”经费同比下降", "同比下降100%")
    assert targets["本单位财政供养人数"] == ("≥58人", "58人")
    assert targets["促进社会治安稳定"] == ("辖区治安稳定, 全年无重大政治事件及安全生产事故", "辖区治安稳定, 无重大事故")
    reasons = {i.name: i.deviation_reason for i in inds if i.deviation_reason}
    assert reasons == {
        "管理制度健全性": "部分制度未及时更新",
        "年度工作达标率": "极个别工作有待提升",
        "满意度": "满意度有待进一步提升",
    }


# key: (上年决算数, 本年预算数, 本年决算数)
SEED003_EXPENSES = {
    "three_public": (9.63, 0, 0),
    "vehicles": (0, 0, 0),
    "vehicle_purchase": (0, 0, 0),
    "vehicle_operation": (0, 0, 0),
    "overseas": (0, 0, 0),
    "reception": (9.63, 0, 0),
    "project_spending": (0, 5, 553.52),
    "business": (0, 5, 5),
    "operation": (0, 0, 0),
    "district_special": (0, 0, 548.52),
    "public_funds": (180.26, 109.8, 190.92),
    "office": (52.83, 19.2, 29.47),
    "utilities_travel": (17.27, 16.7, 18.83),
    "meetings_training": (3.1, 0.5, 0.32),
    "procurement": (0, 109.8, 162.79),
    "budget_adjustment": (None, None, None),
}


def test_seed003_basic_data(s003: Submission) -> None:
    b = s003.basic_data
    assert b.filling_unit == "岳阳市岳阳楼区王家河街道办事处"
    assert (b.staff_authorized, b.staff_actual, b.staff_control_rate) == pytest.approx((58, 58, 1.0))
    assert list(b.expenses) == [key for key, _, _ in EXPENSE_ROWS]
    for key, figures in SEED003_EXPENSES.items():
        row = b.expenses[key]
        assert (row.prior_final, row.budget, row.final) == pytest.approx(figures), key
        assert row.name == ""
    assert [(r.name, r.prior_final, r.budget, r.final) for r in b.special_funds] == [("本级专项资金", 0, 0, 548.52)]
    assert b.buildings == []
    assert b.frugality_measures.startswith("开展厉行节约、杜绝浪费宣传教育")
    assert b.frugality_measures.endswith("严把审核关、监督关。")


# ---------------------------------------------------------------------------- seed 004


# key: (2019年决算数, 2020年预算数, 2020年决算数); 区级专项资金 is not on the 2020 form
SEED004_EXPENSES = {
    "three_public": (6.6, 6.64, 3.25),
    "vehicles": (6.6, 5.94, 3.25),
    "vehicle_purchase": (0, 0, 0),
    "vehicle_operation": (6.6, 5.94, 3.25),
    "overseas": (0, 0, 0),
    "reception": (0, 0.7, 0),
    "project_spending": (3801.57, 1329, 3533.12),
    "business": (2082.51, 519, 1902.77),
    "operation": (1719.06, 810, 1630.35),
    "public_funds": (103.7, 134.89, 134.89),
    "office": (14.79, 26.2, 15.14),
    "utilities_travel": (22.79, 28, 22.22),
    "meetings_training": (2.44, 6, 2.32),
    "procurement": (556.6, 530, 507.99),
    "budget_adjustment": (5410.86, 3108, 5428.73),
}


def test_seed004_unit(s004: Submission) -> None:
    u = s004.unit
    assert (u.unit_name, u.budget_code, u.year, u.preparer, u.report_date) == (
        "长沙市雨花区砂子塘街道办事处", "", 2020, "", "")
    assert s004.projects == [] and s004.department is None


def test_seed004_basic_data(s004: Submission) -> None:
    b = s004.basic_data
    assert b.filling_unit == "长沙市雨花区砂子塘街道办事处"
    assert (b.staff_authorized, b.staff_actual, b.staff_control_rate) == pytest.approx((55, 48, 0.87))
    assert list(b.expenses) == [key for key, _, _ in EXPENSE_ROWS if key != "district_special"]
    for key, figures in SEED004_EXPENSES.items():
        row = b.expenses[key]
        assert (row.prior_final, row.budget, row.final) == pytest.approx(figures), key
    assert b.special_funds == []  # the "……" row is printed empty
    assert [(r.name, r.approved_area, r.actual_area, r.area_control_rate, r.budget_investment,
             r.actual_investment, r.investment_control_rate) for r in b.buildings] == [("", 0, 0, 0, 0, 0, 0)]
    assert b.frugality_measures == ""


SEED004_RUBRIC = [
    ("goal_rationality", 2, 2), ("indicator_clarity", 4, 4), ("staff_control", 4, 2),
    ("budget_execution", 6, 5.5), ("budget_adjustment", 3, 0), ("carryover", 2, 0),
    ("three_public_control", 2, 2), ("procurement", 2, 1.6), ("management_rules", 3, 3),
    ("fund_compliance", 6, 6), ("disclosure", 2, 2), ("self_evaluation", 4, 4), ("rectification", 5, 5),
    ("asset_rules", 2, 2), ("asset_safety", 2, 2), ("fixed_assets", 1, 1),
    ("completion_rate", 7, 7), ("timeliness_rate", 5, 5), ("quality_rate", 7, 7), ("key_work_rate", 6, 6),
    ("economic_benefit", 5, 5), ("social_benefit", 7, 7), ("ecological_benefit", 5, 5), ("satisfaction", 8, 8),
]


def test_seed004_rubric(s004: Submission) -> None:
    r = s004.rubric
    assert [(e.key, e.points, e.score) for e in r.entries] == SEED004_RUBRIC
    assert (r.total_points, r.total_score) == pytest.approx((100, 92.1))
    assert sum(e.points for e in r.entries) == pytest.approx(100)
    assert sum(e.score for e in r.entries) == pytest.approx(92.1)
    # facts printed by the seed (the others are implied by its scores: tests/data/README.md)
    assert (r.facts["budget_with_additions"], r.facts["has_carryover"]) == (5808.7, True)
    # the four 一级 blocks as printed: 投入 10, 过程 40, 产出 25, 效果 25
    points = [e.points for e in r.entries]
    assert (sum(points[:3]), sum(points[3:16]), sum(points[16:20]), sum(points[20:])) == (10, 40, 25, 25)

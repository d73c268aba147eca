"""Hypothesis properties of the scorer: it never raises, stays within [0, 分值], and a positive
indicator's score never falls as the actual value grows."""

from hypothesis import given, settings as hsettings, strategies as st

from perfeval_xl.core.model import Indicator, PerformanceTable, ProjectTable, FundingRow
from perfeval_xl.core.scoring import score_indicator, score_table
from perfeval_xl.core.settings import Settings
from perfeval_xl.core.validate import validate

SETTINGS = Settings.default()
UNITS = st.sampled_from(["次", "人", "万元", "亿元", "%", "场", "件", "", "万剂次"])
OPS = st.sampled_from(["", "≥", ">", "≤", "<", "不少于", "不超过"])
SUFFIX = st.sampled_from(["", "以上", "以内", "余", "及以上"])
NUM = st.one_of(st.integers(0, 100000).map(str), st.floats(0, 1e5, allow_nan=False).map(lambda x: f"{x:.2f}"))
VALUE = st.one_of(st.text(max_size=40), st.builds(lambda o, n, u, s: f"{o}{n}{u}{s}", OPS, NUM, UNITS, SUFFIX),
                  st.sampled_from(["每月底", "完成", "满意", "0次", "同比下降", "同比下降100%", "无重大事故",
                                   "组织群英会≥50次，解决问题≥50件", "区拆违办交办数量", "约18万剂次"]))
POINTS = st.one_of(st.none(), st.floats(0, 100, allow_nan=False))


@hsettings(max_examples=400, deadline=None)
@given(VALUE, VALUE, POINTS, st.sampled_from(["", "达成", "部分达成", "未达成", "随便"]), st.text(max_size=10))
def test_indicator_score_never_raises_and_stays_in_range(target, actual, points, grade, name):
    s = score_indicator(Indicator(name=name, target=target, actual=actual, points=points,
                                  qualitative_grade=grade), SETTINGS)
    if s.value is not None:
        assert points is not None and 0 <= s.value <= points + 1e-9
    if s.band is not None:
        assert 0 <= s.band[0] <= s.band[1] <= (points or 0) + 1e-9


@hsettings(max_examples=300, deadline=None)
@given(st.sampled_from(["", "≥", ">", "不少于"]), st.integers(1, 10**6), st.sampled_from(["次", "人", "万元", "%"]),
       st.integers(0, 3 * 10**6), st.integers(0, 3 * 10**6), st.integers(1, 50))
def test_positive_indicator_is_monotone_in_the_actual(op, target, unit, a1, a2, points):
    low, high = sorted((a1, a2))
    target_text = f"{op}{target}{unit}"

    def score(actual):
        return score_indicator(Indicator(target=target_text, actual=f"{actual}{unit}", points=float(points)), SETTINGS).value

    assert score(low) is not None and score(low) <= score(high)


@hsettings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(VALUE, VALUE, POINTS, st.one_of(st.none(), st.floats(-10, 200, allow_nan=False))), max_size=6),
       st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)), st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)))
def test_whole_table_scores_and_validates_without_raising(rows, budget, executed):
    table = ProjectTable(name="性质测试", funding_total=FundingRow(budget, budget, executed),
                         indicators=[Indicator(level1="产出指标", level2="数量指标", name="指标", target=t, actual=a,
                                               points=p, score=sc) for t, a, p, sc in rows])
    result = score_table(table, SETTINGS)
    if result.execution.value is not None:
        assert 0 <= result.execution.value <= SETTINGS["execution.points"]
    from perfeval_xl.core.model import Submission

    report = validate(Submission(projects=[table]))
    assert not [f for f in report.findings if f.rule == "E901"], [f.message for f in report.findings if f.rule == "E901"]

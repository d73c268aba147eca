"""Tests of the messy-value parser (DOMAIN.md §E): every seed string, describe(), odd inputs, properties."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfeval_xl.core import values
from perfeval_xl.core.values import KINDS, ParsedValue, Quantity, money_hint_from_name, normalise_text, parse_value

# --------------------------------------------------------------------------- seed strings, one kind each
# (text, money_hint, kind, op, number, unit, approx, other expected fields)

QUANTITATIVE_CASES = [
    # count
    ("12 次", False, "count", "=", 12.0, "次", False, {"dimension": "count", "text": "12次"}),
    ("58人", False, "count", "=", 58.0, "人", False, {}),
    ("1 次", False, "count", "=", 1.0, "次", False, {}),
    ("1次", False, "count", "=", 1.0, "次", False, {}),
    ("一次", False, "count", "=", 1.0, "次", False, {}),
    ("4.8", False, "count", "=", 4.8, "", False, {"dimension": ""}),
    ("20 万", False, "count", "=", 200000.0, "", False, {"dimension": ""}),
    # amount
    ("8.4亿元", False, "amount", "=", 84000.0, "万元", False, {"dimension": "money"}),
    ("20 万", True, "amount", "=", 20.0, "万元", False, {"dimension": "money"}),
    ("30 万", True, "amount", "=", 30.0, "万元", False, {}),
    ("500元", False, "amount", "=", 0.05, "万元", False, {}),
    # percent
    ("80%", False, "percent", "=", 80.0, "%", False, {"dimension": "percent"}),
    ("98%", False, "percent", "=", 98.0, "%", False, {}),
    ("100%", False, "percent", "=", 100.0, "%", False, {}),
    ("93.70%", False, "percent", "=", 93.7, "%", False, {}),
    ("-5%", False, "percent", "=", -5.0, "%", False, {}),
    ("满意度80%", False, "percent", "=", 80.0, "%", False, {"label": "满意度"}),
    # bound
    ("≥200次", False, "bound", ">=", 200.0, "次", False, {"label": ""}),
    ("≥8亿元", False, "bound", ">=", 80000.0, "万元", False, {"dimension": "money"}),
    (">2000万元", False, "bound", ">", 2000.0, "万元", False, {}),
    ("≥90%", False, "bound", ">=", 90.0, "%", False, {}),
    ("20 场以上", False, "bound", ">=", 20.0, "场", False, {}),
    ("10 万剂次以上", False, "bound", ">=", 100000.0, "剂次", False, {"dimension": "count"}),
    ("1次及以上", False, "bound", ">=", 1.0, "次", False, {}),
    ("大于等于90%", False, "bound", ">=", 90.0, "%", False, {}),
    ("不少于10次", False, "bound", ">=", 10.0, "次", False, {}),
    ("不少于两次", False, "bound", ">=", 2.0, "次", False, {}),
    ("不低于95%", False, "bound", ">=", 95.0, "%", False, {}),
    ("5次以内", False, "bound", "<=", 5.0, "次", False, {}),
    ("不超过3%", False, "bound", "<=", 3.0, "%", False, {}),
    ("低于5%", False, "bound", "<", 5.0, "%", False, {}),
    ("小于5次", False, "bound", "<", 5.0, "次", False, {}),
    ("超过100人", False, "bound", ">", 100.0, "人", False, {}),
    ("大于10件", False, "bound", ">", 10.0, "件", False, {}),
    ("3起以下", False, "bound", "<=", 3.0, "起", False, {}),
    ("≥58人", False, "bound", ">=", 58.0, "人", False, {}),
    ("组织群英会≥50次", False, "bound", ">=", 50.0, "次", False, {"label": "组织群英会"}),
    ("全街接种新冠疫苗 10 万剂次以上", False, "bound", ">=", 100000.0, "剂次", False, {"label": "全街接种新冠疫苗"}),
    # the same, typed with full-width characters, ASCII digraphs and stray spaces
    ("≥ 8 亿元", False, "bound", ">=", 80000.0, "万元", False, {"text": "≥8亿元"}),
    ("≥８亿元", False, "bound", ">=", 80000.0, "万元", False, {"text": "≥8亿元"}),
    ("＞2000万元", False, "bound", ">", 2000.0, "万元", False, {"text": ">2000万元"}),
    (">=90%", False, "bound", ">=", 90.0, "%", False, {"text": "≥90%"}),
    ("<=5%", False, "bound", "<=", 5.0, "%", False, {"text": "≤5%"}),
    ("≧90％", False, "bound", ">=", 90.0, "%", False, {"text": "≥90%"}),
    # approximate ("X余" / "X多" is a lower bound)
    ("约18万剂次", False, "approximate", "=", 180000.0, "剂次", True, {}),
    ("200余次", False, "approximate", ">=", 200.0, "次", True, {}),
    ("约270余", False, "approximate", ">=", 270.0, "", True, {"dimension": ""}),
    ("2000多人", False, "approximate", ">=", 2000.0, "人", True, {}),
    ("100人左右", False, "approximate", "=", 100.0, "人", True, {}),
    ("113万余元", False, "approximate", ">=", 113.0, "万元", True, {}),
    ("共接种新冠疫苗约 18 万剂次", False, "approximate", "=", 180000.0, "剂次", True, {"label": "共接种新冠疫苗"}),
    # one quantity in a 29-character sentence: approximate with the sentence as label
    ("全年开展综合整治提质扩面大清扫、清理家园整治活动约270余", False, "approximate", ">=", 270.0, "", True,
     {"label": "全年开展综合整治提质扩面大清扫、清理家园整治活动"}),
    # zero events
    ("0次", False, "zero_event", "<=", 0.0, "次", False, {}),
    ("0起", False, "zero_event", "<=", 0.0, "起", False, {}),
    ("安全事故0起", False, "zero_event", "<=", 0.0, "起", False, {"label": "安全事故"}),
    ("全年无重大…事故", False, "zero_event", "<=", 0.0, "", False, {}),
    ("辖区治安稳定, 全年无重大政治事件及安全生产事故", False, "zero_event", "<=", 0.0, "", False,
     {"text": "辖区治安稳定,全年无重大政治事件及安全生产事故"}),
    ("辖区治安稳定, 无重大事故", False, "zero_event", "<=", 0.0, "", False, {}),
    ("无重大事故", False, "zero_event", "<=", 0.0, "", False, {}),
    ("零事故", False, "zero_event", "<=", 0.0, "", False, {}),
    ("未发生安全生产事故", False, "zero_event", "<=", 0.0, "", False, {}),
]


@pytest.mark.parametrize(("text", "money_hint", "kind", "op", "number", "unit", "approx", "other"), QUANTITATIVE_CASES)
def test_quantities(text, money_hint, kind, op, number, unit, approx, other):
    v = parse_value(text, money_hint=money_hint)
    assert (v.kind, v.op, v.unit, v.approx) == (kind, op, unit, approx)
    assert v.number == pytest.approx(number, abs=1e-12)
    for name, expected in other.items():
        assert getattr(v, name) == expected, name


DEADLINE_CASES = [
    ("每月底", "每月底", ""),
    ("每月15日前", "每月15日前", ""),
    ("两个工作日内", "2个工作日内", ""),
    ("年底", "年底", ""),
    ("年底前", "年底前", ""),
    ("12月31日前", "12月31日前", ""),
    ("每季度末", "每季度末", ""),
    ("每月15日前足额发放", "每月15日前", "足额发放"),
    ("两个工作日内回复", "2个工作日内", "回复"),
    ("所有工单均在两个工作日内回复", "2个工作日内", "所有工单均在…回复"),
    ("年底全面完成各项工作", "年底", "全面完成各项工作"),
]


@pytest.mark.parametrize(("text", "deadline", "label"), DEADLINE_CASES)
def test_deadlines(text, deadline, label):
    v = parse_value(text)
    assert (v.kind, v.deadline, v.label) == ("deadline", deadline, label)
    assert v.evidence == ()  # numbers inside a deadline are not quantities
    assert v.number is None and not v.is_quantitative


QUALITATIVE = ["完成", "及时", "按时", "真实", "完整", "满意", "美化", "拉动", "高效参与", "及时支付", "已完成",
               "街道居民满意", "美化环境拉动经济", "及时发放到位", "水域等生态环境质量提升", "社会公众服务具有可持续性"]


@pytest.mark.parametrize("text", QUALITATIVE)
def test_qualitative(text):
    v = parse_value(text)
    assert (v.kind, v.quality, v.op, v.number) == ("qualitative", text, "", None)


def test_qualitative_quality_drops_punctuation():
    assert parse_value("成立社会组织或志愿服务站点。").quality == "成立社会组织或志愿服务站点"
    assert parse_value("“三公”经费只减不增").quality == "三公经费只减不增"


@pytest.mark.parametrize(("text", "direction", "change"), [
    ("同比下降100%", "down", -100.0),
    ("“三公”经费同比下降", "down", None),
    ("比上年增长8.59%", "up", 8.59),
    ("较上年减少5%", "down", -5.0),
    ("同比降低", "down", None),
    ("环比提高3%", "up", 3.0),
    ("比上年增加", "up", None),
    ("较2022年上升2%", "up", 2.0),
    ("下降5个百分点", "down", -5.0),
])
def test_relative_change(text, direction, change):
    v = parse_value(text)
    assert (v.kind, v.direction, v.change) == ("relative_change", direction, change)


@pytest.mark.parametrize("text", ["增长率≥5%", "质量提升", "提高至95%"])
def test_change_words_without_comparison_are_not_relative_changes(text):
    assert parse_value(text).kind != "relative_change"


@pytest.mark.parametrize("text", ["区拆违办交办数量", "完成年内系统分配的所有任务", "按相应资金文件时限要求"])
def test_external_reference(text):
    v = parse_value(text)
    assert (v.kind, v.quality) == ("external_reference", text)


def _part(v: ParsedValue) -> tuple:
    return (v.kind, v.op, v.number, v.unit, v.approx, v.label)


@pytest.mark.parametrize(("text", "parts"), [
    ("组织群英会≥50次，解决群众急难愁盼问题≥50件",
     [("bound", ">=", 50.0, "次", False, "组织群英会"), ("bound", ">=", 50.0, "件", False, "解决群众急难愁盼问题")]),
    ("开展日常安全检查200次，组织集中检查≥50次",
     [("count", "=", 200.0, "次", False, "开展日常安全检查"), ("bound", ">=", 50.0, "次", False, "组织集中检查")]),
    ("组织群英会80次，解决群众急难愁盼问题57件",
     [("count", "=", 80.0, "次", False, "组织群英会"), ("count", "=", 57.0, "件", False, "解决群众急难愁盼问题")]),
    ("开展敲门行动日常安全检查200余次，组织集中检查60余次",
     [("approximate", ">=", 200.0, "次", True, "开展敲门行动日常安全检查"),
      ("approximate", ">=", 60.0, "次", True, "组织集中检查")]),
    ("开展日常安全检查200次\n组织集中检查≥50次",  # Alt+Enter inside the cell separates items too
     [("count", "=", 200.0, "次", False, "开展日常安全检查"), ("bound", ">=", 50.0, "次", False, "组织集中检查")]),
])
def test_compound(text, parts):
    v = parse_value(text)
    assert v.kind == "compound"
    assert [_part(p) for p in v.parts] == parts
    assert len(v.evidence) == len(parts)
    assert v.number is None and not v.is_quantitative


def test_narrative_keeps_every_number_as_evidence():
    v = parse_value("深入开展“利剑护蕾” 专项行动，寒暑假期间开展各类宣传教育培训活动 63 场次，参 与学生 2000 余人次。")
    assert v.kind == "narrative"
    assert [(q.number, q.unit, q.op, q.approx) for q in v.evidence] == [(63.0, "场次", "=", False), (2000.0, "人次", ">=", True)]
    for q in v.evidence:
        assert v.text[q.start:q.end] in ("63场次", "2000余人次")


def test_long_list_of_facts_is_narrative_not_compound():
    v = parse_value("设置网格打卡点249个，网格员共计上门服务11252次，报送各类网格事件共计565起，更新数据8836条；"
                    "服务窗口共受理企业、居民申报的各类下沉事项2697")
    assert v.kind == "narrative"
    assert [q.number for q in v.evidence] == [249.0, 11252.0, 565.0, 8836.0, 2697.0]


def test_segment_without_a_quantity_prevents_a_compound():
    v = parse_value("枫树岭片区10个邻里单元老旧小区改造计划，已完成前期准备工作；东升小学塑胶跑道铺设")
    assert v.kind == "narrative"


def test_long_prose_without_numbers_is_narrative():
    v = parse_value("确保应保尽保、应退尽退、应帮尽帮、应助尽助。")
    assert (v.kind, v.evidence) == ("narrative", ())


@pytest.mark.parametrize(("text", "kind"), [("2022年", "qualitative"), ("指标 1：足额支付低保站人员工资", "qualitative"),
                                            ("1、开展宣传", "qualitative"), ("第3次", "qualitative"),
                                            ("2023年3月26日", "deadline")])
def test_dates_years_and_ordinals_are_not_quantities(text, kind):
    v = parse_value(text)
    assert (v.kind, v.evidence) == (kind, ())


def test_evidence_skips_years_inside_prose():
    v = parse_value("2022 年系统录入数据 1060 余件")
    assert [(q.number, q.unit) for q in v.evidence] == [(1060.0, "件")]


def test_words_that_only_look_approximate():
    v = parse_value("节约3万元")
    assert (v.kind, v.number, v.approx) == ("amount", 3.0, False)
    assert parse_value("一次性补助").kind == "qualitative"


@pytest.mark.parametrize("text", ["", "   ", "—", "-", "/", "——"])
def test_empty(text):
    v = parse_value(text)
    assert v.kind == "empty" and v.evidence == ()


# --------------------------------------------------------------------------- describe()


@pytest.mark.parametrize(("text", "expected"), [
    ("≥8亿元", "下限：≥ 80000 万元（原文“≥8亿元”）"),
    ("每月底", "期限：每月底"),
    ("完成", "定性：完成"),
    ("组织群英会≥50次，解决群众急难愁盼问题≥50件", "复合指标（2 项）：≥ 50 次；≥ 50 件"),
    ("深入开展“利剑护蕾”专项行动，寒暑假期间开展各类宣传教育培训活动 63 场次，参与学生 2000 余人次。",
     "叙述文字，含数字 63 场次、2000 人次"),
    ("同比下降100%", "相对变化：下降 100%"),
    ("0次", "零事件：≤ 0 次（原文“0次”）"),
    ("约18万剂次", "约数：约 180000 剂次（原文“约18万剂次”）"),
    ("80%", "比例：80%（原文“80%”）"),
    ("", "空值（未填写）"),
])
def test_describe(text, expected):
    assert parse_value(text).describe() == expected


# --------------------------------------------------------------------------- non-str input


@pytest.mark.parametrize(("value", "kind", "number", "text"), [
    (None, "empty", None, ""),
    (12, "count", 12.0, "12"),
    (12.0, "count", 12.0, "12"),  # Excel stores every number as a float
    (0.8, "count", 0.8, "0.8"),
    (-3, "count", -3.0, "-3"),
    (1e-05, "count", 1e-05, "0.00001"),
    (float("nan"), "empty", None, ""),  # an empty cell read through pandas
    (Decimal("1.50"), "count", 1.5, "1.50"),
    (Fraction(1, 4), "count", 0.25, "0.25"),
    (0, "zero_event", 0.0, "0"),
])
def test_non_str_input(value, kind, number, text):
    v = parse_value(value)
    assert (v.kind, v.number, v.text) == (kind, number, text)


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), True, object(), b"12\xff", 10**5000, [1, 2], {"a": 1}],
                         ids=["inf", "-inf", "bool", "object", "bytes", "huge-int", "list", "dict"])
def test_odd_input_never_raises(value):
    assert parse_value(value).kind in KINDS


def test_object_whose_str_raises():
    class Broken:
        def __str__(self):
            raise RuntimeError("boom")

    assert parse_value(Broken()).kind in KINDS


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(("name", "expected"), [
    ("补助社区支出", True), ("下拨疫情防控专项经费", True), ("全年税收收入", True), ("固定资产投资总量", True),
    ("公用经费", True), ("组织干部职工体检", False), ("居民满意度", False), ("完成老旧小区改造项目建设工作", False),
    (None, False),
])
def test_money_hint_from_name(name, expected):
    assert money_hint_from_name(name) is expected


def test_money_hint_changes_only_bare_wan():
    assert parse_value("10 万剂次", money_hint=True).unit == "剂次"
    assert parse_value("3.48亿", money_hint=True).number == 34800.0


def test_normalise_text():
    assert normalise_text("  １２ 次 ") == "12次"
    assert normalise_text("≥ 50 次") == "≥50次"
    assert normalise_text("> = 90 ％") == "≥90%"
    assert normalise_text("a b 12 次") == "a b 12次"
    assert normalise_text("5次\n\n10件") == "5次;10件"
    assert normalise_text("5次，\n10件") == "5次,10件"


def test_quantity_and_parsed_value_are_frozen():
    v = parse_value("12次")
    with pytest.raises(AttributeError):
        v.kind = "bound"  # type: ignore[misc]
    assert isinstance(v.evidence[0], Quantity)
    assert v.evidence[0] == Quantity(12.0, "次", "count", "=", False, 0, 3)


# --------------------------------------------------------------------------- properties

_TOKENS = ["≥", "≤", ">", "<", "＞", "＜", ">=", "约", "余", "多", "万", "亿", "元", "万元", "次", "人", "剂次", "场次",
           "%", "％", "‰", "以上", "以内", "不少于", "不超过", "左右", "每月", "底", "前", "15日", "两个工作日内",
           "年底", "同比", "下降", "增长", "无重大", "事故", "零", "0", "1", "12", "3.5", "２０", "1,000", "-", ".",
           "，", ",", "；", ";", "。", "、", "：", "（", "）", "“", "”", " ", "　", "\n", "年", "月", "日", "指标",
           "第", "交办", "文件", "完成", "百分之", "九十", "两", "十", "个", "…", "\u200b"]
_cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_full_width = st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E)
_soup = st.lists(st.one_of(st.sampled_from(_TOKENS), st.text(alphabet=_cjk, max_size=3)), max_size=25).map("".join)
_any_text = st.one_of(st.text(), st.text(alphabet=st.one_of(_cjk, _full_width, st.characters()), max_size=60), _soup)
_quantity_shapes = st.from_regex(
    r"\A(≥|>|<|≤|约|不少于|大于等于|不超过)?[0-9]{1,6}(\.[0-9]{1,2})?(万|亿)?(余|多)?(次|人|元|万元|%|场次|剂次|件)?(以上|以内|左右)?\Z")
_objects = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                     st.decimals(allow_nan=True, allow_infinity=True), st.fractions(), st.binary(max_size=20))
_fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_invariants(v: ParsedValue) -> None:
    assert v.kind in KINDS
    assert isinstance(v.describe(), str) and v.describe()
    if v.is_quantitative or v.kind == "zero_event":
        assert v.number is not None and math.isfinite(v.number)
        assert v.op in ("=", ">=", ">", "<=", "<")
    previous_end = 0
    for q in v.evidence:  # sorted, non-overlapping, inside the text
        assert previous_end <= q.start < q.end <= len(v.text)
        assert math.isfinite(q.number)
        previous_end = q.end
    for part in v.parts:
        _check_invariants(part)


@_fast
@given(_any_text, st.booleans())
def test_property_any_text(text, money_hint):
    v = values._parse_strict(text, money_hint)  # no safety net: a bug must show here
    _check_invariants(v)
    again = parse_value(v.text, money_hint=money_hint)
    assert (again.kind, again.text) == (v.kind, v.text)
    assert normalise_text(v.text) == v.text


@_fast
@given(_quantity_shapes, st.booleans())
def test_property_number_and_unit_shapes(text, money_hint):
    v = values._parse_strict(text, money_hint)
    _check_invariants(v)
    assert len(v.evidence) == 1
    assert v.is_quantitative or v.kind == "zero_event"
    assert parse_value(v.text, money_hint=money_hint).kind == v.kind


@_fast
@given(_objects)
def test_property_any_object(value):
    v = values._parse_strict(value)
    _check_invariants(v)
    assert parse_value(value).kind == v.kind


_UNITS = ["次", "人", "场", "场次", "剂次", "件", "个", "户", "项", "起", "处", "名", "人次", "%", ""]


@_fast
@given(st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from(_UNITS), st.sampled_from(["≥", ">=", "＞＝", "不少于", "不低于", "大于等于"]))
def test_property_lower_bound_number_is_kept(n, unit, op):
    v = parse_value(f"{op}{n}{unit}")
    assert (v.kind, v.op, v.unit) == ("bound", ">=", unit)
    assert v.number == float(n)


@_fast
@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False))
def test_property_money_is_kept_in_wan_yuan(n):
    assert parse_value(f"≥{n}万元").number == float(n)
    assert parse_value(f"{n}亿元").number == float(n * 10000)

"""The worksheet functions through xlwings' own Office.js dispatch (no Excel; see tests/xlwings_harness.py).

Arguments are sent exactly as Excel's client sends them: every argument a 2-D list, an empty
cell ``None``, text in number cells, full-width characters.
"""

import pytest
from python_calamine import CalamineWorkbook
from xlwings import server

from perfeval_xl.excel import functions, udfs
from perfeval_xl.layout.sheets import PROJECT

from .conftest import ROOT
from .xlwings_harness import call_udf, cell

YANGHU = ROOT / "examples/报送/岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx"
SHAZITANG = ROOT / "examples/报送/雨花区/砂子塘街道2020年度基础数据表及评分表.xlsx"
NA = {"type": "Error", "errorType": "NotAvailable"}
VALUE = {"type": "Error", "errorType": "Value"}
DIV0 = {"type": "Error", "errorType": "Div0"}


def sheet_values(path, name):
    """A sheet's cells as Excel sends a range from A1: empty cells None."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)
    return [[None if v == "" else v for v in row] for row in rows]


def test_registered_metadata():
    meta = server.custom_functions_meta(udfs)
    funcs = {f["name"]: f for f in meta["functions"]}
    assert sorted(funcs) == ["PE_CHECK", "PE_EXEC_EXPLAIN", "PE_EXEC_RATE", "PE_EXEC_SCORE", "PE_EXPLAIN_VALUE",
                             "PE_GRADE", "PE_RUBRIC", "PE_SCORE", "PE_SCORE_EXPLAIN", "PE_SCORE_TABLE"]
    for f in funcs.values():
        assert f["name"].isascii() and f["name"].startswith("PE_")
        assert "volatile" not in f["options"]
        assert f["result"] == {"dimensionality": "matrix", "type": "any"}
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f["description"]), f["name"]
        for p in f["parameters"]:
            assert not p["description"].startswith("Positional argument"), (f["name"], p["name"])
    table = funcs["PE_SCORE_TABLE"]
    assert table["description"] == "整张绩效指标表一次算完：每行返回 建议得分、类型（定量/定性）、说明，结果自动溢出。"
    assert [(p["name"], p.get("optional", False)) for p in table["parameters"]] == [
        ("rows", False), ("executed", True), ("budget", True), ("points", True)]
    assert table["parameters"][0]["description"] == "绩效指标表的行（一级指标 至 定性评级 共 9 列，如 A17:I31）"


@pytest.mark.parametrize("name, args, expected", [
    ("pe_exec_rate", (60.63, 64.707), 60.63 / 64.707),
    ("pe_exec_rate", (60.63, "６４.７０７"), 60.63 / 64.707),  # full-width digits typed as text
    ("pe_exec_rate", (None, 1), NA),  # empty cell
    ("pe_exec_rate", (1, 0), {"type": "Error", "errorType": "Div0"}),
    ("pe_exec_rate", ("abc", 1), VALUE),
    ("pe_exec_explain", ("abc", 1), "全年执行数不是数字：“abc”"),
    ("pe_exec_rate", (-5, 10), VALUE),
    ("pe_exec_explain", (-5, 10), "全年执行数不能为负数：-5"),
    ("pe_exec_score", (50, 100, -10), VALUE),  # a negative 分值 is no 分值
    ("pe_exec_explain", (50, 100, -10), "分值应在 0 到 100 分之间，填的是 -10"),
    ("pe_exec_score", (50, 100, 150), VALUE),
    ("pe_exec_score", (60.63, 64.707), 9.37),
    ("pe_exec_score", (60.63, 64.707, 20), 18.74),
    ("pe_exec_score", ("60.63", "64.707", None), 9.37),  # numbers stored as text, points left empty
    ("pe_exec_explain", (60.63, 64.707),
     "执行率 = 全年执行数 60.63 ÷ 全年预算数 64.707 = 93.70%；得分 = 分值 10 × min(执行率, 100%) = 9.37 分。"),
    ("pe_score", ("≥8亿元", "8.4亿元", 3), 3.0),
    ("pe_score", ("12次", "１０次", "5"), 4.17),
    ("pe_score", ("≥8亿元", "8.4亿元", None), NA),  # no 分值: no suggestion
    ("pe_score", ("12次", "10次", "五分"), VALUE),
    ("pe_score_explain", ("12次", "10次", "五分"), "分值不是数字：“五分”"),
    ("pe_score", ("12次", "10次", -3), VALUE),
    ("pe_explain_value", ("2023/12/31",), "期限：2023年12月31日"),  # a date typed as text is a date
    ("pe_explain_value", ("2023-2-30",), "定性：2023230"),  # not a date: left to the value parser
    ("pe_score", ("完成", "部分完成", 10, None, "部分达成"), NA),  # a band, not one number
    ("pe_score_explain", ("≥8亿元", "8.4亿元", 3),
     "目标 ≥80000 万元（原文“≥8亿元”），实际 84000 万元，完成率 105.00%；正向指标：实际达到目标，得满分，"
     "建议得分 3 分（分值 3）。"),
    ("pe_explain_value", ("≥8亿元",), "下限：≥ 80000 万元（原文“≥8亿元”）"),
    ("pe_explain_value", ("每月底",), "期限：每月底"),
    ("pe_explain_value", ("１０万剂次以上",), "下限：≥ 100000 剂次（原文“１０万剂次以上”）"),
    ("pe_explain_value", (None,), "空值（未填写）"),
    ("pe_grade", (85,), "良"),
    ("pe_grade", ("９０",), "优"),
    ("pe_grade", ("八十",), VALUE),
    ("pe_grade", (150,), VALUE),  # no 总分 above 100
    ("pe_grade", (-1,), VALUE),
    ("pe_grade", (100,), "优"),
    ("pe_grade", (None,), NA),
])
def test_udf_calls_as_excel_sends_them(name, args, expected):
    result = call_udf(udfs, name, *(cell(a) for a in args))
    assert len(result) == 1 and len(result[0]) == 1
    value = result[0][0]
    if isinstance(expected, float) and not isinstance(value, dict):
        assert value == pytest.approx(expected, abs=1e-12)
    else:
        assert value == expected


def test_a_range_where_one_cell_is_expected_is_a_value_error():
    assert call_udf(udfs, "pe_score", [["12次", "10次"]], cell("10次"), cell(5)) == [
        [{"type": "Error", "errorType": "Value"}]]


def test_score_table_on_the_indicator_rows_of_a_real_workbook():
    table = PROJECT.layout("项目1").tables[0]  # where the rows are, from the layout
    rows = sheet_values(YANGHU, "项目1")[table.first_row - 1:table.last_row]
    assert [r[2] for r in rows[:4]] == ["指标 1：足额支付低保站人员工资", "指标 2：足额支付社保站人员工资", "指标 1：",
                                         "指标 1：及时支付低保站人员工资"]
    result = call_udf(udfs, "pe_score_table", rows)
    assert len(result) == table.capacity and all(len(r) == 3 for r in result)
    assert result[:4] == [
        [20.0, "定量", "目标 12 次（原文“12 次”），实际 12 次，完成率 100.00%；正向指标：实际达到目标，得满分，建议得分 20 分（分值 20）。"],
        [20.0, "定量", "目标 12 次（原文“12 次”），实际 12 次，完成率 100.00%；正向指标：实际达到目标，得满分，建议得分 20 分（分值 20）。"],
        ["", "", ""],  # the printed placeholder row "指标 1："
        [20.0, "定性", "定性指标：实际完成值“每月底”与年度指标值“每月底”对照，判为“达成”；该等级得分区间为 16–20 分"
                     "（分值 × 80%–100%），建议 20 分。"],
    ]
    with_total = call_udf(udfs, "pe_score_table", rows, cell(60.63), cell(64.707))
    assert with_total[:-1] == result
    # 9.37 + 5 × 20: the seed's 分值 add up to 100 without the 10 for execution (T105), so the cap applies
    assert with_total[-1] == [100.0, "优", "建议总分 = 执行得分 + 各指标建议得分；执行得分与指标得分合计 109.37 分，"
                                          "超过 100 分（分值设置有误），按 100 分计。"]


def test_score_table_row_with_text_in_the_points_column_says_so():
    rows = [["产出指标", "数量指标", "培训", "12次", "12次", "二十", None, None, None],
            [None] * 9,
            ["产出指标", "数量指标", "培训", "１２次", "６次", "２０", None, None, None]]
    assert call_udf(udfs, "pe_score_table", rows) == [
        [VALUE, "", "分值不是数字：“二十”"],
        ["", "", ""],
        [10.0, "定量", "目标 12 次（原文“１２次”），实际 6 次，完成率 50.00%；正向指标：得分 = 分值 × 实际 ÷ 目标 = "
                      "分值 × 50.00%，建议得分 10 分（分值 20）。"],
    ]


def test_rubric_items_computed_from_the_sheets():
    result = call_udf(udfs, "pe_rubric", sheet_values(SHAZITANG, "评分表"), sheet_values(SHAZITANG, "基础数据表"))
    assert len(result) == 25
    assert result[3] == ["budget_execution", "预算执行率", 6.0, 5.5,
                         "① 预算完成率 = 5428.73 ÷ 5808.7 = 93.46%，在 ≥ 90% 且 < 95% 档，计 1.5 分；② 一、二、三季度末"
                         "支付序时进度 20.00%／50.00%／80.00% 均达到 20%／50%／80%，计 2 分；③ 项目支出调剂到单位 0.00% ≤ 2%，"
                         "计 2 分；合计 5.5 分。"]
    assert result[7][:4] == ["procurement", "政府采购执行率和规范性", 2.0, 1.6]
    assert result[-1] == ["合计", "", 100.0, 92.1, "优"]
    assert call_udf(udfs, "pe_rubric", [[1]]) == [[VALUE, "无法识别这张表：A1 为“1”；请选择从 A1 开始的整张表，或写明表名"]]


def test_check_lists_the_findings_of_one_sheet():
    result = call_udf(udfs, "pe_check", sheet_values(YANGHU, "项目1"))
    assert [r[:3] for r in result] == [["错误", "项目1!G6", "T103"], ["错误", "项目1!I6", "T104"],
                                       ["错误", "项目1!F12", "T105"], ["错误", "项目1!G29", "T107"],
                                       ["提示", "项目1!A12", "T114"]]  # whole-table findings: the column header
    assert result[0][3] == "项目支出绩效自评表「两保站人员工资」：预算执行率的分值填报为 100，按规定应为 10 分。"
    # the same rows as a sheet of another name, named by the second argument
    renamed = call_udf(udfs, "pe_check", sheet_values(YANGHU, "项目1"), cell("项目7"))
    assert [r[1] for r in renamed] == ["项目7!G6", "项目7!I6", "项目7!F12", "项目7!G29", "项目7!A12"]


def test_functions_are_plain_python_too():
    assert functions.TABLE_WIDTH == 9
    with pytest.raises(functions.CellError) as exc:
        functions.exec_rate(None, 5)
    assert exc.value.shown == "#N/A"


def test_every_function_is_in_the_clerks_guide_and_the_readme_points_to_it():
    guide = (ROOT / "docs" / "excel-guide.md").read_text(encoding="utf-8")
    for f in server.custom_functions_meta(udfs)["functions"]:
        assert f"`{f['name']}(" in guide, f["name"]
    assert "[docs/excel-guide.md](docs/excel-guide.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- errors Excel recognises


def error_cell(code, error_type):
    """An error cell as Office.js sends it in a custom-function argument."""
    return [[{"type": "Error", "basicValue": code, "errorType": error_type}]]


def test_an_error_cell_passed_in_propagates_its_own_error():
    assert call_udf(udfs, "pe_exec_rate", error_cell("#DIV/0!", "Div0"), cell(5)) == [[DIV0]]
    assert call_udf(udfs, "pe_exec_explain", error_cell("#DIV/0!", "Div0"), cell(5)) == [
        ["全年执行数单元格本身是错误值 #DIV/0!"]]
    assert call_udf(udfs, "pe_score", cell("12次"), error_cell("#N/A", "NotAvailable"), cell(5)) == [[NA]]
    assert call_udf(udfs, "pe_grade", error_cell("#REF!", "Ref")) == [[{"type": "Error", "errorType": "Ref"}]]


def test_every_argument_asks_for_error_cells_as_their_code():
    """On Windows (COM) an error cell arrives as None unless ``err_to_str`` is set (``_xlwindows``)."""
    for f in server.custom_functions_meta(udfs)["functions"]:
        func = getattr(udfs, f["name"].lower())
        for arg in func.__xlfunc__["args"]:
            assert arg["options"].get("err_to_str") is True, (f["name"], arg["name"])


def test_a_table_of_the_wrong_width_is_a_value_error_with_its_reason():
    rows = [["产出指标", "数量指标", "培训", "12次", "12次"]] * 3
    assert call_udf(udfs, "pe_score_table", rows) == [
        [VALUE, "绩效指标表的行应为 9 列（一级指标 至 定性评级），选择的区域为 5 列"]]


def test_an_error_cell_in_a_table_row_marks_that_row_and_withholds_the_total():
    rows = [["产出指标", "数量指标", "培训", "12次", {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"},
             20, None, None, None],
            ["产出指标", "数量指标", "培训", "12次", "6次", 20, None, None, None]]
    result = call_udf(udfs, "pe_score_table", rows, cell(60), cell(60))
    assert result[0] == [NA, "", "实际完成值单元格本身是错误值 #N/A"]
    assert result[1][0] == 10.0
    assert result[2] == [NA, "", "有的行无法读取（见该行说明），未给出建议总分"]


def test_dates_are_dates():
    import datetime as dt

    assert functions.explain_value(dt.datetime(2023, 12, 31)) == "期限：2023年12月31日"  # a date cell (Windows)
    assert functions.explain_value("2023.12.31") == "期限：2023年12月31日"
    with pytest.raises(functions.CellError) as exc:
        functions.exec_rate(dt.datetime(2023, 12, 31), 5)
    assert (exc.value.code, exc.value.reason) == ("#VALUE!", "全年执行数应为数字，收到的是日期 2023-12-31")

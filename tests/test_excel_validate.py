"""The 校验 button (and the other buttons) as xlwings Lite scripts, through xlwings' own dispatch.

The book payload is built from a real filled workbook of the example district (written from the
seed data by scripts/make_examples.py), with its formulas computed; the actions the script
returns are replayed onto an openpyxl copy and the end state is asserted. The replay is an
approximation of Excel, not Excel (see tests/xlwings_harness.py).
"""

import shutil

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from perfeval_xl.excel import scripts
from perfeval_xl.excel.validate_book import ROLE_FILL
from perfeval_xl.io.xlsx_read import read_workbook
from perfeval_xl.layout.grid import INPUT
from perfeval_xl.layout.results import ERROR_COLOR, RESULTS_SHEET, WARNING_COLOR
from perfeval_xl.rollup import rollup

from .conftest import ROOT
from .xlwings_harness import book_payload, computed_values, fills, replay, run_script

WANGJIAHE = ROOT / "examples/报送/岳阳楼区/王家河街道2023年度部门整体支出绩效自评.xlsx"
DEPT = "部门整体支出绩效自评表"
RED, AMBER = ERROR_COLOR.upper(), WARNING_COLOR.upper()


def link(ref):
    return f'=HYPERLINK("#\'{DEPT}\'!{ref}","{DEPT}!{ref}")'


def sheet_rows(path, name):
    ws = load_workbook(path)[name]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def values_of(path, skip=(RESULTS_SHEET,)):
    wb = load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets if ws.title not in skip}


def highlights(path, sheet):
    return {ref: c for ref, c in fills(path, sheet).items() if c in (RED, AMBER)}


@pytest.fixture(scope="module")
def computed():
    return computed_values(WANGJIAHE)


@pytest.fixture(scope="module")
def first(computed, tmp_path_factory):
    actions = run_script(scripts, "validate", book_payload(WANGJIAHE, computed))
    out = replay(actions, WANGJIAHE, tmp_path_factory.mktemp("v1") / "王家河.xlsx")
    return actions, out


FIRST_ROWS = [  # 序号, 严重程度, 单元格, 规则, 定位
    (1, "错误", link("H33"), "T109", f"{DEPT}|指标「促进社会治安稳定」|偏差原因分析及改进措施"),
    (2, "错误", link("G24"), "T118", f"{DEPT}|指标「决算真实性」|得分"),
    (3, "提示", link("G25"), "T111", f"{DEPT}|指标「管理制度健全性」|得分"),
    (4, "提示", link("G32"), "T111", f"{DEPT}|指标「年度工作达标率」|得分"),
    (5, "提示", link("G33"), "T111", f"{DEPT}|指标「促进社会治安稳定」|得分"),
    (6, "提示", link("G36"), "T111", f"{DEPT}|指标「满意度」|得分"),
    (7, "提示", link("E22"), "T115", f"{DEPT}|指标「完成老旧小区改造项目建设工作」|实际完成值"),
    (8, "提示", link("H19"), "T116", f"{DEPT}|指标「开展环境整治次数」|偏差原因分析及改进措施"),
    (9, "提示", link("H20"), "T116", f"{DEPT}|指标「深入践行“群英断是非”工作法」|偏差原因分析及改进措施"),
]


def test_first_run_writes_the_results_sheet_in_one_block(first):
    actions, out = first
    funcs = [a["func"] for a in actions]
    assert funcs[:2] == ["addSheet", "setValues"] and funcs.count("setValues") == 1
    assert actions[0]["args"] == [0, RESULTS_SHEET]  # first sheet of the book
    assert funcs.count("setRangeColors") == 2  # the 严重程度 column, and one per sheet with findings
    assert funcs[-1] == "activateSheet"
    rows = sheet_rows(out, RESULTS_SHEET)
    assert rows[0][0] == "校验结果：2 个错误，7 个提示"
    assert rows[2] == ["序号", "严重程度", "表", "位置", "单元格", "规则", "说明", "修改建议", "情况说明", "定位（勿改）"]
    assert [(r[0], r[1], r[4], r[5], r[9]) for r in rows[3:]] == FIRST_ROWS
    assert rows[3][2:4] == [DEPT, "指标「促进社会治安稳定」 偏差原因分析及改进措施"]
    assert rows[3][6] == "部门整体支出绩效自评表指标「促进社会治安稳定」：得分 5 低于分值 6，但未填写偏差原因分析及改进措施。"
    assert rows[3][7] == "在“偏差原因分析及改进措施”栏写明未达到满分的原因和改进措施。"
    assert all(r[8] is None for r in rows[3:])  # 情况说明: nothing typed yet


def test_first_run_highlights_the_cells_and_changes_no_value(first):
    _, out = first
    assert highlights(out, DEPT) == {"H33": RED, "G24": RED, "G25": AMBER, "G32": AMBER, "G33": AMBER,
                                     "G36": AMBER, "E22": AMBER, "H19": AMBER, "H20": AMBER}
    assert fills(out, RESULTS_SHEET)["B4"] == RED and fills(out, RESULTS_SHEET)["B6"] == AMBER
    assert values_of(out) == values_of(WANGJIAHE)
    # the workbook still reads as before, with the results sheet in it
    assert read_workbook(out).submission.department.indicators == read_workbook(WANGJIAHE).submission.department.indicators


@pytest.fixture(scope="module")
def second(first, computed, tmp_path_factory):
    """The clerk fixes the error in H33 and explains a 提示; then clicks 校验 again."""
    _, out = first
    edited = tmp_path_factory.mktemp("edit") / "王家河.xlsx"
    wb = load_workbook(out)
    wb[DEPT]["H33"] = "个别矛盾纠纷化解周期较长，下年度加强排查。"  # feeds no formula: computed values stay valid
    wb[RESULTS_SHEET]["I6"] = "按从严原则评分，经党工委会议研究确定。"  # row of T111 G25
    wb.save(edited)
    actions = run_script(scripts, "validate", book_payload(edited, computed))
    return actions, replay(actions, edited, tmp_path_factory.mktemp("v2") / "王家河.xlsx")


def test_second_run_clears_stale_highlights_and_keeps_explanations(second):
    actions, out = second
    assert [a["func"] for a in actions][:2] == ["sheetClear", "setValues"]
    rows = sheet_rows(out, RESULTS_SHEET)
    assert rows[0][0] == "校验结果：1 个错误，7 个提示"
    assert [(r[0], r[1], r[4], r[5], r[9]) for r in rows[3:]] == [
        (i, sev, cell, rule, key) for i, (_, sev, cell, rule, key) in enumerate(FIRST_ROWS[1:], start=1)]
    assert [r[8] for r in rows[3:]] == [None, "按从严原则评分，经党工委会议研究确定。"] + [None] * 6
    marked = highlights(out, DEPT)
    assert "H33" not in marked and fills(out, DEPT)["H33"] == ROLE_FILL[INPUT].upper()  # template yellow back
    assert marked == {"G24": RED, "G25": AMBER, "G32": AMBER, "G33": AMBER, "G36": AMBER, "E22": AMBER,
                      "H19": AMBER, "H20": AMBER}


def test_explanation_travels_to_the_roll_up(second, tmp_path):
    _, out = second
    folder = tmp_path / "报送"
    folder.mkdir()
    shutil.copyfile(out, folder / "王家河街道2023.xlsx")
    rollup(folder, tmp_path / "区汇总.xlsx", jobs=1)
    issues = CalamineWorkbook.from_path(str(tmp_path / "区汇总.xlsx")).get_sheet_by_name("问题清单").to_python()
    header = issues[0]
    rows = [dict(zip(header, r)) for r in issues[1:]]
    explained = [r for r in rows if r.get("情况说明")]
    assert [(r["单元格"], r["规则"], r["情况说明"]) for r in explained] == [
        ("G25", "T111", "按从严原则评分，经党工委会议研究确定。")]


def test_fill_suggested_scores_never_overwrites_a_typed_score(computed, tmp_path):
    actions = run_script(scripts, "fill_suggested_scores", book_payload(WANGJIAHE, computed))
    # one write: G24 (决算真实性), the only 得分 the clerk left empty; the sheet is the 4th (index 3)
    # then the message for the clerk: A1 of a new 校验结果 sheet (Lite has no message box)
    message = "填入建议得分：已填入 1 个建议得分（部门整体支出绩效自评表 1 个）。已填的得分未作改动。请重新校验。"
    assert [(a["func"], a["sheet_position"], a["start_row"], a["start_column"], a["values"]) for a in actions] == [
        ("setValues", 3, 23, 6, [[3.0]]), ("addSheet", None, None, None, None), ("setValues", 0, 0, 0, [[message]])]
    assert actions[1]["args"] == [0, RESULTS_SHEET]
    out = replay(actions, WANGJIAHE, tmp_path / "filled.xlsx")
    assert load_workbook(out)[RESULTS_SHEET]["A1"].value == message
    before, after = values_of(WANGJIAHE), values_of(out)
    assert after[DEPT][23][6] == 3.0 and before[DEPT][23][6] is None
    after[DEPT][23][6] = None
    assert after == before


YANGHU = ROOT / "examples/报送/岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx"


def test_new_project_sheet_copies_the_last_project_and_clears_what_was_typed(tmp_path):
    payload = book_payload(YANGHU, computed={})  # values only matter for the typed cells here
    actions = run_script(scripts, "add_project_sheet", payload)
    assert [a["func"] for a in actions][:2] == ["copySheet", "setSheetName"]
    assert actions[0]["args"] == ["After", 10, "项目5 (2)"] and actions[1]["args"] == ["项目6"]
    out = replay(actions, YANGHU, tmp_path / "new.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames[7:13] == ["项目1", "项目2", "项目3", "项目4", "项目5", "项目6"]
    assert wb.sheetnames[0] == RESULTS_SHEET and wb[RESULTS_SHEET]["A1"].value == (
        "新增项目表：已新增“项目6”（复制自“项目5”，已清空填报内容），请填写项目名称等内容。")
    from perfeval_xl.io.xlsx_read import Grid, fit_layout
    from perfeval_xl.layout.sheets import PROJECT
    old, new = wb["项目5"], wb["项目6"]
    layout = fit_layout(PROJECT, "项目5", Grid([list(r) for r in old.iter_rows(values_only=True)]))
    inputs = {c.ref for c in layout.cells if c.role == INPUT}
    for t in layout.tables:
        inputs |= {c.ref for i in range(t.capacity) for c in t.cells_of_row(i)}
    for row in old.iter_rows():
        for c in row:
            if c.coordinate in inputs:
                assert new[c.coordinate].value is None, c.coordinate
            else:
                assert new[c.coordinate].value == c.value, c.coordinate  # labels and formulas kept
    assert old["C3"].value == "城管办拆控违"  # the source is untouched
    # the new sheet is blank: the reader skips it, as it skips the template's blank project sheet
    assert len(read_workbook(out).submission.projects) == 5


def test_ribbon_buttons_are_thin_calls_into_the_same_functions(computed):
    """The Windows ribbon path (RunPython → buttons.on_ribbon) with the book injected instead of
    ``xw.Book.caller()``: the same actions as the Lite script, then a message box."""
    import xlwings as xw

    from perfeval_xl.excel import buttons

    script_actions = run_script(scripts, "validate", book_payload(WANGJIAHE, computed))
    book = xw.Book(json=book_payload(WANGJIAHE, computed))
    assert buttons.on_ribbon("pe_validate", book=book) == "2 个错误，7 个提示"
    actions = book.json()["actions"]
    assert actions[:-1] == script_actions
    assert actions[-1]["func"] == "alert" and actions[-1]["args"][0] == "2 个错误，7 个提示"
    with pytest.raises(ValueError, match="未知的按钮：pe_nothing"):
        buttons.on_ribbon("pe_nothing", book=book)


def test_rollup_button_python_part(tmp_path):
    from perfeval_xl.excel.buttons import run_rollup

    folder = tmp_path / "报送"
    folder.mkdir()
    shutil.copyfile(WANGJIAHE, folder / WANGJIAHE.name)
    shutil.copyfile(ROOT / "examples/报送/岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx", folder / "洋湖.xlsx")
    text = run_rollup(folder)
    assert text.startswith("汇总 2 个单位（共 2 个文件）；错误 27 个，提示 34 个。已写入 ")
    assert (folder / "区汇总.xlsx").exists() and sorted(p.name for p in (folder / "退回意见").iterdir())
    assert run_rollup(tmp_path / "没有这个文件夹") == f"文件夹 {tmp_path / '没有这个文件夹'} 不存在。"


def test_command_line_validate_reads_the_explanations_of_the_results_sheet(second, capsys):
    from perfeval_xl import cli

    _, out = second
    assert cli.main(["validate", str(out), "--format", "json"]) == 1
    import json
    report = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["cell"], f["explanation"]) for f in report["findings"] if f["explanation"]] == [
        ("T111", "G25", "按从严原则评分，经党工委会议研究确定。")]


def test_text_in_a_number_cell_is_listed_and_highlighted(computed, tmp_path):
    edited = tmp_path / "text.xlsx"
    wb = load_workbook(WANGJIAHE)
    wb[DEPT]["F36"] = "五分"  # 分值 of 满意度, typed as words
    wb.save(edited)
    actions = run_script(scripts, "validate", book_payload(edited, computed))
    out = replay(actions, edited, tmp_path / "out.xlsx")
    rows = sheet_rows(out, RESULTS_SHEET)
    hits = [r for r in rows[3:] if r[4] == link("F36")]
    # (the 总分 formulas keep the values computed before the edit; only F36's rows are asserted)
    assert [(r[1], r[5]) for r in hits] == [("错误", "S101"), ("错误", "T118")]
    assert "五分" in hits[0][6]
    assert highlights(out, DEPT)["F36"] == RED


def test_colouring_more_than_ten_thousand_cells_is_batched(computed, tmp_path):
    """xlwings refuses set_colors over more than 10,000 cells: findings far apart on one sheet
    (here A1 and Z1000: 26,000 cells in their bounding box) are coloured in bands it accepts."""
    import xlwings as xw

    from perfeval_xl.excel.validate_book import MAX_COLOR_CELLS, color_blocks, paint_cells

    book = xw.Book(json=book_payload(WANGJIAHE, computed))
    colors = {(1, 1): ERROR_COLOR, (1000, 26): WARNING_COLOR, (5000, 3): None}
    paint_cells(book.sheets[0], colors)
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["setRangeColors"] * 3
    assert all(a["row_count"] * a["column_count"] <= MAX_COLOR_CELLS for a in actions)
    out = replay(actions, WANGJIAHE, tmp_path / "painted.xlsx")
    painted = fills(out, load_workbook(out).sheetnames[0])
    assert painted["A1"] == ERROR_COLOR and painted["Z1000"] == WARNING_COLOR and "C5000" not in painted
    # every cell asked for is in exactly one block, nothing else is touched
    seen = {}
    for top, left, matrix in color_blocks(colors):
        for i, row in enumerate(matrix):
            for j, v in enumerate(row):
                if v is not ...:
                    assert (top + i, left + j) not in seen
                    seen[(top + i, left + j)] = v
    assert seen == colors

"""The roster (名单) and each unit's status on the example district: 报送情况, JSON, 统计, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from perfeval_xl.core.settings import Settings
from perfeval_xl.rollup import rollup
from perfeval_xl.rollup.roster import RosterError, read_roster, short_name

from .workflow_golden import EXAMPLES

ROSTER_CSV = """预算编码,单位,区县
124013,长沙市岳麓区洋湖街道办事处,岳麓区
,长沙市岳麓区坪塘街道办事处（虚构）,岳麓区
999001,长沙市岳麓区天顶街道办事处,岳麓区
,长沙市岳麓区梅溪湖街道办事处（虚构）,岳麓区
,长沙市岳麓区麓谷街道办事处（虚构）,岳麓区
,长沙市雨花区砂子塘街道办事处,雨花区
"""
EXPECTED = [  # (单位, 状态, 来源文件)
    ("长沙市岳麓区洋湖街道办事处", "退回（有错误）", "岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx"),
    ("长沙市岳麓区坪塘街道办事处（虚构）", "待说明（提示未附情况说明）", "岳麓区/坪塘街道（虚构）2022年度绩效自评.xlsx"),
    ("长沙市岳麓区天顶街道办事处", "未报送", ""),
    ("长沙市岳麓区梅溪湖街道办事处（虚构）", "未能读取", "岳麓区/梅溪湖街道（虚构）2022年度绩效自评.xlsx"),
    ("长沙市岳麓区麓谷街道办事处（虚构）", "通过", "岳麓区/麓谷街道（虚构）2022年度绩效自评.xlsx"),
    ("长沙市雨花区砂子塘街道办事处", "未报送", ""),  # only its 2020 workbook is in the folder
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("roster")
    (tmp / "名单.csv").write_bytes(ROSTER_CSV.encode("gbk"))  # Notepad's "ANSI" on a Chinese Windows
    result = rollup(EXAMPLES, tmp / "区汇总.xlsx", jobs=1, json_report=tmp / "r.json", settings=Settings.default(),
                    roster=read_roster(tmp / "名单.csv"))
    return tmp, result, json.loads((tmp / "r.json").read_text(encoding="utf-8"))


def test_every_roster_unit_has_its_status_in_the_json(run):
    _, result, doc = run
    assert [(e["unit"], e["status"], e["file"]) for e in doc["roster"][:6]] == EXPECTED
    yanghu, pingtang = doc["roster"][0], doc["roster"][1]
    assert (yanghu["code"], yanghu["county"], yanghu["errors"], yanghu["warnings"]) == ("124013", "岳麓区", 25, 27)
    assert (pingtang["errors"], pingtang["awaiting_explanation"]) == (0, 5)
    assert doc["roster"][5]["note"] == "只收到 2020 年度（雨花区/砂子塘街道2020年度基础数据表及评分表.xlsx）"
    # units that reported without being on the roster are flagged, not dropped
    outside = [e for e in doc["roster"][6:]]
    assert {e["status"] for e in outside} == {"不在名单中"}
    assert "长沙市开福区伍家岭街道办事处" in {e["unit"] for e in outside}
    assert len(outside) == 14 - 4  # 14 units in 汇总, 4 of them matched on the roster
    assert doc["roster_counts"] == {"未报送": 2, "未能读取": 1, "退回（有错误）": 1,
                                    "待说明（提示未附情况说明）": 1, "通过": 1, "不在名单中": 10}
    assert "名单：未报送 2，未能读取 1，退回（有错误） 1，待说明（提示未附情况说明） 1，通过 1，不在名单中 10" in result.summary_zh()


def test_review_status_of_every_counted_file_is_in_the_json(run):
    files = {f["path"]: f for f in run[2]["submissions"]}
    assert files["岳麓区/麓谷街道（虚构）2022年度绩效自评.xlsx"]["review_status"] == "通过"
    assert files["岳麓区/坪塘街道（虚构）2022年度绩效自评.xlsx"]["review_status"] == "待说明（提示未附情况说明）"
    assert files["开福区/伍家岭街道2022年度部门整体支出绩效自评.xlsx"]["review_status"] == "退回（有错误）"


def test_roster_sheet_and_status_counts_on_the_statistics_sheet(run):
    tmp = run[0]
    wb = load_workbook(tmp / "区汇总.xlsx", read_only=True)
    assert wb.sheetnames[:3] == ["汇总", "报送情况", "统计"]
    rows = list(wb["报送情况"].iter_rows(values_only=True))
    assert rows[0] == ("序号", "区县", "预算编码", "单位", "状态", "来源文件", "错误数", "提示数", "待说明的提示", "说明")
    assert rows[1] == (1, "岳麓区", "124013", "长沙市岳麓区洋湖街道办事处", "退回（有错误）",
                       "岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx", 25, 27, 4, None)
    assert rows[3] == (3, "岳麓区", "999001", "长沙市岳麓区天顶街道办事处", "未报送", None, None, None, None, None)
    stats = list(wb["统计"].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(stats) if r[:1] == ("未报送",))
    assert stats[at][:7] == ("未报送", "未能读取", "退回（有错误）", "待说明（提示未附情况说明）", "通过", "名单合计", "不在名单中")
    assert stats[at + 1][:7] == (2, 1, 1, 1, 1, 6, 10)
    wb.close()


def test_roster_in_toml_with_its_year_and_utf8_bom(tmp_path):
    (tmp_path / "名单.toml").write_bytes("""\ufeffyear = 2020
[[unit]]
unit = "长沙市雨花区砂子塘街道办事处"
county = "雨花区"
[[unit]]
"预算编码" = "124013"
"单位" = "长沙市岳麓区洋湖街道办事处"
""".encode("utf-8"))
    roster = read_roster(tmp_path / "名单.toml")
    assert roster.year == 2020
    result = rollup(EXAMPLES, tmp_path / "o.xlsx", jobs=1, settings=Settings.default(), roster=roster)
    assert [(e.unit, e.status) for e in result.roster[:2]] == [
        ("长沙市雨花区砂子塘街道办事处", "通过"), ("长沙市岳麓区洋湖街道办事处", "未报送")]
    assert result.roster[1].note == "只收到 2022 年度（岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx）"


@pytest.mark.parametrize("name, text, message", [
    ("a.csv", "名称,地址\n洋湖,x\n", "名单 a.csv 第 1 行应为表头，含“预算编码”和“单位”两列（可加“区县”）；现为：名称、地址。"),
    ("a.csv", "预算编码,单位\n1,甲\n,\n2,\n", None),  # blank lines are skipped
    ("a.csv", "预算编码,单位\n1,甲\n1,乙\n", "名单 a.csv 中“乙”出现了两次。"),
    ("a.csv", "预算编码,单位,区县\n,,岳麓区\n", "名单 a.csv 第 2 行既没有预算编码也没有单位名称。"),
    ("a.toml", "[[unit]]\nname = \"甲\"\n", "名单 a.toml 第 1 个 [[unit]]：未知的键 name（可用：code 预算编码、unit 单位、county 区县）。"),
    ("a.toml", "\"年度\" = \"2022\"\n", "名单 a.toml：year（年度）应为整数，如 year = 2022。"),
    ("a.xlsx", "x", "名单 a.xlsx 应为 .csv 或 .toml 文件（Excel 中可“另存为 CSV”）。"),
])
def test_a_roster_that_cannot_be_used_says_why(tmp_path, name, text, message):
    (tmp_path / name).write_text(text, encoding="utf-8")
    if message is None:
        assert [u.code for u in read_roster(tmp_path / name).units] == ["1", "2"]
        return
    with pytest.raises(RosterError) as err:
        read_roster(tmp_path / name)
    assert str(err.value) == message


def test_short_names_match_file_names():
    assert short_name("长沙市岳麓区洋湖街道办事处") == "洋湖"
    assert short_name("长沙市岳麓区坪塘街道办事处（虚构）") == "坪塘"
    assert short_name("岳阳市岳阳楼区王家河街道办事处") == "王家河"
    assert short_name("某县某某镇人民政府") == "某某"


def test_cli_bad_roster_exits_2_with_a_chinese_message(tmp_path):
    (tmp_path / "名单.csv").write_bytes(b"\xff\xfe\x00\x00bad")
    done = subprocess.run([sys.executable, "-m", "perfeval_xl", "rollup", str(EXAMPLES), "-o", str(tmp_path / "o.xlsx"),
                           "--roster", str(tmp_path / "名单.csv")], capture_output=True, text=True)
    assert done.returncode == 2
    assert "名单" in done.stderr and "Traceback" not in done.stderr


def test_an_empty_folder_leaves_every_roster_unit_not_submitted(tmp_path):
    (tmp_path / "报送").mkdir()
    (tmp_path / "名单.csv").write_text(ROSTER_CSV, encoding="utf-8-sig")
    result = rollup(tmp_path / "报送", tmp_path / "o.xlsx", json_report=tmp_path / "r.json",
                    roster=read_roster(tmp_path / "名单.csv"))
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert result.exit_code == 3 and not (tmp_path / "o.xlsx").exists()
    assert [e["status"] for e in doc["roster"]] == ["未报送"] * 6
    assert doc["roster_counts"]["未报送"] == 6


def test_roster_and_history_sheets_are_the_same_through_openpyxl_and_the_fast_writer(tmp_path):
    """The fast writer's 报送情况 and 汇总 (with the archive's columns) are openpyxl's cells and styles."""
    from perfeval_xl.io.xlsx_write import save_atomic
    from perfeval_xl.rollup import engine, rules
    from perfeval_xl.rollup.extract import process_file
    from perfeval_xl.rollup.record import PreviousYear
    from perfeval_xl.rollup.roster import roster_entries
    from perfeval_xl.rollup.sheets import RollupData, build_rollup_workbook
    from perfeval_xl.rollup.stats import district_stats

    settings = Settings.default()
    records, details = [], {}
    for name in ("岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx", "岳麓区/麓谷街道（虚构）2022年度绩效自评.xlsx"):
        r = process_file(EXAMPLES / name, EXAMPLES, settings)
        details[r.path], r.details = r.details, None
        records.append(r)
    found, _ = rules.cross_check(records, settings)
    units = [engine.unit_row(r, found[r.path], settings) for r in records]
    units[0].previous_year = PreviousYear(2021, 100.0, 1, "洋湖2021.xlsx", frozenset())
    (tmp_path / "名单.csv").write_text(ROSTER_CSV, encoding="utf-8")
    entries = roster_entries(read_roster(tmp_path / "名单.csv"), units, [])
    stats = district_stats(units, settings)
    stats["statuses"] = {"未报送": 4, "未能读取": 0, "退回（有错误）": 1, "待说明（提示未附情况说明）": 0, "通过": 1,
                         "不在名单中": 0}
    data = RollupData(units, records, found, details.__getitem__, [], stats, settings, roster=entries, history=True)
    for fast, name in ((True, "fast.xlsx"), (False, "slow.xlsx")):
        save_atomic(build_rollup_workbook(data, fast=fast), tmp_path / name)
    a, b = load_workbook(tmp_path / "fast.xlsx"), load_workbook(tmp_path / "slow.xlsx")
    def look(book, sheet):  # openpyxl writes 16 significant digits, the fast writer repr (up to 17)
        return [[(round(c.value, 12) if isinstance(c.value, float) else c.value, c.number_format, c.font.b,
                  c.border.left.style) for c in row] for row in book[sheet].iter_rows()]

    for sheet in ("汇总", "报送情况", "统计", "问题清单", "说明"):
        assert look(a, sheet) == look(b, sheet), sheet
    summary = [[c.value for c in row] for row in a["汇总"].iter_rows()]
    assert summary[0][-3:] == ["上年得分", "变化", "上年排名"]
    assert summary[1][-3:] == [100, -1.2, 1] and summary[2][-3:] == [None, None, None]
    notes = {row[0].value: row[1].value for row in a["说明"].iter_rows(min_row=2) if row[0].value}
    assert notes["报送情况"].startswith("名单中的每个单位一行，状态为：未报送")
    assert "B305、B306、B307、D204、T102、T116" in notes["报送情况"]
    assert notes["上年得分、变化、上年排名"].startswith("档案（--archive）中该单位最近一个较早年度的汇总得分")


def test_two_files_matching_one_roster_unit_are_both_shown(tmp_path):
    """洋湖's code on the roster, and a file with 洋湖's name but another code: neither disappears."""
    import shutil

    folder = tmp_path / "报送"
    folder.mkdir()
    yanghu = EXAMPLES / "岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx"
    shutil.copy(yanghu, folder / "洋湖.xlsx")
    from openpyxl import load_workbook as load

    wb = load(yanghu)
    wb["封面"]["B3"] = "124099"  # the same name with another 预算编码
    wb.save(folder / "洋湖（另一编码）.xlsx")
    (tmp_path / "名单.csv").write_text("预算编码,单位\n124013,长沙市岳麓区洋湖街道办事处\n", encoding="utf-8")
    result = rollup(folder, tmp_path / "o.xlsx", jobs=1, roster=read_roster(tmp_path / "名单.csv"))
    (entry,) = result.roster
    assert (entry.status, entry.file) == ("退回（有错误）", "洋湖.xlsx")
    assert entry.note == ("另有报送对应名单中的这个单位：洋湖（另一编码）.xlsx（退回（有错误））；"
                          "请核对预算编码和单位名称（见问题清单 X503）")


def test_the_example_roster_gives_the_readme_counts(tmp_path):
    roster = read_roster(EXAMPLES.parent / "名单.csv")
    assert len(roster.units) == 11
    assert (roster.units[0].code, roster.units[0].unit, roster.units[0].county) == (
        "124013", "长沙市岳麓区洋湖街道办事处", "岳麓区")
    result = rollup(EXAMPLES, tmp_path / "o.xlsx", jobs=1, roster=roster)
    readme = (EXAMPLES.parent.parent / "README.md").read_text(encoding="utf-8")
    line = result.summary_zh().split("。名单：")[1]
    assert line == "未报送 1，未能读取 1，退回（有错误） 5，待说明（提示未附情况说明） 2，通过 2，不在名单中 5"
    assert f"`名单：{line}`" in readme
    assert [e.unit for e in result.roster if e.status == "未报送"] == ["长沙市岳麓区桃花岭街道办事处（虚构）"]

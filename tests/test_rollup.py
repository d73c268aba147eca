"""District roll-up: a folder of seed-based unit workbooks plus broken ones."""

from __future__ import annotations

import copy
import hashlib
import json
import multiprocessing
import os
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from perfeval_xl.core.findings import Severity
from perfeval_xl.core.model import Explanation
from perfeval_xl.core.settings import Settings
from perfeval_xl.core.summary import submission_summary
from perfeval_xl.core.validate import validate
from perfeval_xl.io.read import read_submission
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.sheets import PROJECT_SHEETS, UNIT_SHEETS
from perfeval_xl.layout.workbook import TEMPLATE_VERSION
from perfeval_xl.exitcodes import FINDINGS as EXIT_ERRORS, NOTHING_TO_DO as EXIT_EMPTY, OK as EXIT_OK
from perfeval_xl.exitcodes import PARTIAL as EXIT_UNREADABLE
from perfeval_xl.rollup import (
    ROLLUP_RULES, RollupError, discover, rollup, rollup_rules,
)
from perfeval_xl.rollup import engine, rules
from perfeval_xl.rollup.extract import cover_cell, describe, process_file
from perfeval_xl.rollup.record import FileRecord
from perfeval_xl.rollup.sheets import RollupData, build_rollup_workbook
from perfeval_xl.rollup.stats import district_stats

from .conftest import load_seed

T0 = 1_680_000_000 * 10**9  # 2023-03-28, in ns
YANGHU_OLD = "洋湖街道/洋湖街道办事处2022（终稿）.xlsx"
YANGHU_NEW = "洋湖街道/洋湖 2022 修改稿.xlsx"
PINGTANG = "坪塘街道办事处 2022.xlsx"
HANPU = "含浦/含浦街道2022.xlsx"
WANGJIAHE = "王家河（2023年度）.xlsx"
SHAZITANG = "旧模板/雨花区砂子塘2020.xlsx"
YANGHU, PT, HP, WJH, SZT = ("长沙市岳麓区洋湖街道办事处", "长沙市岳麓区坪塘街道办事处", "长沙市岳麓区含浦街道办事处",
                            "岳阳市岳阳楼区王家河街道办事处", "长沙市雨花区砂子塘街道办事处")
FORMULA_NAMES = ("=1+1", "@SUM(A1:A9)")
VERSION_CELL = cover_cell("template_version")  # 封面!B7
CODE_CELL = cover_cell("unit.budget_code").split("!")[1]  # B3


def save(sub, path: Path, *, mtime: int, kinds=UNIT_SHEETS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    save_atomic(build_workbook(sub, kinds), path)
    os.utime(path, ns=(mtime, mtime))
    return path


def seed_projects(indices):
    base = load_seed("seed000_yanghu_2022.json")
    return [copy.deepcopy(base.projects[i]) for i in indices]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("rollup") / "收到的报送"
    yanghu = load_seed("seed000_yanghu_2022.json")
    save(yanghu, root / YANGHU_OLD, mtime=T0)
    newer = copy.deepcopy(yanghu)
    newer.unit.preparer = "张三"
    save(newer, root / YANGHU_NEW, mtime=T0 + 3600 * 10**9)

    pingtang = copy.deepcopy(yanghu)
    pingtang.unit.unit_name, pingtang.unit.budget_code = PT, "124014"
    pingtang.projects = seed_projects([0, 1])
    for p, name in zip(pingtang.projects, FORMULA_NAMES):
        p.name = name
    pingtang.projects[0].implementing_unit = "+86 财政所"
    pingtang.projects[0].indicators[0].actual = "-12 次"
    save(pingtang, root / PINGTANG, mtime=T0)

    hanpu = copy.deepcopy(yanghu)
    hanpu.unit.unit_name, hanpu.unit.budget_code = HP, "124014"  # 坪塘's code: X503 on both
    hanpu.projects = seed_projects([4])
    save(hanpu, root / HANPU, mtime=T0)

    wangjiahe = load_seed("seed003_wangjiahe_2023.json")
    wangjiahe.department = wangjiahe.basic_data = None
    wangjiahe.projects = seed_projects([2, 3])
    for p, executed in zip(wangjiahe.projects, (150.0, 100.0)):
        p.funding_total.executed = p.funding_current_year.executed = executed  # the stated 执行率 now wrong
    save(wangjiahe, root / WANGJIAHE, mtime=T0)

    shazitang = load_seed("seed004_shazitang_2020.json")
    shazitang.basic_data = shazitang.rubric = None
    path = save(shazitang, root / SHAZITANG, mtime=T0)
    wb = load_workbook(path)
    sheet, cell = VERSION_CELL.split("!")
    wb[sheet][cell] = "2020.1"
    wb.save(path)
    os.utime(path, ns=(T0, T0))

    (root / "坏文件.xlsx").write_bytes(b"this is not a zip file")
    good = (root / PINGTANG).read_bytes()
    (root / "截断.xlsx").write_bytes(good[: len(good) * 3 // 5])
    (root / "旧格式.xls").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504)
    blank = Workbook()
    blank.active["A1"] = "各街道联系人"
    blank.save(root / "空白工作簿.xlsx")
    (root / "洋湖街道" / "~$洋湖 2022 修改稿.xlsx").write_bytes(b"lock")
    (root / ".~perfeval-abc123.xlsx").write_bytes(b"temp")
    (root / "__MACOSX").mkdir()
    (root / "__MACOSX" / "._坏文件.xlsx").write_bytes(b"resource fork")
    return root


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def run(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    before = snapshot(folder)
    calls = []
    result = rollup(folder, out / "区汇总.xlsx", jobs=1, json_report=out / "report.json",
                    feedback_dir=out / "退回意见", progress=lambda *a: calls.append(a))
    return {"result": result, "out": out, "before": before, "calls": calls}


def table(path: Path, sheet: str) -> list[dict]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    header = rows[0]
    return [dict(zip(header, row)) for row in rows[1:]]


def oracle(path: Path):
    """Counts as the 校验 button gives them for one file (the roll-up must aggregate exactly these)."""
    report = validate(read_submission(path).submission, Settings.default())
    return len(report.errors), len(report.warnings), report


# ---------------------------------------------------------------- discovery


def test_discovery_is_recursive_sorted_and_skips_lock_and_temp_files(folder):
    found = [p.relative_to(folder).as_posix() for p in discover(folder)]
    assert found == sorted(found)
    assert set(found) == {YANGHU_OLD, YANGHU_NEW, PINGTANG, HANPU, WANGJIAHE, SHAZITANG,
                          "坏文件.xlsx", "截断.xlsx", "旧格式.xls", "空白工作簿.xlsx"}


# ---------------------------------------------------------------- 汇总


def test_summary_sheet_has_one_row_per_counted_unit_with_exact_figures(run, folder):
    result = run["result"]
    assert result.exit_code == EXIT_UNREADABLE and result.files == 10 and result.units == 5
    rows = {r["来源文件"]: r for r in table(run["out"] / "区汇总.xlsx", "汇总")}
    assert list(rows) == sorted([YANGHU_NEW, PINGTANG, HANPU, WANGJIAHE, SHAZITANG])  # path order; old 洋湖 out

    y = rows[YANGHU_NEW]
    assert (y["预算编码"], y["单位"], y["年度"], y["项目数"]) == ("124013", YANGHU, 2022, 5)
    assert y["全年预算（万元）"] == pytest.approx(64.707 + 115.5 + 186 + 134 + 50)
    assert y["全年执行（万元）"] == pytest.approx(60.63 + 105.95 + 183.19 + 127.38 + 50)
    assert y["执行率"] == pytest.approx(527.15 / 550.207)
    assert y["部门自评总分"] == "" and y["项目平均分"] == pytest.approx(98.8) and y["汇总得分"] == pytest.approx(98.8)
    assert (y["得分依据"], y["等级"]) == ("项目平均分（5 个项目）", "优")
    # the seed's own slips (tests/data/README.md) + 18 S102 (提示: the seed's stated 执行率, 执行得分,
    # 总分 differ from what the formulas give, so the workbook holds them as constants) + X501 (提示)
    assert (y["错误数"], y["提示数"], y["未说明的偏差"], y["超额>120%"]) == (25, 9 + 18 + 1, 4, 4)
    assert y["模板版本"] == TEMPLATE_VERSION and "公式单元格没有保存计算结果" in y["说明"]

    p = rows[PINGTANG]
    assert (p["预算编码"], p["项目数"], p["全年预算（万元）"], p["全年执行（万元）"]) == ("124014", 2, 180.207, 166.58)
    assert p["执行率"] == pytest.approx(166.58 / 180.207) and p["汇总得分"] == 100 and p["等级"] == "优"
    errors, warnings, _ = oracle(folder / PINGTANG)
    assert (p["错误数"], p["提示数"]) == (errors + 1, warnings)  # + X503

    w = rows[WANGJIAHE]
    assert (w["预算编码"], w["年度"], w["全年预算（万元）"], w["全年执行（万元）"]) == ("", 2023, 320, 250)
    assert w["执行率"] == pytest.approx(0.78125) and w["汇总得分"] == 98 and w["等级"] == "优"
    errors, warnings, _ = oracle(folder / WANGJIAHE)
    assert (w["错误数"], w["提示数"]) == (errors, warnings)

    s = rows[SHAZITANG]
    assert (s["项目数"], s["全年预算（万元）"], s["执行率"], s["汇总得分"], s["等级"]) == (0, "", "", "", "")
    assert (s["错误数"], s["提示数"], s["模板版本"]) == (2, 0, "2020.1")  # X502, and S105: no table filled in


def test_figures_carry_number_formats_and_print_setup(run):
    wb = load_workbook(run["out"] / "区汇总.xlsx")
    assert wb.sheetnames == ["汇总", "统计", "项目明细", "指标明细", "问题清单", "未能读取", "说明"]
    ws = wb["汇总"]
    headers = [c.value for c in ws[1]]
    rate = ws.cell(2, headers.index("执行率") + 1)
    money = ws.cell(2, headers.index("全年预算（万元）") + 1)
    score = ws.cell(2, headers.index("汇总得分") + 1)
    assert (rate.number_format, money.number_format, score.number_format) == ("0.00%", "0.00", "0.00")
    assert rate.font.name == "宋体" and ws["A1"].font.b
    for name in ("汇总", "项目明细", "指标明细", "问题清单", "未能读取"):
        ws = wb[name]
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"
    # wide detail tables print across pages of a readable width, each repeating 预算编码, 单位, 年度;
    # 汇总 and 未能读取 print one page wide, 汇总 up to 超额 (来源文件 and the checking columns stay on screen)
    pages = {name: (wb[name].page_setup.fitToWidth, wb[name].print_title_cols)
             for name in ("汇总", "项目明细", "指标明细", "问题清单", "未能读取")}
    assert pages == {"汇总": (1, None), "项目明细": (2, "$A:$C"), "指标明细": (2, "$A:$C"),
                     "问题清单": (2, "$A:$C"), "未能读取": (1, None)}
    summary = wb["汇总"]
    last_printed = summary.print_area.split("!")[-1].split(":")[1].rstrip("0123456789").replace("$", "")
    assert summary[f"{last_printed}1"].value.startswith("超额") and "等级" in headers
    assert headers.index("等级") < headers.index(summary[f"{last_printed}1"].value)


# ---------------------------------------------------------------- details


def test_project_details_name_every_figures_cell(run, folder):
    rows = table(run["out"] / "区汇总.xlsx", "项目明细")
    assert len(rows) == 5 + 2 + 1 + 2  # 洋湖 (newest only), 坪塘, 含浦, 王家河; 砂子塘 has none
    first = [r for r in rows if r["来源文件"] == YANGHU_NEW][0]
    assert (first["项目名称"], first["全年预算数（万元）"], first["全年执行数（万元）"]) == ("两保站人员工资", 64.707, 60.63)
    assert first["执行率"] == pytest.approx(60.63 / 64.707)
    assert (first["填报总分"], first["建议总分"], first["等级"]) == (100, 100, "优")
    proj = read_submission(folder / YANGHU_NEW).submission.projects[0]
    cells = [str(proj.funding_total.source("annual_budget")), str(proj.funding_total.source("executed")),
             str(proj.source("total_score"))]
    assert all(c.startswith("项目1!") for c in cells)  # e.g. 项目1!E6, 项目1!F6, 项目1!G29
    assert [first["工作表"], first["预算数单元格"], first["执行数单元格"], first["总分单元格"]] == ["项目1", *cells]
    _, _, report = oracle(folder / YANGHU_NEW)
    mine = [f for f in report.findings if f.location.table == "项目支出绩效自评表「两保站人员工资」"]
    assert (first["错误数"], first["提示数"]) == (sum(f.severity is Severity.ERROR for f in mine),
                                            sum(f.severity is Severity.WARNING for f in mine))


def test_indicator_details_parse_kinds_and_cells(run, folder):
    rows = table(run["out"] / "区汇总.xlsx", "指标明细")
    sub = load_seed("seed000_yanghu_2022.json")
    per_seed = sum(1 for p in sub.projects for i in p.indicators if not i.is_placeholder())
    yanghu = [r for r in rows if r["来源文件"] == YANGHU_NEW]
    assert len(yanghu) == per_seed
    subsidy = [r for r in yanghu if r["三级指标"] == "补助社区支出"][0]
    assert (subsidy["项目（表）"], subsidy["一级指标"], subsidy["二级指标"]) == ("预留奖金", "产出指标", "数量指标")
    assert (subsidy["年度指标值"], subsidy["指标值类型"], subsidy["实际完成值"], subsidy["完成值类型"]) == (
        "20 万", "金额", "30 万", "金额")
    ind = next(i for i in read_submission(folder / YANGHU_NEW).submission.projects[1].indicators
               if i.name.endswith("补助社区支出"))
    assert (subsidy["分值"], subsidy["填报得分"], subsidy["建议得分"]) == (20, 20, 20)
    assert subsidy["单元格"] == str(ind.source("score")) and subsidy["单元格"].startswith("项目2!")
    timely = [r for r in yanghu if r["三级指标"] == "及时支付低保站人员工资"][0]
    assert (timely["指标值类型"], timely["建议区间"]) == ("时限", "16–20")


def test_problem_list_holds_every_finding_with_its_cell(run, folder):
    rows = table(run["out"] / "区汇总.xlsx", "问题清单")
    summary = table(run["out"] / "区汇总.xlsx", "汇总")
    superseded_x501 = 1
    assert len(rows) == sum(r["错误数"] + r["提示数"] for r in summary) + superseded_x501
    t101 = [r for r in rows if r["来源文件"] == YANGHU_NEW and r["规则"] == "T101"]
    rate_cell = read_submission(folder / YANGHU_NEW).submission.projects[1].source("execution_rate")
    assert [(r["工作表"], r["单元格"], r["严重程度"]) for r in t101] == [("项目2", rate_cell.cell, "错误")]
    assert "91.74%" in t101[0]["问题说明"] and "91.73%" in t101[0]["问题说明"]
    x501 = [(r["来源文件"], r["严重程度"]) for r in rows if r["规则"] == "X501"]
    assert x501 == [(YANGHU_NEW, "提示"), (YANGHU_OLD, "提示")]
    old = [r for r in rows if r["来源文件"] == YANGHU_OLD]
    assert len(old) == 1 and "未计入汇总" in old[0]["问题说明"] and YANGHU_NEW in old[0]["问题说明"]
    x502 = [r for r in rows if r["规则"] == "X502"]
    assert [(r["来源文件"], f"{r['工作表']}!{r['单元格']}", r["严重程度"]) for r in x502] == [
        (SHAZITANG, VERSION_CELL, "错误")]
    assert "2020.1" in x502[0]["问题说明"] and "早于" in x502[0]["问题说明"]
    x503 = sorted((r["来源文件"], r["单元格"]) for r in rows if r["规则"] == "X503")
    assert x503 == [(HANPU, CODE_CELL), (PINGTANG, CODE_CELL)]


def test_stats_sheet_grades_mean_median_rankings(run):
    rows = CalamineWorkbook.from_path(str(run["out"] / "区汇总.xlsx")).get_sheet_by_name("统计").to_python()
    text = [[c for c in row] for row in rows]

    def block(title: str) -> list[list]:
        start = next(i for i, r in enumerate(text) if str(r[0]).startswith(title))
        header = text[start + 1]
        body = []
        for r in text[start + 2:]:
            if r[0] == "" and all(c == "" for c in r):
                break
            body.append(dict(zip(header, r)))
        return body

    overview = {r["年度"]: r for r in block("一、")}
    y2022 = overview[2022]
    assert (y2022["单位数"], y2022["项目数"], y2022["有得分的单位"]) == (3, 8, 3)
    assert y2022["平均分"] == pytest.approx(round((98.8 + 100 + 98) / 3, 2)) and y2022["中位数"] == pytest.approx(98.8)
    assert (y2022["优"], y2022["良"], y2022["中"], y2022["差"], y2022["无得分"]) == (3, 0, 0, 0, 0)
    assert overview[2020]["无得分"] == 1 and overview[2020]["平均分"] == ""
    assert overview[2023]["执行率<90%"] == 1

    by_score = [(r["年度"], r["名次"], r["单位"], r["汇总得分"]) for r in block("二、")]
    assert by_score == [(2022, 1, PT, 100), (2022, 2, YANGHU, 98.8), (2022, 3, HP, 98), (2023, 1, WJH, 98)]
    by_rate = [(r["年度"], r["名次"], r["单位"]) for r in block("三、")]
    assert by_rate == [(2022, 1, HP), (2022, 2, YANGHU), (2022, 3, PT), (2023, 1, WJH)]
    low = [(r["单位"], r["执行率"]) for r in block("四、")]
    assert low == [(WJH, 0.78125)]


def test_stats_sheet_has_two_native_bar_charts(run):
    with zipfile.ZipFile(run["out"] / "区汇总.xlsx") as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 2
        xml = [z.read(n).decode() for n in charts]
    assert all(re.search(r'<barDir val="bar"\s*/>', x) and "<strRef><f>'统计'!$C$" in x and "<numRef><f>'统计'!$E$" in x
               for x in xml)
    assert "各单位自评得分（2022 年度）" in xml[0] and "各单位预算执行率（2022 年度）" in xml[1]  # most units


def test_unreadable_files_are_listed_with_their_reasons(run):
    rows = {r["来源文件"]: r["原因"] for r in table(run["out"] / "区汇总.xlsx", "未能读取")}
    assert rows == {
        "坏文件.xlsx": "坏文件.xlsx：不是有效的 Excel 工作簿（文件已损坏，或并非 .xlsx 格式）",
        "截断.xlsx": "截断.xlsx：文件不完整或已损坏（可能在下载或拷贝时被截断），请重新获取原文件后再提交",
        "旧格式.xls": "旧格式.xls：是旧版 .xls 格式，请在 Excel 或 WPS 中“另存为” .xlsx 后再提交。",
        "空白工作簿.xlsx": "空白工作簿.xlsx：工作簿中没有找到自评表（没有“单位信息”封面，也没有项目支出绩效自评表），"
                      "可能不是用本工具的模板填写的",
    }
    assert sorted(run["result"].unreadable) == sorted(rows.items())


def test_an_exception_in_a_worker_is_a_chinese_reason(folder, monkeypatch):
    def boom(*args, **kwargs):
        raise KeyError("项目1")

    monkeypatch.setattr("perfeval_xl.rollup.extract.validate", boom)
    record = process_file(folder / PINGTANG, folder, Settings.default())
    assert record.status == "unreadable"
    assert record.reason == f"{PINGTANG}：处理时出错（KeyError: '项目1'）"


# ---------------------------------------------------------------- cross-submission checks


def record(path, unit, code, year, version=TEMPLATE_VERSION, mtime=0):
    return FileRecord(path=path, name=path, unit=unit, code=code, year=year, version=version, mtime_ns=mtime,
                      cells={"unit": "封面!B2", "code": "封面!B3", "year": "封面!B4", "version": "封面!B7"})


def test_duplicates_keep_the_newest_then_the_later_path():
    s = Settings.default()
    found, superseded = rules.cross_check([record("b.xlsx", "甲街道", "1", 2022, mtime=5),
                                           record("a.xlsx", "甲街道", "1", 2022, mtime=9),
                                           record("c.xlsx", "甲 街道", "１", 2022, mtime=9),  # full-width, space
                                           record("d.xlsx", "甲街道", "1", 2023, mtime=1)], s)
    assert superseded == {"a.xlsx": "c.xlsx", "b.xlsx": "c.xlsx"}
    assert [f.rule for f in found["c.xlsx"]] == ["X501"] and "本文件被采用" in found["c.xlsx"][0].message
    assert found["d.xlsx"] == []


def test_duplicates_prefer_the_later_report_date_over_the_modification_time():
    late, early = record("终稿.xlsx", "甲街道", "1", 2022, mtime=1), record("初稿.xlsx", "甲街道", "1", 2022, mtime=9)
    late.report_date, early.report_date = "2023年3月26日", "2023-03-02"
    found, superseded = rules.cross_check([late, early], Settings.default())
    assert superseded == {"初稿.xlsx": "终稿.xlsx"}
    assert "“初稿.xlsx”（填报日期 2023-03-02，修改时间" in found["终稿.xlsx"][0].message
    assert [rules.report_day(t) for t in ("2023.3.26", " 2023 年 3 月 6 日", "3月26日", "2023-13-01")] == [
        "2023-03-26", "2023-03-06", "", ""]


def test_same_code_different_names_are_both_kept_and_reported():
    found, superseded = rules.cross_check([record("a.xlsx", "甲街道", "1", 2022), record("b.xlsx", "乙街道", "1", 2022),
                                           record("c.xlsx", "甲街道", "2", 2021)], Settings.default())
    assert superseded == {}
    assert [f.rule for f in found["a.xlsx"]] == ["X503", "X503"]  # code shared with 乙; name with code 2
    assert "“乙街道”（b.xlsx，2022 年度）" in found["a.xlsx"][0].message
    assert "“2”（c.xlsx，2021 年度）" in found["a.xlsx"][1].message
    assert all(f.severity is Severity.ERROR and f.location.cell == "B3" for f in found["b.xlsx"])


def test_template_versions(monkeypatch):
    monkeypatch.setattr(rules, "KNOWN_VERSIONS", ("2025.2", TEMPLATE_VERSION))
    found, _ = rules.cross_check([record("new.xlsx", "甲", "1", 2022, version="2099.1"),
                                  record("old.xlsx", "乙", "2", 2022, version="2025.2"),
                                  record("none.xlsx", "丙", "3", 2022, version=""),
                                  record("odd.xlsx", "丁", "4", 2022, version="试用版"),
                                  record("ok.xlsx", "戊", "5", 2022)], Settings.default())
    assert [(f.rule, f.severity.value) for f in found["new.xlsx"]] == [("X502", "错误")]
    assert "请升级 perfeval-xl" in found["new.xlsx"][0].message
    assert [(f.rule, f.severity.value) for f in found["old.xlsx"]] == [("X504", "提示")]
    assert [(f.rule, f.location.sheet, f.location.cell) for f in found["none.xlsx"]] == [("X504", "封面", "B7")]
    assert [f.rule for f in found["odd.xlsx"]] == ["X502"] and found["ok.xlsx"] == []


def test_a_project_table_alone_is_named_by_its_unit_and_year_but_has_no_version(tmp_path):
    # 填报单位 and 年度 are typed on the project table alone (it has no 封面, so no version stamp)
    save(load_seed("seed000_yanghu_2022.json"), tmp_path / "in" / "项目表.xlsx", mtime=T0, kinds=PROJECT_SHEETS)
    rollup(tmp_path / "in", tmp_path / "out.xlsx", jobs=1, json_report=tmp_path / "r.json")
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    entry = doc["submissions"][0]
    assert entry["template_version"] == "" and entry["unit"] == "长沙市岳麓区洋湖街道办事处"
    assert {f["rule"] for f in doc["cross_findings"] if f["file"] == entry["path"]} == {"X504"}


def test_roll_up_rules_are_documented_and_can_be_switched_off(folder, tmp_path):
    for r in rollup_rules():
        assert re.fullmatch(r"X5\d\d", r.code) and all((r.title, r.message, r.hint, r.what, r.why, r.example, r.basis))
        assert r.to_dict()["scope_zh"] and r.doc_zh().startswith(r.code)
    assert sorted(ROLLUP_RULES) == ["X501", "X502", "X503", "X504", "X505"]
    quiet = Settings.default().override({"severity": {"X502": "关闭", "X501": "错误"}})
    result = rollup(folder, tmp_path / "o.xlsx", jobs=1, settings=quiet)
    rows = table(tmp_path / "o.xlsx", "问题清单")
    assert not [r for r in rows if r["规则"] == "X502"]
    assert {r["严重程度"] for r in rows if r["规则"] == "X501"} == {"错误"}
    assert result.superseded == {YANGHU_OLD: YANGHU_NEW}


# ---------------------------------------------------------------- JSON and feedback


def test_json_report(run, folder):
    doc = json.loads((run["out"] / "report.json").read_text(encoding="utf-8"))
    assert doc["format"] == "perfeval-xl/rollup-report" and doc["exit_code"] == EXIT_UNREADABLE
    assert doc["totals"] == {"files": 10, "read": 6, "units": 5, "unreadable": 4, "superseded": 1, "ignored": 0,
                             "errors": run["result"].errors, "warnings": run["result"].warnings}
    files = {f["path"]: f for f in doc["submissions"]}
    assert list(files) == sorted(files)
    new = files[YANGHU_NEW]
    assert new["sha256"] == hashlib.sha256((folder / YANGHU_NEW).read_bytes()).hexdigest()
    assert (new["status"], new["valid"], new["counts"]["errors"], new["counts"]["warnings"]) == ("ok", False, 25, 28)
    assert new["counts"]["by_rule"]["T109"] == {"error": 4} and new["counts"]["by_rule"]["X501"] == {"warning": 1}
    assert new["counts"]["by_rule"]["S102"] == {"warning": 18}
    assert new["figures"]["project_avg"] == 98.8 and new["grade"] == "优"
    assert (files[YANGHU_OLD]["status"], files[YANGHU_OLD]["superseded_by"]) == ("superseded", YANGHU_NEW)
    bad = files["坏文件.xlsx"]
    assert (bad["status"], bad["valid"], bad["error"]) == ("unreadable", False, "坏文件.xlsx：不是有效的 Excel 工作簿（文件已损坏，或并非 .xlsx 格式）")
    assert bad["sha256"] == hashlib.sha256(b"this is not a zip file").hexdigest()
    y2022 = [y for y in doc["stats"]["years"] if y["year"] == 2022][0]
    assert y2022["median"] == 98.8 and [r["unit"] for r in y2022["ranking_by_score"]] == [PT, YANGHU, HP]
    assert {r["code"] for r in doc["rules"]} == set(ROLLUP_RULES)


def test_feedback_workbook_per_unit_with_errors(run):
    names = sorted(p.name for p in (run["out"] / "退回意见").iterdir())
    assert names == sorted(f"{u}{y}年度{title}.xlsx" for u, y in
                           ((YANGHU, 2022), (PT, 2022), (HP, 2022), (WJH, 2023), (SZT, 2020))
                           for title in ("退回意见", "标注副本"))  # 标注副本: tests/test_excel_annotate_rollup.py
    assert sorted(run["result"].feedback_files + run["result"].annotated_files) == \
        sorted((run["out"] / "退回意见").iterdir())
    ws = load_workbook(run["out"] / "退回意见" / f"{SZT}2020年度退回意见.xlsx")["退回意见"]
    assert ws["A1"].value == f"{SZT} 2020 年度预算绩效自评 退回意见"
    assert ws["A2"].value.startswith(f"来源文件：{SHAZITANG}。共 2 个错误、0 个提示")
    assert [c.value for c in ws[3]][:6] == ["序号", "严重程度", "规则", "问题", "工作表", "单元格"]
    assert [c.value for c in ws[4]][:6] == [1, "错误", "X502", "模板版本无法识别", *VERSION_CELL.split("!")]
    assert [c.value for c in ws[5]][:4] == [2, "错误", "S105", "空白报送"]
    assert ws.max_row == 5 and ws.freeze_panes == "A4" and ws.page_setup.orientation == "landscape"
    ws = load_workbook(run["out"] / "退回意见" / f"{YANGHU}2022年度退回意见.xlsx")["退回意见"]
    severities = [ws.cell(r, 2).value for r in range(4, ws.max_row + 1)]
    assert severities == ["错误"] * 25 + ["提示"] * 28  # 错误 first
    assert ws.cell(4, 9).value  # 修改建议


# ---------------------------------------------------------------- safety


def test_text_that_looks_like_a_formula_stays_text(run):
    path = run["out"] / "区汇总.xlsx"
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in z.read(name).decode(), name
    wb = load_workbook(path)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
    values = {c.value for c in cells}
    assert set(FORMULA_NAMES) | {"+86 财政所", "-12 次"} <= values
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    projects = [r["项目名称"] for r in table(path, "项目明细") if r["来源文件"] == PINGTANG]
    assert projects == list(FORMULA_NAMES)


def test_text_the_xml_cannot_hold_is_replaced_not_fatal(tmp_path):
    from perfeval_xl.rollup.xlsx import RollupBook, Col

    wb = RollupBook(Workbook(write_only=True))
    sheet = wb.table("x", [Col("a", 10), Col("b", 10, "score")])
    sheet.append(["bell\x07 and a lone \ud800 surrogate", float("nan")])
    sheet.append(["keep _x000D_ literally", 1.5])
    sheet.append(["  a < b & c > d\n第二行 ", 0])
    sheet.close()
    wb.save(tmp_path / "x.xlsx")
    rows = CalamineWorkbook.from_path(str(tmp_path / "x.xlsx")).get_sheet_by_name("x").to_python()
    assert rows[1] == ["bell\ufffd and a lone \ufffd surrogate", ""]
    assert rows[2] == ["keep _x000D_ literally", 1.5]
    assert rows[3] == ["  a < b & c > d\n第二行 ", 0]


def test_inputs_are_never_modified(run, folder):
    assert snapshot(folder) == run["before"]


# openpyxl's write-only row generators of the never-saved workbook complain when collected
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_output_is_written_atomically(folder, tmp_path, monkeypatch):
    out = tmp_path / "区汇总.xlsx"
    rollup(folder, out, jobs=1)
    good = out.read_bytes()

    def broken_save(self, filename):
        Path(filename).write_bytes(b"PK partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("openpyxl.workbook.workbook.Workbook.save", broken_save)
    with pytest.raises(RollupError, match="无法写入.*No space left on device"):
        rollup(folder, out, jobs=1)
    assert out.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["区汇总.xlsx"]  # no temporary file left
    monkeypatch.undo()
    fresh = tmp_path / "新.xlsx"
    monkeypatch.setattr("perfeval_xl.rollup.xlsx._splice", lambda *a: (_ for _ in ()).throw(ValueError("坏了")))
    with pytest.raises(ValueError):
        rollup(folder, fresh, jobs=1)
    assert not fresh.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["区汇总.xlsx"]


def test_an_input_is_never_the_output(folder, tmp_path):
    before = snapshot(folder)
    with pytest.raises(RollupError, match="是待汇总的报送之一"):
        rollup(folder, folder / PINGTANG, jobs=1)
    with pytest.raises(RollupError, match="是待汇总的报送之一"):
        rollup(folder, tmp_path / "x.xlsx", json_report=folder / HANPU, jobs=1)
    with pytest.raises(RollupError, match="应以 .xlsx 结尾"):
        rollup(folder, tmp_path / "x.csv", jobs=1)
    with pytest.raises(RollupError, match="不存在"):
        rollup(tmp_path / "没有这个文件夹", tmp_path / "x.xlsx", jobs=1)
    assert snapshot(folder) == before


def test_a_file_this_tool_did_not_write_is_replaced_only_with_force(folder, tmp_path):
    other = tmp_path / "区汇总.xlsx"
    other.write_bytes(b"someone else's workbook")
    (tmp_path / "r.json").write_text("{}", encoding="utf-8")
    with pytest.raises(RollupError, match="不是本工具生成的区汇总.*--force"):
        rollup(folder, other, jobs=1)
    with pytest.raises(RollupError, match="不是本工具生成的汇总报告"):
        rollup(folder, tmp_path / "new.xlsx", json_report=tmp_path / "r.json", jobs=1)
    assert other.read_bytes() == b"someone else's workbook" and not (tmp_path / "new.xlsx").exists()
    rollup(folder, other, json_report=tmp_path / "r.json", jobs=1, force=True)
    assert load_workbook(other).sheetnames[0] == "汇总"
    rollup(folder, other, json_report=tmp_path / "r.json", jobs=1)  # ours now: no force needed


def test_a_previous_roll_up_inside_the_folder_is_replaced_not_rolled_up(tmp_path):
    inbox = tmp_path / "报送"
    save(load_seed("seed003_wangjiahe_2023.json"), inbox / "王家河.xlsx", mtime=T0)
    first = rollup(inbox, inbox / "区汇总.xlsx", jobs=1, feedback_dir=tmp_path / "退回")
    second = rollup(inbox, inbox / "区汇总.xlsx", jobs=1)  # the first 区汇总 is not an input
    assert (first.files, second.files, second.units) == (1, 1, 1)
    third = rollup(inbox, tmp_path / "另存.xlsx", jobs=1)  # elsewhere: the old one is found and ignored
    assert (third.files, third.units, third.ignored, third.unreadable) == (2, 1, ["区汇总.xlsx"], [])


def test_feedback_never_written_over_a_submission_even_through_a_link(tmp_path):
    inbox, fb = tmp_path / "报送", tmp_path / "退回"
    save(load_seed("seed000_yanghu_2022.json"), inbox / "洋湖.xlsx", mtime=T0)
    first = rollup(inbox, tmp_path / "区汇总.xlsx", jobs=1, feedback_dir=fb)
    [written] = first.feedback_files
    submission = inbox / "洋湖.xlsx"
    before = submission.read_bytes()
    written.unlink()
    written.symlink_to(submission)  # the 退回意见's name now leads to the submission itself
    with pytest.raises(RollupError, match="与一份报送同名"):
        rollup(inbox, tmp_path / "区汇总.xlsx", jobs=1, feedback_dir=fb, force=True)
    assert submission.read_bytes() == before and written.is_symlink()


# ---------------------------------------------------------------- exit codes, progress, parallel runs


def test_exit_codes(tmp_path):
    clean = tmp_path / "clean"
    save(load_seed("seed004_shazitang_2020.json"), clean / "砂子塘.xlsx", mtime=T0)
    assert rollup(clean, tmp_path / "a.xlsx", jobs=1).exit_code == EXIT_OK
    save(load_seed("seed000_yanghu_2022.json"), clean / "洋湖.xlsx", mtime=T0)
    assert rollup(clean, tmp_path / "b.xlsx", jobs=1).exit_code == EXIT_ERRORS
    (clean / "坏.xlsx").write_bytes(b"x")
    assert rollup(clean, tmp_path / "c.xlsx", jobs=1).exit_code == EXIT_UNREADABLE
    empty = tmp_path / "empty"
    (empty / "子文件夹").mkdir(parents=True)
    (empty / "说明.txt").write_text("无", encoding="utf-8")
    result = rollup(empty, tmp_path / "d.xlsx", jobs=1, json_report=tmp_path / "d.json")
    assert result.exit_code == EXIT_EMPTY and result.output is None and not (tmp_path / "d.xlsx").exists()
    assert json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))["exit_code"] == EXIT_EMPTY
    assert "没有找到" in result.summary_zh()


def test_progress_is_reported_per_file(run):
    calls = run["calls"]
    assert [c[0] for c in calls] == list(range(1, 11)) and {c[1] for c in calls} == {10}
    assert sorted(c[2] for c in calls) == sorted(r["path"] for r in json.loads(
        (run["out"] / "report.json").read_text(encoding="utf-8"))["submissions"])


def test_terminal_progress_only_on_a_terminal():
    import io

    from perfeval_xl.rollup import terminal_progress

    quiet = io.StringIO()
    with terminal_progress(quiet) as progress:
        progress(1, 2, "a.xlsx")
    assert quiet.getvalue() == ""

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    with terminal_progress(tty) as progress:
        progress(1, 2, "甲/洋湖街道2022.xlsx")
        progress(2, 2, "乙.xlsx")
    assert "2/2" in tty.getvalue()


def test_two_worker_processes_give_the_same_workbook(run, folder, tmp_path):
    result = rollup(folder, tmp_path / "par.xlsx", jobs=2, batch_size=1)
    assert (result.exit_code, result.units, result.errors) == (EXIT_UNREADABLE, 5, run["result"].errors)
    one = CalamineWorkbook.from_path(str(run["out"] / "区汇总.xlsx"))
    two = CalamineWorkbook.from_path(str(tmp_path / "par.xlsx"))
    for name in one.sheet_names:
        assert one.get_sheet_by_name(name).to_python() == two.get_sheet_by_name(name).to_python(), name


def _crash_on_bomb(paths):
    if any("炸弹" in p for p in paths):
        os._exit(3)
    return engine.process_batch(paths, engine._WORKER["root"], engine._WORKER["settings"])


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="patches the worker through fork")
def test_a_worker_that_dies_costs_only_its_file(tmp_path, monkeypatch):
    inbox = tmp_path / "in"
    seed = load_seed("seed003_wangjiahe_2023.json")
    for name in ("甲.xlsx", "乙.xlsx", "炸弹.xlsx", "丁.xlsx"):
        s = copy.deepcopy(seed)
        s.unit.unit_name = name[0] + "街道"
        save(s, inbox / name, mtime=T0)
    monkeypatch.setattr(engine, "_work", _crash_on_bomb)
    result = rollup(inbox, tmp_path / "o.xlsx", jobs=2, batch_size=2)
    assert result.unreadable == [("炸弹.xlsx", "炸弹.xlsx：读取时处理进程意外退出（退出码 3），文件可能已损坏，拒绝读取")]
    assert result.units == 3


def test_dask_local_cluster(folder, run, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            result = rollup(folder, tmp_path / "dask.xlsx", scheduler=client, batch_size=3)
        by_address = rollup(folder, tmp_path / "address.xlsx", scheduler=cluster.scheduler_address)
    assert by_address.units == 5 and by_address.unreadable == run["result"].unreadable
    assert (result.exit_code, result.units, result.errors, result.warnings) == (
        EXIT_UNREADABLE, 5, run["result"].errors, run["result"].warnings)
    one = CalamineWorkbook.from_path(str(run["out"] / "区汇总.xlsx"))
    two = CalamineWorkbook.from_path(str(tmp_path / "dask.xlsx"))
    for name in ("汇总", "问题清单", "未能读取"):
        assert one.get_sheet_by_name(name).to_python() == two.get_sheet_by_name(name).to_python(), name


# ---------------------------------------------------------------- the writer and the figures, in memory


def _look(c):
    return (c.value, c.data_type, c.number_format, c.font.name, c.font.sz, c.font.b, c.quotePrefix,
            c.alignment.wrap_text, c.border.left.style, c.fill.fgColor.rgb)


def test_fast_rows_equal_openpyxl_write_only_rows(folder, tmp_path):
    """The spliced rows are what openpyxl's write-only rows would be: values, types, styles."""
    settings = Settings.default()
    records = []
    details = {}
    for p in (YANGHU_NEW, PINGTANG):
        r = process_file(folder / p, folder, settings)
        details[r.path], r.details = r.details, None
        records.append(r)
    found, _ = rules.cross_check(records, settings)
    units = [engine.unit_row(r, found[r.path], settings) for r in records]
    data = RollupData(units, records, found, details.__getitem__, [], district_stats(units, settings), settings)
    for fast, name in ((True, "fast.xlsx"), (False, "slow.xlsx")):
        save_atomic(build_rollup_workbook(data, fast=fast), tmp_path / name)
    a, b = load_workbook(tmp_path / "fast.xlsx"), load_workbook(tmp_path / "slow.xlsx")
    for name in ("汇总", "项目明细", "指标明细", "问题清单", "统计", "说明"):
        rows_a = [[_look(c) for c in row] for row in a[name].iter_rows()]
        rows_b = [[_look(c) for c in row] for row in b[name].iter_rows()]
        assert rows_a == rows_b, name
        assert [a[name].row_dimensions[i].height for i in range(1, 30)] == \
               [b[name].row_dimensions[i].height for i in range(1, 30)]


def test_department_score_comes_from_the_department_table_then_the_rubric():
    settings = Settings.default()
    sub = load_seed("seed003_wangjiahe_2023.json")
    sub.department.total_score = 91.5
    out = describe(FileRecord("王家河.json", "王家河.json"), sub, submission_summary(sub, settings),
                   validate(sub, settings))
    s = out.figures
    assert (s.budget, s.executed, s.rate) == (1577.26, 1577.26, 1.0)  # the department's budget row
    assert (s.dept_score, s.dept_score_basis, s.projects) == (91.5, "部门整体支出绩效自评表 总分", 0)
    assert out.table_type == "部门整体支出绩效自评表、基础数据表"
    assert {row.table for row in out.details.indicators} == {"部门整体支出绩效自评表"}  # its indicators are listed

    sub.department.total_score = None  # no 总分 row (as printed) → the 评分表's 合计得分
    rubric = load_seed("seed004_shazitang_2020.json").rubric
    sub.rubric = rubric
    s = describe(FileRecord("x", "x"), sub, submission_summary(sub, settings), validate(sub, settings)).figures
    assert (s.dept_score, s.dept_score_basis) == (92.1, "评分表 合计得分")


def test_the_clerks_explanation_reaches_the_problem_list():
    settings = Settings.default()
    sub = load_seed("seed000_yanghu_2022.json")
    report = validate(sub, settings)
    target = next(f for f in report.findings if f.rule == "T116")
    sub.explanations = [Explanation(target.rule, target.location.key, "=目标按上年实际数设定，已在下年调整")]
    out = describe(FileRecord("洋湖.json", "洋湖.json"), sub, submission_summary(sub, settings), validate(sub, settings))
    rows = [r for r in out.details.findings if r.rule == "T116" and r.explanation]
    assert [r.explanation for r in rows] == ["=目标按上年实际数设定，已在下年调整"]

"""What the 区汇总 and the drafted reports look like on paper, rendered by LibreOffice (one soffice start)
and read back with pdftotext; and the README's picture of each printed form.

(The two example workbooks' page counts and titles: tests/test_print_layout.py.)
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from perfeval_xl.core.settings import Settings
from perfeval_xl.report import write_report
from perfeval_xl.rollup.engine import rollup

from .conftest import ROOT, load_seed
from .recalc import PDFINFO, SOFFICE, libreoffice_pdf_many, pdf_page_count

needs_soffice = pytest.mark.skipif(SOFFICE is None or PDFINFO is None, reason="LibreOffice and poppler-utils needed")
RULE_CODE = re.compile(r"\b[TSWX]\d{3}\b")


def _text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    work = tmp_path_factory.mktemp("render")
    rollup(ROOT / "examples" / "报送", work / "区汇总.xlsx", jobs=1)
    summary_only = load_workbook(work / "区汇总.xlsx")
    for name in summary_only.sheetnames:
        if name != "汇总":
            summary_only.remove(summary_only[name])
    summary_only.save(work / "汇总.xlsx")
    settings = Settings.default()
    write_report(load_seed("seed003_wangjiahe_2023.json"), work / "报告-王家河.docx", settings)
    yanghu = load_seed("seed000_yanghu_2022.json")
    write_report(yanghu, work / "报告-洋湖.docx", settings, project=yanghu.projects[0].name)
    names = ["汇总", "报告-王家河", "报告-洋湖"]
    pdfs = libreoffice_pdf_many([work / f"{n}.xlsx" if n == "汇总" else work / f"{n}.docx" for n in names],
                                work / "pdf")
    return dict(zip(names, pdfs))


@needs_soffice
def test_the_district_summary_prints_one_page_wide_with_its_score_and_grade_on_page_one(rendered):
    pdf = rendered["汇总"]
    first = _text(pdf, 1)
    flat = "".join(first.split())
    # the first and the last printed column on the first page: one page wide
    assert "预算编码" in flat and "汇总得分" in flat and "等级" in flat and "超额" in flat and ">120%" in flat
    wangjiahe = next(line for line in first.splitlines() if "王家河街道办事处" in line)
    assert re.search(r"93\.80\s+93\.80\s+优", wangjiahe), wangjiahe  # 部门自评总分, 汇总得分, 等级 in one row
    for page in range(2, pdf_page_count(pdf) + 1):
        assert "预算编码" in _text(pdf, page)  # the title row repeats on every page


@needs_soffice
def test_the_drafted_reports_print_their_tables_and_no_rule_codes(rendered):
    for name in ("报告-王家河", "报告-洋湖"):
        text = _text(rendered[name])
        flat = "".join(text.split())
        assert "绩效指标完成情况表" in flat and "二级指标" in flat and "三级指标" in flat, name
        assert "预算执行情况表" in flat, name
        assert not RULE_CODE.search(text) and "[错误]" not in text, name
    assert "全年执行数1577.26万元" in "".join(_text(rendered["报告-王家河"]).split())


def test_the_readme_shows_one_small_picture_of_each_printed_form():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"\(docs/images/(打印-[^)]+\.png)\)", readme)
    assert sorted(pictures) == sorted(f"打印-{n}.png" for n in (
        "项目支出绩效自评表", "部门整体支出绩效自评表", "基础数据表", "评分表", "区汇总", "自评报告"))
    for name in pictures:
        size = (ROOT / "docs" / "images" / name).stat().st_size
        assert 5_000 < size < 100_000, (name, size)


def _vertical_merges(table) -> list[tuple[int, int, int]]:
    """(column, first row, last row) of each vertically merged cell of a Word table."""
    from docx.oxml.ns import qn

    spans, rows = [], table._tbl.tr_lst
    for col in range(len(rows[0].tc_lst)):
        start = None
        for r, tr in enumerate([*rows, None]):
            merge = None
            if tr is not None and tr.tc_lst[col].tcPr is not None:
                merge = tr.tc_lst[col].tcPr.find(qn("w:vMerge"))
            continues = merge is not None and merge.get(qn("w:val")) in (None, "continue")
            if start is not None and not continues:
                spans.append((col, start, r - 1))
                start = None
            if merge is not None and merge.get(qn("w:val")) == "restart":
                start = r
    return spans


def test_the_report_table_merges_its_levels_and_sizes_its_columns_by_their_text(tmp_path):
    from docx import Document

    write_report(load_seed("seed003_wangjiahe_2023.json"), tmp_path / "r.docx", Settings.default())
    indicators = Document(tmp_path / "r.docx").tables[1]
    # rows 1–18 产出 (数量 1–10, 质量 11–12, 时效 13–18), 19–22 效益, 23 满意度, 24–25 成本 (经济成本)
    assert _vertical_merges(indicators) == [(0, 1, 18), (0, 19, 22), (0, 24, 25),
                                            (1, 1, 10), (1, 11, 12), (1, 13, 18), (1, 24, 25)]
    assert indicators.cell(2, 2).text == "预算执行率" and indicators.cell(18, 0).text == "产出指标"
    widths = [round(c.width.cm, 2) for c in indicators.columns]
    assert round(sum(widths), 1) == 15.6  # the text width of the page
    # 三级/年度指标值/实际完成值 hold the long text; 分值, 得分 and the mostly empty 偏差原因 the least
    assert min(widths[2:5]) > max(widths[:2]) > max(widths[5:])

"""Paper: page breaks, one-page fitting, text that is never clipped, what a filled workbook prints.

The LibreOffice test renders the two reference examples in one soffice start and reads the PDFs
back with pdftotext; the others check the written workbooks with openpyxl.
"""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from perfeval_xl.layout.paper import LINE_PT, PADDING_PT, paginate, text_height, text_lines

from .recalc import PDFINFO, SOFFICE, libreoffice_pdf_many, pdf_page_count

ROOT = Path(__file__).resolve().parent.parent
# the example district holds deliberately broken files (district.toml: broken = ...): skipped
_BROKEN = {u["file"] for u in tomllib.loads((ROOT / "examples" / "district.toml").read_text("utf-8"))["unit"]
           if u.get("broken")}
EXAMPLES = sorted(p for p in (ROOT / "examples" / "报送").rglob("*.xlsx")
                  if p.relative_to(ROOT / "examples" / "报送").as_posix() not in _BROKEN)
TEMPLATES = sorted((ROOT / "workbook_templates").glob("*.xlsx"))
YANGHU = ROOT / "examples" / "报送" / "岳麓区" / "洋湖街道2022年度项目支出绩效自评表.xlsx"
WANGJIAHE = ROOT / "examples" / "报送" / "岳阳楼区" / "王家河街道2023年度部门整体支出绩效自评.xlsx"

needs_soffice = pytest.mark.skipif(SOFFICE is None or PDFINFO is None, reason="LibreOffice and poppler-utils needed")


# ---------------------------------------------------------------- the text model


def test_text_lines_count_cjk_as_one_em_and_paragraphs_apart():
    # a column 20 characters wide is 145 px; less padding 139 px: ten CJK characters (134 px) fit,
    # with the word-wrap slack nine do
    assert text_lines("一二三四五六七八九", 20) == 1
    assert text_lines("一二三四五六七八九十一二", 20) == 2
    assert text_lines("一二\n三四\n\n五", 20) == 4  # an empty paragraph is a line too
    assert text_lines("1234567890" * 3, 20) == 2  # 30 digits × 7 px = 210 px (227 with slack)
    assert text_height("一", 20) == LINE_PT + PADDING_PT


# ---------------------------------------------------------------- page breaks


def test_a_sheet_that_fits_one_page_is_fitted_to_it():
    pages = paginate({r: 20.0 for r in range(1, 31)}, 30, [10] * 9, landscape=False)
    assert pages.fit_one_page and pages.breaks == []


def test_breaks_never_split_a_kept_block_and_repeat_title_rows():
    heights = {r: 100.0 for r in range(1, 41)}
    pages = paginate(heights, 40, [10] * 9, landscape=False, keep=[(8, 12)], title_rows=(1, 1))
    assert not pages.fit_one_page
    assert all(not (8 <= b < 12) for b in pages.breaks), pages.breaks  # no page ends inside rows 8–12
    assert pages.breaks == sorted(pages.breaks) and len(set(pages.breaks)) == len(pages.breaks)
    page_room = (11.69 - 1.2) * 72 * 100 / pages.scale
    starts = [1] + [b + 1 for b in pages.breaks]
    ends = pages.breaks + [40]
    for i, (first, last) in enumerate(zip(starts, ends)):
        used = sum(heights[r] for r in range(first, last + 1)) + (100.0 if i else 0)
        assert used <= page_room, (first, last, used, page_room)


def test_the_last_page_is_never_only_rows_after_the_data():
    # 60 data rows then 5 blank rows and a total: a plain fill would leave the blank rows alone
    heights = {r: 32.0 for r in range(1, 61)} | {r: 16.0 for r in range(61, 67)}
    plain = paginate(heights, 66, [10] * 9, landscape=False)
    kept = paginate(heights, 66, [10] * 9, landscape=False, last_content_row=60)
    assert plain.breaks == [30, 61]  # without the rule the last page starts after the data
    assert kept.breaks == [30, 58]  # rows 59 and 60 go with the blank rows and the total


# ---------------------------------------------------------------- no clipped text


@pytest.mark.parametrize("path", EXAMPLES + TEMPLATES, ids=lambda p: p.name)
def test_every_text_of_the_written_workbooks_has_the_height_it_needs(path):
    wb = load_workbook(path)
    problems = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        merged = {str(r).split(":")[0]: r for r in ws.merged_cells.ranges}
        for row in ws.iter_rows():
            for c in row:
                if not isinstance(c.value, str) or c.data_type == "f" or not c.alignment.wrap_text:
                    continue
                if c.font.sz and c.font.sz > 12:
                    continue  # titles
                r = merged.get(c.coordinate)
                rows = range(r.min_row, r.max_row + 1) if r else range(c.row, c.row + 1)
                cols = range(r.min_col, r.max_col + 1) if r else range(c.column, c.column + 1)
                from openpyxl.utils import get_column_letter
                width = sum(ws.column_dimensions[get_column_letter(col)].width or 8.43 for col in cols)
                have = sum(ws.row_dimensions[x].height or 15 for x in rows)
                need = text_height(c.value, width)
                if need > have + 0.01:
                    problems.append(f"{ws.title}!{c.coordinate}: needs {need:.1f} pt, has {have:.1f}")
    assert not problems, "\n".join(problems[:20])


# ---------------------------------------------------------------- what a filled workbook prints


def test_a_filled_workbook_keeps_blank_forms_in_the_file_but_out_of_print():
    wb = load_workbook(YANGHU)
    out = {}
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        area = ws.print_area.split("!")[-1].replace("$", "")
        out[ws.title] = ":" in area
        if ":" not in area:
            assert ws[area].value is None and ws[area].has_style is False, ws.title
    assert out == {"封面": True, "填报说明": False, "基础数据表": False, "部门整体支出绩效自评表": False,
                   "评分表": False, "项目清单": True, "项目1": True, "项目2": True, "项目3": True, "项目4": True,
                   "项目5": True}


def test_a_template_prints_every_form():
    wb = load_workbook(TEMPLATES[0])
    assert all(":" in ws.print_area for ws in wb.worksheets if ws.sheet_state == "visible")


@pytest.fixture(scope="module")
def example_pdfs(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("print-pdf")
    yanghu, wangjiahe = libreoffice_pdf_many([YANGHU, WANGJIAHE], outdir)
    return yanghu, wangjiahe


def _text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


@needs_soffice
def test_the_examples_print_as_the_clerks_file_them(example_pdfs):
    yanghu, wangjiahe = example_pdfs
    # 洋湖: 封面, 项目清单 and five projects, one of them on two pages
    assert pdf_page_count(yanghu) == 8
    # 王家河: 封面, 基础数据表 (附件1), the 部门整体 table on two pages
    assert pdf_page_count(wangjiahe) == 4
    text = _text(yanghu)
    assert "2022年度项目支出绩效自评表" in text
    assert "本工作簿用于" not in text and "部门整体支出绩效自评表" not in text  # 填报说明, blank forms
    assert "93.70%" in text  # 两保站人员工资: 60.63 / 64.707
    assert "第 1 页 共 8 页".replace(" ", "") in text.replace(" ", "")
    basic = _text(wangjiahe, 2)
    assert "附件1" in basic and "2023年度部门整体支出绩效自评基础数据表" in basic
    assert "2022年决算数" in basic and "2023年预算数" in basic
    assert "岳阳市岳阳楼区王家河街道办事处" in basic


def test_figures_print_with_two_decimals():
    ws = load_workbook(YANGHU)["项目1"]
    # 年度资金总额 64.707 prints 64.71 beside 115.50 of the next project; 执行率 93.70%; scores 100.00
    assert [ws[ref].number_format for ref in ("D7", "E7", "F7", "G6", "H6", "I6")] == \
        ["0.00", "0.00", "0.00", "0.00", "0.00%", "0.00"]
    assert ws["D7"].value == 64.707  # the value keeps every decimal typed

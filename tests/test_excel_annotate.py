"""`perfeval-xl validate FILE --annotate OUT.xlsx`: the 校验 view for WPS and any spreadsheet.

The annotated copy is opened by LibreOffice (headless: converted to .ods and back to .xlsx), and
its comments, fills and internal links are read back from what LibreOffice wrote; the copy also
goes back through the project's own reader.
"""

import hashlib
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from perfeval_xl import cli
from perfeval_xl.core.validate import validate
from perfeval_xl.io.xlsx_read import read_workbook
from perfeval_xl.layout.results import ERROR_COLOR, RESULTS_SHEET, WARNING_COLOR

from .conftest import ROOT, values_only

YANGHU = ROOT / "examples/报送/岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx"


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("annotate")
    source = tmp / "洋湖街道.xlsx"
    shutil.copyfile(YANGHU, source)
    before = digest(source)
    code = cli.main(["validate", str(source), "--annotate", str(tmp / "洋湖街道_校验.xlsx")])
    assert code == 1  # findings: the exit code of validate, unchanged
    assert digest(source) == before  # the input is never written
    return source, tmp / "洋湖街道_校验.xlsx"


def comments_links_fills(path):
    wb = load_workbook(path)
    comments = {(ws.title, c.coordinate): c.comment.text for ws in wb.worksheets for row in ws.iter_rows()
                for c in row if c.comment}
    results = wb[RESULTS_SHEET]
    links = [(results.cell(r, 5).value, results.cell(r, 5).hyperlink.location if results.cell(r, 5).hyperlink else None)
             for r in range(4, results.max_row + 1)]
    fills = {(ws.title, c.coordinate): "#" + str(c.fill.fgColor.rgb)[-6:] for ws in wb.worksheets[1:]
             for row in ws.iter_rows() for c in row if (ws.title, c.coordinate) in comments}
    return wb, comments, links, fills


def test_the_copy_marks_every_problem_cell_and_lists_it_with_a_link(annotated):
    source, out = annotated
    report = validate(read_workbook(source).submission)
    located = {(f.location.sheet, f.location.cell) for f in report.findings if f.location.cell}
    wb, comments, links, fills = comments_links_fills(out)
    assert wb.sheetnames[0] == RESULTS_SHEET and wb.sheetnames[1:] == load_workbook(source).sheetnames
    assert wb[RESULTS_SHEET]["A1"].value == "校验结果：25 个错误，27 个提示"
    assert set(comments) == located and len(located) == 42  # T105/T114 point at the 绩效指标 header cells
    assert comments[("项目1", "G6")] == ("[错误 T103] 项目支出绩效自评表「两保站人员工资」：预算执行率的分值填报为 100，"
                                       "按规定应为 10 分。")
    assert comments[("项目1", "H6")].startswith("[提示 S102] 项目1 H6（执行率）在模板中是公式")
    assert fills[("项目1", "G6")] == ERROR_COLOR and fills[("项目1", "H6")] == WARNING_COLOR
    assert links[0] == ("项目2!H6", "'项目2'!H6") and links[1] == ("项目1!G6", "'项目1'!G6")
    assert len(links) == len(report.findings)
    assert sum(1 for _, loc in links if loc) == sum(1 for f in report.findings if f.location.cell)


def test_libreoffice_opens_the_copy_with_its_comments_and_links(annotated, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    _, out = annotated
    profile = f"-env:UserInstallation=file://{tmp_path}/lo-profile"
    for src, fmt in ((out, "ods"), (tmp_path / (out.stem + ".ods"), "xlsx")):
        done = subprocess.run([soffice, profile, "--headless", "--convert-to", fmt, "--outdir", str(tmp_path), str(src)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    again = tmp_path / out.name
    _, comments, links, fills = comments_links_fills(out)
    _, lo_comments, lo_links, lo_fills = comments_links_fills(again)
    assert lo_comments == comments
    assert lo_links == links
    assert lo_fills == fills


def test_the_copy_reads_back_as_the_same_submission(annotated):
    source, out = annotated
    original, copy = read_workbook(source), read_workbook(out)
    assert values_only(copy.submission) == values_only(original.submission)
    assert [(f.rule, f.location.cell) for f in validate(copy.submission).findings] == \
        [(f.rule, f.location.cell) for f in validate(original.submission).findings]


def test_the_copy_never_replaces_the_input(tmp_path, capsys):
    source = tmp_path / "洋湖街道.xlsx"
    shutil.copyfile(YANGHU, source)
    before = digest(source)
    assert cli.main(["validate", str(source), "--annotate", str(source)]) == 2
    assert capsys.readouterr().err.startswith(f"错误：标注副本不能覆盖原文件 {source}")
    assert cli.main(["validate", str(source), "--annotate", str(tmp_path / "x" / ".." / "洋湖街道.xlsx")]) == 2
    assert digest(source) == before


def test_a_finding_inside_a_merged_range_is_noted_on_its_first_cell(tmp_path):
    from openpyxl import Workbook

    from perfeval_xl.core.findings import Finding, Location, Report, Severity
    from perfeval_xl.excel.annotate import annotate

    wb = Workbook()
    wb.active.title = "项目1"
    wb.active.merge_cells("C3:F3")
    wb.save(tmp_path / "in.xlsx")
    report = Report(findings=[Finding(rule="T999", severity=Severity.ERROR, title="测试", message="合并单元格中的问题",
                                      location=Location(table="项目1", sheet="项目1", cell="D3"))])
    done = annotate(tmp_path / "in.xlsx", tmp_path / "out.xlsx", report)
    ws = load_workbook(tmp_path / "out.xlsx")["项目1"]
    assert done.cells == {"项目1": ["D3"]}
    assert ws["C3"].comment.text == "[错误 T999] 合并单元格中的问题"

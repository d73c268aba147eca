"""The roll-up's 标注副本: beside each unit's 退回意见, its own workbook with the problem cells marked.

``perfeval-xl rollup FOLDER --feedback DIR`` writes, for each unit with 错误, a copy of the unit's
submission (excel/annotate.py, from the 退回意见's finding rows), staged with the 退回意见 so that
a second run replaces them. Also: the annotated copy is opened in a bounded child process, both for
the roll-up and for ``validate --annotate``.
"""

import hashlib
import os
import re
import shutil
import zipfile

import pytest
from openpyxl import load_workbook

from perfeval_xl import cli
from perfeval_xl.core.findings import FINDING_COLUMNS
from perfeval_xl.excel import annotate as annotate_module
from perfeval_xl.excel.annotate import AUTHOR
from perfeval_xl.layout.results import RESULTS_SHEET
from perfeval_xl.rollup.engine import rollup
from perfeval_xl.rollup.errors import RollupError
from perfeval_xl.rollup.extract import own_output_title

from .conftest import ROOT

EXAMPLES = ROOT / "examples/报送"
YANGHU = EXAMPLES / "岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx"

# the units of examples/报送 with 错误, as the 退回意见 names them (unit name and year)
UNITS_WITH_ERRORS = [
    "岳阳市岳阳楼区王家河街道办事处2023年度",
    "长沙市岳麓区含浦街道办事处（虚构）2022年度",
    "长沙市岳麓区天顶街道办事处（虚构）2022年度",
    "长沙市岳麓区望月湖街道办事处（虚构）2022年度",
    "长沙市岳麓区洋湖街道办事处2022年度",
    "长沙市岳麓区观沙岭街道办事处（虚构）2022年度",
    "长沙市岳麓区银盆岭街道办事处（虚构）2022年度",
    "长沙市开福区伍家岭街道办事处2022年度",
]
MARK = re.compile(r"^\[(错误|提示) ([A-Z]\d+)\] ", re.MULTILINE)


def digests(folder):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def rolled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("annotate_rollup")
    before = digests(EXAMPLES)
    result = rollup(EXAMPLES, tmp / "区汇总.xlsx", jobs=2, feedback_dir=tmp / "退回意见")
    assert digests(EXAMPLES) == before  # the submissions are never written
    return tmp, result


def feedback_rows(path):
    """(sheet, cell, severity, rule) of every finding row of a 退回意见 workbook."""
    ws = load_workbook(path).active
    headers = [c.value for c in ws[3]]
    col = {key: headers.index(FINDING_COLUMNS[key]) for key in ("sheet", "cell", "severity", "rule")}
    return [(row[col["sheet"]] or "", row[col["cell"]] or "", row[col["severity"]], row[col["rule"]])
            for row in ws.iter_rows(min_row=4, values_only=True) if row[col["rule"]]]


def marks(path):
    """{(sheet, cell): [(severity, rule), …]} of the tool's comments in an annotated copy."""
    wb = load_workbook(path)
    return {(ws.title, c.coordinate): MARK.findall(c.comment.text) for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.comment is not None and c.comment.author == AUTHOR}


def test_each_unit_with_errors_gets_its_annotated_copy_beside_its_feedback(rolled):
    tmp, result = rolled
    folder = tmp / "退回意见"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [u + "退回意见.xlsx" for u in UNITS_WITH_ERRORS] + [u + "标注副本.xlsx" for u in UNITS_WITH_ERRORS])
    assert sorted(p.name for p in result.annotated_files) == sorted(u + "标注副本.xlsx" for u in UNITS_WITH_ERRORS)
    assert len(result.feedback_files) == 8  # the 退回意见 count (and the summary line) unchanged
    for unit in UNITS_WITH_ERRORS:
        assert own_output_title(folder / (unit + "标注副本.xlsx")) == "标注副本"


def test_the_copy_comments_exactly_the_located_findings_of_its_feedback(rolled):
    tmp, _ = rolled
    folder = tmp / "退回意见"
    for unit in UNITS_WITH_ERRORS:
        rows = feedback_rows(folder / (unit + "退回意见.xlsx"))
        copy = folder / (unit + "标注副本.xlsx")
        wb = load_workbook(copy)
        located = [r for r in rows if r[0] in wb.sheetnames and r[1]]
        assert located, unit
        found = marks(copy)
        # every located row is one mark on its cell, and nothing else is marked
        assert sorted((s, c, sev, rule) for (s, c), ms in found.items() for sev, rule in ms) == \
            sorted(located), unit
        errors = sum(1 for r in rows if r[2] == "错误")
        assert wb.sheetnames[0] == RESULTS_SHEET
        assert wb[RESULTS_SHEET]["A1"].value == f"校验结果：{errors} 个错误，{len(rows) - errors} 个提示"


def test_yanghu_copy_marks_its_cells_as_validate_does(rolled):
    tmp, _ = rolled
    copy = tmp / "退回意见" / "长沙市岳麓区洋湖街道办事处2022年度标注副本.xlsx"
    wb = load_workbook(copy)
    assert wb.sheetnames[1:] == load_workbook(YANGHU).sheetnames
    assert wb["项目1"]["G6"].comment.text == ("[错误 T103] 项目支出绩效自评表「两保站人员工资」：预算执行率的分值填报为 100，"
                                            "按规定应为 10 分。")
    assert len(marks(copy)) == 42  # as `validate --annotate` marks the same file (test_excel_annotate.py)
    links = [wb[RESULTS_SHEET].cell(r, 5).hyperlink for r in range(4, wb[RESULTS_SHEET].max_row + 1)]
    assert sum(1 for link in links if link is not None) == 52 - sum(
        1 for r in feedback_rows(copy.with_name(copy.name.replace("标注副本", "退回意见"))) if not r[1])


def test_a_second_run_replaces_the_copies_and_removes_stale_ones(rolled, tmp_path):
    tmp, _ = rolled
    folder = tmp_path / "退回意见"
    shutil.copytree(tmp / "退回意见", folder)
    stale = folder / "长沙市岳麓区某街道办事处2021年度标注副本.xlsx"  # a copy of an earlier run's unit
    shutil.copyfile(folder / (UNITS_WITH_ERRORS[0] + "标注副本.xlsx"), stale)
    foreign = folder / "自己的笔记.xlsx"
    shutil.copyfile(YANGHU, foreign)  # not this tool's output: left alone
    own = folder / "洋湖街道_校验.xlsx"  # a user's `validate --annotate` copy, same title: left alone too
    assert cli.main(["validate", str(YANGHU), "--annotate", str(own), "--format", "json"]) == 1
    assert own_output_title(own) == "标注副本"
    old = {p.name: p.stat().st_ino for p in folder.iterdir()}
    result = rollup(EXAMPLES, tmp_path / "区汇总.xlsx", jobs=2, feedback_dir=folder)
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([u + "退回意见.xlsx" for u in UNITS_WITH_ERRORS]
                           + [u + "标注副本.xlsx" for u in UNITS_WITH_ERRORS] + [foreign.name, own.name])
    assert len(result.annotated_files) == 8
    for unit in UNITS_WITH_ERRORS:  # new files moved into place, not the old ones kept
        assert (folder / (unit + "标注副本.xlsx")).stat().st_ino != old[unit + "标注副本.xlsx"]


def test_a_foreign_file_with_the_copy_name_is_not_overwritten(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(YANGHU, folder / YANGHU.name)
    fb = tmp_path / "fb"
    fb.mkdir()
    taken = fb / "长沙市岳麓区洋湖街道办事处2022年度标注副本.xlsx"
    shutil.copyfile(YANGHU, taken)  # someone's own workbook under that name
    before = digests(fb)
    with pytest.raises(RollupError, match="不是本工具生成的标注副本"):
        rollup(folder, tmp_path / "区汇总.xlsx", jobs=1, feedback_dir=fb)
    assert digests(fb) == before


def test_a_member_of_a_zip_gets_no_annotated_copy(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    with zipfile.ZipFile(folder / "洋湖.zip", "w") as z:
        z.write(YANGHU, YANGHU.name)
    result = rollup(folder, tmp_path / "区汇总.xlsx", jobs=1, feedback_dir=tmp_path / "fb")
    assert [p.name for p in result.feedback_files] == ["长沙市岳麓区洋湖街道办事处2022年度退回意见.xlsx"]
    assert result.annotated_files == []
    assert sorted(p.name for p in (tmp_path / "fb").iterdir()) == ["长沙市岳麓区洋湖街道办事处2022年度退回意见.xlsx"]


def _abort(*args, **kwargs):
    os.abort()  # what a crash of the parser looks like


def test_validate_annotate_opens_the_workbook_in_a_child_process(tmp_path, monkeypatch, capsys):
    source = tmp_path / "洋湖街道.xlsx"
    shutil.copyfile(YANGHU, source)
    monkeypatch.setattr(annotate_module, "load_workbook", _abort)  # only the child would die
    code = cli.main(["validate", str(source), "--annotate", str(tmp_path / "out.xlsx")])
    assert code == 2
    err = capsys.readouterr().err
    assert "无法打开 洋湖街道.xlsx 以写出标注副本：读取时处理进程异常终止（SIGABRT）" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out.xlsx").exists()


def test_a_copy_whose_child_dies_is_skipped_in_the_rollup(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(YANGHU, folder / YANGHU.name)
    fb = tmp_path / "fb"
    fb.mkdir()
    stale = fb / "长沙市岳麓区洋湖街道办事处2022年度标注副本.xlsx"
    rollup(folder, tmp_path / "区汇总.xlsx", jobs=1, feedback_dir=fb)
    assert stale.exists()
    monkeypatch.setattr(annotate_module, "load_workbook", _abort)
    result = rollup(folder, tmp_path / "区汇总.xlsx", jobs=1, feedback_dir=fb)
    assert result.annotated_files == [] and len(result.feedback_files) == 1
    assert not stale.exists()  # the earlier copy would show the earlier findings: removed

"""The roll-up's 标注副本 is the one ``validate --annotate`` writes for the same file.

The roll-up makes it from its finding rows (rollup/record.py FindingRow): they carry each finding's
table, row, field and cause, so the 校验结果 sheet keeps the 定位 key that links a 提示 to the
情况说明 the unit writes beside it, and the 同一原因 notes.
"""

import pytest
from openpyxl import load_workbook

from perfeval_xl.cli import main
from perfeval_xl.core.findings import FINDING_COLUMNS
from perfeval_xl.core.settings import Settings
from perfeval_xl.core.validate import validate
from perfeval_xl.io.read import read_submission
from perfeval_xl.layout.results import RESULTS_SHEET
from perfeval_xl.rollup import rollup

from .conftest import ROOT

EXAMPLES = ROOT / "examples/报送"
YANGHU = EXAMPLES / "岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx"
YINPENLING = EXAMPLES / "岳麓区/银盆岭街道（虚构）2022（旧模板）.xlsx"


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("annotated")
    rollup(EXAMPLES, tmp / "区汇总.xlsx", jobs=1, feedback_dir=tmp / "退回意见", settings=Settings.default())
    return tmp


def contents(path):
    """Every sheet's values, comments and fills, and the hyperlinks of 校验结果."""
    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = [(c.coordinate, c.value, c.comment.text if c.comment else None, c.fill.fgColor.rgb,
                          c.hyperlink.location if c.hyperlink else None)
                         for row in ws.iter_rows() for c in row if c.value is not None or c.comment is not None]
    return wb.sheetnames, out


def results_rows(path):
    ws = load_workbook(path, read_only=True)[RESULTS_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and FINDING_COLUMNS["key"] in r)
    return [dict(zip(rows[header], r)) for r in rows[header + 1:] if r and r[0] is not None]


def test_roll_up_copy_equals_validate_annotate(copies, tmp_path):
    own = tmp_path / "洋湖_校验.xlsx"
    assert main(["validate", str(YANGHU), "--annotate", str(own), "--format", "json"]) == 1
    from_rollup = copies / "退回意见" / "长沙市岳麓区洋湖街道办事处2022年度标注副本.xlsx"
    assert contents(from_rollup) == contents(own)


def test_keys_are_the_findings_location_keys(copies):
    settings = Settings.default()
    report = validate(read_submission(YANGHU, settings=settings).submission, settings)
    rows = results_rows(copies / "退回意见" / "长沙市岳麓区洋湖街道办事处2022年度标注副本.xlsx")
    errors_first = sorted(report.findings, key=lambda f: f.severity.value != "错误")
    assert [r[FINDING_COLUMNS["key"]] for r in rows] == [f.location.key for f in errors_first]
    assert all(k.count("|") == 2 and k.split("|")[0] for k in (r[FINDING_COLUMNS["key"]] for r in rows))


def test_a_cross_finding_adds_its_row_and_the_others_keep_their_keys(copies, tmp_path):
    own = tmp_path / "银盆岭_校验.xlsx"
    main(["validate", str(YINPENLING), "--annotate", str(own), "--format", "json"])
    rolled = results_rows(copies / "退回意见" / "长沙市岳麓区银盆岭街道办事处（虚构）2022年度标注副本.xlsx")
    alone = results_rows(own)
    key, rule = FINDING_COLUMNS["key"], FINDING_COLUMNS["rule"]
    assert [r[rule] for r in rolled if r[rule] == "X502"] == ["X502"]
    assert [(r[rule], r[key]) for r in rolled if r[rule] != "X502"] == [(r[rule], r[key]) for r in alone]

"""Outputs follow the user's umask like any other program's (not mkstemp's 0600)."""

import os
import stat
import sys

import pytest

from perfeval_xl.cli import main
from perfeval_xl.exitcodes import FINDINGS, OK
from tests.conftest import ROOT

YANGHU = ROOT / "examples/报送/岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx"
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


@pytest.fixture
def umask():
    previous = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(previous)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_new_report_rollup_and_templates_follow_the_umask(tmp_path, umask, mask, expected):
    umask(mask)
    folder = tmp_path / "报送"
    folder.mkdir()
    (folder / "洋湖.xlsx").write_bytes(YANGHU.read_bytes())
    assert main(["new", "--unit", "洋湖街道", "--year", "2022", "-o", str(tmp_path / "new.xlsx")]) == OK
    assert main(["report", str(YANGHU), "-o", str(tmp_path / "报告.docx")]) == OK
    assert main(["rollup", str(folder), "-o", str(tmp_path / "区汇总.xlsx"), "--json", str(tmp_path / "区汇总.json"),
                 "--feedback", str(tmp_path / "退回意见"), "--jobs", "1"]) == FINDINGS
    assert main(["templates", "--outdir", str(tmp_path / "模板")]) == OK
    outputs = [tmp_path / "new.xlsx", tmp_path / "报告.docx", tmp_path / "区汇总.xlsx", tmp_path / "区汇总.json",
               *sorted((tmp_path / "退回意见").iterdir()), *sorted((tmp_path / "模板").iterdir())]
    assert len(outputs) == 8  # one 退回意见 (洋湖 has 错误) and its 标注副本, two templates
    assert {p.name: oct(_mode(p)) for p in outputs} == {p.name: oct(expected) for p in outputs}

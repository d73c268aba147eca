"""The roll-up reads each submission under the run's settings, exactly as ``validate --rules`` does.

A workbook saved by a program that does not calculate (openpyxl, this tool) holds formulas without
saved values; the reader computes those cells. Under ``execution.method = "bands"`` a project's
执行得分 — and so its 总分 and the unit's 汇总得分 — is not the proportional one.
"""

import copy
import json
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from perfeval_xl.cli import main
from perfeval_xl.core.settings import Settings
from perfeval_xl.io.read import read_submission
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.sheets import UNIT_SHEETS
from perfeval_xl.rollup import rollup

from .conftest import load_seed

BANDS_TOML = '[execution]\nmethod = "bands"\n'


def table(path, sheet):
    header, *rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return [dict(zip(header, row)) for row in rows if any(v != "" for v in row)]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """seed000 with 执行得分, 总分 and 等级 left to the formulas, written under the banded settings."""
    root = tmp_path_factory.mktemp("settings")
    rules = root / "规则.toml"
    rules.write_text(BANDS_TOML, encoding="utf-8")
    bands = Settings.load(rules)
    sub = copy.deepcopy(load_seed("seed000_yanghu_2022.json"))
    for p in sub.projects:
        p.execution_points, p.execution_score, p.total_score, p.stated_grade = 10.0, None, None, ""
        p.execution_rate = None
    (root / "报送").mkdir()
    save_atomic(build_workbook(sub, UNIT_SHEETS, bands), root / "报送" / "洋湖.xlsx")
    return root, bands


def test_project_totals_in_the_rollup_are_those_validate_reads(folder, capsys):
    root, bands = folder
    path = root / "报送" / "洋湖.xlsx"
    read = read_submission(path, settings=bands).submission
    totals = [p.total_score for p in read.projects]
    proportional = [p.total_score for p in read_submission(path).submission.projects]
    assert totals != proportional  # the setting changes the figures: the test can tell
    # 预留奖金: 105.95 ÷ 115.5 = 91.7 % → the 90 % band: 8 of the 10 points, where proportional gives 9.17
    assert read.projects[0].execution_score == 8.0

    result = rollup(root / "报送", root / "区汇总.xlsx", jobs=1, settings=bands, json_report=root / "r.json")
    assert result.read == 1
    assert [r["填报总分"] for r in table(root / "区汇总.xlsx", "项目明细")] == totals
    (unit,) = table(root / "区汇总.xlsx", "汇总")
    assert unit["项目平均分"] == round(sum(totals) / len(totals), 2)

    capsys.readouterr()
    main(["validate", str(path), "--rules", str(root / "规则.toml"), "--format", "json"])
    printed = json.loads(capsys.readouterr().out)
    entry = json.loads((root / "r.json").read_text(encoding="utf-8"))["files"][0]
    assert entry["stats"]["by_rule"] == printed["stats"]["by_rule"]
    assert entry["recomputed_cells"] == printed["recomputed_cells"] != []


def test_a_zip_member_is_read_under_the_same_settings(folder, tmp_path):
    root, bands = folder
    inbox = tmp_path / "收件"
    inbox.mkdir()
    with zipfile.ZipFile(inbox / "群文件.zip", "w") as z:
        z.write(root / "报送" / "洋湖.xlsx", "洋湖.xlsx")
    rollup(inbox, tmp_path / "区汇总.xlsx", jobs=1, settings=bands)
    totals = [p.total_score for p in read_submission(root / "报送" / "洋湖.xlsx", settings=bands).submission.projects]
    assert [r["填报总分"] for r in table(tmp_path / "区汇总.xlsx", "项目明细")] == totals

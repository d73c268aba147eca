"""Blank and impossible submissions are 错误 (S105, S106); `new` refuses an impossible year."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys

import pytest

from perfeval_xl.core.settings import Settings
from perfeval_xl.core.validate import validate
from perfeval_xl.io.read import read_submission
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.sheets import UNIT_SHEETS
from perfeval_xl.rollup import rollup

from .conftest import load_seed

NEXT_YEAR = dt.date.today().year + 1


def cli(*args):
    return subprocess.run([sys.executable, "-m", "perfeval_xl", *map(str, args)], capture_output=True, text=True)


def codes(sub):
    return [(f.rule, f.severity.value, f.location.sheet, f.location.cell, f.message)
            for f in validate(sub, Settings.default()).findings if f.rule in ("S105", "S106")]


def test_an_empty_workbook_from_new_no_longer_passes(tmp_path):
    out = tmp_path / "洋湖街道2022.xlsx"
    assert cli("new", "--unit", "洋湖街道", "--year", 2022, "-o", out).returncode == 0
    done = cli("validate", "--format", "json", out)
    assert done.returncode == 1
    found = json.loads(done.stdout)["findings"]
    assert [(f["rule"], f["severity_zh"], f["message"]) for f in found] == [
        ("S105", "错误", "工作簿中的自评表（项目支出、部门整体支出、基础数据表、评分表）都没有填写。")]


@pytest.mark.parametrize("year", [-5, 22, 1999, NEXT_YEAR + 1, 2099])
def test_new_refuses_an_impossible_year(tmp_path, year):
    done = cli("new", "--unit", "洋湖街道", "--year", year, "-o", tmp_path / "x.xlsx")
    assert done.returncode == 2
    assert done.stderr.strip().endswith(f"年度 {year} 不在 2000–{NEXT_YEAR} 之间；请填写四位数的预算年度，如 2022。")
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("year", [2000, 2022, NEXT_YEAR])
def test_new_accepts_years_in_range(tmp_path, year):
    assert cli("new", "--unit", "洋湖街道", "--year", year, "-o", tmp_path / "x.xlsx").returncode == 0


def read_back(sub, path):
    save_atomic(build_workbook(sub, UNIT_SHEETS), path)
    return read_submission(path).submission


def test_impossible_year_and_missing_unit_name_name_their_cells(tmp_path):
    sub = load_seed("seed000_yanghu_2022.json")
    assert codes(sub) == []
    sub.unit.year = 22
    assert codes(read_back(sub, tmp_path / "a.xlsx")) == [
        ("S106", "错误", "封面", "B4", f"封面 B4（年度）为 22，不在 2000–{NEXT_YEAR} 之间。")]
    sub.unit.year, sub.unit.unit_name = 2022, ""
    assert codes(read_back(sub, tmp_path / "b.xlsx")) == [("S105", "错误", "封面", "B2", "封面未填写单位名称。")]


def test_a_unit_that_sent_only_its_cover_is_returned_by_the_roll_up(tmp_path):
    folder = tmp_path / "报送"
    folder.mkdir()
    full = load_seed("seed000_yanghu_2022.json")
    cover_only = copy.deepcopy(full)
    cover_only.unit.unit_name, cover_only.unit.budget_code = "长沙市岳麓区坪塘街道办事处", "124014"
    cover_only.projects = []
    save_atomic(build_workbook(cover_only, UNIT_SHEETS), folder / "坪塘.xlsx")
    result = rollup(folder, tmp_path / "o.xlsx", jobs=1, json_report=tmp_path / "r.json", settings=Settings.default())
    entry = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["submissions"][0]
    assert (entry["status"], entry["valid"], entry["review_status"]) == ("ok", False, "退回（有错误）")
    assert entry["counts"]["by_rule"]["S105"] == {"error": 1}
    assert result.exit_code == 1

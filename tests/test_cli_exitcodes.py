"""rollup's exit codes as a script sees them: done (0/1), partial (5), nothing done (2, 3); --quiet, --format json."""

import json
import shutil

import pytest

from perfeval_xl import exitcodes
from perfeval_xl.cli import main

from .conftest import ROOT

EXAMPLES = ROOT / "examples" / "报送" / "岳麓区"
CLEAN = "坪塘街道（虚构）2022年度绩效自评.xlsx"  # no 错误
WITH_ERRORS = "洋湖街道2022年度项目支出绩效自评表.xlsx"


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "报送"
    d.mkdir()
    shutil.copy(EXAMPLES / CLEAN, d / CLEAN)
    return d


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_folder_exits_0(capsys, folder, tmp_path):
    code, out, _ = run(capsys, "rollup", folder, "-o", tmp_path / "区汇总.xlsx", "--jobs", "1")
    assert code == exitcodes.OK == 0
    assert out.splitlines()[1].split()[-1] == "通过"


def test_errors_found_exits_1(capsys, folder, tmp_path):
    shutil.copy(EXAMPLES / WITH_ERRORS, folder / WITH_ERRORS)
    code, _, _ = run(capsys, "rollup", folder, "-o", tmp_path / "区汇总.xlsx", "--jobs", "1")
    assert code == exitcodes.FINDINGS == 1


def test_an_unreadable_file_makes_the_run_partial_not_unusable(capsys, folder, tmp_path):
    (folder / "坏文件.xlsx").write_bytes(b"not a workbook")
    code, out, err = run(capsys, "rollup", folder, "-o", tmp_path / "区汇总.xlsx", "--jobs", "1")
    assert code == exitcodes.PARTIAL == 5
    assert (tmp_path / "区汇总.xlsx").is_file()  # done: the others are rolled up
    assert "坏文件.xlsx" in out and out.splitlines()[-1].startswith("汇总 1 个单位（共 2 个文件，未能读取 1 个）")
    assert err == "未能读取：坏文件.xlsx：不是有效的 Excel 工作簿（文件已损坏，或并非 .xlsx 格式）\n"


def test_a_missing_folder_is_nothing_done_2(capsys, tmp_path):
    code, out, err = run(capsys, "rollup", tmp_path / "无", "-o", tmp_path / "区汇总.xlsx")
    assert (code, out) == (exitcodes.UNUSABLE_INPUT, "") and code == 2
    assert err == f"错误：文件夹 {tmp_path / '无'} 不存在。\n"
    assert not (tmp_path / "区汇总.xlsx").exists()


def test_an_empty_folder_is_nothing_to_roll_up_3(capsys, tmp_path):
    (tmp_path / "空").mkdir()
    code, out, _ = run(capsys, "rollup", tmp_path / "空", "-o", tmp_path / "区汇总.xlsx")
    assert code == exitcodes.NOTHING_TO_DO == 3
    assert out == "没有可汇总的报送：文件夹中没有找到 .xlsx / .xlsm 自评工作簿。\n"


def test_quiet_prints_nothing_and_keeps_the_exit_code(capsys, folder, tmp_path):
    (folder / "坏文件.xlsx").write_bytes(b"not a workbook")
    code, out, err = run(capsys, "rollup", folder, "-o", tmp_path / "区汇总.xlsx", "--jobs", "1", "--quiet")
    assert (code, out, err) == (5, "", "")


def test_format_json_prints_the_report_alone_on_stdout(capsys, folder, tmp_path):
    (folder / "坏文件.xlsx").write_bytes(b"not a workbook")
    code, out, _ = run(capsys, "rollup", folder, "-o", tmp_path / "区汇总.xlsx", "--jobs", "1",
                       "--format", "json", "--json", tmp_path / "汇总.json")
    doc = json.loads(out)
    assert code == doc["exit_code"] == 5
    assert doc["totals"]["units"] == 1 and doc["totals"]["unreadable"] == 1
    assert {f["path"]: f["status"] for f in doc["submissions"]} == {CLEAN: "ok", "坏文件.xlsx": "unreadable"}
    assert doc == json.loads((tmp_path / "汇总.json").read_text(encoding="utf-8"))


def test_every_exit_code_has_one_meaning():
    codes = [exitcodes.OK, exitcodes.FINDINGS, exitcodes.UNUSABLE_INPUT, exitcodes.NOTHING_TO_DO,
             exitcodes.INTERNAL_ERROR, exitcodes.PARTIAL, exitcodes.INTERRUPTED]
    assert codes == [0, 1, 2, 3, 4, 5, 130] and set(exitcodes.MEANING_ZH) == set(codes)


def test_json_dash_is_stdout(capsys, folder, tmp_path):
    code, out, _ = run(capsys, "rollup", folder, "-o", tmp_path / "区汇总.xlsx", "--jobs", "1", "--json", "-")
    doc = json.loads(out)
    assert code == doc["exit_code"] == 0 and doc["totals"]["units"] == 1
    assert not (tmp_path / "-").exists() and not (folder.parent / "-").exists()

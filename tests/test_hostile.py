"""Hostile and broken input: every file gets a Chinese answer, nothing is changed or run.

The corpus is generated into a temporary folder (tests/hostile.py); no binaries are committed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from perfeval_xl import cli
from perfeval_xl.core.settings import Settings
from perfeval_xl.io.guard import Limits
from perfeval_xl.io.read import ReadError, read_submission
from perfeval_xl.exitcodes import NOTHING_TO_DO as EXIT_EMPTY, PARTIAL as EXIT_UNREADABLE
from perfeval_xl.rollup import rollup
from perfeval_xl.rollup.extract import process_file

from .hostile import make_corpus

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "收到的报送"
    cases = make_corpus(folder)
    return folder, cases


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_answers_every_file_in_chinese(corpus, capsys):
    folder, cases = corpus
    before = snapshot(folder)
    for name, case in sorted(cases.items()):
        code, out, err = run(capsys, "validate", str(folder / name), "--format", "json")
        assert "Traceback" not in out + err, name
        assert code == case.exit, (name, err)
        if case.exit == 2:
            assert err == f"错误：{name}：{case.reason}\n", name
            assert out == ""
        else:
            found = {(f["rule"], f["sheet"], f["cell"]) for f in json.loads(out)["findings"]}
            assert case.findings <= found, (name, sorted(found))
    assert snapshot(folder) == before  # bytes and modification times


def test_the_findings_of_the_readable_cases_say_what_happened(corpus):
    folder, _ = corpus
    from perfeval_xl.core.validate import validate

    def messages(name, rule):
        report = validate(read_submission(folder / name).submission)
        return sorted(f.message for f in report.findings if f.rule == rule)

    assert messages("数字格里的文字.xlsx", "S101") == [
        "项目1 D7（当年财政拨款 年初预算数）应为数字，填的是“约18万”。",
        "项目1 D8（上年结转资金 年初预算数）应为数字，填的是“12 次”。",
        "项目1 D9（其他资金 年初预算数）应为数字，填的是“93.70%”。",
    ]
    assert read_submission(folder / "数字格里的文字.xlsx").submission.projects[0].funding_current_year.annual_budget == 12
    assert messages("错误值.xlsx", "S101") == [
        "项目1 C3（项目名称）应为文字（不能是错误值），填的是“#REF!”。",
        "项目1 F7（当年财政拨款 全年执行数）应为数字，填的是“#NAME?”。",
        "项目1 H6（执行率）应为数字，填的是“#DIV/0!”。",
    ]
    assert "项目1 D6（年度资金总额 年初预算数）在模板中是公式，现在填的是常数“123.4”。" in messages("公式被改写.xlsx", "S102")
    assert messages("十万行.xlsx", "S103") == ["项目1 第 2001 行以下还有 98199 行内容，超出每个工作表最多读取的 2000 行，未读取。"]
    assert messages("隐藏的表.xlsx", "S104") == [
        "工作表“备用”被隐藏。", "工作表“秘密”被深度隐藏（在 Excel 的“取消隐藏”中看不到）。"]


def test_a_renamed_sheet_is_found_by_its_title_and_macros_are_never_run(corpus):
    folder, _ = corpus
    renamed = read_submission(folder / "改了表名.xlsx").submission
    assert renamed.unit.unit_name == "长沙市岳麓区洋湖街道办事处"
    assert renamed.unit.source("unit_name").sheet == "单位信息"
    assert renamed.projects[0].source("name").sheet == "两保站"
    macro = read_submission(folder / "带宏.xlsm").submission  # values only; vbaProject.bin is copied, never parsed
    assert macro.projects[0].name == renamed.projects[0].name
    missing = read_submission(folder / "缺少工作表.xlsx").submission
    assert missing.basic_data is None and missing.rubric is None and missing.department is None
    assert len(missing.projects) == 1


def test_score_and_export_refuse_a_workbook_of_another_template(corpus, capsys):
    folder, cases = corpus
    for command in ("score", "export", "validate"):
        code, out, err = run(capsys, command, str(folder / "别的模板.xlsx"))
        assert (code, out) == (2, "")
        assert err == f"错误：别的模板.xlsx：{cases['别的模板.xlsx'].reason}\n"


def test_validate_in_a_subprocess_prints_no_traceback(corpus):
    folder, cases = corpus
    for name in ("压缩炸弹.xlsx", "实体炸弹.xlsx", "藏在第一行的远处单元格.xlsx"):
        done = subprocess.run([sys.executable, "-m", "perfeval_xl", "validate", str(folder / name)],
                              capture_output=True, text=True, encoding="utf-8", timeout=120)
        assert done.returncode == 2 and "Traceback" not in done.stderr + done.stdout
        assert done.stderr.strip() == f"错误：{name}：{cases[name].reason}"


def test_rollup_lists_each_unreadable_file_and_finishes_the_others(corpus, tmp_path):
    folder, cases = corpus
    before = snapshot(folder)
    result = rollup(folder, tmp_path / "区汇总.xlsx", jobs=2, json_report=tmp_path / "汇总.json")
    assert result.exit_code == EXIT_UNREADABLE
    expected = {name: f"{name}：{case.reason}" for name, case in cases.items() if case.exit == 2}
    assert dict(result.unreadable) == expected
    doc = json.loads((tmp_path / "汇总.json").read_text(encoding="utf-8"))
    statuses = {f["path"]: f["status"] for f in doc["submissions"]}
    readable = {name for name, case in cases.items() if case.exit != 2}
    assert {p for p, s in statuses.items() if s in ("ok", "superseded")} == readable
    assert result.units == 1 and len(result.superseded) == len(readable) - 1  # one unit, one year: X501
    old_template = next(f for f in doc["submissions"] if f["path"] == "旧版本模板.xlsx")
    assert {(f["rule"], f["cell"]) for f in doc["cross_findings"] if f["file"] == old_template["path"]} >= {("X502", "B7")}
    assert snapshot(folder) == before
    sheet = cli_table(tmp_path / "区汇总.xlsx", "未能读取")
    assert {r["来源文件"]: r["原因"] for r in sheet} == expected


def cli_table(path: Path, sheet: str) -> list[dict]:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_a_file_deleted_or_locked_mid_run(corpus, tmp_path, monkeypatch):
    folder, _ = corpus
    work = tmp_path / "报送"
    work.mkdir()
    good = (folder / "洋湖 街道 😀 2022 终稿.xlsx").read_bytes()
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        (work / name).write_bytes(good)

    class DeleteWhenReadingStarts:
        # the folder was listed; the workers have not opened a file yet (they start on the first result)
        def stage(self, name, total):
            if name == "读取":
                (work / "b.xlsx").unlink()

        def __call__(self, done, total, path):
            pass

    result = rollup(work, tmp_path / "out.xlsx", jobs=1, progress=DeleteWhenReadingStarts())
    assert result.unreadable == [("b.xlsx", "b.xlsx：文件不存在（可能在汇总过程中被删除或移走）")]

    real_open = os.open

    def locked(file, *args, **kwargs):
        if str(file).endswith("c.xlsx"):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", locked)
    record = process_file(work / "c.xlsx", work, Settings.default())
    assert (record.status, record.reason) == (
        "unreadable", f"{work / 'c.xlsx'}：没有读取权限，或文件正被其他程序（如 Excel、WPS）占用")


def test_an_empty_folder(tmp_path, capsys):
    (tmp_path / "空").mkdir()
    code, out, err = run(capsys, "rollup", str(tmp_path / "空"), "-o", str(tmp_path / "区汇总.xlsx"))
    assert code == EXIT_EMPTY and out.strip() == "没有可汇总的报送：文件夹中没有找到 .xlsx / .xlsm 自评工作簿。"
    assert not (tmp_path / "区汇总.xlsx").exists()


def test_limits_come_from_the_rules_file(corpus, tmp_path, capsys):
    folder, _ = corpus
    rules = tmp_path / "区规则.toml"
    rules.write_text("[limits]\nmax_rows = 100\nfile_mb = 0.01\n", encoding="utf-8")
    assert Limits.from_settings(Settings.load(rules)) == Limits(max_rows=100, file_mb=0.01)
    code, _, err = run(capsys, "validate", str(folder / "洋湖 街道 😀 2022 终稿.xlsx"), "--rules", str(rules))
    assert code == 2 and "文件过大" in err and "上限 0.01 MB" in err
    rules.write_text("[limits]\nmax_rows = 20\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(folder / "洋湖 街道 😀 2022 终稿.xlsx"), "--rules", str(rules),
                       "--format", "json")
    s103 = [f for f in json.loads(out)["findings"] if f["rule"] == "S103"]
    assert {(f["sheet"], f["cell"]) for f in s103} >= {("项目1", "A21")}
    rules.write_text("[limits]\nmax_rows = \"many\"\n", encoding="utf-8")
    code, _, err = run(capsys, "validate", str(folder / "洋湖 街道 😀 2022 终稿.xlsx"), "--rules", str(rules))
    assert code == 2 and "limits.max_rows" in err


def test_read_error_for_a_missing_file(tmp_path):
    with pytest.raises(ReadError, match="文件不存在"):
        read_submission(tmp_path / "没有.xlsx")

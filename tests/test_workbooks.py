"""Template workbooks: generated from the layouts, read back through the same layouts."""

import json
import os

import pytest
from openpyxl import load_workbook

from perfeval_xl.cli import main
from perfeval_xl.core.model import Submission
from perfeval_xl.core.serialize import submission_from_json, submission_to_json
from perfeval_xl.io.read import read_submission
from perfeval_xl.io.templates import TEMPLATE_DIR, TEMPLATES, build_templates, workbook_digest
from perfeval_xl.io.xlsx_read import read_workbook
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.sheets import UNIT_SHEETS
from perfeval_xl.layout.workbook import TEMPLATE_VERSION

from .conftest import load_seed, values_only


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_committed_templates_are_current(tmp_path):
    fresh = build_templates(tmp_path)
    for path in fresh:
        committed = TEMPLATE_DIR / path.name
        assert committed.exists(), f"missing {committed}: run perfeval-xl templates --outdir workbook_templates"
        assert workbook_digest(committed) == workbook_digest(path), f"stale {committed.name}: run perfeval-xl templates --outdir workbook_templates"


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_every_template_reads_back_as_an_empty_model(name):
    result = read_workbook(TEMPLATE_DIR / name, TEMPLATES[name])
    has_cover = "cover" in {k.key for k in TEMPLATES[name]}
    assert values_only(result.submission) == values_only(Submission(template_version=TEMPLATE_VERSION if has_cover else ""))


def test_template_version_is_stamped_as_name_and_property():
    wb = load_workbook(TEMPLATE_DIR / "单位自评工作簿.xlsx")
    assert wb.defined_names["pe_template_version"].attr_text == f'"{TEMPLATE_VERSION}"'
    assert {p.name: p.value for p in wb.custom_doc_props.props}["perfeval-xl template version"] == TEMPLATE_VERSION


def test_export_new_export_is_identical(tmp_path, capsys):
    first = tmp_path / "first.xlsx"
    save_atomic(build_workbook(load_seed("seed000_yanghu_2022.json"), UNIT_SHEETS), first)
    code, exported, _ = run(capsys, "export", first)
    assert code == 0
    (tmp_path / "a.json").write_text(exported, encoding="utf-8")
    code, _, err = run(capsys, "new", "--from-json", tmp_path / "a.json", "-o", tmp_path / "second.xlsx")
    assert code == 0, err
    _, again, _ = run(capsys, "export", tmp_path / "second.xlsx")
    assert again == exported


def test_seed_values_survive_a_workbook_including_slips(tmp_path):
    seed = load_seed("seed000_yanghu_2022.json")
    path = tmp_path / "s.xlsx"
    save_atomic(build_workbook(seed, UNIT_SHEETS), path)
    back = read_submission(path).submission
    for a, b in zip(seed.projects, back.projects):
        # every printed figure comes back, slips included (91.74% stays 91.74%)
        assert (b.name, b.execution_rate, b.execution_points, b.execution_score, b.total_score) == \
               (a.name, a.execution_rate, a.execution_points, a.execution_score, a.total_score)
        assert [(i.name, i.target, i.actual, i.points, i.score) for i in b.indicators] == \
               [(i.name, i.target, i.actual, i.points, i.score) for i in a.indicators]
    ws = load_workbook(path)["项目2"]
    assert ws["H6"].value == 0.9174  # the slip is kept as typed, not replaced by the formula
    assert ws["D6"].value.startswith("=IF(COUNT(D7,D8,D9)=0")  # consistent totals keep their formula


def test_findings_name_the_sheet_and_cell(tmp_path, capsys):
    path = tmp_path / "洋湖.xlsx"
    save_atomic(build_workbook(load_seed("seed000_yanghu_2022.json"), UNIT_SHEETS), path)
    code, out, _ = run(capsys, "validate", path, "--format", "json")
    report = json.loads(out)
    assert code == 1
    t101 = next(f for f in report["findings"] if f["rule"] == "T101")
    assert (t101["sheet"], t101["cell"], t101["table"]) == ("项目2", "H6", "项目支出绩效自评表「预留奖金」")


def test_new_with_prefill_csv(tmp_path, capsys):
    csv = tmp_path / "预算.csv"
    csv.write_text("项目名称,主管部门,实施单位,年初预算数,全年预算数\n两保站人员工资,洋湖街道办事处,财政所,64.707,64.707\n"
                   "党建办综合工作经费,洋湖街道办事处,党建办,134,134\n", encoding="gbk")
    out = tmp_path / "洋湖街道2022.xlsx"
    code, printed, _ = run(capsys, "new", "--unit", "洋湖街道", "--year", "2022", "--prefill", csv, "-o", out)
    assert (code, printed.strip()) == (0, f"已生成 {out}（2 个项目表）")
    sub = read_submission(out).submission
    assert (sub.unit.unit_name, sub.unit.year) == ("洋湖街道", 2022)
    p = sub.projects[1]
    assert (p.name, p.implementing_unit, p.funding_total.annual_budget, p.execution_points) == \
           ("党建办综合工作经费", "党建办", 134.0, 10.0)
    assert load_workbook(out).sheetnames[:3] == ["封面", "项目1", "项目2"] or "项目2" in load_workbook(out).sheetnames


@pytest.mark.parametrize("content, message", [
    ("项目名称,预算\nA,1\n", "第 1 行（表头）B 列：未知的列“预算”"),
    ("项目名称,全年预算数\nA,一百\n", "第 2 行 B 列（全年预算数）：应为数字（万元），而不是“一百”"),
    ("主管部门\nX\n", "第 2 行：缺少项目名称"),
])
def test_bad_prefill_is_refused(tmp_path, capsys, content, message):
    csv = tmp_path / "p.csv"
    csv.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "new", "--unit", "x", "--prefill", csv, "-o", tmp_path / "o.xlsx")
    assert code == 2 and message in err and not (tmp_path / "o.xlsx").exists()


def test_new_never_overwrites(tmp_path, capsys):
    existing = tmp_path / "已有.xlsx"
    existing.write_bytes(b"keep me")
    code, _, err = run(capsys, "new", "--unit", "x", "-o", existing)
    assert code == 2 and "已存在" in err and existing.read_bytes() == b"keep me"
    data = tmp_path / "a.json"
    data.write_text(submission_to_json(load_seed("seed004_shazitang_2020.json")), encoding="utf-8")
    code, _, err = run(capsys, "new", "--from-json", data, "-o", data, "--force")
    assert code == 2 and "与输入文件相同" in err


def test_input_workbook_is_never_modified(tmp_path, capsys):
    path = tmp_path / "in.xlsx"
    save_atomic(build_workbook(load_seed("seed000_yanghu_2022.json"), UNIT_SHEETS), path)
    before = path.read_bytes(), os.stat(path).st_mtime_ns
    for command in ("validate", "score", "export"):
        run(capsys, command, path)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


def test_broken_workbook_is_a_chinese_message(tmp_path, capsys):
    path = tmp_path / "坏.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    code, _, err = run(capsys, "validate", path)
    assert code == 2 and err.startswith("错误：坏.xlsx：") and "Traceback" not in err


def test_text_in_a_number_cell_is_reported_with_its_cell(tmp_path, capsys):
    path = tmp_path / "t.xlsx"
    save_atomic(build_workbook(load_seed("seed000_yanghu_2022.json"), UNIT_SHEETS), path)
    wb = load_workbook(path)
    wb["项目1"]["F7"] = "60.63万元"
    wb.save(path)
    _, out, _ = run(capsys, "validate", path, "--format", "json")
    s101 = [f for f in json.loads(out)["findings"] if f["rule"] == "S101"]
    assert [(f["sheet"], f["cell"], f["message"]) for f in s101] == [
        ("项目1", "F7", "项目1 F7（当年财政拨款 全年执行数）应为数字，填的是“60.63万元”。")]


def test_submitted_text_that_looks_like_a_formula_stays_text(tmp_path):
    sub = load_seed("seed004_shazitang_2020.json")
    sub.unit.unit_name = "=HYPERLINK(\"http://x\",\"点我\")"
    path = tmp_path / "inj.xlsx"
    save_atomic(build_workbook(sub, UNIT_SHEETS), path)
    cell = load_workbook(path)["封面"]["B2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(\"http://x\",\"点我\")", "s")
    assert read_submission(path).submission.unit.unit_name == sub.unit.unit_name

"""Outputs built from hostile names, and the roll-up's output set all or nothing (issue #14)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from docx import Document

from perfeval_xl import cli
from perfeval_xl.exitcodes import FINDINGS, OK
from perfeval_xl.io import safe_names
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.sheets import UNIT_SHEETS
from perfeval_xl.rollup import RollupError, engine, rollup
from perfeval_xl.rollup.extract import own_output_title

from .hostile import good_submission

LONG = "长沙市岳麓区" + "某某" * 34 + "街道办事处"  # 79 CJK characters: 237 bytes of UTF-8


def submit(folder: Path, file: str, unit: str) -> None:
    sub = copy.deepcopy(good_submission())
    sub.unit.unit_name = unit
    folder.mkdir(parents=True, exist_ok=True)
    save_atomic(build_workbook(sub, UNIT_SHEETS), folder / file)


def test_safe_file_names():
    taken: set[str] = set()
    first = safe_names.file_name(LONG, "2022年度退回意见.xlsx", taken)
    second = safe_names.file_name(LONG, "2022年度退回意见.xlsx", taken)
    assert len(first.encode()) <= 200 and len(second.encode()) <= 200
    assert first.endswith("2022年度退回意见.xlsx") and second.endswith("（2）2022年度退回意见.xlsx")
    assert first.startswith(LONG[:57]) and first.lower() != second.lower()
    assert safe_names.file_name('a/b:c*d?"e<f>g|h\x01', ".xlsx") == "a_b_c_d__e_f_g_h_.xlsx"
    assert safe_names.file_name("CON", ".xlsx") == "_CON.xlsx"
    assert safe_names.file_name("lpt1.备份", ".xlsx") == "_lpt1.备份.xlsx"
    assert safe_names.file_name("洋湖街道. . ", ".xlsx") == "洋湖街道.xlsx"
    assert safe_names.file_name("  ", ".xlsx") == "未命名.xlsx"
    assert safe_names.cut_bytes("街道", 5) == "街"


def test_safe_sheet_names_and_titles():
    taken: set[str] = set()
    assert safe_names.sheet_name("项目[1]:预留/奖金*?", taken) == "项目_1__预留_奖金__"
    long = "项目" * 20
    assert safe_names.sheet_name(long, taken) == long[:31]
    assert safe_names.sheet_name(long, taken) == long[:28] + "(2)"
    assert safe_names.sheet_name("'引号'") == "引号"
    title = safe_names.docx_title("街" * 300)
    assert len(title) == 255 and title.endswith("…")


def test_a_long_unit_name_never_stops_the_roll_up(tmp_path):
    inbox = tmp_path / "报送"
    submit(inbox, "甲.xlsx", LONG)
    submit(inbox, "乙.xlsx", LONG + "二")  # the same name once cut: made unique
    submit(inbox, "丙.xlsx", "CON")
    submit(inbox, "丁.xlsx", 'a/b:c*?"<>|.')
    result = rollup(inbox, tmp_path / "区汇总.xlsx", jobs=1, json_report=tmp_path / "r.json",
                    feedback_dir=tmp_path / "退回意见")
    assert result.exit_code == FINDINGS and result.units == 4 and len(result.feedback_files) == 4
    names = sorted(p.name for p in result.feedback_files)
    copies = sorted(p.name for p in result.annotated_files)  # each unit's 标注副本, the same stem
    assert sorted(p.name for p in (tmp_path / "退回意见").iterdir()) == sorted(names + copies)
    assert copies == sorted(n.removesuffix("退回意见.xlsx") + "标注副本.xlsx" for n in names)
    assert all(len(n.encode()) <= 200 for n in names + copies) and "_CON2022年度退回意见.xlsx" in names
    assert "a_b_c______2022年度退回意见.xlsx" in names
    assert len({n[:50] for n in names if n.startswith("长沙")}) == 1  # two long names, two files
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert sorted(Path(p).name for p in doc["feedback_files"]) == names


def test_a_long_name_never_stops_the_report(tmp_path):
    sub = copy.deepcopy(good_submission())
    sub.unit.unit_name = "街" * 250
    src = tmp_path / "长名.xlsx"
    save_atomic(build_workbook(sub, UNIT_SHEETS), src)
    out = tmp_path / "报告.docx"
    assert cli.main(["report", str(src), "-o", str(out)]) == OK
    title = Document(str(out)).core_properties.title
    assert title == safe_names.cut_chars("2022年度" + "街" * 250, 255) and len(title) == 255


def test_earlier_feedback_is_replaced_not_mixed(tmp_path):
    inbox = tmp_path / "报送"
    submit(inbox, "甲.xlsx", "甲街道")
    submit(inbox, "乙.xlsx", "乙街道")
    feedback = tmp_path / "退回意见"
    feedback.mkdir()
    (feedback / "说明.xlsx").write_bytes(b"not ours")  # a file of someone else: never removed
    first = rollup(inbox, tmp_path / "区汇总.xlsx", jobs=1, feedback_dir=feedback)
    assert len(first.feedback_files) == 2
    (inbox / "甲.xlsx").unlink()
    second = rollup(inbox, tmp_path / "区汇总.xlsx", jobs=1, feedback_dir=feedback)
    assert sorted(p.name for p in feedback.iterdir()) == ["乙街道2022年度标注副本.xlsx", "乙街道2022年度退回意见.xlsx",
                                                          "说明.xlsx"]
    assert [p.name for p in second.feedback_files] == ["乙街道2022年度退回意见.xlsx"]


def test_a_run_that_fails_half_way_leaves_the_previous_output_set(tmp_path, monkeypatch):
    inbox = tmp_path / "报送"
    submit(inbox, "甲.xlsx", "甲街道")
    submit(inbox, "乙.xlsx", "乙街道")
    out, report, feedback = tmp_path / "区汇总.xlsx", tmp_path / "r.json", tmp_path / "退回意见"
    rollup(inbox, out, jobs=1, json_report=report, feedback_dir=feedback)
    before = {p: p.read_bytes() for p in [out, report, *feedback.iterdir()]}
    submit(inbox, "丙.xlsx", "丙街道")
    written = []
    real = engine.write_feedback

    def full_disk(path, unit, rows):
        if written:
            raise OSError(28, "No space left on device")
        written.append(path)
        real(path, unit, rows)

    monkeypatch.setattr(engine, "write_feedback", full_disk)
    with pytest.raises(RollupError, match="No space left on device"):
        rollup(inbox, out, jobs=1, json_report=report, feedback_dir=feedback)
    assert {p: p.read_bytes() for p in [out, report, *feedback.iterdir()]} == before
    assert [p.name for p in tmp_path.rglob(".~*")] == []  # the staging folders are gone
    assert own_output_title(out) == "区汇总"


PAYLOADS = ["=HYPERLINK(\"http://x\",\"点\")", "+1+2", "-财政所", "@SUM(A1)", "\t=1+1", "\r=2"]


def quoted_cells(path: Path) -> dict[str, bool]:
    """Every text cell starting with a trigger: whether it is a string cell with the quote prefix."""
    from openpyxl import load_workbook

    found = {}
    for ws in load_workbook(path):
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                    found[c.value] = c.data_type == "s" and bool(c.quotePrefix)
    return found


def test_new_from_json_and_prefill_quote_formula_like_text(tmp_path, capsys):
    sub = copy.deepcopy(good_submission())
    sub.unit.unit_name = PAYLOADS[0]
    sub.unit.preparer = PAYLOADS[1]
    sub.projects[0].name = PAYLOADS[2]
    sub.projects[0].indicators[0].deviation_reason = PAYLOADS[3]
    source = tmp_path / "源.xlsx"
    save_atomic(build_workbook(sub, UNIT_SHEETS), source)
    assert cli.main(["export", str(source)]) == OK
    (tmp_path / "导出.json").write_text(capsys.readouterr().out, encoding="utf-8")
    assert cli.main(["new", "--from-json", str(tmp_path / "导出.json"), "-o", str(tmp_path / "回写.xlsx")]) == OK
    cells = quoted_cells(tmp_path / "回写.xlsx")
    assert [cells.get(p) for p in PAYLOADS[:4]] == [True] * 4

    prefill = tmp_path / "预算.csv"
    prefill.write_text("项目名称,主管部门,全年预算数\n" + "".join(f'"{p}",@部门,10\n' for p in PAYLOADS[2:4]),
                       encoding="utf-8")
    assert cli.main(["new", "--unit", "=1+1", "--year", "2022", "--prefill", str(prefill),
                     "-o", str(tmp_path / "预填.xlsx")]) == OK
    cells = quoted_cells(tmp_path / "预填.xlsx")
    assert [cells.get(p) for p in ("=1+1", PAYLOADS[2], PAYLOADS[3], "@部门")] == [True] * 4


def test_leftovers_of_dead_runs_are_removed_and_live_ones_kept(tmp_path):
    import os
    import subprocess
    import sys
    import time as clock

    from perfeval_xl.rollup.staging import OLD_TEMP_SECONDS, clean_leftovers

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    (tmp_path / f".~perfeval-{dead_pid}-abc.xlsx").write_bytes(b"half")
    (tmp_path / f".~perfeval-{dead_pid}-staging-x").mkdir()
    (tmp_path / f".~perfeval-{dead_pid}-staging-x" / "区汇总.xlsx").write_bytes(b"half")
    (tmp_path / f".~perfeval-{os.getpid()}-live.xlsx").write_bytes(b"being written")
    old = tmp_path / ".~perfeval-q1w2e3.json"  # an older version's name, without a process id
    old.write_bytes(b"{}")
    recent = tmp_path / ".~perfeval-z9y8x7.json"
    recent.write_bytes(b"{}")
    past = clock.time() - OLD_TEMP_SECONDS - 60
    os.utime(old, (past, past))
    removed = clean_leftovers([tmp_path])
    assert sorted(p.name for p in removed) == sorted([f".~perfeval-{dead_pid}-abc.xlsx", f".~perfeval-{dead_pid}-staging-x",
                                                      ".~perfeval-q1w2e3.json"])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f".~perfeval-{os.getpid()}-live.xlsx",
                                                                 ".~perfeval-z9y8x7.json"])

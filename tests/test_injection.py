"""Formula injection and atomic outputs.

Names and explanations that begin with =, +, -, @ or a tab reach every output as literal text:
the roll-up workbook, its JSON report, the feedback workbooks, validate's JSON, export, and a unit
workbook written back from an export. A roll-up killed before its rename leaves the previous
output intact and nothing partial under the final name.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from perfeval_xl import cli
from perfeval_xl.io.read import read_submission
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.sheets import UNIT_SHEETS
from perfeval_xl.rollup import rollup

from .conftest import load_seed

UNIT = '=HYPERLINK("http://example.invalid","点我")'
PROJECTS = ["+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1"]
REASON = "=cmd|' /C calc'!A0"
TRIGGERS = ("=", "+", "-", "@", "\t")


def hostile_submission():
    sub = load_seed("seed000_yanghu_2022.json")
    sub.unit.unit_name = UNIT
    sub.projects = [copy.deepcopy(sub.projects[i % len(sub.projects)]) for i in range(len(PROJECTS))]
    for p, name in zip(sub.projects, PROJECTS):
        p.name = name
        p.implementing_unit = "-财政所"
        for ind in p.indicators:
            ind.deviation_reason = REASON
    return sub


def no_formulas(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in z.read(name).decode("utf-8"), (path.name, name)


def literal_cells(path: Path) -> set[str]:
    """Every text cell of the workbook that begins like a formula; each must be a string cell."""
    wb = load_workbook(path)
    found = set()
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith(TRIGGERS):
                    assert c.data_type == "s", (path.name, ws.title, c.coordinate, c.value)
                    found.add(c.value)
    return found


def test_names_that_look_like_formulas_stay_text_in_every_output(tmp_path, capsys):
    folder = tmp_path / "报送"
    folder.mkdir()
    workbook = folder / "注入.xlsx"
    save_atomic(build_workbook(hostile_submission(), UNIT_SHEETS), workbook)

    # the unit workbook itself: the payloads are string cells
    wb = load_workbook(workbook)
    assert wb["封面"]["B2"].value == UNIT and wb["封面"]["B2"].data_type == "s"
    assert [wb[f"项目{i + 1}"]["C3"].value for i in range(4)] == PROJECTS
    assert all(wb[f"项目{i + 1}"]["C3"].data_type == "s" for i in range(4))

    back = read_submission(workbook).submission  # read back literally (the tab is trimmed as any space)
    assert back.unit.unit_name == UNIT and [p.name for p in back.projects] == [n.strip() for n in PROJECTS]
    assert back.projects[0].indicators[0].deviation_reason == REASON

    out = tmp_path / "out"
    out.mkdir()
    result = rollup(folder, out / "区汇总.xlsx", jobs=1, json_report=out / "汇总.json", feedback_dir=out / "退回意见")
    assert result.units == 1 and result.feedback_files
    no_formulas(out / "区汇总.xlsx")
    assert {UNIT, "-财政所", *[n.strip() for n in PROJECTS]} <= literal_cells(out / "区汇总.xlsx")
    for feedback in result.feedback_files:
        no_formulas(feedback)
        literal_cells(feedback)
    doc = json.loads((out / "汇总.json").read_text(encoding="utf-8"))
    assert doc["submissions"][0]["unit"] == UNIT

    code, text, _ = run(capsys, "validate", str(workbook), "--format", "json")
    assert code == 1 and any(PROJECTS[1] in f["table"] for f in json.loads(text)["findings"])
    code, text, _ = run(capsys, "export", str(workbook))
    exported = json.loads(text)
    assert exported["unit"]["unit_name"] == UNIT and exported["projects"][0]["indicators"][0]["deviation_reason"] == REASON

    (tmp_path / "导出.json").write_text(text, encoding="utf-8")  # and back into a unit workbook
    code, _, _ = run(capsys, "new", "--from-json", str(tmp_path / "导出.json"), "-o", str(tmp_path / "回写.xlsx"))
    assert code == 0
    again = load_workbook(tmp_path / "回写.xlsx")
    assert again["封面"]["B2"].value == UNIT and again["封面"]["B2"].data_type == "s"


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_roll_up_killed_before_its_rename_leaves_the_previous_output(tmp_path):
    folder = tmp_path / "报送"
    folder.mkdir()
    save_atomic(build_workbook(load_seed("seed000_yanghu_2022.json"), UNIT_SHEETS), folder / "洋湖.xlsx")
    output = tmp_path / "区汇总.xlsx"
    rollup(folder, output, jobs=1)
    previous = output.read_bytes()
    marker = tmp_path / "paused"
    # The roll-up, in a process whose os.replace stops (to be killed) just before the output's rename,
    # after saying where the fully written temporary file is.
    script = f"""
import os, sys, time
from pathlib import Path
rename = os.replace
def paused(src, dst, *args, **kwargs):
    if str(dst) == {str(output)!r}:
        Path({str(marker)!r}).write_text(str(src), encoding="utf-8")
        time.sleep(300)
    return rename(src, dst, *args, **kwargs)
os.replace = paused
from perfeval_xl.cli import main
sys.exit(main(["rollup", {str(folder)!r}, "-o", {str(output)!r}, "--jobs", "1"]))
"""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert marker.exists(), "the roll-up never reached its rename"
        temporary = Path(marker.read_text(encoding="utf-8"))
        assert temporary.exists() and temporary.stat().st_size > 0  # the new workbook, written in full
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert output.read_bytes() == previous  # the previous 区汇总, intact
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("区汇总")) == ["区汇总.xlsx"]
    assert temporary.parent.name.startswith(f".~perfeval-{proc.pid}-")  # hidden, and never read by a roll-up
    again = rollup(folder, output, jobs=1)  # the next run is not disturbed by the leftover, and removes it
    assert again.files == 1 and again.unreadable == []
    assert not temporary.parent.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

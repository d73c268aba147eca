"""Signals and exit codes (issue #14): Ctrl-C and SIGTERM stop the roll-up and its workers with a
Chinese message and exit 130; workers never outlive a killed parent; a bug exits 4 with a log."""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from perfeval_xl import cli, crash
from perfeval_xl.exitcodes import INTERNAL_ERROR, INTERRUPTED
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.sheets import UNIT_SHEETS

from .hostile import good_submission

psutil = pytest.importorskip("psutil")
ROOT = Path(__file__).parent.parent
STUCK = """
import sys, time
from perfeval_xl.rollup import engine
def stuck(paths, root, settings):
    time.sleep(600)
engine.process_batch = stuck  # every worker hangs on its first file (inherited through fork)
from perfeval_xl.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "报送"
    folder.mkdir()
    for name in ("甲", "乙", "丙", "丁"):
        sub = copy.deepcopy(good_submission())
        sub.unit.unit_name = name + "街道"
        save_atomic(build_workbook(sub, UNIT_SHEETS), folder / f"{name}.xlsx")
    return folder


def start_stuck_rollup(inbox: Path, tmp_path: Path):
    proc = subprocess.Popen([sys.executable, "-c", STUCK, "rollup", str(inbox), "-o", str(tmp_path / "区汇总.xlsx"),
                             "--jobs", "2", "--json", str(tmp_path / "r.json")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    while len(parent.children()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = parent.children()
    assert len(workers) >= 2, "the workers never started"
    time.sleep(1.0)  # the workers are inside their first file
    return proc, workers


def gone(processes, seconds: float = 20) -> bool:
    _, alive = psutil.wait_procs(processes, timeout=seconds)
    return not alive


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_roll_up_stops_its_workers_and_says_so(inbox, tmp_path, signum):
    proc, workers = start_stuck_rollup(inbox, tmp_path)
    os.kill(proc.pid, signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == INTERRUPTED
    assert err.strip().endswith(crash.INTERRUPTED_ZH) and "Traceback" not in err
    assert gone(workers)
    assert not (tmp_path / "区汇总.xlsx").exists() and not (tmp_path / "r.json").exists()


def test_workers_die_with_a_killed_parent(inbox, tmp_path):
    proc, workers = start_stuck_rollup(inbox, tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert gone(workers)


def test_a_bug_exits_4_with_the_traceback_in_a_log_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(crash.LOG_DIR_ENV, str(tmp_path / "日志"))

    def broken(args):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(cli, "cmd_rules", broken)
    assert cli.main(["rules"]) == INTERNAL_ERROR
    out, err = capsys.readouterr()
    (log,) = (tmp_path / "日志").iterdir()
    assert out == "" and "Traceback" not in err
    assert err == (f"错误：程序内部错误（ZeroDivisionError），这不是您的数据的问题。详细信息已写入日志文件：{log}\n"
                   f"请把该日志文件发给维护人员。\n")
    text = log.read_text(encoding="utf-8")
    assert "命令：perfeval-xl rules" in text and "Traceback" in text and "ZeroDivisionError: division by zero" in text

"""Progress for every stage of a roll-up on a terminal; silent in a pipe and with --quiet."""

import io
import shutil
import sys
import time

import pytest

from perfeval_xl.rollup import progress as progress_module
from perfeval_xl.rollup import rollup, terminal_progress

from .conftest import ROOT

EXAMPLES = ROOT / "examples" / "报送" / "岳麓区"
FILES = ("坪塘街道（虚构）2022年度绩效自评.xlsx", "洋湖街道2022年度项目支出绩效自评表.xlsx", "含浦街道（虚构）2022 自评表 终稿.xlsx")


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "报送"
    d.mkdir()
    for name in FILES:
        shutil.copy(EXAMPLES / name, d / name)
    return d


def run(folder, tmp_path, stream, **kwargs):
    with terminal_progress(stream=stream, **kwargs) as progress:
        return rollup(folder, tmp_path / "区汇总.xlsx", jobs=1, feedback_dir=tmp_path / "退回意见", progress=progress)


def test_every_stage_shows_on_a_terminal_to_the_end(folder, tmp_path):
    screen = Terminal()
    result = run(folder, tmp_path, screen)
    text = screen.getvalue()
    assert len(result.feedback_files) == 2  # 洋湖 and 含浦 have 错误
    stages = [text.index(s) for s in ("读取:", "写入区汇总：已用", "写入退回意见:")]
    assert stages == sorted(stages)
    assert "3/3" in text[stages[0]:stages[1]]
    assert "2/2" in text[stages[2]:]  # the last 退回意见 is counted, not left at the reading's 3/3


def test_plain_counter_without_tqdm(folder, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm fails
    screen = Terminal()
    run(folder, tmp_path, screen)
    lines = [line.rsplit("\r", 1)[-1] for line in screen.getvalue().split("\n") if line]
    assert lines[0] == "读取：3/3" and lines[1].startswith("写入区汇总……") and lines[2] == "写入退回意见：2/2"


def test_silent_when_redirected_or_quiet(folder, tmp_path):
    pipe = io.StringIO()
    run(folder, tmp_path, pipe)
    quiet = Terminal()
    run(folder, tmp_path, quiet, enabled=False)
    assert pipe.getvalue() == "" and quiet.getvalue() == ""


def test_a_stage_without_a_count_keeps_showing_its_clock(monkeypatch):
    monkeypatch.setattr(progress_module, "TICK_SECONDS", 0.01)
    screen = Terminal()
    with terminal_progress(stream=screen) as progress:
        progress.stage("写入区汇总")
        time.sleep(0.3)
    assert screen.getvalue().count("写入区汇总：已用") >= 3  # refreshed while the work goes on


def test_a_plain_callable_is_told_of_files_read_only(folder, tmp_path):
    calls = []
    rollup(folder, tmp_path / "区汇总.xlsx", jobs=1, feedback_dir=tmp_path / "退回意见",
           progress=lambda done, total, path: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]

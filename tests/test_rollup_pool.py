"""The roll-up's worker pool as it runs where there is no fork or no setitimer (Windows).

Windows starts pool workers by spawning fresh interpreters (everything handed to them must
pickle: the settings, the detail-row renderer) and has no ``signal.setitimer`` for the per-file
time limit. Both are exercised here on Linux: the pool started with "spawn", and the time limit
kept by the watchdog thread instead of SIGALRM.
"""

from __future__ import annotations

import mmap
import os
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from perfeval_xl.core.settings import Settings
from perfeval_xl.rollup import engine, rollup

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "报送" / "岳麓区"


def sheets(path: Path) -> dict[str, list]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


@pytest.fixture(scope="module")
def forked(tmp_path_factory):
    out = tmp_path_factory.mktemp("fork") / "区汇总.xlsx"
    return rollup(EXAMPLES, out, jobs=2), out


def test_a_spawned_pool_writes_the_same_roll_up_as_a_forked_one(forked, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "POOL_START_METHOD", "spawn")
    expected, expected_out = forked
    result = rollup(EXAMPLES, tmp_path / "区汇总.xlsx", jobs=2)
    assert expected.units == 11  # the example district: eleven units and one broken file
    assert (result.exit_code, result.units, result.errors, result.warnings, result.unreadable) == (
        expected.exit_code, expected.units, expected.errors, expected.warnings, expected.unreadable)
    assert sheets(tmp_path / "区汇总.xlsx") == sheets(expected_out)


@pytest.fixture
def large_parent():
    """The parent maps more address space than a file's parse may use (1.5 GB, never touched), as a
    long province run or a test session does: the workers forked from it must still work."""
    if not sys.platform.startswith("linux"):
        pytest.skip("address-space limits of forked workers: Linux")
    big = mmap.mmap(-1, 1536 * 2**20)
    yield
    big.close()


def test_workers_forked_from_a_large_parent_read_as_usual(forked, tmp_path, monkeypatch, large_parent):
    monkeypatch.setattr(engine, "_HAS_ITIMER", False)  # and the watchdog thread starts in them
    expected, expected_out = forked
    result = rollup(EXAMPLES, tmp_path / "区汇总.xlsx", jobs=2)
    assert (result.units, result.errors, result.warnings, result.unreadable) == (
        expected.units, expected.errors, expected.warnings, expected.unreadable)
    assert sheets(tmp_path / "区汇总.xlsx") == sheets(expected_out)


@pytest.mark.parametrize("itimer", [True, False], ids=["SIGALRM", "watchdog thread"])
def test_a_file_past_its_time_limit_ends_its_worker_and_is_named(tmp_path, monkeypatch, itimer, large_parent):
    if itimer and not hasattr(os, "fork"):
        pytest.skip("setitimer is POSIX")
    monkeypatch.setattr(engine, "_HAS_ITIMER", itimer)  # the forked workers inherit the choice
    rules = tmp_path / "规则.toml"
    rules.write_text("[limits]\nparse_seconds = 0.001\n", encoding="utf-8")
    result = rollup(EXAMPLES, tmp_path / "区汇总.xlsx", jobs=2, settings=Settings.load(rules))
    files = sorted(p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*.xlsx"))
    assert result.units == 0
    assert sorted(path for path, _ in result.unreadable) == files
    timed_out = "读取超过时间上限（0.001 秒），文件可能是恶意构造的，已停止读取"
    broken = "梅溪湖街道（虚构）2022年度绩效自评.xlsx"  # truncated: refused before or after its time is up
    for path, reason in result.unreadable:
        assert reason == f"{Path(path).name}：{timed_out}" or path == broken, reason



def test_workers_freeze_what_they_inherit_and_the_parent_thaws_after_the_pool(forked, monkeypatch):
    # a forked worker's collector must not write to (and so copy) every page it shares with the
    # parent, nor the parent's to the pages its workers share; after the pool the parent's own
    # objects are collected again as before
    import gc
    assert gc.get_freeze_count() == 0  # the module's roll-up (forked) has run and ended
    with engine._pool(1, str(EXAMPLES), Settings.default()) as pool:
        assert gc.get_freeze_count() > 1000
        pool.submit(len, "").result()
    assert gc.get_freeze_count() == 0
    # the worker freezes what it holds when it starts (seen in a spawned one: a forked one inherits the parent's)
    monkeypatch.setattr(engine, "POOL_START_METHOD", "spawn")
    with engine._pool(1, str(EXAMPLES), Settings.default()) as pool:
        assert pool.submit(gc.get_freeze_count).result() > 1000

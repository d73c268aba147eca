"""Hostile input, round two (issue #14): the guard reads the package as calamine does, and every
parse runs in a sandbox (child process, bounded memory and time) so that no parser bug reaches
the user. Fixtures are generated at test time (tests/hostile.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from perfeval_xl import cli
from perfeval_xl.exitcodes import PARTIAL, UNUSABLE_INPUT
from perfeval_xl.io import sandbox
from perfeval_xl.io.guard import Limits
from perfeval_xl.io.read import ReadError, read_submission
from perfeval_xl.rollup import rollup

from .hostile import far_reason, good_bytes, make_round_two

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("round2") / "收到的报送"
    return folder, make_round_two(folder)


def findings(capsys, path: Path, *extra: str) -> tuple[int, set, str]:
    code = cli.main(["validate", str(path), "--format", "json", *extra])
    out, err = capsys.readouterr()
    found = {(f["rule"], f["sheet"], f["cell"]) for f in json.loads(out)["findings"]} if out else set()
    return code, found, err


def test_every_spelling_is_seen_as_calamine_sees_it(corpus, capsys):
    folder, cases = corpus
    for name, case in sorted(cases.items()):
        code, found, err = findings(capsys, folder / name)
        assert code == case.exit, (name, err)
        if case.exit == UNUSABLE_INPUT:
            assert err == f"错误：{name}：{case.reason}\n", name
        else:
            assert case.findings <= found, (name, sorted(found))


def test_another_spelling_reads_exactly_like_the_original(corpus, capsys, tmp_path):
    folder, _ = corpus
    original = tmp_path / "原样.xlsx"
    original.write_bytes(good_bytes())
    assert findings(capsys, folder / "另一种写法.xlsx")[:2] == findings(capsys, original)[:2]


@pytest.mark.parametrize("command", ["validate", "score", "export", "report"])
def test_no_command_prints_a_traceback_or_dies_of_a_signal(corpus, tmp_path, command):
    folder, _ = corpus
    name = "小写单引号的远处单元格.xlsx"
    argv = [sys.executable, "-m", "perfeval_xl", command, str(folder / name)]
    if command == "report":
        argv += ["-o", str(tmp_path / "报告.docx")]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == UNUSABLE_INPUT
    assert done.stderr == f"错误：{name}：{far_reason('封面', 1048576, 16384)}\n"
    assert "Traceback" not in done.stdout and "panicked" not in done.stderr


# ---------------------------------------------------------------- the sandbox itself


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def _abort() -> None:
    os.abort()


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def _refuse() -> None:
    raise ReadError("文件有问题")


def test_a_result_and_an_exception_travel_back_from_the_child():
    assert sandbox.run(_allocate, (10,), memory_mb=1024, seconds=30) == 10 * 1024 * 1024
    with pytest.raises(ReadError, match="^文件有问题$"):
        sandbox.run(_refuse, (), memory_mb=1024, seconds=30)


@pytest.mark.skipif(not sandbox.available(), reason="no address-space limits on this platform")
def test_an_allocation_past_the_limit_ends_the_child_not_the_caller():
    with pytest.raises(sandbox.ChildDied) as info:
        sandbox.run(_allocate, (4096,), memory_mb=512, seconds=30)
    assert str(info.value) == "读取时所需内存超过上限（512 MB），文件可能是恶意构造的，拒绝读取"


def test_a_native_abort_in_the_child_is_a_reason():
    with pytest.raises(sandbox.ChildDied) as info:
        sandbox.run(_abort, (), memory_mb=1024, seconds=30)
    assert str(info.value) == ("读取时处理进程异常终止（SIGABRT），通常是内存超过上限（1024 MB）或文件被恶意构造，"
                               "拒绝读取")


def test_a_child_past_its_time_is_killed():
    started = time.monotonic()
    with pytest.raises(sandbox.ChildDied) as info:
        sandbox.run(_sleep, (60,), memory_mb=1024, seconds=0.5)
    assert str(info.value) == "读取超过时间上限（0.5 秒），文件可能是恶意构造的，已停止读取"
    assert time.monotonic() - started < 30


def test_limits_of_the_sandbox_come_from_the_rules_file(tmp_path, capsys):
    good = tmp_path / "洋湖.xlsx"
    good.write_bytes(good_bytes())
    rules = tmp_path / "规则.toml"
    rules.write_text("[limits]\nparse_seconds = 0.001\n", encoding="utf-8")
    code, _, err = findings(capsys, good, "--rules", str(rules))
    assert code == UNUSABLE_INPUT
    assert err == "错误：洋湖.xlsx：读取超过时间上限（0.001 秒），文件可能是恶意构造的，已停止读取\n"
    with pytest.raises(ReadError, match="读取超过时间上限"):
        read_submission(good, Limits(parse_seconds=0.001))


UNGUARDED = """
import sys
from perfeval_xl.io import guard
guard._fit_sheet = lambda sheet, text, limits: text  # the cell-area check off: calamine gets the far cell
from perfeval_xl.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.skipif(not sandbox.available(), reason="no address-space limits on this platform")
def test_a_parser_allocating_half_a_terabyte_is_stopped_by_the_sandbox(corpus):
    """The guard switched off: calamine itself tries to allocate the 16384 × 1048576 cells of a
    forged far cell (~512 GB); the address-space limit stops it, the command answers exit 2."""
    folder, _ = corpus
    name = "小写单引号的远处单元格.xlsx"
    done = subprocess.run([sys.executable, "-c", UNGUARDED, "validate", str(folder / name)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == UNUSABLE_INPUT
    assert done.stderr in (f"错误：{name}：读取时处理进程异常终止（SIGABRT），通常是内存超过上限（1024 MB）或文件被恶意构造，拒绝读取\n",
                           f"错误：{name}：读取时所需内存超过上限（1024 MB），文件可能是恶意构造的，拒绝读取\n")
    assert "Traceback" not in done.stdout + done.stderr and "memory allocation" not in done.stderr


def test_rollup_lists_the_files_the_guard_refuses_and_exits_partial(corpus, tmp_path):
    folder, cases = corpus
    result = rollup(folder, tmp_path / "区汇总.xlsx", jobs=2, json_report=tmp_path / "r.json")
    expected = sorted((name, f"{name}：{case.reason}") for name, case in cases.items() if case.exit == UNUSABLE_INPUT)
    assert sorted(result.unreadable) == expected
    assert result.exit_code == PARTIAL and result.units == 1
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["exit_code"] == PARTIAL

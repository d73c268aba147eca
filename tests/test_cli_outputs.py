"""Every command that writes checks its outputs before the work starts, and says the likely cause."""

import errno
import os
import shutil
from collections import namedtuple

import pytest

import perfeval_xl.rollup
from perfeval_xl.cli import main
from perfeval_xl.io import writable
from perfeval_xl.io.writable import MIN_FREE_BYTES, OutputError, check_folder, check_output, lock_files

from .conftest import DATA, ROOT

WORKBOOK = ROOT / "examples" / "报送" / "岳麓区" / "坪塘街道（虚构）2022年度绩效自评.xlsx"
OPEN_IN_OFFICE = "文件正在 Excel 或 WPS 中打开，请关闭后重试"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def no_rollup(monkeypatch):
    """The roll-up itself must not start when an output cannot be written."""
    def refuse(*args, **kwargs):
        raise AssertionError("the roll-up started although an output cannot be written")
    monkeypatch.setattr(perfeval_xl.rollup, "rollup", refuse)


@pytest.mark.parametrize("lock", ["~$区汇总.xlsx", ".~lock.区汇总.xlsx#"])
def test_rollup_stops_before_reading_when_the_output_is_open_in_office(capsys, tmp_path, no_rollup, lock):
    (tmp_path / "报送").mkdir()
    shutil.copy(WORKBOOK, tmp_path / "报送" / "a.xlsx")
    (tmp_path / lock).write_bytes(b"")
    code, out, err = run(capsys, "rollup", tmp_path / "报送", "-o", tmp_path / "区汇总.xlsx")
    assert (code, out) == (2, "")
    assert err == (f"错误：无法写入 {tmp_path / '区汇总.xlsx'}：{OPEN_IN_OFFICE}（发现锁定文件 {lock}；"
                   f"如果 Excel、WPS 已经关闭，删除该锁定文件即可）\n")


def test_rollup_feedback_that_is_a_file_is_refused_first(capsys, tmp_path, no_rollup):
    (tmp_path / "报送").mkdir()
    (tmp_path / "退回意见").write_text("x")
    code, _, err = run(capsys, "rollup", tmp_path / "报送", "-o", tmp_path / "区汇总.xlsx",
                       "--feedback", tmp_path / "退回意见")
    assert code == 2 and err == f"错误：无法写入 {tmp_path / '退回意见'}：已有同名文件，不是文件夹\n"


def test_new_names_the_lock(capsys, tmp_path):
    (tmp_path / "~$街道2022.xlsx").write_bytes(b"")  # Excel drops a long name's first two characters
    code, _, err = run(capsys, "new", "--unit", "洋湖街道", "-o", tmp_path / "洋湖街道2022.xlsx")
    assert code == 2 and OPEN_IN_OFFICE in err and "~$街道2022.xlsx" in err
    assert not (tmp_path / "洋湖街道2022.xlsx").exists()


def test_report_says_the_existing_output_is_held_open(capsys, tmp_path, monkeypatch):
    out = tmp_path / "自评报告.docx"
    out.write_bytes(b"old")

    def held_open(path, mode="r", *args, **kwargs):  # what Windows answers while Word or WPS has the file
        if str(path) == str(out) and "+" in mode:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(writable, "open", held_open, raising=False)
    code, _, err = run(capsys, "report", WORKBOOK, "-o", out, "--force")
    assert code == 2
    assert err == f"错误：无法写入 {out}：文件被其他程序占用或设为只读（是否正在 Excel 或 WPS 中打开？请关闭后重试）\n"
    assert out.read_bytes() == b"old"


@pytest.mark.parametrize("error, cause", [
    (PermissionError(errno.EACCES, "Permission denied"), "只读或没有写入权限，请换一个文件夹（如“文档”或桌面）"),
    (OSError(errno.EROFS, "Read-only file system"), "所在磁盘是只读的（如光盘、写保护的 U 盘），请换一个文件夹"),
    (OSError(errno.ENOSPC, "No space left on device"), "磁盘空间不足"),
])
def test_demo_and_templates_give_the_likely_cause(capsys, tmp_path, monkeypatch, error, cause):
    def refuse(*args, **kwargs):
        raise error
    monkeypatch.setattr(writable.tempfile, "mkstemp", refuse)
    for argv in (["demo", "-o", tmp_path / "示例输出"], ["templates", "--outdir", tmp_path / "模板"],
                 ["lite", "-o", tmp_path / "lite"], ["new", "--unit", "x", "-o", tmp_path / "x.xlsx"]):
        code, out, err = run(capsys, *argv)
        assert (code, out) == (2, ""), argv
        assert err.startswith("错误：无法写入 ") and cause in err, (argv, err)
    assert not (tmp_path / "示例输出").exists() and not (tmp_path / "模板").exists()


def test_too_little_free_space_is_said_before_writing(tmp_path, monkeypatch):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(writable.shutil, "disk_usage", lambda p: usage(10 * 2**20, 9 * 2**20, 2**20))
    with pytest.raises(OutputError) as err:
        check_output(tmp_path / "区汇总.xlsx")
    assert str(err.value) == (f"无法写入 {tmp_path / '区汇总.xlsx'}：磁盘空间不足（{tmp_path} 所在磁盘剩余 1.0 MB，"
                              f"至少需要 {MIN_FREE_BYTES // 2**20} MB），请清理后重试")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write to a read-only folder")
def test_a_really_read_only_folder(tmp_path):
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="只读或没有写入权限"):
            check_output(folder / "区汇总.xlsx")
    finally:
        folder.chmod(0o755)


def test_checks_leave_nothing_behind(tmp_path):
    check_output(tmp_path / "区汇总.xlsx")
    check_folder(tmp_path / "新" / "退回意见")  # a folder still to be made: its nearest existing parent is asked
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "区汇总.xlsx").write_bytes(b"ours")
    check_output(tmp_path / "区汇总.xlsx")
    assert (tmp_path / "区汇总.xlsx").read_bytes() == b"ours" and lock_files(tmp_path / "区汇总.xlsx") == []


def test_missing_output_folder_and_folder_as_file(tmp_path):
    with pytest.raises(OutputError, match="文件夹 .* 不存在"):
        check_output(tmp_path / "无" / "a.xlsx")
    with pytest.raises(OutputError, match="这是一个文件夹"):
        check_output(tmp_path)


def test_score_writes_nothing_and_is_not_checked(capsys):
    code, out, _ = run(capsys, "score", DATA / "seed004_shazitang_2020.json")
    assert code == 0 and out


def test_a_write_that_fails_after_the_check_still_names_the_cause(capsys, tmp_path, monkeypatch):
    import perfeval_xl.io.xlsx_write as xlsx_write

    def denied(book, path):  # Excel opened the file between the check and the save
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(xlsx_write, "save_atomic", denied)
    out = tmp_path / "x.xlsx"
    code, _, err = run(capsys, "new", "--unit", "x", "-o", out)
    assert code == 2 and err == f"错误：无法写入 {out}：文件夹 {tmp_path} 只读或没有写入权限，请换一个文件夹（如“文档”或桌面）\n"
    out.write_bytes(b"old")
    code, _, err = run(capsys, "new", "--unit", "x", "-o", out, "--force")
    assert code == 2 and err == f"错误：无法写入 {out}：{writable.LOCKED}\n"

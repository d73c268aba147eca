"""Folders with links, pipes and devices (issue #14): listed under 未能读取 with the reason, never
followed out of the folder, never opened."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

from perfeval_xl import cli
from perfeval_xl.exitcodes import PARTIAL, UNUSABLE_INPUT
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.sheets import UNIT_SHEETS
from perfeval_xl.rollup import rollup

from .hostile import good_submission

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX links and pipes")


def test_links_out_of_the_folder_pipes_and_loops_are_listed_not_followed(tmp_path):
    inbox = tmp_path / "报送"
    inbox.mkdir()
    sub = copy.deepcopy(good_submission())
    save_atomic(build_workbook(sub, UNIT_SHEETS), inbox / "洋湖.xlsx")
    outside = tmp_path / "别处" / "机密.xlsx"
    outside.parent.mkdir()
    save_atomic(build_workbook(sub, UNIT_SHEETS), outside)
    (inbox / "外链.xlsx").symlink_to(outside)
    (inbox / "系统文件.xlsx").symlink_to("/etc/passwd")
    (inbox / "内链.xlsx").symlink_to(inbox / "洋湖.xlsx")  # inside the folder: read (a duplicate, X501)
    os.mkfifo(inbox / "管道.xlsx")
    (inbox / "环甲.xlsx").symlink_to(inbox / "环乙.xlsx")
    (inbox / "环乙.xlsx").symlink_to(inbox / "环甲.xlsx")
    (inbox / "断链.xlsx").symlink_to(inbox / "不存在.xlsx")
    result = rollup(inbox, tmp_path / "区汇总.xlsx", jobs=1, json_report=tmp_path / "r.json")
    outside_reason = "是指向文件夹以外的符号链接，为保护其他文件未读取（请把报送文件本身放入文件夹）"
    assert sorted(result.unreadable) == sorted([
        ("外链.xlsx", f"外链.xlsx：{outside_reason}"),
        ("系统文件.xlsx", f"系统文件.xlsx：{outside_reason}"),
        ("管道.xlsx", "管道.xlsx：是命名管道（FIFO），不是文件，未读取"),
        ("环甲.xlsx", "环甲.xlsx：符号链接形成循环，未读取"),
        ("环乙.xlsx", "环乙.xlsx：符号链接形成循环，未读取"),
        ("断链.xlsx", "断链.xlsx：符号链接指向的文件不存在，未读取"),
    ])
    assert result.exit_code == PARTIAL and result.read == 2
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    linked = {f["path"]: f for f in doc["submissions"]}["系统文件.xlsx"]
    assert linked["size"] is None and linked["sha256"] == ""  # nothing of /etc/passwd in the report


def test_a_device_is_listed(tmp_path):
    inbox = tmp_path / "报送"
    inbox.mkdir()
    try:
        os.mknod(inbox / "设备.xlsx", 0o600 | 0o020000, os.makedev(1, 5))  # a character device (/dev/zero)
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here")
    result = rollup(inbox, tmp_path / "区汇总.xlsx", jobs=1)
    assert result.unreadable == [("设备.xlsx", "设备.xlsx：是设备文件，不是普通文件，未读取")]


def test_validate_never_blocks_on_a_pipe(tmp_path, capsys):
    os.mkfifo(tmp_path / "管道.xlsx")
    assert cli.main(["validate", str(tmp_path / "管道.xlsx")]) == UNUSABLE_INPUT
    assert capsys.readouterr().err == "错误：管道.xlsx：不是普通文件（可能是命名管道或设备），未读取\n"

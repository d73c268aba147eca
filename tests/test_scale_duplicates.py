"""Duplicates bounded: one unit submitted hundreds of times costs a constant
message per file, not a list of the whole group in every 问题清单 cell and JSON finding."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from perfeval_xl.core.settings import Settings
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.sheets import UNIT_SHEETS
from perfeval_xl.layout.workbook import TEMPLATE_VERSION
from perfeval_xl.rollup import rollup, rules
from perfeval_xl.rollup.record import OK, FileRecord

from .conftest import load_seed
from .test_rollup import table

T0 = 1_680_000_000 * 10**9


def record(i: int, *, unit: str = "甲街道", code: str = "1", mtime: int | None = None) -> FileRecord:
    return FileRecord(path=f"报送/甲{i:04d}.xlsx", name=f"甲{i:04d}.xlsx", status=OK, unit=unit, code=code, year=2022,
                      version=TEMPLATE_VERSION, mtime_ns=T0 + (i if mtime is None else mtime) * 10**9,
                      cells={"unit": "封面!B2", "code": "封面!B3", "year": "封面!B4", "version": "封面!B7"})


def x501_messages(n: int) -> dict[str, str]:
    found, superseded = rules.cross_check([record(i) for i in range(n)], Settings.default())
    assert len(superseded) == n - 1 and set(superseded.values()) == {f"报送/甲{n - 1:04d}.xlsx"}
    return {path: next(f.message for f in fs if f.rule == "X501") for path, fs in found.items()}


def test_a_duplicate_message_does_not_grow_with_the_group():
    small, large = x501_messages(100), x501_messages(400)  # same digit count: same lengths if bounded
    assert {len(m) for m in small.values()} == {len(m) for m in large.values()}
    assert max(len(m) for m in large.values()) < 600
    when = rules._when  # the local-time text of each file's modification time
    kept_399, r398, r397 = record(399), record(398), record(397)
    assert large["报送/甲0000.xlsx"] == (
        f"甲街道（2022 年度）共收到 400 份报送：“报送/甲0399.xlsx”（{when(kept_399)}）、"
        f"“报送/甲0398.xlsx”（{when(r398)}）、“报送/甲0397.xlsx”（{when(r397)}）"
        "等（最新的 3 份；全部 400 份各在问题清单中占一行，JSON 报告的 duplicates 列出全部）。"
        "按封面填报日期（未填或相同时按文件修改时间）采用最新的“报送/甲0399.xlsx”；本文件已被较新的报送取代，未计入汇总。")
    assert large["报送/甲0399.xlsx"].endswith("采用最新的“报送/甲0399.xlsx”；本文件被采用。")


def test_a_small_group_still_lists_every_file_and_the_json_lists_every_group_in_full():
    found, superseded = rules.cross_check([record(1), record(2, mtime=0), record(3, mtime=7)], Settings.default())
    assert superseded == {"报送/甲0001.xlsx": "报送/甲0003.xlsx", "报送/甲0002.xlsx": "报送/甲0003.xlsx"}
    message = found["报送/甲0002.xlsx"][0].message
    assert [message.index(f"甲000{i}.xlsx") for i in (3, 1, 2)] == sorted(message.index(f"甲000{i}.xlsx")
                                                                          for i in (3, 1, 2))  # newest first
    assert "等（" not in message
    groups = rules.duplicate_groups([record(1), record(2, mtime=0), record(3, mtime=7)], superseded)
    assert [(g["kept"], g["count"], [f["path"] for f in g["files"]], [f["kept"] for f in g["files"]])
            for g in groups] == [("报送/甲0003.xlsx", 3, ["报送/甲0003.xlsx", "报送/甲0001.xlsx", "报送/甲0002.xlsx"],
                                  [True, False, False])]


def test_a_long_unit_name_or_a_shared_code_cannot_blow_up_a_message():
    huge = "长" * 30_000
    found, _ = rules.cross_check([record(1, unit=huge), record(2, unit=huge)], Settings.default())
    assert max(len(f.message) for fs in found.values() for f in fs) < 600
    # 300 units left the template's 预算编码 at the same value: X503 on each, naming only three others
    found, superseded = rules.cross_check([record(i, unit=f"单位{i:03d}", code="000000") for i in range(300)],
                                          Settings.default())
    assert superseded == {}
    x503 = [f.message for fs in found.values() for f in fs if f.rule == "X503"]
    assert len(x503) == 300 and max(len(m) for m in x503) < 400
    assert found["报送/甲0000.xlsx"][0].message == (
        "预算编码“000000”在其他报送中对应不同的单位名称：“单位001”（报送/甲0001.xlsx，2022 年度）、"
        "“单位002”（报送/甲0002.xlsx，2022 年度）、“单位003”（报送/甲0003.xlsx，2022 年度）等 299 份。")


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> Path:
    """240 copies of one unit's workbook, each a minute newer than the one before."""
    root = tmp_path_factory.mktemp("dup") / "报送"
    root.mkdir()
    first = root / "洋湖0000.xlsx"
    save_atomic(build_workbook(load_seed("seed003_wangjiahe_2023.json"), UNIT_SHEETS), first)
    for i in range(240):
        path = root / f"洋湖{i:04d}.xlsx"
        if i:
            shutil.copyfile(first, path)
        os.utime(path, ns=(T0 + i * 60 * 10**9,) * 2)
    return root


def test_hundreds_of_copies_of_one_unit_give_bounded_cells_and_one_json_group(copies, tmp_path):
    out, report = tmp_path / "区汇总.xlsx", tmp_path / "r.json"
    result = rollup(copies, out, jobs=1, json_report=report)
    assert (result.units, len(result.superseded), result.unreadable) == (1, 239, [])
    rows = table(out, "问题清单")
    x501 = [r for r in rows if r["规则"] == "X501"]
    assert sorted(r["来源文件"] for r in x501) == [f"洋湖{i:04d}.xlsx" for i in range(240)]
    longest = max(len(str(v)) for r in rows for v in r.values())
    assert longest < 1000
    kept = next(r for r in x501 if r["来源文件"] == "洋湖0239.xlsx")["问题说明"]
    assert "共收到 240 份报送：“洋湖0239.xlsx”" in kept and "“洋湖0236.xlsx”" not in kept
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert [(g["kept"], g["count"], len(g["files"])) for g in doc["duplicates"]] == [("洋湖0239.xlsx", 240, 240)]
    assert [f["path"] for f in doc["duplicates"][0]["files"]] == [f"洋湖{i:04d}.xlsx" for i in range(239, -1, -1)]
    assert max(len(json.dumps([x for x in doc["cross_findings"] if x["file"] == f["path"]], ensure_ascii=False))
               for f in doc["submissions"]) < 3000
    superseded_by = {f["path"]: f.get("superseded_by") for f in doc["submissions"]}
    assert superseded_by["洋湖0000.xlsx"] == "洋湖0239.xlsx" and superseded_by["洋湖0239.xlsx"] is None


def test_a_detail_sheet_past_excels_row_limit_ends_with_a_note(monkeypatch, tmp_path):
    """A province-scale 问题清单 cannot hold every row: the rows that do not fit are counted in a
    closing note instead of making the write fail."""
    from openpyxl import Workbook, load_workbook

    from perfeval_xl.rollup import xlsx

    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 6)  # header + 4 rows + the note
    for fast in (True, False):
        book = xlsx.RollupBook(Workbook(write_only=True))
        sheet = book.table("问题清单", [xlsx.Col("规则", 8), xlsx.Col("说明", 20)], fast=fast)
        for i in range(7):
            sheet.append([f"T{i:03d}", "说明"])
        sheet.close()
        path = tmp_path / f"{fast}.xlsx"
        book.save(path)
        rows = [r for r in load_workbook(path)["问题清单"].iter_rows(values_only=True)]
        assert [r[0] for r in rows[1:5]] == ["T000", "T001", "T002", "T003"] and len(rows) == 6
        assert rows[5][0].startswith("另有 3 行超过 Excel 每张工作表 6 行的上限，未列出")

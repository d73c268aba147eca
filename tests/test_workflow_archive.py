"""The SQLite archive on the example district: schema, idempotence, reuse of unchanged files,
year over year, resubmission, `history`, and the plain read functions."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from perfeval_xl import archive
from perfeval_xl.archive.schema import MIGRATIONS, SCHEMA_VERSION
from perfeval_xl.archive.store import COLUMN_OF, Archive, column
from perfeval_xl.core.settings import Settings
from perfeval_xl.rollup import RollupError, rollup
from perfeval_xl.rollup.record import Details, FileRecord, Figures, FindingRow, IndicatorRow, ProjectRow

from .conftest import load_seed
from .workflow_golden import EXAMPLES, ROOT, example_outputs

HISTORY = ROOT / "examples"
YANGHU = "岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx"
HANPU = "岳麓区/含浦街道（虚构）2022 自评表 终稿.xlsx"
TABLES = ("runs", "submissions", "run_files", "projects", "indicators", "findings")


def counts(path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def roll(folder, tmp, name, db, **kw):
    out = tmp / name
    out.mkdir(exist_ok=True)
    result = rollup(folder, out / "区汇总.xlsx", jobs=1, json_report=out / "r.json", feedback_dir=out / "退回意见",
                    settings=Settings.default(), archive=db, **kw)
    return result, json.loads((out / "r.json").read_text(encoding="utf-8")), out


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """Last year, the first version of 含浦's 2022 workbook, then this year's folder."""
    tmp = tmp_path_factory.mktemp("cycle")
    db = tmp / "绩效档案.sqlite"
    roll(HISTORY / "往年报送", tmp, "2021", db)
    roll(HISTORY / "首次报送", tmp, "first", db)
    result, doc, out = roll(EXAMPLES, tmp, "2022", db)
    return {"db": db, "result": result, "doc": doc, "out": out, "tmp": tmp}


def test_schema_is_versioned_and_holds_every_record_field(tmp_path):
    db = tmp_path / "a.sqlite"
    Archive(db, Settings.default()).close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS) == 2
        columns = {t: {r[1] for r in conn.execute(f"PRAGMA table_info({t})")} for t in TABLES + ("explanations",)}
    # every field of the record has its column, so the archive can give a record back whole
    for cls, table in ((ProjectRow, "projects"), (IndicatorRow, "indicators"), (FindingRow, "findings")):
        assert {column(cls, f.name) for f in dataclasses.fields(cls) if f.name != "path"} <= columns[table], table
    kept = {column(FileRecord, f.name) for f in dataclasses.fields(FileRecord)} - {
        "details", "figures", "status", "reason", "seconds", "mtime_ns"}
    assert kept | {f.name for f in dataclasses.fields(Figures)} <= columns["submissions"]
    assert set(COLUMN_OF) == {FileRecord, IndicatorRow, FindingRow}
    assert columns["explanations"] == {"submission_id", "seq", "rule", "location", "sheet", "cell", "explanation"}
    Archive(db, Settings.default()).close()  # opening again migrates nothing
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2


def test_an_archive_from_a_newer_version_or_not_an_archive_is_refused(tmp_path):
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 7")
    with pytest.raises(RollupError, match="由更新版本的 perfeval-xl 写入（结构版本 7，本工具为 2）"):
        rollup(EXAMPLES, tmp_path / "o.xlsx", jobs=1, archive=newer)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(RollupError, match="无法打开档案"):
        rollup(EXAMPLES, tmp_path / "o.xlsx", jobs=1, archive=junk)
    assert not (tmp_path / "o.xlsx").exists()


def test_rerun_on_unchanged_files_adds_nothing_and_reads_nothing_again(tmp_path):
    db = tmp_path / "a.sqlite"
    _, first, _ = roll(EXAMPLES, tmp_path, "1", db)
    before = counts(db)
    # 15 readable files (one superseded draft included), their 31 projects, 223 indicators, 204 findings
    assert before == {"runs": 1, "submissions": 15, "run_files": 16, "projects": 31, "indicators": 223,
                      "findings": 204}
    _, again, _ = roll(EXAMPLES, tmp_path, "2", db)
    assert counts(db) == before
    (run,) = archive.runs(db)
    assert (run["files"], run["parsed"], run["reused"]) == (16, 16, 0) and run["confirmed"] >= run["started"]
    # the records given back by the archive write the same report as the files read afresh
    for a, b in zip(first["submissions"], again["submissions"], strict=True):
        a.pop("seconds"), b.pop("seconds")
        assert a == b
    for a, b in zip(first["files"], again["files"], strict=True):  # each file's own report, as validate's
        a["stats"].pop("seconds"), b["stats"].pop("seconds")
        assert a == b
    assert len(first["files"]) == 15 and first["cross_findings"] == again["cross_findings"]


def test_a_reused_record_comes_without_its_rows_until_the_roll_up_reads_them(tmp_path):
    # a province re-run holds ~1 KB a reused file, not its ~0.3 MB of detail rows at once
    from perfeval_xl.rollup.extract import process_file

    db = tmp_path / "a.sqlite"
    roll(EXAMPLES, tmp_path, "1", db)
    fresh = process_file(EXAMPLES / YANGHU, EXAMPLES, Settings.default())
    with Archive(db, Settings.default()) as store:
        record = store.cached(str(EXAMPLES / YANGHU), str(EXAMPLES))
        assert record is not None and record.details is None and record.path == YANGHU
        details = store.details_of(record)
    assert (details.projects, details.indicators, details.findings) == (
        fresh.details.projects, fresh.details.indicators, fresh.details.findings)
    assert len(details.indicators) > 10 and details.report["file"] == YANGHU


def test_only_changed_files_are_read_again(tmp_path):
    folder = tmp_path / "报送"
    shutil.copytree(EXAMPLES, folder)
    db = tmp_path / "a.sqlite"
    roll(folder, tmp_path, "1", db)
    # the unit's corrected file replaces the old one: the file of 首次报送 goes in, then back
    hanpu = folder / HANPU
    hanpu.write_bytes((HISTORY / "首次报送" / "岳麓区" / "含浦街道（虚构）2022 自评表 初稿.xlsx").read_bytes())
    result, doc, _ = roll(folder, tmp_path, "2", db)
    assert result.reused == 14 and doc["archive"] == {"path": str(db), "reused": 14}
    assert f"已记入档案 {db}（14 个文件未改动，未重读）" in result.summary_zh()
    runs = archive.runs(db)
    # the changed file and the unreadable one (never archived) are read; 14 records come back
    assert [(r["files"], r["parsed"], r["reused"]) for r in runs] == [(16, 16, 0), (16, 2, 14)]
    assert counts(db)["submissions"] == 16


def test_year_over_year_in_summary_json_and_problem_list(cycle):
    wb = load_workbook(cycle["out"] / "区汇总.xlsx", read_only=True)
    rows = list(wb["汇总"].iter_rows(values_only=True))
    header = rows[0]
    assert header[-3:] == ("上年得分", "变化", "上年排名")
    by_path = {r[header.index("来源文件")]: dict(zip(header, r)) for r in rows[1:]}
    yanghu = by_path[YANGHU]
    assert (yanghu["汇总得分"], yanghu["上年得分"], yanghu["变化"], yanghu["上年排名"]) == (98.8, 100, -1.2, 1)
    assert by_path["岳麓区/麓谷街道（虚构）2022年度绩效自评.xlsx"]["上年得分"] is None  # not archived before
    problems = list(wb["问题清单"].iter_rows(values_only=True))
    assert problems[0][-1] == "对比"
    marks = [r[-1] for r in problems[1:] if r[3] == YANGHU]
    assert marks.count("连续出现（上年也有）") == 37 and len(marks) == 52
    wb.close()
    files = {f["path"]: f for f in cycle["doc"]["submissions"]}
    assert files[YANGHU]["previous_year"] == {
        "year": 2021, "score": 100.0, "change": -1.2, "rank": 1,
        "path": "岳麓区/洋湖街道2021年度项目支出绩效自评表（虚构的上年数据）.xlsx"}
    assert "since_previous_version" not in files[YANGHU]


def test_resubmission_says_what_was_resolved_and_what_is_new(cycle):
    files = {f["path"]: f for f in cycle["doc"]["submissions"]}
    since = files[HANPU]["since_previous_version"]
    assert since["path"] == "岳麓区/含浦街道（虚构）2022 自评表 初稿.xlsx"
    assert since["resolved"] == [
        {"rule": "T106", "location": "项目支出绩效自评表「预留奖金」 指标「下拨疫情防控专项经费」 得分"},
        {"rule": "T110", "location": "项目支出绩效自评表「预留奖金」 指标「下拨疫情防控专项经费」 得分"},
        {"rule": "T116", "location": "项目支出绩效自评表「预留奖金」 指标「补助社区支出」 偏差原因分析及改进措施"}]
    assert since["new"] == [{"rule": "T110", "location": "项目支出绩效自评表「预留奖金」 指标「补助社区支出」 得分"}]
    ws = load_workbook(cycle["out"] / "退回意见" / "长沙市岳麓区含浦街道办事处（虚构）2022年度退回意见.xlsx")["退回意见"]
    assert ws["A2"].value.endswith("与上次报送（岳麓区/含浦街道（虚构）2022 自评表 初稿.xlsx）相比：已改正 3 条，"
                                   "新出现 1 条；下表只列本次仍存在的问题。")
    listed = [(ws.cell(r, 3).value, ws.cell(r, 7).value) for r in range(4, ws.max_row + 1)]
    assert ("T106", "项目支出绩效自评表「预留奖金」 指标「下拨疫情防控专项经费」 得分") not in listed  # resolved: gone
    assert ("T110", "项目支出绩效自评表「预留奖金」 指标「补助社区支出」 得分") in listed
    assert len(listed) == 10 + 13


def test_outputs_without_an_archive_are_unchanged_by_one(cycle):
    """The archive adds columns and keys; every other value is what a roll-up without it writes."""
    plain = example_outputs()
    wb = load_workbook(cycle["out"] / "区汇总.xlsx", read_only=True)
    summary = [list(r) for r in wb["汇总"].iter_rows(values_only=True)]
    wb.close()
    assert [r[:-3] for r in summary] == plain["sheets"]["汇总"]


def test_history_command_prints_a_units_years(cycle):
    done = subprocess.run([sys.executable, "-m", "perfeval_xl", "history", "--archive", str(cycle["db"]), "--unit", "洋湖"],
                          capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        "长沙市岳麓区洋湖街道办事处（124013）",
        "  2021 年度  100.00 优  第 1 名  退回（有错误）  错误 13，提示 24  岳麓区/洋湖街道2021年度项目支出绩效自评表（虚构的上年数据）.xlsx",
        "  2022 年度  98.80（-1.20） 优  第 4 名  退回（有错误）  错误 25，提示 27  岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx",
    ]
    missing = subprocess.run([sys.executable, "-m", "perfeval_xl", "history", "--archive", str(cycle["tmp"] / "无.sqlite")],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "档案" in missing.stderr and "不存在" in missing.stderr


def test_read_functions_return_plain_rows(cycle):
    db = cycle["db"]
    subs = archive.submissions(db, unit="含浦")
    assert [(s["year"], s["file_name"], s["status"]) for s in subs] == [
        (2021, "含浦街道（虚构）2021年度绩效自评.xlsx", "退回（有错误）"),
        (2022, "含浦街道（虚构）2022 自评表 初稿.xlsx", "退回（有错误）"),
        (2022, "含浦街道（虚构）2022 自评表 终稿.xlsx", "退回（有错误）")]
    assert all(type(s) is dict for s in subs)
    projects = archive.projects(db, unit="124013", year=2022)
    assert [p["name"] for p in projects][:1] == ["两保站人员工资"] and len(projects) == 5
    seed = load_seed("seed000_yanghu_2022.json").projects[0].funding_total
    assert (projects[0]["sheet"], projects[0]["budget_cell"], projects[0]["budget"], projects[0]["executed"]) == (
        "项目1", "项目1!E6", seed.annual_budget, seed.executed)
    assert len(archive.indicators(db, unit="洋湖", year=2021)) > 0
    assert {f["rule"] for f in archive.findings(db, unit="洋湖", year=2022)} >= {"T116"}
    assert [r["id"] for r in archive.runs(db)] == [1, 2, 3]


def test_explanations_are_archived_and_read_back(tmp_path):
    db = tmp_path / "a.sqlite"
    finding = FindingRow("x.xlsx", "项目1", "H13", "T116", "提示", "超额完成未说明原因", "项目1 指标「甲」", "…", "…",
                         "目标按上年实际数设定")
    record = FileRecord("x.xlsx", "x.xlsx", sha256="ab" * 32, status="ok", unit="甲街道", code="1", year=2022)
    with Archive(db, Settings.default()) as store:
        store.remember(record, Details(findings=[finding, dataclasses.replace(finding, explanation="", cell="H14")]))
        store.finish_run("/", [{"path": "x.xlsx", "sha256": record.sha256, "status": "通过", "reason": "",
                                "superseded_by": "", "score": None, "grade": "", "rank": None, "errors": 0,
                                "warnings": 2}], 0)
    (row,) = archive.explanations(db)
    assert (row["unit"], row["rule"], row["cell"], row["explanation"]) == ("甲街道", "T116", "H13", "目标按上年实际数设定")


def test_cli_rollup_with_roster_and_archive(tmp_path):
    (tmp_path / "名单.csv").write_text("预算编码,单位\n124013,长沙市岳麓区洋湖街道办事处\n999001,天顶街道\n", encoding="gbk")
    db = tmp_path / "档案.sqlite"
    done = subprocess.run([sys.executable, "-m", "perfeval_xl", "rollup", str(EXAMPLES), "-o", str(tmp_path / "o.xlsx"),
                           "--roster", str(tmp_path / "名单.csv"), "--archive", str(db), "--jobs", "1"],
                          capture_output=True, text=True)
    assert "名单：未报送 1，退回（有错误） 1，不在名单中 13" in done.stdout
    assert "Traceback" not in done.stderr
    assert [(r["files"], r["parsed"]) for r in archive.runs(db)] == [(16, 16)]
    assert load_workbook(tmp_path / "o.xlsx", read_only=True).sheetnames[:2] == ["汇总", "报送情况"]


def test_a_locked_archive_stops_the_roll_up_with_a_message(tmp_path, monkeypatch):
    from perfeval_xl.archive import store

    monkeypatch.setattr(store, "BUSY_SECONDS", 0.0)
    db = tmp_path / "a.sqlite"
    Archive(db, Settings.default()).close()
    holder = sqlite3.connect(db)
    holder.execute("BEGIN EXCLUSIVE")  # another roll-up writing the same archive
    try:
        with pytest.raises(RollupError, match=r"^档案 .* 正被另一个汇总使用，请稍后再试"):
            rollup(EXAMPLES, tmp_path / "o.xlsx", jobs=1, archive=db)
    finally:
        holder.rollback()
        holder.close()
    assert not (tmp_path / "o.xlsx").exists()


def test_a_later_migration_is_applied_once_to_an_existing_archive(tmp_path, monkeypatch):
    from perfeval_xl.archive import schema

    db = tmp_path / "a.sqlite"
    roll(EXAMPLES, tmp_path, "1", db)
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + ["CREATE TABLE notes (run_id INTEGER, text TEXT)"])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 3)
    conn = sqlite3.connect(db)
    assert schema.migrate(conn, str(db)) == 3 and schema.migrate(conn, str(db)) == 3  # applied once
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    assert conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 15  # the data stays
    conn.close()


def test_an_archive_of_the_first_schema_is_migrated_and_its_records_read_again(tmp_path):
    """Version 1 archives hold records without the file's own report or the findings' location parts
    (RECORD_VERSION 1): opened by this version they gain the columns, and their files are read afresh."""
    from perfeval_xl.archive import schema

    db = tmp_path / "old.sqlite"
    with sqlite3.connect(db) as conn:
        conn.executescript("BEGIN;" + schema.MIGRATIONS[0] + "; PRAGMA user_version = 1; COMMIT;")
    result = rollup(EXAMPLES, tmp_path / "o.xlsx", jobs=1, archive=db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        conn.execute("UPDATE submissions SET record_version = 1")  # as version 1 wrote them
    again = rollup(EXAMPLES, tmp_path / "o.xlsx", jobs=1, archive=db, force=True)
    assert (result.reused, again.reused) == (0, 0)

"""The roll-up's JSON report is a list of single-file reports plus the findings across files.

Each entry of ``files`` is what ``perfeval-xl validate FILE --format json`` prints for that file;
``cross_findings`` holds the X5xx findings, each with its file; ``submissions`` what the roll-up
made of every file found.
"""

import json
from pathlib import Path

import jsonschema
import pytest

from perfeval_xl.cli import main
from perfeval_xl.core.settings import Settings
from perfeval_xl.rollup import rollup
from perfeval_xl.rollup.engine import REPORT_VERSION
from perfeval_xl.rollup.report_schema import FILE_REPORT, report_schema

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "报送"
OLD_DRAFT = "岳麓区/咸嘉湖街道（虚构）2022年度绩效自评（初稿）.xlsx"
FINAL = "岳麓区/咸嘉湖街道（虚构）2022年度绩效自评（终稿）.xlsx"
OLD_TEMPLATE = "岳麓区/银盆岭街道（虚构）2022（旧模板）.xlsx"
UNREADABLE = "岳麓区/梅溪湖街道（虚构）2022年度绩效自评.xlsx"


@pytest.fixture(scope="module")
def doc(tmp_path_factory):
    out = tmp_path_factory.mktemp("json")
    rollup(EXAMPLES, out / "区汇总.xlsx", jobs=1, json_report=out / "区汇总.json", settings=Settings.default())
    return json.loads((out / "区汇总.json").read_text(encoding="utf-8"))


def _validate_json(path: str, capsys) -> dict:
    capsys.readouterr()
    main(["validate", path, "--format", "json"])
    return json.loads(capsys.readouterr().out)


def _without_seconds(report: dict) -> dict:
    return {**report, "stats": {k: v for k, v in report["stats"].items() if k != "seconds"}}


def test_batch_document_shape(doc):
    assert doc["format"] == "perfeval-xl/rollup-report" and doc["format_version"] == REPORT_VERSION == 2
    assert list(doc) == ["format", "format_version", "tool", "template_version", "folder", "output", "exit_code",
                         "summary", "totals", "stats", "feedback_files", "duplicates", "rules", "seconds", "files",
                         "cross_findings", "submissions"]
    every = sorted(p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*.xlsx"))
    assert [s["path"] for s in doc["submissions"]] == every
    # a report per readable file (the superseded draft included), none for the unreadable one
    assert [f["file"] for f in doc["files"]] == [p for p in every if p != UNREADABLE]
    assert {s["path"]: s["status"] for s in doc["submissions"]}[OLD_DRAFT] == "superseded"
    assert [(f["file"], f["rule"], f["severity"], f["sheet"], f["cell"]) for f in doc["cross_findings"]] == [
        (OLD_DRAFT, "X501", "warning", "封面", "B3"), (FINAL, "X501", "warning", "封面", "B3"),
        (OLD_TEMPLATE, "X502", "error", "封面", "B7")]
    # the cross findings are counted on the roll-up's view of the file, never in the file's own report
    old = {s["path"]: s for s in doc["submissions"]}[OLD_TEMPLATE]
    own = {f["file"]: f for f in doc["files"]}[OLD_TEMPLATE]
    assert old["counts"]["by_rule"]["X502"] == {"error": 1} and "X502" not in own["stats"]["by_rule"]
    assert old["counts"]["errors"] == own["stats"]["errors"] + 1


def test_each_file_entry_is_what_validate_prints(doc, capsys, monkeypatch):
    monkeypatch.chdir(EXAMPLES)  # validate names the file as typed: the same relative path
    for entry in doc["files"]:
        printed = _validate_json(entry["file"], capsys)
        assert _without_seconds(entry) == _without_seconds(printed), entry["file"]
    assert sum(len(e["findings"]) for e in doc["files"]) > 100  # real reports, not empty ones


def test_records_from_the_archive_give_the_same_file_reports(doc, tmp_path):
    db = tmp_path / "档案.sqlite"
    for n in (1, 2):  # the second run takes every record from the archive
        result = rollup(EXAMPLES, tmp_path / f"{n}.xlsx", jobs=1, json_report=tmp_path / f"{n}.json", archive=db)
    assert result.reused == 15
    again = json.loads((tmp_path / "2.json").read_text(encoding="utf-8"))
    assert [_without_seconds(f) for f in again["files"]] == [_without_seconds(f) for f in doc["files"]]
    assert again["cross_findings"] == doc["cross_findings"]


def test_the_documented_schema_holds_both_reports(doc, capsys, monkeypatch):
    validator = jsonschema.Draft202012Validator(report_schema())
    assert [e.message for e in validator.iter_errors(doc)] == []
    monkeypatch.chdir(EXAMPLES)
    printed = _validate_json(FINAL, capsys)
    jsonschema.validate(printed, {**FILE_REPORT, "$schema": "https://json-schema.org/draft/2020-12/schema"})
    # the schema is closed where it says so: a key it does not know is an error
    wrong = {**doc, "files": [{**doc["files"][0], "rollup_findings": []}]}
    assert any("rollup_findings" in e.message for e in validator.iter_errors(wrong))
    assert not validator.is_valid({**doc, "format_version": 1})


def test_archive_run_with_roster_fits_the_schema(tmp_path):
    roster = EXAMPLES.parent / "名单.csv"
    from perfeval_xl.rollup.roster import read_roster

    rollup(EXAMPLES, tmp_path / "o.xlsx", jobs=1, json_report=tmp_path / "r.json", archive=tmp_path / "a.sqlite",
           roster=read_roster(roster))
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert {"roster", "roster_counts", "archive"} <= set(doc)
    jsonschema.validate(doc, report_schema())


def test_file_reports_stay_on_disk_and_the_text_is_json_dumps(tmp_path, capsys):
    """The result holds the file reports on disk (a province's would not fit in memory); the JSON file
    and ``rollup --format json`` are the text json.dumps gives for the whole document."""
    import io

    from perfeval_xl.rollup.report_json import FileReports, Rows, materialize, write_report

    result = rollup(EXAMPLES, tmp_path / "o.xlsx", jobs=1, json_report=tmp_path / "r.json")
    files = result.report["files"]
    assert isinstance(files, FileReports) and len(files) == 15 and files[-1]["file"] == "雨花区/砂子塘街道2020年度基础数据表及评分表.xlsx"
    # the other per-file lists are made from the records when written, not held as dicts
    years = result.report["stats"]["years"]
    assert all(isinstance(result.report[k], Rows) for k in ("submissions", "cross_findings"))
    assert all(isinstance(y[k], Rows) for y in years for k in ("ranking_by_score", "ranking_by_rate", "low_execution"))
    assert len(result.report["submissions"]) == 16 and len(result.report["cross_findings"]) > 0
    whole = materialize(result.report)
    assert whole["files"] == list(files) and whole["submissions"] == list(result.report["submissions"])
    expected = json.dumps(whole, ensure_ascii=False, indent=2, default=str)
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == expected
    out = io.StringIO()
    write_report(result.report, out)
    assert out.getvalue() == expected
    empty = {**result.report, "files": [], "cross_findings": Rows([], dict)}  # an empty streamed list: "[]"
    out = io.StringIO()
    write_report(empty, out)
    assert out.getvalue() == json.dumps(materialize(empty), ensure_ascii=False, indent=2, default=str)
    capsys.readouterr()
    assert main(["rollup", str(EXAMPLES), "-o", str(tmp_path / "p.xlsx"), "--format", "json", "--jobs", "1"]) == 5
    printed = json.loads(capsys.readouterr().out)
    assert [f["file"] for f in printed["files"]] == [f["file"] for f in files]

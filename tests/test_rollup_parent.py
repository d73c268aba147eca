"""The roll-up parent's per-file work: workers render the detail rows, recurring record values are
shared, rankings point at the 汇总 rows — and the outputs stay exactly what they were."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from perfeval_xl.rollup import rollup
from perfeval_xl.rollup.record import FileRecord, Figures, Shared, UnitRow
from perfeval_xl.rollup.stats import district_stats
from perfeval_xl.core.settings import Settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "报送"


def _parts(path: Path) -> dict[str, bytes]:
    """Every part of an .xlsx package but its creation time."""
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}


def _feedback(folder: Path) -> dict[str, dict[str, bytes]]:
    return {p.name: _parts(p) for p in sorted(folder.glob("*.xlsx"))}


def test_worker_rendered_rows_give_the_same_workbooks_as_rows_rendered_in_the_parent(tmp_path):
    # jobs=2: the pool's workers render 项目明细/指标明细/问题清单 rows and send findings for 退回意见;
    # jobs=1: everything is rendered in this process, as before
    pool = rollup(EXAMPLES, tmp_path / "pool.xlsx", jobs=2, feedback_dir=tmp_path / "fb-pool",
                  json_report=tmp_path / "pool.json")
    alone = rollup(EXAMPLES, tmp_path / "alone.xlsx", jobs=1, feedback_dir=tmp_path / "fb-alone",
                   json_report=tmp_path / "alone.json")
    assert pool.files == alone.files == 16 and pool.units == alone.units and pool.unreadable == alone.unreadable
    assert _parts(tmp_path / "pool.xlsx") == _parts(tmp_path / "alone.xlsx")
    assert len(pool.feedback_files) == len(alone.feedback_files) > 0
    assert _feedback(tmp_path / "fb-pool") == _feedback(tmp_path / "fb-alone")
    # the JSON reports differ only in the output's name and the timings
    a, b = (json.loads((tmp_path / n).read_text(encoding="utf-8")) for n in ("pool.json", "alone.json"))
    for doc in (a, b):
        for key in ("seconds", "output", "feedback_files", "summary"):
            doc.pop(key)
        for f in doc["files"]:
            f["stats"].pop("seconds")
        for f in doc["submissions"]:
            f.pop("seconds")
    assert a == b


def _record(path: str, by_rule: dict, budget: float) -> FileRecord:
    return FileRecord(path=path, name=path, status="ok", unit=f"单位{path}", code=path, year=2024, version="2.0",
                      cells={"unit": "封面!B2", "code": "封面!B3"}, table_type="项目支出",
                      figures=Figures(projects=1, budget=budget, executed=budget, rate=1.0, budget_source="项目表之和"),
                      by_rule=by_rule)


def test_shared_keeps_one_copy_of_recurring_values_and_leaves_the_values_as_they_were():
    shared = Shared()
    a = shared.record(_record("a", {"T101": {"error": 2}, "S102": {"warning": 1}}, 10.0))
    b = shared.record(_record("b", {"T101": {"error": 2}, "S102": {"warning": 1}}, 20.0))
    c = shared.record(_record("c", {"T101": {"error": 3}, "S102": {"warning": 1}}, 30.0))
    assert a.by_rule is b.by_rule and a.cells is b.cells
    assert a.by_rule["S102"] is c.by_rule["S102"]  # equal inner counts shared across different maps
    assert c.by_rule == {"T101": {"error": 3}, "S102": {"warning": 1}} and a.by_rule == {"T101": {"error": 2},
                                                                                        "S102": {"warning": 1}}
    assert a.figures.budget_source is c.figures.budget_source and (a.figures.budget, c.figures.budget) == (10.0, 30.0)


def test_rankings_read_like_the_dicts_they_replace():
    settings = Settings.default()
    units = [UnitRow(_record(p, {}, b), score=s, score_basis="部门自评总分", score_source="", grade=g,
                     errors=0, warnings=1) for p, b, s, g in (("a", 100.0, 91.0, "优"), ("b", 50.0, 95.5, "优"),
                                                               ("c", 80.0, 91.0, "优"))]
    units[1].record.figures.rate = 0.5
    year = district_stats(units, settings)["years"][0]
    assert [(e["rank"], e["path"], e["score"]) for e in year["by_score"]] == [(1, "b", 95.5), (2, "a", 91.0),
                                                                             (2, "c", 91.0)]
    assert dict(year["by_score"][0]) == {"rank": 1, "path": "b", "unit": "单位b", "code": "b", "year": 2024,
                                         "score": 95.5, "score_basis": "部门自评总分", "grade": "优", "rate": 0.5,
                                         "budget": 50.0, "executed": 50.0}
    assert [e["path"] for e in year["low_execution"]] == ["b"] and "rank" not in dict(year["low_execution"][0])


def test_records_held_on_disk_while_workers_read_come_back_sorted_equal_and_sharing_values():
    from perfeval_xl.rollup import engine
    from perfeval_xl.rollup.record import OK

    def record(path: str) -> FileRecord:
        return FileRecord(path=path, name=path, status=OK, sha256=path * 2, version="2026.1",
                          by_rule={"T101": {"error": 2}}, figures=Figures(projects=3, budget=12.5))

    held = engine._Held()
    for path in ("乙.xlsx", "甲/b.xlsx", "甲/a.xlsx"):
        held.append(record(path))
    back = held.records()
    assert held.file.closed
    assert [r.path for r in back] == sorted(["乙.xlsx", "甲/b.xlsx", "甲/a.xlsx"])
    assert back == [record(r.path) for r in back]
    assert back[0].by_rule is back[2].by_rule and back[0].version is back[2].version  # shared once

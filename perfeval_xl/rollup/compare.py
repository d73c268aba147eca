"""A unit against its past in the archive: its previous year (上年得分, 变化, 上年排名, 连续出现)
and, for a resubmission, the version before it (findings resolved and new since).

Findings are the same across versions and years when their rule and location (table, row,
field) are the same; cells may move between template versions, locations do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .record import OK, Details, FileRecord, PreviousVersion, PreviousYear, UnitRow, finding_key
from .roster import unit_status

RECURRING = "连续出现（上年也有）"
NEW_SINCE = "本次新出现（上次报送没有）"


@dataclass(slots=True)
class Comparison:
    previous_year: PreviousYear | None = None
    previous_version: PreviousVersion | None = None
    resolved: tuple[tuple[str, str], ...] = ()
    new: tuple[tuple[str, str], ...] = ()
    marks: list[str] = field(default_factory=list)  # per finding row of the file, for 问题清单's 对比 column


def compare(store: Any, record: FileRecord, details: Details) -> Comparison:
    """``store``: an open ``archive.Archive`` (before this run is stored in it)."""
    year = store.previous_year(record.code, record.unit, record.year)
    version = store.previous_version(record.code, record.unit, record.year, record.sha256)
    keys = [finding_key(f) for f in details.findings]
    marks = []
    for key in keys:
        parts = []
        if version is not None and key not in version.findings:
            parts.append(NEW_SINCE)
        if year is not None and key in year.findings:
            parts.append(RECURRING)
        marks.append("；".join(parts))
    resolved = tuple(sorted(version.findings - set(keys))) if version is not None else ()
    new = tuple(sorted(set(keys) - version.findings)) if version is not None else ()
    return Comparison(year, version, resolved, new, marks)


def change(unit: UnitRow) -> float | None:
    """汇总得分 minus 上年得分 (two decimals, as the scores)."""
    before = unit.previous_year.score if unit.previous_year is not None else None
    if unit.score is None or before is None:
        return None
    return round(unit.score - before, 2)


def comparison_json(unit: UnitRow) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if unit.previous_year is not None:
        p = unit.previous_year
        out["previous_year"] = {"year": p.year, "score": p.score, "change": change(unit), "rank": p.rank, "path": p.path}
    if unit.previous_version is not None:
        v = unit.previous_version
        out["since_previous_version"] = {
            "path": v.path, "sha256": v.sha256,
            "resolved": [{"rule": r, "location": w} for r, w in unit.resolved],
            "new": [{"rule": r, "location": w} for r, w in unit.new],
        }
    return out


def resubmission_line(unit: UnitRow) -> str:
    """退回意见: what changed since the unit's previous version (empty when it is the first)."""
    if unit.previous_version is None:
        return ""
    return (f"与上次报送（{unit.previous_version.path}）相比：已改正 {len(unit.resolved)} 条，"
            f"新出现 {len(unit.new)} 条；下表只列本次仍存在的问题。")


def run_files(records: list[FileRecord], units: list[UnitRow], superseded: dict[str, str],
              stats: dict[str, Any]) -> list[dict[str, Any]]:
    """What each file became in this run (the archive's run_files rows)."""
    counted = {u.path: u for u in units}
    rank = {e["path"]: e["rank"] for y in stats.get("years", []) for e in y["by_score"]}
    rows = []
    for r in records:
        unit = counted.get(r.path)
        if r.status != OK:
            status = "未能读取" if r.status == "unreadable" else "忽略"
        elif unit is None:
            status = "重复（未计入）"
        else:
            status = unit_status(unit)
        rows.append({"path": r.path, "sha256": r.sha256, "status": status, "reason": r.reason,
                     "superseded_by": superseded.get(r.path, ""), "score": unit.score if unit else None,
                     "grade": unit.grade if unit else "", "rank": rank.get(r.path),
                     "errors": unit.errors if unit else r.errors, "warnings": unit.warnings if unit else r.warnings})
    return rows

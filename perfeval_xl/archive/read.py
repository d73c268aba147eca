"""Reading the archive: plain functions returning lists of dicts (one dict per row, keys = columns).

They open the file read-only and never change it, so analysts' notebooks and the pandas API
(``pd.DataFrame(submissions(path))``) can read an archive while nobody writes it. Each takes
optional filters; ``unit`` matches a unit name or 预算编码 containing the text (洋湖 finds
长沙市岳麓区洋湖街道办事处).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from .schema import SCHEMA_VERSION
from .store import ArchiveError


def _connect(path: str | Path) -> sqlite3.Connection:
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"档案 {path} 不存在；请先运行 perfeval-xl rollup … --archive {path.name}。")
    try:
        conn = sqlite3.connect(f"file:{path.resolve().as_posix()}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"无法打开档案 {path}：{exc}") from None
    if not 1 <= version <= SCHEMA_VERSION:
        conn.close()
        raise ArchiveError(f"{path} 不是本版本 perfeval-xl 能读取的档案（结构版本 {version}）。")
    return conn


def _query(path: str | Path, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    conn = _connect(path)
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def _unit_filter(unit: str | None, alias: str = "s") -> tuple[str, tuple]:
    if not unit:
        return "", ()
    return f" AND ({alias}.unit LIKE ? OR {alias}.code LIKE ?)", (f"%{unit}%", f"%{unit}%")


def runs(path: str | Path) -> list[dict[str, Any]]:
    """Every run, oldest first."""
    return _query(path, "SELECT * FROM runs ORDER BY id")


def submissions(path: str | Path, unit: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    """Every archived submission (one row per file content and rules), with the status it had last."""
    where, params = _unit_filter(unit)
    if year is not None:
        where, params = where + " AND s.year = ?", params + (year,)
    return _query(path, f"""
        SELECT s.*, rf.status AS status, rf.score AS score, rf.grade AS grade, rf.rank AS rank, rf.run_id AS last_run
        FROM submissions s LEFT JOIN run_files rf ON rf.submission_id = s.id
             AND rf.run_id = (SELECT MAX(run_id) FROM run_files WHERE submission_id = s.id)
        WHERE 1 = 1{where} ORDER BY s.year, s.unit, s.id""", params)


def _details(path: str | Path, table: str, unit: str | None, year: int | None) -> list[dict[str, Any]]:
    where, params = _unit_filter(unit)
    if year is not None:
        where, params = where + " AND s.year = ?", params + (year,)
    return _query(path, f"""
        SELECT s.unit, s.code, s.year, s.sha256, s.file_name, d.* FROM {table} d JOIN submissions s ON s.id = d.submission_id
        WHERE 1 = 1{where} ORDER BY s.year, s.unit, d.submission_id, d.seq""", params)


def projects(path: str | Path, unit: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    return _details(path, "projects", unit, year)


def indicators(path: str | Path, unit: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    return _details(path, "indicators", unit, year)


def findings(path: str | Path, unit: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    return _details(path, "findings", unit, year)


def explanations(path: str | Path, unit: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    """情况说明 the units wrote, with the finding each explains."""
    return _details(path, "explanations", unit, year)


def history(path: str | Path, unit: str | None = None) -> list[dict[str, Any]]:
    """Each unit's years: the file the latest run counted for that year, its score, rank and status."""
    where, params = _unit_filter(unit)
    return _query(path, f"""
        SELECT s.unit, s.code, s.year, rf.score, rf.grade, rf.rank, rf.status, rf.errors, rf.warnings,
               rf.path, s.sha256, s.template_version, r.started AS run_started, rf.run_id
        FROM run_files rf JOIN submissions s ON s.id = rf.submission_id JOIN runs r ON r.id = rf.run_id
        WHERE rf.superseded_by = ''{where}
          AND rf.run_id = (SELECT MAX(rf2.run_id) FROM run_files rf2 JOIN submissions s2 ON s2.id = rf2.submission_id
                           WHERE s2.unit_key = s.unit_key AND s2.year IS s.year AND rf2.superseded_by = '')
        ORDER BY s.unit_key, s.year""", params)

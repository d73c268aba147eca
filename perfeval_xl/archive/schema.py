"""The archive's schema as numbered migrations; ``PRAGMA user_version`` holds the last one applied.

A migration is never edited once released: a change is a new entry at the end of
``MIGRATIONS``. Opening an archive applies the missing ones in one transaction, so an archive
written by an older perfeval-xl is brought up to date, and one written by a newer version is
refused rather than misread. docs/archive.md describes every table.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
    # 1: runs, submissions and their detail rows; 情况说明 as a view of the findings
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,             -- ISO time, UTC
        confirmed TEXT NOT NULL,           -- last time the same files gave the same run
        tool_version TEXT NOT NULL,
        record_version INTEGER NOT NULL,
        rules_fingerprint TEXT NOT NULL,
        rules_origin TEXT NOT NULL,
        folder TEXT NOT NULL,
        content_key TEXT NOT NULL,         -- files, hashes and statuses of the run
        files INTEGER NOT NULL,
        parsed INTEGER NOT NULL,           -- files read by this run
        reused INTEGER NOT NULL,           -- files whose record came from the archive
        exit_code INTEGER NOT NULL
    );
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL,
        rules_fingerprint TEXT NOT NULL,
        record_version INTEGER NOT NULL,
        first_run INTEGER REFERENCES runs(id),
        file_name TEXT NOT NULL,
        path TEXT NOT NULL,
        size INTEGER,
        unit TEXT NOT NULL,
        code TEXT NOT NULL,
        unit_key TEXT NOT NULL,            -- 预算编码, else 单位名称, without width/space differences
        year INTEGER,
        template_version TEXT NOT NULL,
        report_date TEXT NOT NULL,
        table_type TEXT NOT NULL,
        recomputed INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL,
        awaiting_explanation INTEGER NOT NULL,
        by_rule TEXT NOT NULL,             -- JSON: rule → severity → count
        cells TEXT NOT NULL,               -- JSON: unit/code/year/version → Sheet!A1
        projects INTEGER NOT NULL,
        budget REAL,
        executed REAL,
        rate REAL,
        budget_source TEXT NOT NULL,
        dept_score REAL,
        dept_score_basis TEXT NOT NULL,
        dept_score_cell TEXT NOT NULL,
        project_avg REAL,
        project_avg_count INTEGER NOT NULL,
        unexplained_deviation INTEGER NOT NULL,
        over_achievement INTEGER NOT NULL,
        UNIQUE (sha256, rules_fingerprint)
    );
    CREATE INDEX submissions_unit ON submissions (unit_key, year);
    CREATE TABLE run_files (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        submission_id INTEGER REFERENCES submissions(id),  -- NULL: not readable
        status TEXT NOT NULL,              -- 报送情况 status, 未能读取, 重复（未计入）, 忽略
        reason TEXT NOT NULL,
        superseded_by TEXT NOT NULL,
        score REAL,
        grade TEXT NOT NULL,
        rank INTEGER,                      -- by 汇总得分 within its year in this run
        errors INTEGER NOT NULL,           -- with the roll-up's findings
        warnings INTEGER NOT NULL,
        reused INTEGER NOT NULL,
        PRIMARY KEY (run_id, path)
    );
    CREATE TABLE projects (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        seq INTEGER NOT NULL,
        name TEXT NOT NULL, implementing_unit TEXT NOT NULL,
        budget REAL, executed REAL, rate REAL, stated_total REAL, suggested_total REAL,
        stated_grade TEXT NOT NULL, suggested_grade TEXT NOT NULL,
        errors INTEGER NOT NULL, warnings INTEGER NOT NULL,
        sheet TEXT NOT NULL, budget_cell TEXT NOT NULL, executed_cell TEXT NOT NULL, total_cell TEXT NOT NULL,
        PRIMARY KEY (submission_id, seq)
    );
    CREATE TABLE indicators (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        seq INTEGER NOT NULL,
        table_name TEXT NOT NULL, level1 TEXT NOT NULL, level2 TEXT NOT NULL, title TEXT NOT NULL,
        target TEXT NOT NULL, target_kind TEXT NOT NULL, actual TEXT NOT NULL, actual_kind TEXT NOT NULL,
        points REAL, score REAL, suggested_score REAL, suggested_band TEXT NOT NULL,
        cell TEXT NOT NULL,
        PRIMARY KEY (submission_id, seq)
    );
    CREATE TABLE findings (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        seq INTEGER NOT NULL,
        rule TEXT NOT NULL, severity TEXT NOT NULL, title TEXT NOT NULL,
        sheet TEXT NOT NULL, cell TEXT NOT NULL, location TEXT NOT NULL,
        message TEXT NOT NULL, hint TEXT NOT NULL, explanation TEXT NOT NULL,
        same_cause TEXT NOT NULL DEFAULT '',  -- the other findings of the same slip (column 同一原因)
        PRIMARY KEY (submission_id, seq)
    );
    CREATE INDEX findings_rule ON findings (rule);
    CREATE VIEW explanations AS
        SELECT submission_id, seq, rule, location, sheet, cell, explanation FROM findings WHERE explanation <> '';
    """,
    # 2: each file's own report (the roll-up JSON report's ``files``); a finding's table, row, field and
    # cause apart, so a 标注副本 made from the archive keeps the key that links a 提示 to its 情况说明
    """
    ALTER TABLE submissions ADD COLUMN report TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE findings ADD COLUMN table_name TEXT NOT NULL DEFAULT '';
    ALTER TABLE findings ADD COLUMN row_label TEXT NOT NULL DEFAULT '';
    ALTER TABLE findings ADD COLUMN field_label TEXT NOT NULL DEFAULT '';
    ALTER TABLE findings ADD COLUMN cause TEXT NOT NULL DEFAULT '';
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


class ArchiveVersionError(Exception):
    """The archive was written by a newer perfeval-xl; ``str(err)`` is the Chinese message."""


def migrate(conn: sqlite3.Connection, origin: str) -> int:
    """Apply the missing migrations; returns the schema version the archive is now at."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise ArchiveVersionError(f"档案 {origin} 由更新版本的 perfeval-xl 写入（结构版本 {current}，本工具为 "
                                  f"{SCHEMA_VERSION}）；请升级 perfeval-xl 后再使用。")
    if current == SCHEMA_VERSION:
        return current
    for number in range(current, SCHEMA_VERSION):  # each migration and its version number in one transaction
        conn.executescript("BEGIN;" + MIGRATIONS[number] + f"; PRAGMA user_version = {number + 1}; COMMIT;")
    return SCHEMA_VERSION

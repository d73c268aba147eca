"""The roll-up's side of the archive: reuse a file's record, remember a run, look back a year.

``Archive.cached`` gives back the record of a file whose bytes (sha256) were archived under the
same rules fingerprint, so the roll-up reads only what changed. ``Archive.remember`` stores a
new file's record and detail rows; ``Archive.finish_run`` stores the run and what each file
became in it, all in one transaction: an interrupted roll-up leaves the archive as it was.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import json
import sqlite3
from dataclasses import fields
from pathlib import Path
from typing import Any, Callable, Iterable

from .. import __version__
from ..core.settings import Settings
from ..rollup.record import (
    RECORD_VERSION, Details, FileRecord, Figures, FindingRow, IndicatorRow, PreviousVersion, PreviousYear, ProjectRow,
)
from ..rollup.errors import RollupError
from ..rollup.extract import file_stat, sha256_of
from ..rollup.rules import normalise_key
from .schema import ArchiveVersionError, migrate

# Record field → archive column where the two names differ (SQL keywords, clearer names).
COLUMN_OF = {FileRecord: {"name": "file_name", "version": "template_version"},
             IndicatorRow: {"table": "table_name"},
             FindingRow: {"where": "location", "table": "table_name", "row": "row_label", "field": "field_label"}}
DETAIL_TABLES = (("projects", ProjectRow), ("indicators", IndicatorRow), ("findings", FindingRow))
# Fields that describe where the file is now, not what it holds: taken from the current file.
WHERE_NOW = ("path", "name", "size", "mtime_ns", "seconds", "status", "reason", "details")


# How long a roll-up waits for another one writing the same archive before it gives up.
BUSY_SECONDS = 10.0


class ArchiveError(RollupError):
    """The archive cannot be opened, read or written; ``str(err)`` is the Chinese message.

    A RollupError, so a roll-up that cannot use its archive stops as for any unusable output."""


def guarded(method: Callable) -> Callable:
    """SQLite's errors (a locked, full or damaged file) as ArchiveError with a Chinese message."""

    @functools.wraps(method)
    def run(self: Archive, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(sqlite_message(self.path, exc)) from None

    return run


def sqlite_message(path: Path, exc: sqlite3.DatabaseError) -> str:
    if isinstance(exc, sqlite3.OperationalError):
        if "locked" in str(exc) or "busy" in str(exc):
            return f"档案 {path} 正被另一个汇总使用，请稍后再试（{exc}）。"
        return f"档案 {path} 无法读写（磁盘是否已满、文件是否只读？）：{exc}"
    return f"无法打开档案 {path}：{exc}（文件不是 perfeval-xl 的 SQLite 档案，或已损坏）"


def column(cls: type, field_name: str) -> str:
    return COLUMN_OF.get(cls, {}).get(field_name, field_name)


@functools.cache
def _select_rows(table: str, cls: type) -> tuple[str, int]:
    """The SELECT that gives a detail table's rows as ``cls``'s fields in order, the file's path
    (not stored per row) as a parameter; and how many path parameters it takes."""
    names = [f.name for f in fields(cls)]
    columns = ", ".join("?" if n == "path" else column(cls, n) for n in names)
    return f"SELECT {columns} FROM {table} WHERE submission_id = ? ORDER BY seq", names.count("path")


def rules_fingerprint(settings: Settings) -> str:
    """What a file's record depends on besides its bytes: the rules, the tool and the record's shape."""
    text = json.dumps({"rules": settings.as_dict(), "tool": __version__, "record": RECORD_VERSION},
                      ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def unit_key(code: str, unit: str) -> str:
    return normalise_key(code) or normalise_key(unit)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Archive:
    """An open archive file (SQLite). Use as a context manager or call ``close``."""

    def __init__(self, path: str | Path, settings: Settings) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise ArchiveError(f"{self.path} 是文件夹；--archive 应给出档案文件名，如 绩效档案.sqlite。")
        try:
            self.conn = sqlite3.connect(self.path, isolation_level="DEFERRED", timeout=BUSY_SECONDS)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            migrate(self.conn, str(self.path))
        except ArchiveVersionError as exc:
            raise ArchiveError(str(exc)) from None
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(sqlite_message(self.path, exc)) from None
        self.settings = settings
        self.fingerprint = rules_fingerprint(settings)
        self.reused: set[str] = set()  # paths whose record came from the archive in this run
        self._ids: dict[str, int] = {}  # path → submissions.id of this run's readable files

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.rollback()  # whatever finish_run did not commit (an interrupted run)
            self.conn.close()
            self.conn = None

    # ------------------------------------------------------------ reuse

    @guarded
    def cached(self, path: str, root: str) -> FileRecord | None:
        """The archived record of the file's bytes under these rules, placed at its path; else None.
        Its detail rows are left in the archive (``details_of``).

        Hashing a file costs a read of its bytes, a small part of parsing and checking it.
        """
        file = Path(path)
        try:
            rel = file.relative_to(root).as_posix()
            size, mtime_ns = file_stat(file)
        except (ValueError, OSError):
            return None
        sha256 = sha256_of(file)
        if not sha256:
            return None
        record = FileRecord(path=rel, name=file.name, size=size, mtime_ns=mtime_ns, sha256=sha256)
        row = self.conn.execute("SELECT * FROM submissions WHERE sha256 = ? AND rules_fingerprint = ?",
                                (sha256, self.fingerprint)).fetchone()
        if row is None or row["record_version"] != RECORD_VERSION:
            return None
        values: dict[str, Any] = {}
        for f in fields(FileRecord):
            if f.name in WHERE_NOW or f.name == "figures":
                continue
            value = row[column(FileRecord, f.name)]
            values[f.name] = json.loads(value) if f.name in ("by_rule", "cells") else value
        figures = Figures(**{f.name: row[f.name] for f in fields(Figures)})
        self.reused.add(record.path)
        self._ids[record.path] = row["id"]
        return FileRecord(**{**values, "path": record.path, "name": record.name, "size": record.size,
                             "mtime_ns": record.mtime_ns, "sha256": sha256, "status": "ok", "figures": figures})

    @guarded
    def details_of(self, record: FileRecord) -> Details:
        """The detail rows and the report of a record ``cached`` gave. Read one file at a time, when
        the roll-up comes to it: a province's rows (~0.3 MB of objects a file) never fit at once."""
        submission_id = self._ids[record.path]
        row = self.conn.execute("SELECT report FROM submissions WHERE id = ?", (submission_id,)).fetchone()
        report = {**json.loads(row["report"]), "file": record.path}  # the same bytes, maybe at another path
        return Details(*(self._rows(table, cls, submission_id, record.path) for table, cls in DETAIL_TABLES), report)

    def _rows(self, table: str, cls: type, submission_id: int, path: str) -> list:
        sql, paths = _select_rows(table, cls)
        return list(itertools.starmap(cls, self.conn.execute(sql, (path,) * paths + (submission_id,))))

    # ------------------------------------------------------------ write

    @guarded
    def remember(self, record: FileRecord, details: Details) -> None:
        """Store a readable file's record and detail rows (once per bytes and rules)."""
        if record.path in self._ids:
            return
        existing = self.conn.execute("SELECT id FROM submissions WHERE sha256 = ? AND rules_fingerprint = ?",
                                     (record.sha256, self.fingerprint)).fetchone()
        if existing is not None:
            self._ids[record.path] = existing["id"]
            return
        values = {"sha256": record.sha256, "rules_fingerprint": self.fingerprint,
                  "record_version": record.record_version, "unit_key": unit_key(record.code, record.unit),
                  "report": json.dumps(details.report, ensure_ascii=False, default=str)}
        for f in fields(FileRecord):
            if f.name in ("details", "figures", "status", "reason", "seconds", "mtime_ns", "sha256", "record_version"):
                continue
            value = getattr(record, f.name)
            values[column(FileRecord, f.name)] = json.dumps(value, ensure_ascii=False, sort_keys=True) \
                if f.name in ("by_rule", "cells") else value
        for f in fields(Figures):
            values[f.name] = getattr(record.figures, f.name)
        submission_id = self._insert("submissions", values)
        self._ids[record.path] = submission_id
        for (table, cls), rows in zip(DETAIL_TABLES, (details.projects, details.indicators, details.findings)):
            for seq, row in enumerate(rows):
                self._insert(table, {"submission_id": submission_id, "seq": seq,
                                     **{column(cls, f.name): getattr(row, f.name) for f in fields(cls) if f.name != "path"}})

    def _insert(self, table: str, values: dict[str, Any]) -> int:
        names = list(values)
        cur = self.conn.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                                [values[n] for n in names])
        return cur.lastrowid

    @guarded
    def finish_run(self, folder: str, files: Iterable[dict[str, Any]], exit_code: int) -> int:
        """Store the run and what each file became in it (``files``: run_files rows); commit.

        A run whose files, hashes and statuses are those of the archive's latest run under the
        same rules adds nothing: the latest run is confirmed instead (its ``confirmed`` time).
        """
        files = sorted(files, key=lambda f: f["path"])
        content = json.dumps([[f["path"], f["sha256"], f["status"], f["errors"], f["warnings"]] for f in files],
                             ensure_ascii=False)
        content_key = hashlib.sha256((self.fingerprint + content).encode("utf-8")).hexdigest()
        latest = self.conn.execute("SELECT id, content_key FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        if latest is not None and latest["content_key"] == content_key:
            self.conn.execute("UPDATE runs SET confirmed = ? WHERE id = ?", (_now(), latest["id"]))
            self.conn.commit()
            return latest["id"]
        now = _now()
        run_id = self._insert("runs", {
            "started": now, "confirmed": now, "tool_version": __version__, "record_version": RECORD_VERSION,
            "rules_fingerprint": self.fingerprint, "rules_origin": self.settings.origin, "folder": folder,
            "content_key": content_key, "files": len(files), "parsed": len(files) - len(self.reused & {f["path"] for f in files}),
            "reused": len(self.reused & {f["path"] for f in files}), "exit_code": exit_code})
        for f in files:
            self._insert("run_files", {**f, "run_id": run_id, "submission_id": self._ids.get(f["path"]),
                                       "reused": int(f["path"] in self.reused)})
        self.conn.commit()
        return run_id

    # ------------------------------------------------------------ look back

    @guarded
    def previous_year(self, code: str, unit: str, year: int | None) -> PreviousYear | None:
        """The unit's latest archived year before ``year``, as counted by the latest run that had it."""
        if year is None:
            return None
        row = self.conn.execute(
            """SELECT s.id, s.year, rf.score, rf.rank, rf.path FROM run_files rf JOIN submissions s ON s.id = rf.submission_id
               WHERE s.unit_key = ? AND s.year < ? AND rf.superseded_by = '' AND rf.status <> '忽略'
               ORDER BY s.year DESC, rf.run_id DESC LIMIT 1""", (unit_key(code, unit), year)).fetchone()
        if row is None:
            return None
        return PreviousYear(row["year"], row["score"], row["rank"], row["path"], self._finding_keys(row["id"]))

    @guarded
    def previous_version(self, code: str, unit: str, year: int | None, sha256: str) -> PreviousVersion | None:
        """The unit's file for the same year counted by the latest run before these bytes first came.

        Runs after the current file first arrived are not looked at, so re-running on the same
        files gives the same comparison.
        """
        if year is None:
            return None
        row = self.conn.execute(
            """SELECT s.id, rf.path, s.sha256 FROM run_files rf JOIN submissions s ON s.id = rf.submission_id
               WHERE s.unit_key = ? AND s.year = ? AND rf.superseded_by = '' AND s.sha256 <> ?
               AND rf.run_id < COALESCE((SELECT MIN(rf2.run_id) FROM run_files rf2 WHERE rf2.sha256 = ?), 1e18)
               ORDER BY rf.run_id DESC LIMIT 1""", (unit_key(code, unit), year, sha256, sha256)).fetchone()
        if row is None:
            return None
        return PreviousVersion(row["path"], row["sha256"], self._finding_keys(row["id"]))

    def _finding_keys(self, submission_id: int) -> frozenset[tuple[str, str]]:
        return frozenset((r["rule"], r["location"]) for r in self.conn.execute(
            "SELECT rule, location FROM findings WHERE submission_id = ?", (submission_id,)))

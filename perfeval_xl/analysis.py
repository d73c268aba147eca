"""pandas DataFrames for district analysts (a notebook): units, projects, indicators, findings.

    from perfeval_xl import analysis
    tables = analysis.from_folder("报送/")          # every workbook under the folder
    tables = analysis.from_report("区汇总.json")    # a roll-up's JSON report
    tables.units.sort_values("score")

Rows are the roll-up's own (``rollup.extract.process_file``: read, validate, score), so the
figures are those of 区汇总.xlsx. Column names are English, as in the JSON exports; README
(“数据分析（pandas）”) lists them. pandas is the ``analysis`` extra and is imported only here.

A source yields plain row dicts (:class:`Rows`); :func:`_frames` turns them into DataFrames, so
another source (e.g. an archive of past rounds) only has to produce ``Rows``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .core.settings import Settings

UNIT_COLUMNS = ("file", "status", "unit", "budget_code", "year", "table_type", "projects", "budget", "executed",
                "rate", "score", "grade", "errors", "warnings", "reason")
# the roll-up's 项目明细 / 指标明细 / 问题清单 rows (rollup/record.py), as the DataFrames name them
PROJECT_COLUMNS = ("project", "implementing_unit", "budget", "executed", "rate", "stated_total", "suggested_total",
                   "stated_grade", "suggested_grade", "errors", "warnings", "file", "sheet", "budget_cell",
                   "executed_cell", "total_cell")
INDICATOR_COLUMNS = ("table", "level1", "level2", "indicator", "target", "target_kind", "actual", "actual_kind",
                     "points", "stated_score", "suggested_score", "suggested_band", "file", "cell")
FINDING_DETAIL_COLUMNS = ("file", "sheet", "cell", "rule", "severity", "title", "location", "message", "hint",
                          "explanation")
FINDING_COLUMNS = ("file", "unit", "year", "rule", "severity", "count", "sheet", "cell", "title", "location",
                   "message", "hint", "explanation")
PANDAS_MISSING = ('需要 pandas 才能使用 perfeval_xl.analysis：请安装 analysis 扩展（pip install "perfeval-xl[analysis]"），'
                  "或使用含 pandas 的离线安装包。")


class AnalysisError(ValueError):
    """A source that cannot be used; ``str(err)`` is the Chinese message."""


class PandasMissing(ImportError):
    """pandas is not installed (the ``analysis`` extra)."""


@dataclass
class Rows:
    """Plain rows of the four tables; ``skipped``: files a report names that could not be re-read."""

    units: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class Tables:
    """The four DataFrames (``pandas.DataFrame``); ``skipped`` as in :class:`Rows`."""

    units: Any
    projects: Any
    indicators: Any
    findings: Any
    skipped: list[str]


def _pandas():
    try:
        import pandas
    except ImportError:
        raise PandasMissing(PANDAS_MISSING) from None
    return pandas


# ---------------------------------------------------------------- sources


def from_folder(folder: str | Path, settings: Settings | None = None) -> Tables:
    """Every workbook under ``folder`` (recursively), each read, validated and scored on its own.

    Unlike the roll-up, duplicates are not resolved: every readable file is a row of ``units``."""
    from .rollup.discover import discover

    folder = Path(folder)
    if not folder.is_dir():
        raise AnalysisError(f"找不到文件夹 {folder}。")
    pd = _pandas()
    settings = settings or Settings.default()
    rows = Rows()
    for path in discover(folder):
        _add_file(rows, path, folder, settings)
    return _frames(rows, pd)


def from_report(report_json: str | Path, settings: Settings | None = None) -> Tables:
    """A roll-up's JSON report (``perfeval-xl rollup --json``).

    ``units`` and ``findings`` (per unit and rule, with ``count``) come from the report itself;
    ``projects`` and ``indicators`` are not in it, so they are read again from the submissions in
    the report's folder — only those whose SHA-256 still matches; the others are in ``skipped``."""
    path = Path(report_json)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AnalysisError(f"无法读取 {path.name}：{getattr(exc, 'strerror', None) or exc}") from None
    from .rollup.engine import REPORT_FORMAT, REPORT_VERSION

    if not isinstance(doc, dict) or doc.get("format") != REPORT_FORMAT:
        raise AnalysisError(f"{path.name} 不是区汇总的 JSON 报告（perfeval-xl rollup --json 生成的文件）。")
    if doc.get("format_version") != REPORT_VERSION:
        raise AnalysisError(f"{path.name} 是第 {doc.get('format_version')} 版的区汇总 JSON 报告，本工具读取第 "
                            f"{REPORT_VERSION} 版；请用本版 perfeval-xl 重新汇总（rollup --json）。")
    pd = _pandas()
    settings = settings or Settings.default()
    folder = Path(doc.get("folder") or "")
    rows = Rows()
    for entry in doc.get("submissions", []):
        figures, counts = entry.get("figures") or {}, entry.get("counts") or {}
        rows.units.append({
            "file": entry["path"], "status": entry["status"], "unit": entry.get("unit", ""),
            "budget_code": entry.get("budget_code", ""), "year": entry.get("year"),
            "table_type": entry.get("table_type", ""), **{k: figures.get(k) for k in
                                                           ("projects", "budget", "executed", "rate")},
            "score": entry.get("score"), "grade": entry.get("grade", ""), "errors": counts.get("errors"),
            "warnings": counts.get("warnings"), "reason": entry.get("error", "")})
        who = {"file": entry["path"], "unit": entry.get("unit", ""), "year": entry.get("year")}
        for rule, by_severity in (counts.get("by_rule") or {}).items():
            for severity, count in by_severity.items():
                rows.findings.append({**who, "rule": rule, "severity": _SEVERITY_ZH.get(severity, severity),
                                      "count": count})
        if entry["status"] in ("ok", "superseded"):
            _add_details_if_unchanged(rows, folder / entry["path"], folder, entry.get("sha256", ""), settings)
    return _frames(rows, pd)


def load(source: str | Path, settings: Settings | None = None) -> Tables:
    """A folder of submissions, or a roll-up's JSON report (by what ``source`` is)."""
    source = Path(source)
    return from_folder(source, settings) if source.is_dir() else from_report(source, settings)


def units(source: str | Path):
    return load(source).units


def projects(source: str | Path):
    return load(source).projects


def indicators(source: str | Path):
    return load(source).indicators


def findings(source: str | Path):
    return load(source).findings


# ---------------------------------------------------------------- rows

_SEVERITY_ZH = {"error": "错误", "warning": "提示"}


def _add_file(rows: Rows, path: Path, root: Path, settings: Settings):
    from .rollup.engine import unit_row
    from .rollup.extract import process_file

    record = process_file(path, root, settings)
    if record.status != "ok":
        rows.units.append({"file": record.path, "status": record.status, "reason": record.reason})
        return record
    unit = unit_row(record, [], settings)
    figures = record.figures
    rows.units.append({"file": record.path, "status": "ok", "unit": record.unit, "budget_code": record.code,
                       "year": record.year, "table_type": record.table_type, "projects": figures.projects,
                       "budget": figures.budget, "executed": figures.executed, "rate": figures.rate,
                       "score": unit.score, "grade": unit.grade, "errors": unit.errors, "warnings": unit.warnings,
                       "reason": ""})
    _add_details(rows, record)
    return record


# The record's field behind each column where the two names differ (the rest are the same).
_PROJECT_FIELDS = {"project": "name", "file": "path"}
_INDICATOR_FIELDS = {"indicator": "title", "stated_score": "score", "file": "path"}
_FINDING_FIELDS = {"file": "path", "location": "where"}


def _named(row: Any, columns: tuple[str, ...], fields: dict[str, str]) -> dict[str, Any]:
    return {c: getattr(row, fields.get(c, c)) for c in columns}


def _add_details(rows: Rows, record: Any, with_findings: bool = True) -> None:
    who = {"unit": record.unit, "year": record.year}
    details = record.details
    rows.projects += [{**who, **_named(p, PROJECT_COLUMNS, _PROJECT_FIELDS)} for p in details.projects]
    rows.indicators += [{**who, **_named(i, INDICATOR_COLUMNS, _INDICATOR_FIELDS)} for i in details.indicators]
    if with_findings:
        rows.findings += [{**who, **_named(f, FINDING_DETAIL_COLUMNS, _FINDING_FIELDS), "count": 1}
                          for f in details.findings]


def _add_details_if_unchanged(rows: Rows, path: Path, root: Path, sha256: str, settings: Settings) -> None:
    from .rollup.extract import process_file

    record = process_file(path, root, settings) if path.is_file() else None
    if record is not None and record.status == "ok" and record.sha256 == sha256:
        _add_details(rows, record, with_findings=False)  # the report's own counts stand
    else:
        rows.skipped.append(str(path))


COUNT_COLUMNS = ("year", "projects", "errors", "warnings", "count")


def _frames(rows: Rows, pd) -> Tables:
    def frame(data, columns):
        df = pd.DataFrame.from_records(data, columns=list(columns))
        # whole numbers stay whole where a row has none (an unreadable file): pandas' nullable Int64
        return df.astype({c: "Int64" for c in COUNT_COLUMNS if c in df.columns})

    return Tables(units=frame(rows.units, UNIT_COLUMNS),
                  projects=frame(rows.projects, ("unit", "year") + PROJECT_COLUMNS),
                  indicators=frame(rows.indicators, ("unit", "year") + INDICATOR_COLUMNS),
                  findings=frame(rows.findings, FINDING_COLUMNS), skipped=rows.skipped)

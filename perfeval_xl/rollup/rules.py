"""Cross-submission checks of the district roll-up (DOMAIN §D "Cross-workbook"): X501–X505.

The catalog (``core.catalog``) holds rules whose scope is one submission; the runner hands a
check each table of *one* workbook. These rules need every workbook of the folder at once, so
they live here, in the same shape: a stable code, a default severity, a Chinese message
template and the four doc sections (``doc_zh`` / ``to_dict`` as ``catalog.Rule``), and they
produce ordinary ``Finding`` objects, so the 问题清单, the JSON report, the feedback workbooks
and ``[severity]`` overrides in the rules file (``X501 = "关闭"``) treat them like any other rule.

Their texts are in ``core.cross_rules`` (the one registry, ``core.registry``, lists them); the checks
that need every workbook of the folder are here.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable

from ..core.catalog import RuleDoc
from ..core.cross_rules import ROLLUP_RULES, ROLLUP_SCOPE  # noqa: F401  (re-exported)
from ..core.findings import Finding, Location
from ..core.settings import Settings
from ..layout.workbook import KNOWN_VERSIONS, TEMPLATE_VERSION
from .record import FileRecord

# Location.table of every roll-up finding: the unit information on the cover sheet.
UNIT_TABLE = "单位信息"


def rollup_rules() -> list[RuleDoc]:
    """The roll-up rules in code order (for `perfeval-xl rules` and the docs)."""
    return [ROLLUP_RULES[c] for c in sorted(ROLLUP_RULES)]


# ---------------------------------------------------------------- keys


def normalise_key(text: str) -> str:
    """Unit names and codes compared without full-width/half-width or whitespace differences."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def unit_key(record: FileRecord) -> tuple[str, str, int] | None:
    """(预算编码, 单位名称, 年度) as compared; None when the unit cannot be identified.

    Two files are the same unit only when code *and* name agree (an empty code matches an empty
    code): a code shared by two different names is more likely a typo than a resubmission, so
    both are kept and X503 asks the district to resolve it, rather than one unit silently
    disappearing from the roll-up.
    """
    code, name, year = normalise_key(record.code), normalise_key(record.unit), record.year
    if year is None or not (code or name):
        return None
    return (code, name, year)


def version_tuple(version: str) -> tuple[int, ...] | None:
    parts = str(version).strip().split(".")
    if not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


# ---------------------------------------------------------------- findings


def _finding(rule_code: str, settings: Settings, record: FileRecord, field: str, /,
             **values: Any) -> Finding | None:
    rule = ROLLUP_RULES[rule_code]
    severity = rule.severity_in(settings)
    if severity is None:
        return None
    labels = {"code": "预算编码", "unit": "单位（部门）名称", "year": "年度", "version": "模板版本"}
    sheet, _, cell = (record.cells.get(field) or "").partition("!")
    return rule.finding(severity, Location(UNIT_TABLE, unit_label(record), labels[field], sheet, cell), values)


def unit_label(record: FileRecord) -> str:
    name = record.unit or "（未填单位名称）"
    return f"{name}（{record.year} 年度）" if record.year is not None else name


def report_day(text: Any) -> str:
    """A 填报日期 as YYYY-MM-DD ("2023年3月26日", "2023.3.26", "2023-03-26"), or "" when unreadable."""
    found = re.match(r"\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})", str(text or ""))
    if not found:
        return ""
    year, month, day = (int(g) for g in found.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else ""


def _when(record: FileRecord) -> str:
    day = report_day(record.report_date)
    modified = f"修改时间 {_mtime_text(record.mtime_ns)}"
    return f"填报日期 {day}，{modified}" if day else modified


def _mtime_text(ns: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(ns / 1e9).strftime("%Y-%m-%d %H:%M:%S")


def cross_check(records: list[FileRecord], settings: Settings) -> tuple[dict[str, list[Finding]], dict[str, str]]:
    """Roll-up findings by file path, and the superseded files (path → the path that replaced it).

    ``records`` are the readable files (as the worker describes them: path, unit, code, year,
    version, cells, report_date, mtime_ns). The newest file of a unit and year — by the cover's
    填报日期, then modification time, then the later path — is kept; the others are superseded and left out of every figure.
    """
    found: dict[str, list[Finding]] = {r.path: [] for r in records}

    def add(record: FileRecord, finding: Finding | None) -> None:
        if finding is not None:
            found[record.path].append(finding)

    # X505 and X502/X504 on each file
    for r in records:
        missing = [label for key, label in (("unit", "单位名称"), ("year", "年度")) if getattr(r, key) in ("", None)]
        if missing:
            add(r, _finding("X505", settings, r, "unit" if "单位名称" in missing else "year",
                            missing="和".join(missing)))
        for code, values in _version_findings(r.version):
            add(r, _finding(code, settings, r, "version", **values))

    # X501 duplicates
    groups: dict[tuple[str, str, int], list[FileRecord]] = {}
    for r in records:
        key = unit_key(r)
        if key is not None:
            groups.setdefault(key, []).append(r)
    superseded: dict[str, str] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        # A clerk's 填报日期 survives e-mail and copying; a file's modification time does not.
        group = sorted(group, key=lambda r: (report_day(r.report_date), r.mtime_ns, r.path))
        kept = group[-1]
        files = duplicate_listing(group)  # one bounded text for the whole group, shared by its findings
        for g in group:
            status = "被采用" if g is kept else "已被较新的报送取代，未计入汇总"
            add(g, _finding("X501", settings, g, "code" if g.code else "unit",
                            unit=clip(g.unit or g.code), year=g.year, count=len(group), files=files,
                            kept=clip(kept.path), status=status))
            if g is not kept:
                superseded[g.path] = kept.path

    # X503 code ↔ name, over the files that count
    kept_records = [r for r in records if r.path not in superseded]
    by_code: dict[str, list[FileRecord]] = {}
    by_name: dict[str, list[FileRecord]] = {}
    for r in kept_records:
        if normalise_key(r.code) and normalise_key(r.unit):
            by_code.setdefault(normalise_key(r.code), []).append(r)
            by_name.setdefault(normalise_key(r.unit), []).append(r)
    for code, group in by_code.items():
        if len({normalise_key(g.unit) for g in group}) > 1:
            for g in group:
                others = _others(group, g, "unit", lambda o: normalise_key(o.unit) != normalise_key(g.unit))
                add(g, _finding("X503", settings, g, "code",
                                detail=f"预算编码“{clip(g.code)}”在其他报送中对应不同的单位名称：{others}。",
                                code=g.code, unit=g.unit))
    for name, group in by_name.items():
        if len({normalise_key(g.code) for g in group}) > 1:
            for g in group:
                others = _others(group, g, "code", lambda o: normalise_key(o.code) != normalise_key(g.code))
                add(g, _finding("X503", settings, g, "code",
                                detail=f"单位“{clip(g.unit)}”在其他报送中填写了不同的预算编码：{others}。",
                                code=g.code, unit=g.unit))
    return found, superseded


# An X501 message names at most this many files of its group (the newest first): each file of the
# group has its own 问题清单 row anyway, and the JSON report lists every group in full under
# "duplicates". Listing the whole group in every message made 10,000 copies of one unit cost
# 10,000² path texts (1.5 GB, cells cut at Excel's 32,767 characters).
DUPLICATE_LISTED = 3
# Longest unit name or path quoted in a roll-up message (a hostile cover can hold 32,767 characters).
QUOTE_MAX = 120


def clip(text: Any, limit: int = QUOTE_MAX) -> str:
    """``text`` cut to ``limit`` characters, the cut marked with "…" (messages stay a few KB at most)."""
    text = str(text or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def duplicate_listing(group: list[FileRecord]) -> str:
    """The files of a duplicate group (sorted oldest → kept) as X501 quotes them: newest first, bounded."""
    shown = [f"“{clip(g.path)}”（{_when(g)}）" for g in reversed(group[-DUPLICATE_LISTED:])]
    text = "、".join(shown)
    if len(group) > DUPLICATE_LISTED:
        text += f"等（最新的 {DUPLICATE_LISTED} 份；全部 {len(group)} 份各在问题清单中占一行，JSON 报告的 duplicates 列出全部）"
    return text


def duplicate_groups(records: list[FileRecord], superseded: dict[str, str]) -> list[dict[str, Any]]:
    """Each X501 group once, with every file (for the JSON report), in the order of the kept path.

    Derived from ``cross_check``'s ``superseded`` map (file → kept file), so the two never disagree.
    """
    by_path = {r.path: r for r in records}
    members: dict[str, list[str]] = {}
    for path, kept in superseded.items():
        members.setdefault(kept, []).append(path)
    groups = []
    for kept in sorted(members):
        files = sorted([kept, *members[kept]], key=lambda p: (report_day(by_path[p].report_date),
                                                             by_path[p].mtime_ns, p), reverse=True)
        k = by_path[kept]
        groups.append({
            "unit": k.unit, "budget_code": k.code, "year": k.year, "count": len(files), "kept": kept,
            "files": [{"path": p, "report_date": report_day(by_path[p].report_date),
                       "modified": _mtime_text(by_path[p].mtime_ns), "kept": p == kept} for p in files],
        })
    return groups


def _others(group: Iterable[FileRecord], me: FileRecord, field: str, differs) -> str:
    """The conflicting submissions, at most DUPLICATE_LISTED of them (a code left at a template default
    by a thousand units must not make every X503 message quote the other 999)."""
    others = [o for o in group if o is not me and differs(o)]
    text = "、".join(f"“{clip(getattr(o, field))}”（{clip(o.path)}，{o.year} 年度）" for o in others[:DUPLICATE_LISTED])
    if len(others) > DUPLICATE_LISTED:
        text += f"等 {len(others)} 份"
    return text


def _version_findings(version: str) -> list[tuple[str, FileRecord]]:
    version = str(version or "").strip()
    known = "、".join(KNOWN_VERSIONS)
    if not version:
        return [("X504", {"version": "", "detail": (
            f"工作簿没有模板版本标记（不是用本工具的模板生成，或生成于加版本号之前），"
            f"已按当前模板 {TEMPLATE_VERSION} 的单元格位置读取，请核对汇总中的数字。")})]
    if version == TEMPLATE_VERSION:
        return []
    if version in KNOWN_VERSIONS:
        return [("X504", {"version": version, "detail": (
            f"使用的是旧版模板 {version}（当前为 {TEMPLATE_VERSION}），仍可读取；下次请使用新模板。")})]
    mine, current = version_tuple(version), version_tuple(TEMPLATE_VERSION)
    if mine is not None and current is not None and mine > current:
        detail = "，比本工具的模板新，请升级 perfeval-xl 后再汇总"
    elif mine is not None:
        detail = "，早于本工具能读取的最早版本"
    else:
        detail = ""
    return [("X502", {"version": version, "current": TEMPLATE_VERSION, "known": known, "detail": detail})]

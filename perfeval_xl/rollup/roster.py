"""The district's roster (名单) and each unit's review status (报送情况).

A roster lists every unit that must report: 预算编码, 单位 and optionally 区县, as

- CSV with a header row (``预算编码,单位,区县``; ``单位名称`` is accepted for 单位), saved by Excel
  or WPS as UTF-8 (with or without BOM) or as GBK ("ANSI" on a Chinese Windows); or
- TOML: ``[[unit]]`` tables with the keys ``code`` (预算编码), ``unit`` (单位) and ``county``
  (区县), and an optional top-level ``year`` (the year the roster is for). TOML's bare keys are
  ASCII; the Chinese names work quoted (``"预算编码" = "124013"``).

Each roster unit gets one status (``STATUSES``). A submission matches a roster unit by 预算编码,
else by 单位名称 (compared without width or whitespace differences); an unreadable file matches
when its file name contains the unit's short name (洋湖 in 长沙市岳麓区洋湖街道办事处).
Submissions of units not on the roster are listed too (``NOT_ON_ROSTER``).
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.encoding import decode_user_text
from .record import FileRecord, UnitRow
from .rules import normalise_key

NOT_SUBMITTED = "未报送"
UNREADABLE = "未能读取"
RETURNED = "退回（有错误）"
AWAITING_EXPLANATION = "待说明（提示未附情况说明）"
PASSED = "通过"
STATUSES = (NOT_SUBMITTED, UNREADABLE, RETURNED, AWAITING_EXPLANATION, PASSED)
NOT_ON_ROSTER = "不在名单中"

CODE_HEADERS = ("预算编码", "单位编码", "编码")
NAME_HEADERS = ("单位", "单位名称", "单位（部门）名称")
COUNTY_HEADERS = ("区县", "区（县）", "所属区县")
TOML_KEYS = {"预算编码": "code", "单位": "unit", "区县": "county", "年度": "year"}  # quoted Chinese keys


class RosterError(ValueError):
    """A roster that cannot be used; ``str(err)`` is the Chinese message."""


@dataclass(frozen=True, slots=True)
class RosterUnit:
    code: str
    unit: str
    county: str = ""


@dataclass(frozen=True, slots=True)
class Roster:
    units: tuple[RosterUnit, ...]
    year: int | None = None  # the year it is for; None: the roll-up's main year
    source: str = ""


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One line of 报送情况: a roster unit with its status, or a submission not on the roster."""

    code: str
    unit: str
    county: str
    status: str
    file: str = ""
    errors: int = 0
    warnings: int = 0
    awaiting_explanation: int = 0
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "code": self.code, "county": self.county, "status": self.status,
                "file": self.file, "errors": self.errors, "warnings": self.warnings,
                "awaiting_explanation": self.awaiting_explanation, "note": self.note}


# ---------------------------------------------------------------- reading


def decode_text(data: bytes, what: str) -> str:
    """UTF-8 (BOM or not), else GBK (GB18030, its superset): what Excel, WPS and Notepad save."""
    text = decode_user_text(data)
    if text is None:
        raise RosterError(f"{what} 的编码无法识别；请另存为“UTF-8”或“ANSI（GBK）”编码后重试。")
    return text


def read_roster(path: str | Path) -> Roster:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"无法读取名单 {path}：{exc.strerror or exc}") from None
    text = decode_text(data, f"名单 {path.name}")
    if path.suffix.lower() == ".toml":
        return _from_toml(text, path.name)
    if path.suffix.lower() in (".csv", ".txt"):
        return _from_csv(text, path.name)
    raise RosterError(f"名单 {path.name} 应为 .csv 或 .toml 文件（Excel 中可“另存为 CSV”）。")


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    cleaned = [h.strip() for h in header]
    for name in names:
        if name in cleaned:
            return cleaned.index(name)
    return None


def _from_csv(text: str, name: str) -> Roster:
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise RosterError(f"名单 {name} 是空的。")
    header = rows[0]
    code_at, name_at, county_at = (_column(header, h) for h in (CODE_HEADERS, NAME_HEADERS, COUNTY_HEADERS))
    if name_at is None and code_at is None:
        raise RosterError(f"名单 {name} 第 1 行应为表头，含“预算编码”和“单位”两列（可加“区县”）；"
                          f"现为：{'、'.join(h.strip() for h in header) or '空'}。")
    units = []
    for line, row in enumerate(rows[1:], start=2):
        def cell(at: int | None) -> str:
            return row[at].strip() if at is not None and at < len(row) else ""

        unit = RosterUnit(cell(code_at), cell(name_at), cell(county_at))
        if not (unit.code or unit.unit):
            raise RosterError(f"名单 {name} 第 {line} 行既没有预算编码也没有单位名称。")
        units.append(unit)
    return _checked(Roster(tuple(units), None, name))


def _from_toml(text: str, name: str) -> Roster:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RosterError(f"名单 {name} 格式错误：{exc}") from None
    doc = {TOML_KEYS.get(k, k): v for k, v in doc.items()}
    unknown = set(doc) - {"unit", "year"}
    if unknown:
        raise RosterError(f"名单 {name}：未知的项 {'、'.join(sorted(unknown))}（应为 [[unit]] 表和可选的 year）。")
    year = doc.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise RosterError(f"名单 {name}：year（年度）应为整数，如 year = 2022。")
    units = []
    for i, entry in enumerate(doc.get("unit", []), start=1):
        if not isinstance(entry, dict):
            raise RosterError(f"名单 {name}：单位应写成 [[unit]] 表。")
        entry = {TOML_KEYS.get(k, k): v for k, v in entry.items()}
        extra = set(entry) - {"code", "unit", "county"}
        if extra:
            raise RosterError(f"名单 {name} 第 {i} 个 [[unit]]：未知的键 {'、'.join(sorted(extra))}"
                              f"（可用：code 预算编码、unit 单位、county 区县）。")
        unit = RosterUnit(*(str(entry.get(k, "")).strip() for k in ("code", "unit", "county")))
        if not (unit.code or unit.unit):
            raise RosterError(f"名单 {name} 第 {i} 个 [[unit]] 既没有预算编码也没有单位名称。")
        units.append(unit)
    return _checked(Roster(tuple(units), year, name))


def _checked(roster: Roster) -> Roster:
    if not roster.units:
        raise RosterError(f"名单 {roster.source} 中没有单位。")
    seen: dict[str, RosterUnit] = {}
    for u in roster.units:
        key = normalise_key(u.code) or normalise_key(u.unit)
        if key in seen:
            raise RosterError(f"名单 {roster.source} 中“{u.unit or u.code}”出现了两次。")
        seen[key] = u
    return roster


# ---------------------------------------------------------------- statuses


def unit_status(unit: UnitRow) -> str:
    """A submitted unit's status: 错误 return it; a required 情况说明 missing holds it; else it passes."""
    if unit.errors:
        return RETURNED
    if unit.record.awaiting_explanation:
        return AWAITING_EXPLANATION
    return PASSED


def short_name(name: str) -> str:
    """长沙市岳麓区洋湖街道办事处（虚构） → 洋湖: what a street writes in its file name."""
    text = re.sub(r"[（(].*?[）)]", "", name)
    text = re.sub(r"^.*?[省]", "", text)
    text = re.sub(r"^.*?[市州](?=.)", "", text) if re.search(r"[市州].+", text) else text
    text = re.sub(r"^.*?[区县](?=.)", "", text) if re.search(r"[区县].+", text) else text
    text = re.sub(r"(人民政府|办事处)$", "", text)
    text = re.sub(r"(街道办|街道|镇|乡)$", "", text)
    return text.strip() if len(text.strip()) >= 2 else name.strip()


def main_year(units: list[UnitRow]) -> int | None:
    """The year most units report (a late file of another year does not make the roster's year)."""
    counts: dict[int, int] = {}
    for u in units:
        if u.year is not None:
            counts[u.year] = counts.get(u.year, 0) + 1
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


def roster_entries(roster: Roster, units: list[UnitRow], unreadable: list[FileRecord]) -> list[RosterEntry]:
    """报送情况: every roster unit in roster order with its status, then the units not on the roster."""
    year = roster.year if roster.year is not None else main_year(units)
    by_code = {normalise_key(u.code): u for u in roster.units if normalise_key(u.code)}
    by_name = {normalise_key(u.unit): u for u in roster.units if normalise_key(u.unit)}

    def listed(code: str, name: str) -> RosterUnit | None:
        return by_code.get(normalise_key(code)) or by_name.get(normalise_key(name))

    submitted: dict[RosterUnit, UnitRow] = {}
    also: dict[RosterUnit, list[UnitRow]] = {}  # more files that match the same roster unit (X503 says why)
    other_years: dict[RosterUnit, list[UnitRow]] = {}
    outside: list[RosterEntry] = []
    for u in units:
        member = listed(u.code, u.unit)
        if member is None:
            outside.append(RosterEntry(u.code, u.unit, "", NOT_ON_ROSTER, u.path, u.errors, u.warnings,
                                       u.record.awaiting_explanation, f"{u.year} 年度；状态：{unit_status(u)}"))
        elif u.year == year:
            if member in submitted:
                also.setdefault(member, []).append(u)
            else:
                submitted[member] = u
        else:
            other_years.setdefault(member, []).append(u)

    entries = []
    for member in roster.units:
        unit = submitted.get(member)
        if unit is not None:
            others = also.get(member, [])
            note = ("另有报送对应名单中的这个单位：" + "、".join(f"{o.path}（{unit_status(o)}）" for o in others)
                    + "；请核对预算编码和单位名称（见问题清单 X503）") if others else ""
            entries.append(RosterEntry(member.code, member.unit, member.county, unit_status(unit), unit.path,
                                       unit.errors, unit.warnings, unit.record.awaiting_explanation, note))
            continue
        short = short_name(member.unit) if member.unit else ""
        broken = [r.path for r in unreadable if short and short in Path(r.path).name]
        if broken:
            entries.append(RosterEntry(member.code, member.unit, member.county, UNREADABLE, "、".join(broken),
                                       note="文件无法读取，请要求重新报送（原因见“未能读取”）"))
            continue
        elsewhere = other_years.get(member, [])
        note = "只收到 " + "、".join(f"{u.year} 年度（{u.path}）" for u in elsewhere) if elsewhere else ""
        entries.append(RosterEntry(member.code, member.unit, member.county, NOT_SUBMITTED, note=note))
    return entries + outside


def status_counts(entries: list[RosterEntry]) -> dict[str, int]:
    """How many roster units are in each status (units not on the roster counted apart)."""
    counts = {s: 0 for s in STATUSES}
    counts[NOT_ON_ROSTER] = 0
    for e in entries:
        counts[e.status] += 1
    return counts

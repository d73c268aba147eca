"""The record a roll-up worker sends for one file, and the 汇总 row the parent makes of it.

Every writer (汇总, 项目明细, 指标明细, 问题清单, 统计, 退回意见, the JSON report and the
archive) reads these by field name. ``RECORD_VERSION`` changes whenever a field is added,
removed or changes meaning, so a spill file or an archive written by another version is never
read as if it were this one.

The classes hold plain values only (str, int, float, None, tuples/dicts of those): a record
pickles small between processes and no model object leaves the worker.
"""

from __future__ import annotations

import itertools
import operator
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from ..core.findings import finding_row


class Compact:
    """Pickled as its class and field values: a worker's record crosses processes twice as fast
    as with the default (slot names and values) pickling of a slotted dataclass."""

    __slots__ = ()

    def __reduce__(self) -> tuple:
        return (self.__class__, tuple(getattr(self, name) for name in self.__match_args__))


# 2: Details.report (the file's own JSON report); FindingRow's table, row, field, cause.
# 3: RenderedDetails.report travels pickled (bytes).
RECORD_VERSION = 3

# FileRecord.status
OK = "ok"
UNREADABLE = "unreadable"
IGNORED = "ignored"  # a 区汇总 / 退回意见 workbook this tool wrote


@dataclass(slots=True)
class ProjectRow(Compact):
    """One project table (项目明细)."""

    name: str
    implementing_unit: str
    budget: float | None
    executed: float | None
    rate: float | None
    stated_total: float | None
    suggested_total: float | None
    stated_grade: str
    suggested_grade: str
    errors: int
    warnings: int
    path: str
    sheet: str
    budget_cell: str
    executed_cell: str
    total_cell: str


@dataclass(slots=True)
class IndicatorRow(Compact):
    """One indicator of a project or department table (指标明细)."""

    table: str  # the project's name, else the table kind
    level1: str
    level2: str
    title: str
    target: str
    target_kind: str
    actual: str
    actual_kind: str
    points: float | None
    score: float | None
    suggested_score: float | None
    suggested_band: str
    path: str
    cell: str


@dataclass(slots=True)
class FindingRow(Compact):
    """One finding as the finding tables show it (问题清单, 退回意见, the archive)."""

    path: str
    sheet: str
    cell: str
    rule: str
    severity: str  # 错误 / 提示
    title: str
    where: str  # table, row and field
    message: str
    hint: str
    explanation: str  # the unit's 情况说明, if it wrote one
    same_cause: str = ""  # column 同一原因: the other findings of the same slip ("" when alone)
    # the finding's location apart (``where`` joins them for reading) and its cause: a 标注副本 made
    # from these rows shows the same key (定位) that links a 提示 to its 情况说明 as ``validate --annotate``
    table: str = ""
    row: str = ""
    field: str = ""
    cause: str = ""  # Finding.cause_key: findings of one slip share it

    @classmethod
    def of(cls, finding: dict[str, Any], path: str, same_cause: str = "") -> FindingRow:
        """From ``Finding.to_dict()`` (the columns of ``core.findings.ROLLUP_FINDING_KEYS``, in order,
        then the location's parts and the cause)."""
        return cls(*finding_row(finding, path, same_cause), table=finding["table"], row=finding["row"],
                   field=finding["field"], cause=finding["cause"])

    @property
    def key(self) -> str:
        """The location's key (core.findings.Location.key): stable across runs, matches 情况说明."""
        return "|".join((self.table, self.row, self.field))

    def value(self, key: str) -> Any:
        """The cell of a findings-table column (``core.findings.FINDING_COLUMNS`` key)."""
        return self.path if key == "file" else getattr(self, key)

    @staticmethod
    def cells(keys: Sequence[str]) -> Callable[[FindingRow], tuple]:
        """What gives a row's cells of these columns, as ``value`` gives each, in one call a row."""
        get = operator.attrgetter(*("path" if key == "file" else key for key in keys))
        return get if len(keys) > 1 else lambda row: (get(row),)


@dataclass(slots=True)
class Details:
    """A readable file's detail rows; they travel apart from the record (spilled to disk)."""

    projects: list[ProjectRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    findings: list[FindingRow] = field(default_factory=list)
    # the file's report exactly as ``validate --format json`` prints it (core.validate.file_report):
    # an entry of the roll-up JSON report's ``files``
    report: dict[str, Any] = field(default_factory=dict)

    def __reduce__(self) -> tuple:
        # hundreds of rows per file: each list crosses processes as plain value tuples (one C-level
        # attrgetter call per row), rebuilt into its class on arrival
        return (_details, (*([_VALUES[cls](row) for row in rows] for cls, rows in (
            (ProjectRow, self.projects), (IndicatorRow, self.indicators), (FindingRow, self.findings))), self.report))


@dataclass(slots=True)
class RenderedDetails(Compact):
    """A readable file's detail rows as a worker rendered them for the 区汇总 (SpreadsheetML rows
    of 项目明细, 指标明细 and 问题清单, row numbers left open), in place of ``Details`` when the
    parent handed the workers its renderer; ``findings`` travel too when 退回意见 are written, and
    the file's own report always (the JSON report's ``files``), pickled by the worker: the parent
    files it away as it is (report_json.FileReports) instead of unpickling and pickling it again."""

    rows: tuple[bytes, ...]  # one UTF-8 block per sheet (sheets.DetailRenderer.render)
    findings: list[FindingRow] | None = None
    report: bytes | None = None  # pickle.dumps(Details.report)


_VALUES = {cls: operator.attrgetter(*cls.__match_args__) for cls in (ProjectRow, IndicatorRow, FindingRow)}


def _details(projects: list[tuple], indicators: list[tuple], findings: list[tuple], report: dict[str, Any]) -> Details:
    return Details(list(itertools.starmap(ProjectRow, projects)), list(itertools.starmap(IndicatorRow, indicators)),
                   list(itertools.starmap(FindingRow, findings)), report)


@dataclass(slots=True)
class Figures(Compact):
    """A unit's money and score figures as the 汇总 shows them (see the 说明 sheet)."""

    projects: int = 0
    budget: float | None = None
    executed: float | None = None
    rate: float | None = None
    budget_source: str = ""
    dept_score: float | None = None
    dept_score_basis: str = ""
    dept_score_cell: str = ""
    project_avg: float | None = None
    project_avg_count: int = 0
    unexplained_deviation: int = 0
    over_achievement: int = 0


@dataclass(slots=True)
class FileRecord(Compact):
    """What a worker returns for one file; ``status`` says which fields are filled.

    unreadable / ignored: path, name, size, mtime_ns, sha256, reason, seconds.
    ok: also the unit, the figures, the counts and (until the parent spills them) ``details``.
    """

    path: str  # relative to the roll-up folder, "/"-separated
    name: str
    size: int | None = None
    mtime_ns: int = 0
    sha256: str = ""
    status: str = UNREADABLE
    reason: str = ""
    seconds: float = 0.0
    recomputed: int = 0  # formula cells without a saved value, computed by this tool
    unit: str = ""
    code: str = ""
    year: int | None = None
    version: str = ""  # template version stamped on the cover
    report_date: str = ""
    cells: dict[str, str] = field(default_factory=dict)  # unit / code / year / version → "Sheet!A1"
    table_type: str = ""
    figures: Figures = field(default_factory=Figures)
    errors: int = 0  # the catalog's findings only (the 汇总 adds the roll-up's, see UnitRow)
    warnings: int = 0
    by_rule: dict[str, dict[str, int]] = field(default_factory=dict)  # rule → severity code → count
    awaiting_explanation: int = 0  # 提示 the rules file requires a 情况说明 for, still without one
    details: Details | RenderedDetails | None = None
    record_version: int = RECORD_VERSION


@dataclass(frozen=True, slots=True)
class PreviousYear(Compact):
    """A unit's last archived year before this one (汇总: 上年得分, 变化, 上年排名)."""

    year: int
    score: float | None
    rank: int | None
    path: str
    findings: frozenset[tuple[str, str]]  # (rule, location) — a finding here again is 连续出现


@dataclass(frozen=True, slots=True)
class PreviousVersion(Compact):
    """The unit's earlier file for the same year (a resubmission)."""

    path: str
    sha256: str
    findings: frozenset[tuple[str, str]]


def finding_key(f: FindingRow) -> tuple[str, str]:
    """What makes two findings the same across versions and years: the rule and where it is."""
    return (f.rule, f.where)


@dataclass(slots=True)
class UnitRow(Compact):
    """A unit that counts in the 汇总: its file's record plus the roll-up's findings, 汇总得分 and 等级."""

    record: FileRecord
    score: float | None
    score_basis: str
    score_source: str
    grade: str
    errors: int  # catalog + roll-up findings
    warnings: int
    note: str = ""
    previous_year: PreviousYear | None = None  # from the archive
    previous_version: PreviousVersion | None = None  # the same year's earlier file (a resubmission)
    resolved: tuple[tuple[str, str], ...] = ()  # (rule, location) gone since previous_version
    new: tuple[tuple[str, str], ...] = ()  # (rule, location) not in previous_version

    # the record's identity and figures, read where a unit is expected (statistics, feedback)
    @property
    def path(self) -> str:
        return self.record.path

    @property
    def unit(self) -> str:
        return self.record.unit

    @property
    def code(self) -> str:
        return self.record.code

    @property
    def year(self) -> int | None:
        return self.record.year

    @property
    def figures(self) -> Figures:
        return self.record.figures

    @property
    def budget(self) -> float | None:
        return self.record.figures.budget

    @property
    def executed(self) -> float | None:
        return self.record.figures.executed

    @property
    def rate(self) -> float | None:
        return self.record.figures.rate

    @property
    def projects(self) -> int:
        return self.record.figures.projects


class Shared:
    """Keeps the records a roll-up holds until its 区汇总 is written small: values that recur from
    file to file (rule codes, counts by rule, cover cell addresses, table types, template versions,
    the money-source texts) become one shared object instead of a fresh copy unpickled from every
    worker message. A record arrives as ~5.6 KB of Python objects, ~4 KB of them such repeats.

    Only values that every reader merely reads are shared (``by_rule`` and ``cells`` are read,
    never changed in place; the JSON report copies ``by_rule`` before adding to it). Values unique
    to a file (path, sha256, unit name) are left as they are, so the table grows only with what
    repeats, bounded by the records' own size.
    """

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[Any, Any] = {}

    def value(self, value: Any) -> Any:
        """``value`` itself the first time, after that the equal object seen first (hashable values)."""
        return self._seen.setdefault(value, value)

    def _mapping(self, kind: str, mapping: dict, inner=None) -> dict:
        items = tuple(mapping.items()) if inner is None else tuple((k, tuple(v.items())) for k, v in mapping.items())
        key = (kind, items)
        shared = self._seen.get(key)
        if shared is None:
            if inner is None:
                shared = {self.value(k): self.value(v) for k, v in mapping.items()}
            else:
                shared = {self.value(k): inner(v) for k, v in mapping.items()}
            self._seen[key] = shared
        return shared

    def record(self, record: FileRecord) -> FileRecord:
        """``record`` with its recurring values shared (in place; returned for convenience)."""
        value = self.value
        record.table_type, record.version, record.report_date = (
            value(record.table_type), value(record.version), value(record.report_date))
        if record.cells:
            record.cells = self._mapping("cells", record.cells)
        if record.by_rule:
            record.by_rule = self._mapping("by_rule", record.by_rule,
                                           inner=lambda counts: self._mapping("counts", counts))
        f = record.figures
        f.budget_source, f.dept_score_basis, f.dept_score_cell = (
            value(f.budget_source), value(f.dept_score_basis), value(f.dept_score_cell))
        return record

"""The 区汇总 workbook: 汇总, 统计 (with charts), 项目明细, 指标明细, 问题清单, 未能读取, 说明.

All sheets are openpyxl write-only sheets (charts included: a write-only sheet holds charts as
well as rows); the three large ones are filled unit by unit from the roll-up's spill file, so
memory does not grow with the number of files.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import PurePath
from dataclasses import dataclass, field
from typing import Any, Callable

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef

from .. import __version__
from ..core.findings import FINDING_COLUMNS, ROLLUP_FINDING_KEYS, Finding
from ..core.formulas import rate_shown
from ..core.settings import Settings
from ..layout.workbook import KNOWN_VERSIONS, TEMPLATE_VERSION
from .compare import change
from .roster import NOT_ON_ROSTER, STATUSES, RosterEntry
from .record import Details, FileRecord, FindingRow, IndicatorRow, ProjectRow, UnitRow
from .rules import rollup_rules
from .stats import LOW_EXECUTION_RATE, NO_SCORE
from .xlsx import Col, FreeSheet, RollupBook, RowForm

ROLLUP_TITLE = "区汇总"

UNIT_COLS = [Col("预算编码", 11), Col("单位", 26, wrap=True), Col("年度", 7, "year")]


# 汇总 columns added when the roll-up has an archive to look back in.
HISTORY_COLS = [Col("上年得分", 9, "score"), Col("变化", 8, "score"), Col("上年排名", 8, "int")]
# 问题清单: how a finding compares with the unit's previous version and previous year.
COMPARE_COL = Col("对比", 20, "label", wrap=True)


def summary_columns(settings: Settings, history: bool = False) -> list[Col]:
    return _summary_columns(settings) + (HISTORY_COLS if history else [])


def _summary_columns(settings: Settings) -> list[Col]:
    over = float(settings["indicators.over_achievement_ratio"])
    return UNIT_COLS + [
        Col("表类型", 16, wrap=True), Col("项目数", 7, "int"),
        Col("全年预算（万元）", 12, "money"), Col("全年执行（万元）", 12, "money"), Col("执行率", 9, "rate"),
        Col("部门自评总分", 9, "score"), Col("项目平均分", 9, "score"), Col("汇总得分", 9, "score"),
        Col("得分依据", 16, "label", wrap=True), Col("等级", 6, "label"),
        Col("错误数", 7, "int"), Col("提示数", 7, "int"),
        Col("未说明的偏差", 8, "int"), Col(f"超额>{over:.0%}", 8, "int"),
        Col("来源文件", 28, wrap=True), Col("金额来源", 22, "label", wrap=True), Col("得分来源", 14, "label"),
        Col("模板版本", 9), Col("说明", 26, "label", wrap=True),
    ]


PROJECT_COLS = UNIT_COLS + [
    Col("项目名称", 24, wrap=True), Col("实施单位", 14, wrap=True),
    Col("全年预算数（万元）", 12, "money"), Col("全年执行数（万元）", 12, "money"), Col("执行率", 9, "rate"),
    Col("填报总分", 9, "score"), Col("建议总分", 9, "score"), Col("等级", 6), Col("建议等级", 6, "label"),
    Col("错误数", 7, "int"), Col("提示数", 7, "int"),
    Col("来源文件", 26, wrap=True), Col("工作表", 9), Col("预算数单元格", 11, "label"),
    Col("执行数单元格", 11, "label"), Col("总分单元格", 11, "label"),
]

INDICATOR_COLS = UNIT_COLS + [
    Col("项目（表）", 20, wrap=True), Col("一级指标", 10), Col("二级指标", 12), Col("三级指标", 24, wrap=True),
    Col("年度指标值", 22, wrap=True), Col("指标值类型", 10, "label"),
    Col("实际完成值", 22, wrap=True), Col("完成值类型", 10, "label"),
    Col("分值", 7, "score"), Col("填报得分", 8, "score"), Col("建议得分", 8, "score"), Col("建议区间", 10, "label"),
    Col("来源文件", 24, wrap=True), Col("单元格", 11, "label"),
]

# The columns of core.findings.ROLLUP_FINDING_KEYS (headers from FINDING_COLUMNS), as this sheet lays them out.
FINDING_LOOK = {"file": (24, "text", True), "sheet": (9, "text", False), "cell": (8, "label", False),
                "rule": (7, "label", False), "severity": (8, "label", False), "title": (18, "label", True),
                "where": (24, "text", True), "message": (50, "text", True), "hint": (30, "label", True),
                "explanation": (24, "text", True), "same_cause": (10, "label", True)}  # width, kind, wrap
FINDING_COLS = UNIT_COLS + [Col(FINDING_COLUMNS[key], *FINDING_LOOK[key]) for key in ROLLUP_FINDING_KEYS]

ROSTER_COLS = [
    Col("序号", 6, "int"), Col("区县", 10), Col("预算编码", 11), Col("单位", 26, wrap=True), Col("状态", 16, "label"),
    Col("来源文件", 32, wrap=True), Col("错误数", 7, "int"), Col("提示数", 7, "int"), Col("待说明的提示", 9, "int"),
    Col("说明", 36, "label", wrap=True),
]

UNREADABLE_COLS = [
    Col("来源文件", 40, wrap=True), Col("原因", 70, wrap=True), Col("大小（KB）", 10, "score"),
    Col("修改时间", 18, "label"), Col("SHA-256", 20, "label"),
]

# How many units a chart shows (a bar per unit stops being readable beyond this).
CHART_MAX_UNITS = 50


@dataclass
class RollupData:
    """What the writer needs; the large detail lists come from ``details(path)`` one unit at a time."""

    units: list[UnitRow]  # 汇总 rows of the units that count, in path order
    listed: list[FileRecord]  # every readable record in path order (superseded ones included)
    rollup_findings: dict[str, list[Finding]]
    details: Callable[[str], Details]
    unreadable: list[FileRecord]
    stats: dict[str, Any]
    settings: Settings
    folder: str = ""
    superseded: dict[str, str] = field(default_factory=dict)
    ignored: list[FileRecord] = field(default_factory=list)
    # rows RollupWriter.render made as the unit arrived (the roll-up run); else rendered from details
    rendered: Callable[[str], tuple[bytes, ...] | None] | None = None
    roster: list[RosterEntry] | None = None  # 报送情况 (only when the roll-up was given a roster)
    history: bool = False  # the roll-up had an archive: 上年得分 etc. and 对比 columns


def unit_prefix(record: FileRecord) -> list[Any]:
    return [record.code, record.unit, record.year]


def summary_row(u: UnitRow, history: bool = False) -> list[Any]:
    r, s = u.record, u.figures
    row = unit_prefix(r) + [
        r.table_type, s.projects, s.budget, s.executed, rate_shown(s.rate, s.budget, s.executed),
        s.dept_score, s.project_avg, u.score, u.score_basis, u.grade,
        u.errors, u.warnings, s.unexplained_deviation, s.over_achievement,
        r.path, s.budget_source, u.score_source, r.version, u.note,
    ]
    if history:
        before = u.previous_year
        row += [before.score if before else None, change(u), before.rank if before else None]
    return row


def project_cells(p: ProjectRow) -> list[Any]:
    """A 项目明细 row after the unit columns (PROJECT_COLS)."""
    return [p.name, p.implementing_unit, p.budget, p.executed, rate_shown(p.rate, p.budget, p.executed), p.stated_total, p.suggested_total,
            p.stated_grade, p.suggested_grade, p.errors, p.warnings, p.path, p.sheet, p.budget_cell,
            p.executed_cell, p.total_cell]


def indicator_cells(i: IndicatorRow) -> list[Any]:
    """A 指标明细 row after the unit columns (INDICATOR_COLS)."""
    return [i.table, i.level1, i.level2, i.title, i.target, i.target_kind, i.actual, i.actual_kind, i.points,
            i.score, i.suggested_score, i.suggested_band, i.path, i.cell]


_FINDING_CELLS = FindingRow.cells(ROLLUP_FINDING_KEYS)


def finding_cells(f: FindingRow) -> list[Any]:
    """A 问题清单 row after the unit columns (FINDING_COLS)."""
    return list(_FINDING_CELLS(f))


def detail_rows(details: Details) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]]]:
    """项目明细, 指标明细 and 问题清单 rows (after the unit columns), in the order of the sheets."""
    return ([project_cells(p) for p in details.projects], [indicator_cells(i) for i in details.indicators],
            [finding_cells(f) for f in details.findings])


class DetailRenderer:
    """Renders one unit's 项目明细, 指标明细 and 问题清单 rows as SpreadsheetML with a writer's
    styles (``RollupWriter.renderer``). It pickles (~3 KB), so the roll-up's workers render their
    own files' rows: rendering was two thirds of the parent's CPU per file, and the parent is one
    process while the workers are many."""

    __slots__ = ("forms", "history")

    def __init__(self, forms: tuple[RowForm, ...], history: bool) -> None:
        self.forms, self.history = forms, history

    def __reduce__(self) -> tuple:
        return (DetailRenderer, (self.forms, self.history))

    def render(self, record: FileRecord, details: Details, marks: list[str] | None = None) -> tuple[bytes, ...]:
        """Each detail sheet's rows of the unit as one UTF-8 block (``TableSheet.append_block``)."""
        prefix = unit_prefix(record)
        projects, indicators, findings = detail_rows(details)
        if self.history:
            findings = [row + [mark] for row, mark in zip(findings, marks or [""] * len(findings))]
        return tuple(form.block([prefix + row for row in rows])
                     for form, rows in zip(self.forms, (projects, indicators, findings)))


class RollupWriter:
    """The 区汇总 workbook being written: sheets and styles first, rows as units arrive, the rest at the end.

    ``render(record, details)`` turns one unit's detail rows into SpreadsheetML as soon as its
    record arrives (fast sheets), so the parent works while the workers read the next files;
    ``finish(data)`` writes every sheet in path order and returns the book for ``save_atomic``.
    """

    def __init__(self, settings: Settings, fast: bool = True, roster: bool = False, history: bool = False) -> None:
        wb = Workbook(write_only=True)
        self.fast = fast
        self.book = RollupBook(wb)
        wb.properties.creator = "perfeval-xl"
        wb.properties.title = ROLLUP_TITLE
        wb.properties.subject = f"perfeval-xl {__version__} 区汇总"
        book = self.book
        self.history = history
        # 汇总 prints one page wide up to 超额 (汇总得分 and 等级 beside the unit); 来源文件, 金额来源 and
        # the other columns for checking stay on screen
        self.summary = book.table("汇总", summary_columns(settings, history), title="预算绩效自评 区汇总", fast=fast,
                                  repeat_columns=3, print_columns=len(_summary_columns(settings)) - 5)
        self.roster = book.table("报送情况", ROSTER_COLS, title="区汇总 报送情况", fast=fast) if roster else None
        self.stats = book.free("统计", [8, 8, 26, 12, 12, 12, 12, 12, 12, 12, 12, 12, 10, 10, 10, 10, 10],
                               title="预算绩效自评 区汇总 统计", fast=fast)
        self.projects = book.table("项目明细", PROJECT_COLS, title="区汇总 项目明细", fast=fast, repeat_columns=3)
        self.indicators = book.table("指标明细", INDICATOR_COLS, title="区汇总 指标明细", fast=fast, repeat_columns=3)
        self.problems = book.table("问题清单", FINDING_COLS + ([COMPARE_COL] if history else []), title="区汇总 问题清单", fast=fast, repeat_columns=3)
        self.unreadable = book.table("未能读取", UNREADABLE_COLS, title="区汇总 未能读取的文件", fast=fast,
                                     print_columns=len(UNREADABLE_COLS))
        self.notes = book.free("说明", [22, 100], title="区汇总 口径说明", landscape=False, fast=fast)
        self._detail_sheets = (self.projects, self.indicators, self.problems)

    def render(self, record: FileRecord, details: Details, marks: list[str] | None = None) -> tuple[bytes, ...] | None:
        """The unit's 项目明细, 指标明细 and 问题清单 rows as rendered blocks (None when not fast).

        ``marks``: each finding's 对比 text (with an archive)."""
        renderer = self.renderer()
        return renderer.render(record, details, marks) if renderer is not None else None

    def renderer(self) -> DetailRenderer | None:
        """What renders a unit's detail rows for this workbook, also in another process (None when not fast)."""
        if not self.fast:
            return None
        return DetailRenderer(tuple(sheet.form for sheet in self._detail_sheets), self.history)

    def finish(self, data: RollupData) -> RollupBook:
        for u in data.units:
            self.summary.append(summary_row(u, self.history))
        self.summary.close()
        if self.roster is not None:
            for i, e in enumerate(data.roster or [], start=1):
                self.roster.append([i, e.county, e.code, e.unit, e.status, e.file, e.errors if e.file else None,
                                    e.warnings if e.file else None, e.awaiting_explanation if e.file else None,
                                    e.note])
            self.roster.close()

        counted = {u.path for u in data.units}
        for record in data.listed:
            prefix = unit_prefix(record)
            for f in data.rollup_findings.get(record.path, []):
                self.problems.append(prefix + finding_cells(FindingRow.of(f.to_dict(), record.path))
                                     + ([""] if self.history else []))
            if record.path not in counted:
                continue
            rendered = data.rendered(record.path) if data.rendered is not None and self.fast else None
            if rendered is not None:
                for sheet, block in zip(self._detail_sheets, rendered):
                    sheet.append_block(block)
                continue
            projects, indicators, findings = detail_rows(data.details(record.path))
            if self.history:  # 对比 is known only while the unit's rows are rendered (the roll-up run)
                findings = [row + [""] for row in findings]
            for sheet, rows in zip(self._detail_sheets, (projects, indicators, findings)):
                for row in rows:
                    sheet.append(prefix + row)
        for sheet in self._detail_sheets:
            sheet.close()

        for r in data.unreadable:
            mtime = dt.datetime.fromtimestamp(r.mtime_ns / 1e9).strftime("%Y-%m-%d %H:%M") if r.mtime_ns else ""
            size = round(r.size / 1024, 2) if r.size is not None else None
            self.unreadable.append([r.path, r.reason, size, mtime, r.sha256])
        self.unreadable.close()

        write_stats(self.stats, data)
        write_notes(self.notes, data)
        return self.book


def build_rollup_workbook(data: RollupData, fast: bool = True) -> RollupBook:
    """The workbook, ready for ``save_atomic`` (rows of the large sheets are spliced in on save)."""
    return RollupWriter(data.settings, fast, roster=data.roster is not None, history=data.history).finish(data)


def write_stats(sheet: FreeSheet, data: RollupData) -> None:
    stats = data.stats
    grades = list(data.settings["grades"]) + [NO_SCORE]
    sheet.title("预算绩效自评 区汇总 统计")
    sheet.note(f"汇总 {len(data.units)} 个单位；读取 {len(data.listed)} 个文件，未能读取 {len(data.unreadable)} 个，"
               f"重复报送未计入 {len(data.superseded)} 个。得分为各单位的“汇总得分”（见“说明”）。")
    sheet.blank()
    if "statuses" in stats:
        sheet.section("报送情况（名单中的单位，见“报送情况”表）")
        sheet.header([*STATUSES, "名单合计", NOT_ON_ROSTER])
        counts = stats["statuses"]
        sheet.line([*(counts[s] for s in STATUSES), sum(counts[s] for s in STATUSES), counts[NOT_ON_ROSTER]],
                   ["int"] * (len(STATUSES) + 2))
        sheet.blank()
    sheet.section("一、年度概况（等级分布、平均分、中位数）")
    # 全年预算, 全年执行 and 执行率 over the same units: those that report both figures (counted)
    sheet.header(["年度", "单位数", "项目数", "全年预算（万元）", "全年执行（万元）", "执行率", "有得分的单位",
                  "平均分", "中位数", *grades, f"执行率<{LOW_EXECUTION_RATE:.0%}", "错误数", "提示数"])
    for y in stats["years"]:
        sheet.line([y["year"], y["units"], y["projects"], y["rate_budget"], y["rate_executed"],
                    rate_shown(y["rate"], y["rate_budget"], y["rate_executed"]), y["scored"],
                    y["mean"], y["median"], *[y["grades"][g] for g in grades], len(y["low_execution"]),
                    y["errors"], y["warnings"]],
                   ["year", "int", "int", "money", "money", "rate", "int", "score", "score",
                    *["int"] * len(grades), "int", "int", "int"])
    partial = [y for y in stats["years"] if y["rate_units"] < y["units"]]
    for y in partial:
        sheet.note(f"{y['year']} 年度：全年预算、全年执行和执行率按同时填有两项的 {y['rate_units']} 个单位计算"
                   f"（共 {y['units']} 个单位）。")
    sheet.blank()

    sheet.section("二、按得分排名（同一年度内；得分相同者名次相同）")
    sheet.header(["年度", "名次", "单位", "预算编码", "汇总得分", "等级", "得分依据", "执行率", "来源文件"])
    score_rows: dict[int, tuple[int, int]] = {}
    for index, y in enumerate(stats["years"]):
        first = sheet.row + 1
        for u in y["by_score"]:
            sheet.line([y["year"], u["rank"], u["unit"], u["code"], u["score"], u["grade"], u["score_basis"],
                        rate_shown(u["rate"], u["budget"], u["executed"]), u["path"]],
                       ["year", "int", "text", "text", "score", "label", "label", "rate", "text"])
        if y["by_score"]:
            score_rows[index] = (first, sheet.row)
    sheet.blank()

    sheet.section("三、按执行率排名（同一年度内）")
    sheet.header(["年度", "名次", "单位", "预算编码", "执行率", "全年预算（万元）", "全年执行（万元）", "汇总得分", "来源文件"])
    rate_rows: dict[int, tuple[int, int]] = {}
    for index, y in enumerate(stats["years"]):
        first = sheet.row + 1
        for u in y["by_rate"]:
            sheet.line([y["year"], u["rank"], u["unit"], u["code"], u["rate"], u["budget"], u["executed"],
                        u["score"], u["path"]], ["year", "int", "text", "text", "rate", "money", "money", "score", "text"])
        if y["by_rate"]:
            rate_rows[index] = (first, sheet.row)
    sheet.blank()

    sheet.section(f"四、执行率低于 {LOW_EXECUTION_RATE:.0%} 的单位")
    sheet.header(["年度", "序号", "单位", "预算编码", "执行率", "全年预算（万元）", "全年执行（万元）", "汇总得分", "来源文件"])
    any_low = False
    for y in stats["years"]:
        for i, u in enumerate(y["low_execution"], start=1):
            any_low = True
            sheet.line([y["year"], i, u["unit"], u["code"], u["rate"], u["budget"], u["executed"], u["score"],
                        u["path"]], ["year", "int", "text", "text", "rate", "money", "money", "score", "text"])
    if not any_low:
        sheet.note("无")

    # Charts below the tables (a write-only sheet holds charts too): they print after the figures.
    # One year is charted: the one with the most units (a late file of another year stays out).
    ws = sheet.ws
    next_row = sheet.row + 3
    if not stats["years"]:
        return
    main = max(range(len(stats["years"])), key=lambda i: (stats["years"][i]["units"], i))
    year = stats["years"][main]["year"]
    # both on a fixed scale (得分 0–100, 执行率 0–100 %), so charts of two years or districts compare
    for spans, title, fmt, y_title, top in ((score_rows, "各单位自评得分", "0", "得分", 100),
                                            (rate_rows, "各单位预算执行率", "0%", "执行率", 1)):
        if main not in spans:
            continue
        first, end = spans[main]
        last = min(end, first + CHART_MAX_UNITS - 1)
        scope = f"（{year} 年度" if year is not None else "（"
        scope += f"，前 {last - first + 1} 名）" if last < end else "）"
        chart = _bar_chart(ws, title + scope, first, last, value_col=5, number_format=fmt, y_title=y_title,
                           top=top)
        ws.add_chart(chart, f"C{next_row}")
        next_row += math.ceil(chart.height / 0.5) + 2


def _bar_chart(ws, title: str, first: int, last: int, *, value_col: int, number_format: str, y_title: str,
               top: float) -> BarChart:
    chart = BarChart()
    chart.type = "bar"  # horizontal bars: long unit names stay readable
    chart.style = 10
    chart.title = title
    chart.y_axis.title = y_title
    chart.y_axis.numFmt = number_format
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # first ranked at the top
    chart.x_axis.tickLblSkip = 1  # every unit named: a program would otherwise skip labels to fit
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = top  # an over-achieving 执行率 above 100 % runs to the edge
    chart.y_axis.majorUnit = top / 10
    chart.legend = None
    values = Reference(ws, min_col=value_col, min_row=first, max_row=last)
    chart.add_data(values, titles_from_data=False)
    # unit names are text: a string reference (openpyxl's set_categories would make a numRef)
    labels = Reference(ws, min_col=3, min_row=first, max_row=last)
    chart.series[0].cat = AxDataSource(strRef=StrRef(f=str(labels)))
    chart.x_axis.delete = False  # openpyxl ≥ 3.1 leaves it unset, and Excel then hides the axes
    chart.y_axis.delete = False
    chart.width = 24
    chart.height = max(7.5, 0.9 * (last - first + 1) + 3)  # room for every label: crowded ones are dropped
    return chart


def _folder_name(folder: str) -> str:
    """The folder's own name: the printed 区汇总 carries no path of the machine it was made on."""
    return PurePath(folder.replace("\\", "/")).name if folder else ""


def write_notes(sheet: FreeSheet, data: RollupData) -> None:
    s = data.settings
    over = float(s["indicators.over_achievement_ratio"])
    sheet.title("区汇总 口径说明")
    rows: list[tuple[str, str]] = [
        ("生成", f"perfeval-xl {__version__}；规则设置：{s.origin}；模板版本 {TEMPLATE_VERSION}"
                 f"（可读取：{'、'.join(KNOWN_VERSIONS)}）；汇总文件夹：{_folder_name(data.folder)}"),
        ("文件", f"读取 {len(data.listed)} 个，未能读取 {len(data.unreadable)} 个，重复报送未计入 {len(data.superseded)} 个，"
                 f"本工具生成的汇总或退回意见文件跳过 {len(data.ignored)} 个。"),
        ("全年预算、全年执行", "有部门整体支出绩效自评表的单位取该表“年度资金总额”行的全年预算数、全年执行数；"
                        "否则为各项目支出绩效自评表“年度资金总额”行之和（未填的项目不计入）。单位：万元。"),
        ("执行率", "全年执行 ÷ 全年预算（按上面的金额重新计算，不取表中填写的执行率）；预算为 0 或未填时为空。"),
        ("部门自评总分", "部门整体支出绩效自评表填写的总分；没有时取评分表（附件2）填写的合计得分；都没有则为空。"),
        ("项目平均分", "各项目支出绩效自评表填写的总分的算术平均（未填总分的项目不计入），保留两位小数。"),
        ("汇总得分、等级", "有部门自评总分时取部门自评总分，否则取项目平均分（“得分依据”一栏注明）；"
                      f"等级按规则文件的等级线（{'、'.join(f'{g}≥{v}' for g, v in s['grades'].items())}）由汇总得分确定。"
                      "统计表的平均分、中位数和排名都按汇总得分，排名在同一年度内进行。"),
        ("错误数、提示数", "本单位报送经与“校验”按钮相同的规则目录校验的结果，加上汇总时的跨报送检查（X5xx）。"),
        ("未说明的偏差", "规则 T109（扣分但未说明偏差原因）的条数。"),
        (f"超额>{over:.0%}", f"规则 T116（实际完成超过目标 {over:.0%} 且未说明原因）的条数。"),
        ("项目明细、指标明细", "每个项目、每个指标一行；“填报”为表中填写的数字，“建议”为本工具按规则计算的结果；"
                         "单元格栏给出数字所在的工作表和单元格。指标值类型为本工具对年度指标值/实际完成值的理解。"),
        ("重复报送", "同一单位（按预算编码，未填时按单位名称）同一年度有多份报送时，采用封面“填报日期”最晚的一份"
                  "（日期未填或相同时取文件修改时间最新的，再相同取路径排序靠后的），其余不计入任何数字，"
                  "各份都在问题清单中各占一行（X501）；每行的说明只列出最新的几份和总份数，"
                  "全部文件见 JSON 报告（--json）的 duplicates。"),
        ("公式值", "由程序生成、未在 Excel 中打开保存过的工作簿没有公式的计算结果，本工具按自己的计算读取，"
                 "“说明”栏注明个数。"),
    ]
    if data.history:
        rows.append(("上年得分、变化、上年排名", "档案（--archive）中该单位最近一个较早年度的汇总得分和当年的排名（同一年度内按汇总得分）；"
                                       "变化 = 汇总得分 − 上年得分。单位按预算编码对应，未填编码时按单位名称。"))
        rows.append(("对比（问题清单）", "“连续出现”：上一年度的报送中同一规则、同一位置也有此问题；“本次新出现”：同一年度上一次报送"
                                  "（重新报送之前的版本）中没有此问题。退回意见注明已改正和新出现的条数。"))
    if data.roster is not None:
        required = "、".join(sorted(s.explanation_required)) or "无"
        rows.append(("报送情况", "名单中的每个单位一行，状态为：未报送（没有收到该单位本年度的报送）；未能读取（收到的文件无法读取，"
                              "按文件名中的单位简称对应）；退回（有错误）；待说明（提示未附情况说明：规则文件 [workflow] "
                              f"explanation_required 所列规则（{required}）的提示须在校验结果表中填写情况说明）；通过。"
                              "不在名单中的单位的报送另行列出。单位按预算编码对应名单，未填编码时按单位名称。"))
    rows += [(f"{r.code} {r.title}", f"（{r.severity.value}）{r.what}") for r in rollup_rules()]
    sheet.header(["项目", "口径"])
    for name, text in rows:
        sheet.line([name, text], ["label", "label"], wrap=True)

"""The worker side of the roll-up: one file in, one small typed record out.

``process_file`` reads a workbook read-only (``read_submission``: python-calamine, values only,
macros never run), validates it with the catalog (``validate``), scores it
(``submission_summary``) and returns only what the roll-up writes: a ``FileRecord`` of plain
values whose ``details`` hold the project, indicator and finding rows (``record.py``). No model
object leaves the worker, so results pickle small and the parent's memory does not grow with
the models.

Every failure becomes ``status="unreadable"`` with a Chinese reason; nothing raises.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from ..core.findings import FindingGroup, Report, Severity
from ..core.formulas import execution_rate
from ..core.model import PerformanceTable, Submission, indicator_title
from ..core.score import fmt_figure
from ..core.settings import Settings
from ..core.summary import submission_summary
from ..core.validate import CheckContext, file_report, validate
from ..core.values import money_hint_from_name, parse_value
from ..io.guard import Limits
from ..io.read import NoTemplateContent, ReadError, read_submission
from ..layout.sheets import COVER
from . import zipintake
from .record import IGNORED, OK, Details, FileRecord, Figures, FindingRow, IndicatorRow, ProjectRow

# parse_value(...).kind in Chinese (DOMAIN §E)
KIND_ZH = {
    "empty": "空白",
    "count": "数量",
    "amount": "金额",
    "percent": "百分比",
    "bound": "上下限（≥/≤）",
    "approximate": "约数",
    "deadline": "时限",
    "qualitative": "定性",
    "relative_change": "同比变化",
    "zero_event": "零事件",
    "compound": "复合指标",
    "external_reference": "外部依据",
    "narrative": "文字描述",
}

# Rules whose counts the 汇总 shows as their own columns.
RULE_UNEXPLAINED_DEVIATION = "T109"
RULE_OVER_ACHIEVEMENT = "T116"

# docProps/core.xml titles of what the roll-up itself writes (never rolled up again).
OWN_TITLES = ("区汇总", "退回意见", "标注副本")  # 标注副本: excel/annotate.py ANNOTATED_TITLE


@functools.lru_cache(maxsize=8192)
def kind_zh(text: str, money: bool) -> str:
    """What the parser made of a target or actual, in Chinese (targets repeat across units: cached)."""
    return KIND_ZH.get(parse_value(text, money_hint=money).kind, "")


def file_stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return ""
    return h.hexdigest()


def own_output_title(path: Path) -> str:
    """The title of a workbook this tool wrote as a roll-up or feedback file, else ""."""
    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return ""
    if "perfeval-xl" not in core:
        return ""
    # openpyxl writes the namespace inline on each element when lxml is installed
    found = re.search(r"<dc:title[^>]*>([^<]*)</dc:title>", core)
    return found.group(1) if found and found.group(1) in OWN_TITLES else ""


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _fsum(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(math.fsum(present), 6) if present else None


def _cell(obj: Any, field: str) -> str:
    src = obj.source(field) if obj is not None else None
    return f"{src.sheet}!{src.cell}" if src else ""


@functools.lru_cache(maxsize=None)
def cover_cell(field: str) -> str:
    """Sheet!cell of a cover field by the layout (the reader does not keep the version cell's source)."""
    layout = COVER.layout()
    for cell in layout.fields():
        if cell.field == field:
            return f"{layout.sheet}!{cell.ref}"
    return ""


def _sheet_of(table: PerformanceTable) -> str:
    for src in table.sources.values():
        return src.sheet
    for ind in table.indicators:
        for src in ind.sources.values():
            return src.sheet
    return ""


def table_type(sub: Submission) -> str:
    parts = []
    if sub.projects:
        parts.append(f"项目支出绩效自评表×{len(sub.projects)}")
    if sub.department is not None:
        parts.append("部门整体支出绩效自评表")
    if sub.basic_data is not None:
        parts.append("基础数据表")
    if sub.rubric is not None:
        parts.append("评分表")
    return "、".join(parts)


_LIMITS: dict[int, Limits] = {}


def _limits(settings: Settings) -> Limits:
    key = id(settings)
    if key not in _LIMITS:
        _LIMITS.clear()
        _LIMITS[key] = Limits.from_settings(settings)
    return _LIMITS[key]


def _blank(sub: Submission) -> bool:
    u = sub.unit
    return (not (u.unit_name or u.budget_code or u.year is not None) and not sub.projects
            and sub.department is None and sub.basic_data is None and sub.rubric is None)


def process_file(path: str | Path, root: str | Path, settings: Settings) -> FileRecord:
    """One file's record for the roll-up (see the module docstring). Never raises."""
    started = time.perf_counter()
    path, root = Path(path), Path(root)
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = str(path)
    record = FileRecord(path=rel, name=path.name)
    in_zip = None
    try:
        in_zip = zipintake.locate(path)  # a member of a .zip archive (read in memory), or None
        if zipintake.is_zip(path.name) and in_zip is None:  # an archive that offered no member
            record.size, record.mtime_ns = file_stat(path)
            record.reason, record.sha256 = zipintake.archive_problem(path), sha256_of(path)
            return record
        try:
            record.size, record.mtime_ns = zipintake.member_stat(*in_zip) if in_zip else file_stat(path)
        except FileNotFoundError:
            record.reason = f"{path.name}：文件不存在（可能在汇总过程中被删除或移走）"
            return record
        if path.suffix.lower() in (".xlsb", ".et", ".ods"):
            record.reason = (f"{path.name}：是 {path.suffix.lower()} 格式，本工具只读取 .xlsx / .xlsm；"
                             f"请在 Excel 或 WPS 中“另存为” .xlsx 后再提交。")
            record.sha256 = sha256_of(path)
            return record
        try:
            # the run's settings, as `validate --rules` reads: a formula cell without a saved value is
            # recomputed under them, and the sheets are laid out as those settings make them
            loaded = (zipintake.read_member(*in_zip, _limits(settings), settings) if in_zip
                      else read_submission(path, _limits(settings), settings))
        except NoTemplateContent as exc:
            title = own_output_title(path)
            if title:
                record.status, record.reason = IGNORED, f"{path.name}：是本工具生成的{title}工作簿，不参加汇总"
            else:
                record.reason = str(exc)
            record.sha256 = sha256_of(path)
            return record
        except ReadError as exc:
            record.reason = str(exc)
            record.sha256 = sha256_of(path)
            return record
        record.sha256 = loaded.sha256
        sub = loaded.submission
        if _blank(sub):
            record.reason = f"{path.name}：是空白模板，单位信息和自评表都没有填写"
            return record
        scores = CheckContext(sub, settings)
        report = validate(sub, settings, path=rel, sha256=loaded.sha256, context=scores)
        summary = submission_summary(sub, settings, scores)
        # each finding as a dict and the findings by cause, made once for the rows and the file's report
        dicts, groups = [f.to_dict() for f in report.findings], report.groups()
        own_report = file_report(report, settings, loaded.recomputed, dicts=dicts, groups=groups)
        describe(record, sub, summary, report, dicts, groups)
        record.awaiting_explanation = len(own_report["awaiting_explanation"])
        record.recomputed = len(loaded.recomputed)
        record.details.report = own_report
        record.status, record.reason = OK, ""
    except Exception as exc:  # one bad file never stops the run
        record.status = "unreadable"
        record.reason = f"{path.name}：处理时出错（{type(exc).__name__}: {exc}）"
        record.details = None
    finally:
        record.seconds = round(time.perf_counter() - started, 4)
    return record


def process_batch(paths: list[str], root: str, settings: Settings) -> list[FileRecord]:
    """A batch of files per task (Dask's per-task overhead is ~2 ms; a file takes ~5–20 ms)."""
    return [process_file(p, root, settings) for p in paths]


# ---------------------------------------------------------------- the record of a readable file


def describe(record: FileRecord, sub: Submission, summary: dict[str, Any], report: Report,
             dicts: list[dict[str, Any]] | None = None, groups: list[FindingGroup] | None = None) -> FileRecord:
    """Fill ``record`` with the unit, its figures, counts and detail rows (returns it).

    ``dicts``, ``groups``: the findings' ``to_dict()`` and ``report.groups()``, if already made."""
    rel = record.path
    unit = sub.unit
    # (table, is an error) → count; the enum's Python-level hash is left out of the key
    by_table: Counter = Counter((f.location.table, f.severity is Severity.ERROR) for f in report.findings)
    by_rule = Counter(f.rule for f in report.findings)

    projects = []
    for table, ts in zip(sub.projects, summary["projects"]):
        row = table.funding_total
        budget, executed = _num(row.annual_budget), _num(row.executed)
        projects.append(ProjectRow(
            name=table.name, implementing_unit=table.implementing_unit, budget=budget, executed=executed,
            rate=execution_rate(executed, budget), stated_total=_num(ts["stated_total"]),
            suggested_total=_num(ts["suggested_total"]), stated_grade=ts["stated_grade"] or "",
            suggested_grade=ts["suggested_grade"] or "",
            errors=by_table[(table.title, True)], warnings=by_table[(table.title, False)],
            path=rel, sheet=_sheet_of(table), budget_cell=_cell(row, "annual_budget"),
            executed_cell=_cell(row, "executed"), total_cell=_cell(table, "total_score"),
        ))

    indicators = []
    tables = list(zip(sub.projects, summary["projects"]))
    if sub.department is not None and summary["department"] is not None:
        tables.append((sub.department, summary["department"]))
    for table, ts in tables:
        label = table.name if hasattr(table, "name") and table.name else table.table_kind
        for item in ts["indicators"]:
            ind = table.indicators[item["index"]]
            money = money_hint_from_name(ind.name)
            suggested = item["suggested"]
            band = suggested["band"]
            indicators.append(IndicatorRow(
                table=label, level1=ind.level1, level2=ind.level2, title=indicator_title(ind.name),
                target=ind.target, target_kind=kind_zh(ind.target, money),
                actual=ind.actual, actual_kind=kind_zh(ind.actual, money),
                points=_num(ind.points), score=_num(ind.score), suggested_score=_num(suggested["value"]),
                suggested_band=f"{fmt_figure(band[0])}–{fmt_figure(band[1])}" if band else "",
                path=rel, cell=_cell(ind, "score") or _cell(ind, "name"),
            ))

    # one slip, many findings: say so on each row
    by_cause = {g.cause: g for g in (report.groups() if groups is None else groups)}
    findings = [FindingRow.of(d, rel, by_cause[d["cause"]].note_zh(f))
                for f, d in zip(report.findings, [f.to_dict() for f in report.findings] if dicts is None else dicts)]

    # 全年预算 / 全年执行: the department table's budget row, else Σ of the projects' 年度资金总额.
    if sub.department is not None:
        row = sub.department.budget
        budget, executed = _num(row.annual_budget), _num(row.executed)
        budget_source = " / ".join(c for c in (_cell(row, "annual_budget"), _cell(row, "executed")) if c) \
            or "部门整体支出绩效自评表 年度资金总额行"
    else:
        budget = _fsum([p.budget for p in projects])
        executed = _fsum([p.executed for p in projects])
        budget_source = f"各项目表年度资金总额行之和（{len(projects)} 个项目，见项目明细）" if projects else ""

    # 部门自评总分: the department table's stated 总分, else the 评分表's stated 合计得分, else none.
    dept_score, basis, score_cell = None, "", ""
    if sub.department is not None and _num(sub.department.total_score) is not None:
        dept_score, basis = _num(sub.department.total_score), "部门整体支出绩效自评表 总分"
        score_cell = _cell(sub.department, "total_score")
    elif sub.rubric is not None and _num(sub.rubric.total_score) is not None:
        dept_score, basis = _num(sub.rubric.total_score), "评分表 合计得分"
        score_cell = _cell(sub.rubric, "total_score")
    totals = [p.stated_total for p in projects if p.stated_total is not None]
    project_avg = round(math.fsum(totals) / len(totals), 2) if totals else None

    record.unit, record.code, record.year = unit.unit_name, unit.budget_code, unit.year
    record.version, record.report_date = sub.template_version, unit.report_date
    record.cells = {"unit": _cell(unit, "unit_name"), "code": _cell(unit, "budget_code"),
                    "year": _cell(unit, "year"),
                    "version": _cell(sub, "template_version") or (cover_cell("template_version") if unit.sources else "")}
    record.table_type = table_type(sub)
    record.figures = Figures(
        projects=len(sub.projects), budget=budget, executed=executed, rate=execution_rate(executed, budget),
        budget_source=budget_source, dept_score=dept_score, dept_score_basis=basis, dept_score_cell=score_cell,
        project_avg=project_avg, project_avg_count=len(totals),
        unexplained_deviation=by_rule[RULE_UNEXPLAINED_DEVIATION], over_achievement=by_rule[RULE_OVER_ACHIEVEMENT],
    )
    record.errors = sum(count for (_, error), count in by_table.items() if error)
    record.warnings = len(report.findings) - record.errors
    record.by_rule = report.counts_by_rule()
    record.details = Details(projects, indicators, findings)
    return record

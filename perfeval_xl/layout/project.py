"""项目支出绩效自评表 (DOMAIN §A1): one sheet per project, laid out like the printed form."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..core import formulas
from ..core.model import Indicator, PerformanceTable, ProjectTable, Submission, label
from ..core.settings import Settings
from .choices import LEVEL1_CHOICE, LEVEL2_CHOICE, QUALITATIVE_CHOICE
from .grid import Builder, Cell, Layout, INPUT

PROJECT_TITLE = "项目支出绩效自评表"
UNIT_LABEL, YEAR_LABEL = "填报单位（盖章）", "年度"
HEADER_FIELDS = ("unit_name", "year")


@dataclass
class ProjectForm(ProjectTable):
    """A ProjectTable as its sheet shows it: with the 填报单位 and 年度 of its header block.

    In the unit workbook they show the 封面's; the project table alone has them typed. ``attach``
    puts back a plain ProjectTable and, when the workbook has no 封面, gives the submission the
    table's unit and year (what the roll-up and the drafted report name it by).
    """

    unit_name: str = field(default="", metadata=label(UNIT_LABEL))
    year: int | None = field(default=None, metadata=label(YEAR_LABEL))

    @classmethod
    def of(cls, table: ProjectTable, sub: Submission) -> ProjectForm:
        shared = {f.name: getattr(table, f.name) for f in dataclasses.fields(ProjectTable)}
        return cls(**shared, unit_name=sub.unit.unit_name, year=sub.unit.year)

    def table(self) -> ProjectTable:
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(ProjectTable)}
        values["sources"] = {k: v for k, v in self.sources.items() if k not in HEADER_FIELDS}
        return ProjectTable(**values)


def attach_project(sub: Submission, form: ProjectForm) -> None:
    sub.projects.append(form.table())
    for name in HEADER_FIELDS:  # a workbook without a 封面 (the project table alone) is named by its tables
        value = getattr(form, name)
        if sub.unit.source(name) is None and value not in (None, "") and getattr(sub.unit, name) in (None, ""):
            setattr(sub.unit, name, value)
            sub.unit.sources[name] = form.sources[name]
FUNDING_ROWS = (("funding_current_year", "其中：当年财政拨款"), ("funding_carryover", "上年结转资金"),
                ("funding_other", "其他资金"))
FUNDING_COLUMNS = (("initial_budget", "年初预算数"), ("annual_budget", "全年预算数"), ("executed", "全年执行数"))
DEFAULT_INDICATOR_ROWS = 15


def _sum_of_sources(column: str) -> tuple[str, object]:
    """年度资金总额 of a column: the sum of its sources (formula, value)."""
    figure = formulas.parts_sum(len(FUNDING_ROWS))
    refs = formulas.parts_refs([f"{{{row}.{column}}}" for row, _ in FUNDING_ROWS])
    return (figure.cell_formula(refs),
            lambda t: figure.value(formulas.parts_env([getattr(getattr(t, row), column) for row, _ in FUNDING_ROWS])))


def _sum_scores(first: str, column: str) -> tuple[str, object]:
    """总分 (or 分值合计): the execution row's and the indicators' column, rounded to 2 dp."""
    figure = formulas.parts_sum(2, decimals=2)
    refs = formulas.parts_refs([f"{{{first}}}", f"{{table.indicators.{column}}}"])
    return (figure.cell_formula(refs), lambda t: figure.value(formulas.parts_env(
        [getattr(t, first), [getattr(i, column) for i in t.indicators]])))


def grade_formula(score_ref: str, settings: Settings, rate_ref: str = "") -> str:
    """等级 of the total in ``score_ref`` by the rules file's bands (nested IF: WPS- and formulas-safe);
    with ``rate_ref`` the grade of the total under the 一体化 cap of that execution rate."""
    if rate_ref:
        return formulas.grade(settings, rate=formulas.RATE).cell_formula({"total": score_ref, "rate": rate_ref})
    return formulas.grade(settings).cell_formula({"total": score_ref})


INDICATOR_HEADERS = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                     "偏差原因分析及改进措施", "定性评级")


def indicator_columns() -> list[Cell]:
    """The 绩效指标 row (columns A:I), shared by the 项目支出 and 部门整体支出 tables; 一级 and 二级
    merge over the rows that share them, as on the printed forms."""
    return [
        Cell(0, 1, INPUT, field="level1", choice=LEVEL1_CHOICE, wrap=True, merge_down=True),
        Cell(0, 2, INPUT, field="level2", choice=LEVEL2_CHOICE, wrap=True, merge_down=True),
        Cell(0, 3, INPUT, field="name", wrap=True, align="left"),
        Cell(0, 4, INPUT, field="target", wrap=True),
        Cell(0, 5, INPUT, field="actual", wrap=True),
        Cell(0, 6, INPUT, field="points", kind="points"),
        Cell(0, 7, INPUT, field="score", kind="points"),
        Cell(0, 8, INPUT, field="deviation_reason", wrap=True, align="left"),
        Cell(0, 9, INPUT, field="qualitative_grade", choice=QUALITATIVE_CHOICE),
    ]


def execution_cells(b: Builder, budget: str, settings: Settings) -> None:
    """分值 | 执行率 | 得分 (columns G:I) of the row holding the ``budget`` FundingRow (DOMAIN §C1)."""
    b.input(7, "execution_points", "points", prompt="预算执行率分值，按规定一般为 10 分")
    refs = {"budget": f"{{{budget}.annual_budget}}", "executed": f"{{{budget}.executed}}",
            "points": "{execution_points}"}

    def env(t: PerformanceTable) -> dict:
        return {"budget": t.budget_row.annual_budget, "executed": t.budget_row.executed, "points": t.execution_points}

    rate, score = formulas.EXECUTION_RATE, formulas.execution_score(settings)
    b.computed(8, "execution_rate", rate.cell_formula(refs), lambda t: rate.value(env(t)), "rate")
    b.computed(9, "execution_score", score.cell_formula(refs), lambda t: score.value(env(t)), "points")


def indicators_and_total(b: Builder, capacity: int, settings: Settings) -> None:
    """The 绩效指标 header, ``capacity`` indicator rows, then 总分 | 等级 (columns A:I)."""
    b.next_row(30)
    for col, text in enumerate(INDICATOR_HEADERS, start=1):
        b.label(col, text, header=True)
    b.layout.print_title_rows = f"{b.row}:{b.row}"
    b.layout.freeze = f"A{b.row + 1}"
    b.table("indicators", Indicator, capacity, indicator_columns(), end_label="总分", height=28)

    b.next_row(24)
    b.label(1, "总分", cols=5)
    b.computed(6, "total_points", *_sum_scores("execution_points", "points"), "points")
    b.computed(7, "total_score", *_sum_scores("execution_score", "score"), "points")
    b.label(8, "等级")
    b.computed(9, "stated_grade", grade_formula("{total_score}", settings, rate_ref="{execution_rate}"),
               lambda t: formulas.grade_of(formulas.capped_total(t.total_score, t.execution_rate, settings), settings),
               "text")


def project_layout(sheet: str = "项目1", capacity: int = DEFAULT_INDICATOR_ROWS,
                   settings: Settings | None = None, alone: bool = False) -> Layout:
    """The form; ``alone``: the project table as a workbook of its own, 填报单位 and 年度 typed on it
    (in the unit workbook they show the 封面's)."""
    settings = settings or Settings.default()
    b = Builder("project", sheet, widths=[8, 10, 20, 20, 28, 6, 6, 20, 8])
    b.layout.names_scope_sheet = True
    b.title(PROJECT_TITLE)
    b.next_row(22)
    b.label(1, UNIT_LABEL, cols=2)
    b.label(6, YEAR_LABEL)
    if alone:
        b.input(3, "unit_name", cols=3, align="left", prompt="填写单位全称，如：长沙市岳麓区洋湖街道办事处")
        b.input(7, "year", "year", prompt="自评的预算年度，如 2022")
    else:
        for col, name, cover_field, kind, cols in ((3, "unit_name", "unit.unit_name", "text", 3),
                                                   (7, "year", "unit.year", "year", 1)):
            shown = f"{{@cover:{cover_field}}}"
            b.computed(col, name, f'=IF({shown}="","",{shown})', None, kind, cols=cols).stamp = True
    b.note("金额单位：万元", col=8, cols=2, row=b.row)

    b.next_row(24)
    b.label(1, "项目名称", cols=2)
    b.input(3, "name", cols=7)
    b.next_row(24)
    b.label(1, "主管部门", cols=2)
    b.input(3, "competent_dept", cols=3)
    b.label(6, "实施单位", cols=2)
    b.input(8, "implementing_unit", cols=2)

    # 项目资金: column A holds the block label over five rows, B:C the row labels.
    b.next_row(30)
    b.label(1, "项目资金（万元）", rows=5, header=True)
    b.label(2, "", cols=2, header=True)
    for i, (_, text) in enumerate(FUNDING_COLUMNS):
        b.label(4 + i, text, header=True)
    for i, text in enumerate(("分值", "执行率", "得分")):
        b.label(7 + i, text, header=True)
    # 年度资金总额 is the sum of its sources; the clerk types the sources.
    b.next_row(22)
    b.label(2, "年度资金总额", cols=2, align="left")
    for i, (column, _) in enumerate(FUNDING_COLUMNS):
        b.computed(4 + i, f"funding_total.{column}", *_sum_of_sources(column))
    execution_cells(b, "funding_total", settings)
    for row_field, text in FUNDING_ROWS:
        b.next_row(22)
        b.label(2, text, cols=2, align="left")
        for i, (column, _) in enumerate(FUNDING_COLUMNS):
            b.input(4 + i, f"{row_field}.{column}", "amount")
        for col in (7, 8, 9):
            b.label(col, "—")

    b.next_row(22)
    b.label(1, "年度总体目标", cols=2, rows=2, header=True)
    b.label(3, "预期目标", cols=3, header=True)
    b.label(6, "实际完成情况", cols=4, header=True)
    b.next_row(90)
    b.input(3, "goal_expected", cols=3, align="left")
    b.input(6, "goal_actual", cols=4, align="left")

    indicators_and_total(b, capacity, settings)

    for fields in ((("evaluation_method", "评价方式"), ("evaluation_body", "评价机构")),
                   (("unit_head", "单位负责人"), ("project_head", "项目负责人")),
                   (("preparer", "报告填报人"), ("report_date", "报告日期"))):
        b.next_row(22)
        (left, left_text), (right, right_text) = fields
        b.label(1, left_text, cols=2)
        b.input(3, left, cols=3)
        b.label(6, right_text, cols=2)
        b.input(8, right, cols=2)
    return b.build()

"""The annual self-evaluation submission of one unit, as typed data (DOMAIN.md §A).

Field names are English; the Chinese label printed on the form is in each field's
metadata (``label``), so templates, messages and docs all take it from here.
Every object remembers where each of its fields was read from (``sources``), so a
finding can name the sheet and cell. Money is in 万元; rates are fractions (0.937).
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field, fields
from typing import Any


def label(text: str, **extra: Any) -> dict[str, Any]:
    return {"label": text, **extra}


@dataclass(frozen=True)
class Source:
    """Where a value came from in a workbook."""

    sheet: str
    cell: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}"


@dataclass(kw_only=True)
class Located:
    """Base for model objects: ``sources`` maps a field name to its Source."""

    sources: dict[str, Source] = field(default_factory=dict, repr=False)

    def source(self, name: str) -> Source | None:
        return self.sources.get(name)

    @classmethod
    def label_of(cls, name: str) -> str:
        return _label_of(cls, name)


@lru_cache(maxsize=4096)  # every finding asks for its field's label: the classes never change
def _label_of(cls: type, name: str) -> str:
    for f in fields(cls):
        if f.name == name:
            return f.metadata.get("label", name)
    return name


def _num(text: str) -> Any:
    return field(default=None, metadata=label(text))


def _text(text: str) -> Any:
    return field(default="", metadata=label(text))


@dataclass
class UnitInfo(Located):
    """封面/单位信息."""

    unit_name: str = _text("单位")
    budget_code: str = _text("预算编码")
    year: int | None = _num("年度")
    preparer: str = _text("填报人")
    report_date: str = _text("日期")


@dataclass
class FundingRow(Located):
    """One row of 项目资金 / 年度预算申请 (万元)."""

    initial_budget: float | None = _num("年初预算数")
    annual_budget: float | None = _num("全年预算数")
    executed: float | None = _num("全年执行数")

    def is_blank(self) -> bool:
        return self.initial_budget is None and self.annual_budget is None and self.executed is None


QUALITATIVE_GRADES = ("达成", "部分达成", "未达成")


@dataclass
class Indicator(Located):
    """One 绩效指标 row."""

    level1: str = _text("一级指标")
    level2: str = _text("二级指标")
    name: str = _text("三级指标")
    target: str = _text("年度指标值")
    actual: str = _text("实际完成值")
    points: float | None = _num("分值")
    score: float | None = _num("得分")
    deviation_reason: str = _text("偏差原因分析及改进措施")
    # Not printed on the form: the clerk's grade for a qualitative indicator (DOMAIN §C3).
    qualitative_grade: str = field(default="", metadata=label("定性评级", choices=QUALITATIVE_GRADES))

    def filled_fields(self) -> list[str]:
        """Names of the fields that carry content beyond the printed placeholder."""
        out = []
        if strip_placeholder(self.name):
            out.append("name")
        for name in ("target", "actual", "deviation_reason"):
            if str(getattr(self, name)).strip():
                out.append(name)
        for name in ("points", "score"):
            if getattr(self, name) is not None:
                out.append(name)
        return out

    def is_placeholder(self) -> bool:
        """An empty row the printed form carries for each 二级 (e.g. "指标 1："): no field of
        ``filled_fields`` filled (asked of every row by every scoring, so it stops at the first)."""
        return not (strip_placeholder(self.name) or self.points is not None or self.score is not None
                    or str(self.target).strip() or str(self.actual).strip() or str(self.deviation_reason).strip())


@lru_cache(maxsize=4096)  # the same names recur in every table and check
def strip_placeholder(name: str) -> str:
    """"指标 1：补助社区支出" -> "补助社区支出"; "指标 1：" -> ""."""
    return re.sub(r"^\s*指标\s*[0-9０-９一二三四五六七八九十]+\s*[:：]?\s*", "", str(name)).strip()


def indicator_title(name: str) -> str:
    return strip_placeholder(name) or str(name).strip()


@dataclass
class PerformanceTable(Located):
    """What 项目支出 and 部门整体支出 tables share: execution, goals, indicators, total."""

    execution_points: float | None = _num("分值")
    execution_rate: float | None = _num("执行率")
    execution_score: float | None = _num("得分")
    goal_expected: str = _text("预期目标")
    goal_actual: str = _text("实际完成情况")
    indicators: list[Indicator] = field(default_factory=list, metadata=label("绩效指标"))
    total_points: float | None = _num("总分分值")
    total_score: float | None = _num("总分得分")
    stated_grade: str = _text("等级")

    table_kind = ""  # Chinese name of the table, set by subclasses

    @property
    def budget_row(self) -> FundingRow:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def title(self) -> str:
        return self.table_kind


@dataclass
class ProjectTable(PerformanceTable):
    """项目支出绩效自评表 (DOMAIN §A1), one per project."""

    name: str = _text("项目名称")
    competent_dept: str = _text("主管部门")
    implementing_unit: str = _text("实施单位")
    evaluation_method: str = _text("评价方式")
    evaluation_body: str = _text("评价机构")
    unit_head: str = _text("单位负责人")
    project_head: str = _text("项目负责人")
    preparer: str = _text("报告填报人")
    report_date: str = _text("报告日期")
    funding_total: FundingRow = field(default_factory=FundingRow, metadata=label("年度资金总额"))
    funding_current_year: FundingRow = field(default_factory=FundingRow, metadata=label("其中：当年财政拨款"))
    funding_carryover: FundingRow = field(default_factory=FundingRow, metadata=label("上年结转资金"))
    funding_other: FundingRow = field(default_factory=FundingRow, metadata=label("其他资金"))

    table_kind = "项目支出绩效自评表"

    @property
    def budget_row(self) -> FundingRow:
        return self.funding_total

    @property
    def title(self) -> str:
        return f"{self.table_kind}「{self.name}」" if self.name else self.table_kind


@dataclass
class DepartmentTable(PerformanceTable):
    """部门整体支出绩效自评表, Yueyang form (DOMAIN §A2)."""

    dept_name: str = _text("预算部门名称")
    budget: FundingRow = field(default_factory=FundingRow, metadata=label("年度资金总额"))
    income_general_budget: float | None = _num("一般公共预算")
    income_government_fund: float | None = _num("政府性基金拨款")
    income_special_account: float | None = _num("纳入专户管理的非税收入拨款")
    income_other: float | None = _num("其他资金")
    spending_basic: float | None = _num("基本支出")
    spending_project: float | None = _num("项目支出")

    table_kind = "部门整体支出绩效自评表"

    @property
    def budget_row(self) -> FundingRow:
        return self.budget


@dataclass
class ExpenseRow(Located):
    """One row of 经费控制情况 (万元): last year's final, this year's budget and final."""

    prior_final: float | None = _num("上年决算数")
    budget: float | None = _num("本年预算数")
    final: float | None = _num("本年决算数")
    name: str = _text("名称")  # only for rows the clerk adds (本级专项资金, one per 专项)


# The fixed rows of 经费控制情况, in printed order: (key, label, parent key).
# A parent is the sum of its children except where checks say otherwise (公用经费 ≥ Σ).
EXPENSE_ROWS: tuple[tuple[str, str, str | None], ...] = (
    ("three_public", "三公经费", None),
    ("vehicles", "1、公务用车购置和维护经费", "three_public"),
    ("vehicle_purchase", "其中：公车购置", "vehicles"),
    ("vehicle_operation", "公车运行维护", "vehicles"),
    ("overseas", "2、出国经费", "three_public"),
    ("reception", "3、公务接待", "three_public"),
    ("project_spending", "项目支出", None),
    ("business", "1、业务工作专项（业务经费）", "project_spending"),
    ("operation", "2、运行维护专项（运行维护经费）", "project_spending"),
    ("district_special", "区级专项资金（包括残联、医保等代收代付款）", None),
    ("public_funds", "公用经费", None),
    ("office", "其中：办公经费", "public_funds"),
    ("utilities_travel", "水费、电费、差旅费", "public_funds"),
    ("meetings_training", "会议费、培训费", "public_funds"),
    ("procurement", "政府采购金额", None),
    ("budget_adjustment", "部门整体支出预算调整", None),
)
EXPENSE_LABELS = {key: text for key, text, _ in EXPENSE_ROWS}


@dataclass
class BuildingRow(Located):
    """楼堂馆所控制情况, one completed project."""

    name: str = _text("项目")
    approved_area: float | None = _num("批复规模（㎡）")
    actual_area: float | None = _num("实际规模（㎡）")
    area_control_rate: float | None = _num("规模控制率")
    budget_investment: float | None = _num("预算投资（万元）")
    actual_investment: float | None = _num("实际投资（万元）")
    investment_control_rate: float | None = _num("投资概算控制率")


@dataclass
class BasicData(Located):
    """部门整体支出绩效自评基础数据表 (附件1, DOMAIN §A3)."""

    filling_unit: str = _text("填报单位")
    staff_authorized: float | None = _num("编制数")
    staff_actual: float | None = _num("实际在职人数")
    staff_control_rate: float | None = _num("控制率")
    expenses: dict[str, ExpenseRow] = field(default_factory=dict, metadata=label("经费控制情况"))
    # 3、本级专项资金（一个专项一行）: part of 项目支出.
    special_funds: list[ExpenseRow] = field(default_factory=list, metadata=label("本级专项资金"))
    buildings: list[BuildingRow] = field(default_factory=list, metadata=label("楼堂馆所控制情况"))
    frugality_measures: str = _text("厉行节约保障措施")

    def expense(self, key: str) -> ExpenseRow:
        return self.expenses.get(key) or ExpenseRow()


@dataclass
class RubricEntry(Located):
    """One scored line of 评分表 (附件2) as the unit filled it."""

    key: str = _text("指标代码")
    points: float | None = _num("分值")
    score: float | None = _num("自评得分")


@dataclass
class RubricSheet(Located):
    """部门整体支出绩效自评评分表 (附件2, DOMAIN §A4) with the clerk-entered facts."""

    entries: list[RubricEntry] = field(default_factory=list, metadata=label("评分项目"))
    total_points: float | None = _num("合计分值")
    total_score: float | None = _num("合计得分")
    # Facts the rubric rules need beyond 附件1 (yes/no, counts of cases, grades, rates),
    # keyed by the fact names of perfeval_xl.core.rubric.
    facts: dict[str, Any] = field(default_factory=dict, metadata=label("评分依据"))

    def entry(self, key: str) -> RubricEntry | None:
        for e in self.entries:
            if e.key == key:
                return e
        return None


@dataclass
class Explanation:
    """A clerk's 情况说明 for a 提示, matched by rule and location on the next run."""

    rule: str
    where: str  # Finding.location.key: table|row|field, stable when rows move
    text: str


@dataclass
class UnreadableCell:
    """A cell whose content could not be read as its field needs (text in a number cell)."""

    sheet: str
    cell: str
    field: str  # Chinese label
    text: str
    expected: str = "数字"  # what the cell should hold, for the message


@dataclass
class ReadNotice:
    """Something the reader saw in the workbook itself (rules S102–S104)."""

    kind: str  # "formula_overwritten" | "formula_cleared" | "rows_ignored" | "hidden_sheet"
    sheet: str
    cell: str = ""
    field: str = ""  # Chinese label of the cell
    text: str = ""  # the constant; the row cap; the sheet's state
    count: int = 0  # rows left unread


@dataclass
class Submission(Located):
    """One unit's workbook for one year."""

    unit: UnitInfo = field(default_factory=UnitInfo)
    projects: list[ProjectTable] = field(default_factory=list)
    department: DepartmentTable | None = None
    basic_data: BasicData | None = None
    rubric: RubricSheet | None = None
    template_version: str = ""
    explanations: list[Explanation] = field(default_factory=list)
    unreadable: list[UnreadableCell] = field(default_factory=list)
    # what the reader saw in the workbook (S102–S104); left out of an export while empty
    notices: list[ReadNotice] = field(default_factory=list, metadata={"omit_empty": True})



# Which model class the next part of a path belongs to, after a container part.
_PART_TYPES: dict[str, type] = {
    "special_funds": ExpenseRow,
    "funding_total": FundingRow, "funding_current_year": FundingRow, "funding_carryover": FundingRow,
    "funding_other": FundingRow, "budget": FundingRow, "buildings": BuildingRow, "indicators": Indicator,
    "entries": RubricEntry, "unit": UnitInfo,
}
# Dict fields whose keys are row names, not fields: their keys' labels. The rubric registers its
# items under "rows" (perfeval_xl.core.rubric), the 经费控制情况 rows are here without their numbering.
KEYED_LABELS: dict[str, dict[str, str]] = {
    "expenses": {key: re.sub(r"^(\d+、|其中：)", "", text) for key, text, _ in EXPENSE_ROWS},
    "rows": {},
}
_KEYED_TYPES: dict[str, type] = {"expenses": ExpenseRow}


def path_label(path: str, root: type | None = None) -> str:
    """A field path as the form prints it: "expenses.three_public.prior_final" → "三公经费 上年决算数".

    ``root`` is the type the path starts from (its ``label_of`` may know the whole path). Labels a
    reader gives are already Chinese and pass through; a path is never shown as it is."""
    if not path or not re.fullmatch(r"[a-z_0-9.]+", path):
        return path
    if root is not None and "." in path and root.label_of(path) != path:
        return root.label_of(path)
    owner: type | None = root
    keyed: str = ""
    shown = []
    for part in path.split("."):
        if keyed:
            shown.append(KEYED_LABELS[keyed].get(part, part))
            owner, keyed = _KEYED_TYPES.get(keyed, RubricEntry), ""
            continue
        if part in KEYED_LABELS:
            keyed = part
            continue
        text = _label_in(owner, part)
        if text != part or part not in _PART_TYPES:  # a container without a printed label adds nothing
            shown.append(text)
        owner = _PART_TYPES.get(part)
    if len(shown) > 1:  # "其中：当年财政拨款 全年执行数" reads better without the 其中
        shown[0] = shown[0].removeprefix("其中：")
    return " ".join(p for p in shown if p)


def _label_in(owner: type | None, name: str) -> str:
    candidates = [owner] if owner else [ProjectTable, DepartmentTable, BasicData, RubricSheet, UnitInfo,
                                        Indicator, ExpenseRow, BuildingRow, FundingRow, RubricEntry]
    for cls in candidates:
        text = cls.label_of(name)
        if text != name:
            return text
    return name

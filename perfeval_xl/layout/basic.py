"""部门整体支出绩效自评基础数据表 (附件1, DOMAIN §A3): portrait, laid out like the printed form.

Column A holds the row labels, indented as printed; B:G hold the figures — the three 经费 columns
take two sheet columns each so that 楼堂馆所's six columns line up under them. Parents that the
checks require to equal the sum of their rows (三公经费, 公务用车, 项目支出; DOMAIN §D) are
computed; 公用经费 stays typed (it only bounds its 其中 rows).
"""

from __future__ import annotations

from typing import Any, Callable

from ..core import formulas
from ..core.formulas import sum_of as total
from ..core.model import EXPENSE_LABELS, EXPENSE_ROWS, BasicData, BuildingRow, ExpenseRow
from ..core.settings import Settings
from .grid import COMPUTED, INPUT, Builder, Cell, Layout
from .workbook import SheetKind

BASIC_TITLE = "部门整体支出绩效自评基础数据表"
# {上年}/{本年} become the real years when the workbook's year is known (the writer's Letterhead).
EXPENSE_COLUMNS = (("prior_final", "{上年}决算数"), ("budget", "{本年}预算数"), ("final", "{本年}决算数"))
SPECIAL_FUNDS_LABEL = "3、本级专项资金（一个专项一行）"
# Parents computed as the sum of their rows (the checks' _SUMMED_PARENTS), children first: the reader
# recomputes computed cells in layout order, so a parent sees its computed child's value.
SUMMED = {
    "vehicles": ("vehicle_purchase", "vehicle_operation"),
    "three_public": ("vehicles", "overseas", "reception"),
    "project_spending": ("business", "operation"),  # + Σ 本级专项资金
}
# Indentation as printed (full-width spaces): numbered rows one, 其中 rows two, their continuations
# aligned after "其中：".
INDENT = {"vehicles": 1, "vehicle_purchase": 2, "vehicle_operation": 5, "overseas": 1, "reception": 1,
          "business": 1, "operation": 1, "special_funds": 1, "district_special": 1, "office": 1, "utilities_travel": 4,
          "meetings_training": 4}
BUILDINGS_LABEL = "楼堂馆所控制情况（本年完工项目）"
FRUGALITY_LABEL = "厉行节约保障措施"
FOOTNOTE = ("说明：“项目支出”需要填报除公共专项资金和基本支出以外的所有项目情况，包括业务工作项目、运行维护项目等；"
            "“公用经费”填报基本支出中的一般商品和服务支出。“区级专项资金”为项目支出中的代收代付部分，"
            "仅作说明，不另计入项目支出合计。")
DEFAULT_SPECIAL_FUNDS = 3
DEFAULT_BUILDINGS = 2


def _indent(key: str) -> str:
    return "\u3000" * INDENT.get(key, 0)


def ratio(part: float | None, whole: float | None) -> float | None:
    """part ÷ whole; None when either is missing or whole ≤ 0 (``formulas.CONTROL_RATE``)."""
    return formulas.CONTROL_RATE.value({"part": part, "whole": whole})


def ratio_formula(part: str, whole: str) -> str:
    return formulas.CONTROL_RATE.cell_formula({"part": part, "whole": whole})


def sum_formula(refs: list[str]) -> str:
    """Σ that stays empty while every part is empty, so an empty template reads back empty."""
    return formulas.parts_sum(len(refs)).cell_formula(formulas.parts_refs(refs))


def _parent_sum(parent: str, column: str) -> Callable[[BasicData], Any]:
    def compute(basic: BasicData):
        values = [getattr(basic.expense(k), column) for k in SUMMED[parent]]
        if parent == "project_spending":
            values += [getattr(r, column) for r in basic.special_funds]
        return total(values)
    return compute


def _special_subtotal(column: str) -> Callable[[BasicData], Any]:
    return lambda basic: total([getattr(r, column) for r in basic.special_funds])


def basic_layout(sheet: str = "基础数据表", capacities: dict[str, int] | None = None,
                 settings: Settings | None = None) -> Layout:
    caps = {"special_funds": DEFAULT_SPECIAL_FUNDS, "buildings": DEFAULT_BUILDINGS, **(capacities or {})}
    b = Builder("basic", sheet, widths=[40, 9, 9, 9, 9, 9, 9])
    b.layout.attachment = "附件1"
    b.title(BASIC_TITLE)
    b.next_row(24)
    b.label(1, "填报单位（盖章）", align="left")
    b.input(2, "filling_unit", cols=4, align="left")
    b.label(6, "金额单位：万元", cols=2)

    # 财政供养人员情况
    b.next_row(24)
    b.label(1, "财政供养人员情况", rows=2, header=True)
    for col, text in ((2, "编制数"), (4, "实际在职人数"), (6, "控制率")):
        b.label(col, text, cols=2, header=True)
    b.next_row(22)
    b.input(2, "staff_authorized", "count", cols=2, prompt="机构编制部门核定批复的人员编制数")
    b.input(4, "staff_actual", "count", cols=2)
    b.computed(6, "staff_control_rate", ratio_formula("{staff_actual}", "{staff_authorized}"),
               lambda d: ratio(d.staff_actual, d.staff_authorized), "rate", cols=2)

    # 经费控制情况
    b.next_row(24)
    b.label(1, "经费控制情况（万元）", header=True)
    for i, (_, text) in enumerate(EXPENSE_COLUMNS):
        b.label(2 + 2 * i, text, cols=2, header=True)
    rows: dict[str, int] = {}
    special_row = 0
    for key, text, _ in EXPENSE_ROWS:
        if key == "district_special":  # 3、本级专项资金 (one 专项 per row) comes before it, inside 项目支出
            special_row = b.next_row(22)
            b.label(1, _indent("special_funds") + SPECIAL_FUNDS_LABEL, align="left")
            columns = [Cell(0, 1, INPUT, field="name", wrap=True, align="left")]
            columns += [Cell(0, 2 + 2 * i, INPUT, field=column, kind="amount", cols=2)
                        for i, (column, _) in enumerate(EXPENSE_COLUMNS)]
            b.table("special_funds", ExpenseRow, caps["special_funds"], columns,
                    end_label=EXPENSE_LABELS["district_special"], height=20)
        rows[key] = b.next_row(22)
        b.label(1, _indent(key) + text, align="left")
        if key not in SUMMED:
            for i, (column, _) in enumerate(EXPENSE_COLUMNS):
                b.input(2 + 2 * i, f"expenses.{key}.{column}", "amount", cols=2)
    for i, (column, _) in enumerate(EXPENSE_COLUMNS):  # a subtotal on the 3、本级专项资金 row (not a model field)
        b.computed(2 + 2 * i, "", sum_formula([f"{{table.special_funds.{column}}}"]), _special_subtotal(column),
                   cols=2, row=special_row)
    for parent, children in SUMMED.items():  # children before parents: see SUMMED
        for i, (column, _) in enumerate(EXPENSE_COLUMNS):
            refs = [f"{{expenses.{k}.{column}}}" for k in children]
            if parent == "project_spending":
                refs.append(f"{{table.special_funds.{column}}}")
            b.computed(2 + 2 * i, f"expenses.{parent}.{column}", sum_formula(refs), _parent_sum(parent, column),
                       cols=2, row=rows[parent])

    # 楼堂馆所控制情况
    b.next_row(36)
    for col, text in enumerate((BUILDINGS_LABEL, "批复规模\n（㎡）", "实际规模\n（㎡）", "规模\n控制率",
                                "预算投资\n（万元）", "实际投资\n（万元）", "投资概算\n控制率"), start=1):
        b.label(col, text, header=True)
    b.table("buildings", BuildingRow, caps["buildings"], [
        Cell(0, 1, INPUT, field="name", wrap=True, align="left"),
        Cell(0, 2, INPUT, field="approved_area", kind="amount"),
        Cell(0, 3, INPUT, field="actual_area", kind="amount"),
        Cell(0, 4, COMPUTED, field="area_control_rate", kind="rate",
             formula=ratio_formula("{row.actual_area}", "{row.approved_area}"),
             compute=lambda r: ratio(r.actual_area, r.approved_area)),
        Cell(0, 5, INPUT, field="budget_investment", kind="amount"),
        Cell(0, 6, INPUT, field="actual_investment", kind="amount"),
        Cell(0, 7, COMPUTED, field="investment_control_rate", kind="rate",
             formula=ratio_formula("{row.actual_investment}", "{row.budget_investment}"),
             compute=lambda r: ratio(r.actual_investment, r.budget_investment)),
    ], end_label=FRUGALITY_LABEL, height=22)

    b.next_row(80)
    b.label(1, FRUGALITY_LABEL, header=True)
    b.input(2, "frugality_measures", cols=6, align="left")
    b.note(FOOTNOTE, height=44)
    return b.build()


BASIC = SheetKind(
    "basic", "基础数据表", lambda sheet, caps, settings: basic_layout(sheet, caps, settings),
    get=lambda sub: sub.basic_data, attach=lambda sub, b: setattr(sub, "basic_data", b), new=BasicData,
    title=BASIC_TITLE, capacities={"special_funds": DEFAULT_SPECIAL_FUNDS, "buildings": DEFAULT_BUILDINGS})

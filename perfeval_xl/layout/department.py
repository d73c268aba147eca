"""部门整体支出绩效自评表, Yueyang form (DOMAIN §A2): landscape, laid out like the printed form.

The 年度预算申请 block is the project table's 项目资金 block with the revenue and spending splits
under it, side by side as printed; the 绩效指标 table and 总分/等级 are the project table's own
(``indicators_and_total``), so both tables score and grade alike.
"""

from __future__ import annotations

from ..core.model import DepartmentTable
from ..core.settings import Settings
from .grid import Builder, Layout
from .project import FUNDING_COLUMNS, execution_cells, indicators_and_total
from .workbook import SheetKind

DEPARTMENT_TITLE = "部门整体支出绩效自评表"
INCOME_ROWS = (("income_general_budget", "一般公共预算："), ("income_government_fund", "政府性基金拨款："),
               ("income_special_account", "纳入专户管理的非税收入拨款："), ("income_other", "其他资金："))
# Each spending line spans two income lines (the printed form leaves a blank line under each).
SPENDING_ROWS = (("spending_basic", "其中：基本支出："), ("spending_project", "项目支出："))
DEFAULT_INDICATOR_ROWS = 30  # the Yueyang form of seed 003 prints 27


def department_layout(sheet: str = "部门整体支出绩效自评表", capacity: int = DEFAULT_INDICATOR_ROWS,
                      settings: Settings | None = None) -> Layout:
    settings = settings or Settings.default()
    # The 绩效指标 columns A:I, with F:I wide enough for the budget block's 全年执行数 | 分值 | 执行率 | 得分.
    b = Builder("department", sheet, widths=[8, 10, 22, 18, 24, 10, 9, 20, 9])
    b.title(DEPARTMENT_TITLE)
    b.note("金额单位：万元", height=16, col=7, cols=3)

    b.next_row(24)
    b.label(1, "预算部门名称", cols=2)
    b.input(3, "dept_name", cols=7, align="left")

    # 年度预算申请: column A holds the block label, B:C the row labels, D:F the three budget columns.
    first = b.next_row(30)
    block_rows = 2 + 1 + len(INCOME_ROWS)
    b.label(1, "年度预算申请（万元）", rows=block_rows, header=True)
    b.label(2, "", cols=2, header=True)
    for i, (_, text) in enumerate(FUNDING_COLUMNS):
        b.label(4 + i, text, header=True)
    for i, text in enumerate(("分值", "执行率", "得分")):
        b.label(7 + i, text, header=True)
    b.next_row(22)
    b.label(2, "年度资金总额", cols=2, align="left")
    for i, (column, _) in enumerate(FUNDING_COLUMNS):
        b.input(4 + i, f"budget.{column}", "amount")
    execution_cells(b, "budget", settings)

    b.next_row(22)
    b.label(2, "按收入性质分：", cols=2, align="left")
    b.label(4, "", cols=2)
    b.label(6, "按支出性质分：", cols=2, align="left")
    b.label(8, "", cols=2)
    for i, (field_path, text) in enumerate(INCOME_ROWS):
        b.next_row(22)
        b.label(2, text, cols=2, align="left")
        b.input(4, field_path, "amount", cols=2)
        if i % 2 == 0:
            spending, spending_text = SPENDING_ROWS[i // 2]
            b.label(6, spending_text, cols=2, rows=2, align="left")
            b.input(8, spending, "amount", cols=2, rows=2)
    assert b.row == first + block_rows - 1

    b.next_row(22)
    b.label(1, "年度总体目标", cols=2, rows=2, header=True)
    b.label(3, "预期目标", cols=3, header=True)
    b.label(6, "实际完成情况", cols=4, header=True)
    b.next_row(120)
    b.input(3, "goal_expected", cols=3, align="left")
    b.input(6, "goal_actual", cols=4, align="left")

    indicators_and_total(b, capacity, settings)
    return b.build()


DEPARTMENT = SheetKind(
    "department", "部门整体支出绩效自评表",
    lambda sheet, caps, settings: department_layout(sheet, caps["indicators"], settings),
    get=lambda sub: sub.department, attach=lambda sub, d: setattr(sub, "department", d), new=DepartmentTable,
    title=DEPARTMENT_TITLE, capacities={"indicators": DEFAULT_INDICATOR_ROWS})

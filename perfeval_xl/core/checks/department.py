"""Checks of the 部门整体支出绩效自评表 totals (DOMAIN §A2, §D second paragraph)."""

from __future__ import annotations

from typing import Iterator

from ..catalog import Hit, hit, rule
from ..model import DepartmentTable
from ..score import fmt_number
from .compare import amounts_differ, total

_INCOME = ("income_general_budget", "income_government_fund", "income_special_account", "income_other")
_SPENDING = ("spending_basic", "spending_project")


def _split_check(table: DepartmentTable, names: tuple[str, ...], target: float | None, settings):
    values = [getattr(table, n) for n in names]
    parts_sum = total(values)
    if target is None or parts_sum is None or not amounts_differ(parts_sum, target, settings):
        return None
    shown = " + ".join(f"{DepartmentTable.label_of(n)} {fmt_number(v or 0.0)}" for n, v in zip(names, values))
    return shown, parts_sum


@rule("D201", "收入性质分项之和不等于全年预算数", severity="错误", scope="department",
      message="{table}：按收入性质分 {parts} = {sum}，全年预算数为 {budget}。",
      hint="一般公共预算 + 政府性基金拨款 + 纳入专户管理的非税收入拨款 + 其他资金 = 全年预算数。",
      what="按收入性质分的四项之和等于年度资金总额的全年预算数。",
      why="收入结构与预算总额不符，说明分项漏填或口径不一。",
      example="王家河街道：1467.43 + 0 + 0 + 109.83 = 1577.26，与全年预算数一致 → 通过。",
      basis="部门整体支出绩效自评表（年度预算申请：按收入性质分、按支出性质分）")
def check_income_split(ctx, table: DepartmentTable) -> Iterator[Hit]:
    found = _split_check(table, _INCOME, table.budget.annual_budget, ctx.settings)
    if found:
        yield hit(table.budget, "annual_budget", "按收入性质分", parts=found[0], sum=fmt_number(found[1]),
                  budget=fmt_number(table.budget.annual_budget))


@rule("D202", "支出性质分项之和不等于全年执行数", severity="错误", scope="department",
      message="{table}：按支出性质分 {parts} = {sum}，全年执行数为 {executed}。",
      hint="基本支出 + 项目支出 = 全年执行数。",
      what="按支出性质分的基本支出与项目支出之和等于全年执行数。",
      why="支出结构与执行总额不符，说明分项漏填或口径不一。",
      example="王家河街道：1023.74 + 553.52 = 1577.26 → 通过。",
      basis="部门整体支出绩效自评表（年度预算申请：按收入性质分、按支出性质分）")
def check_spending_split(ctx, table: DepartmentTable) -> Iterator[Hit]:
    found = _split_check(table, _SPENDING, table.budget.executed, ctx.settings)
    if found:
        yield hit(table.budget, "executed", "按支出性质分", parts=found[0], sum=fmt_number(found[1]),
                  executed=fmt_number(table.budget.executed))


@rule("D203", "项目支出与基础数据表不一致", severity="提示", scope="department",
      message="{table}：项目支出为 {stated}，基础数据表的项目支出本年决算数为 {basic}。",
      hint="两张表的项目支出应为同一口径；口径不同的，请在情况说明中写明。",
      what="部门整体支出绩效自评表的项目支出等于基础数据表“项目支出”行的本年决算数。",
      why="同一数字在两张表中不一致，评审会要求说明。",
      example="王家河街道：553.52 与 553.52 → 通过。",
      basis="部门整体支出绩效自评表与附件1 基础数据表（表间数字一致）")
def check_project_spending_matches_basic(ctx, table: DepartmentTable) -> Iterator[Hit]:
    basic = ctx.submission.basic_data
    if basic is None or table.spending_project is None:
        return
    final = basic.expense("project_spending").final
    if final is not None and amounts_differ(table.spending_project, final, ctx.settings):
        yield hit(table, "spending_project", "按支出性质分", stated=fmt_number(table.spending_project),
                  basic=fmt_number(final))


@rule("D204", "项目表执行数之和超过部门项目支出", severity="提示", scope="department",
      message="{table}：项目支出为 {stated}，本工作簿 {count} 张项目支出绩效自评表的全年执行数合计 {projects}，超过了项目支出。",
      hint="各项目的全年执行数都是部门项目支出的一部分，合计不应超过它；请核对项目表和部门整体支出绩效自评表中的数字。",
      what="同一工作簿中各项目支出绩效自评表“年度资金总额”的全年执行数之和，不超过部门整体支出绩效自评表的项目支出。",
      why="项目只是部门项目支出的一部分（往往只评重点项目），合计超过部门数说明有一处数字填错或口径不一。",
      example="项目支出 35 万元，两张项目表全年执行数 30 + 20 = 50 万元 → 提示。",
      basis="部门整体支出绩效自评表与附件1 基础数据表（表间数字一致）")
def check_projects_within_project_spending(ctx, table: DepartmentTable) -> Iterator[Hit]:
    executed = [p.funding_total.executed for p in ctx.submission.projects if p.funding_total.executed is not None]
    if table.spending_project is None or not executed:
        return
    projects = total(executed)
    if projects > table.spending_project + float(ctx.settings["tolerance.amount"]) + 1e-9:
        yield hit(table, "spending_project", "按支出性质分", stated=fmt_number(table.spending_project),
                  count=len(executed), projects=fmt_number(projects))

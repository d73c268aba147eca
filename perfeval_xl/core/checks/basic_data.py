"""Checks of the 基础数据表 (附件1; DOMAIN §A3, §D second paragraph)."""

from __future__ import annotations

from typing import Iterator

from ..catalog import Hit, hit, rule
from ..model import EXPENSE_LABELS, EXPENSE_ROWS, BasicData, BuildingRow, ExpenseRow
from ..score import fmt_number, fmt_percent
from .compare import amounts_differ, rate_matches, total

_COLUMNS = ("prior_final", "budget", "final")
# Parents whose value must equal the sum of their children (公用经费 only bounds its 其中 rows).
_SUMMED_PARENTS = ("three_public", "vehicles", "project_spending")


def _children(basic: BasicData, parent: str) -> list[tuple[str, ExpenseRow]]:
    rows = [(EXPENSE_LABELS[k], basic.expense(k)) for k, _, p in EXPENSE_ROWS if p == parent]
    if parent == "project_spending":  # 3、本级专项资金 (one row per 专项) belong to 项目支出 too
        rows += [(f"本级专项资金「{r.name}」" if r.name else "本级专项资金", r) for r in basic.special_funds]
    return rows


def _column_label(column: str) -> str:
    return ExpenseRow.label_of(column)


@rule("B301", "人员控制率计算错误", severity="错误", scope="basic_data",
      message="{table}：控制率填报为 {stated}，实际在职人数 {actual} ÷ 编制数 {authorized} = {expected}。",
      hint="控制率 = 实际在职人数 ÷ 编制数。",
      what="财政供养人员情况的控制率等于实际在职人数除以编制数（按填报小数位四舍五入）。",
      why="人员控制率是评分表“人员控制率”一项的依据。",
      example="砂子塘街道：48 ÷ 55 = 87.27%，填 87% → 通过。",
      basis="附件2 评分表 人员控制率评分要点")
def check_staff_rate(ctx, basic: BasicData) -> Iterator[Hit]:
    if basic.staff_control_rate is None or not basic.staff_authorized or basic.staff_actual is None:
        return
    rate = basic.staff_actual / basic.staff_authorized
    if not rate_matches(basic.staff_control_rate, rate, ctx.settings):
        yield hit(basic, "staff_control_rate", "财政供养人员情况", stated=fmt_percent(basic.staff_control_rate),
                  actual=fmt_number(basic.staff_actual), authorized=fmt_number(basic.staff_authorized),
                  expected=fmt_percent(rate))


@rule("B302", "经费分项之和与合计不符", severity="错误", scope="basic_data",
      message="{table}：{row}的{field}为 {stated}，其分项 {parts} 之和为 {expected}。",
      hint="三公经费 = 公务用车 + 出国 + 公务接待；公务用车 = 购置 + 运行维护；项目支出 = 各编号分项与本级专项之和。",
      what="三公经费、公务用车购置和维护经费、项目支出三行的每一列，都等于其分项之和（区级专项资金为说明行，不计入）。",
      why="分项与合计不一致是基础数据表最常见的抄录错误，评分表的控制率也会随之算错。",
      example="王家河街道 2023 年决算：项目支出 553.52 = 业务经费 5 + 运行维护经费 0 + 本级专项 548.52 → 通过。",
      basis="附件1 部门整体支出绩效自评基础数据表 填表说明")
def check_parent_sums(ctx, basic: BasicData) -> Iterator[Hit]:
    for parent in _SUMMED_PARENTS:
        row = basic.expenses.get(parent)
        if row is None:
            continue
        children = _children(basic, parent)
        for column in _COLUMNS:
            stated = getattr(row, column)
            values = [getattr(r, column) for _, r in children]
            expected = total(values)
            if stated is None or expected is None or not amounts_differ(stated, expected, ctx.settings):
                continue
            parts = " + ".join(f"{name} {fmt_number(v)}" for (name, _), v in zip(children, values) if v is not None)
            yield hit(row, column, EXPENSE_LABELS[parent], stated=fmt_number(stated), parts=parts,
                      expected=fmt_number(expected))


@rule("B303", "公用经费小于其中项之和", severity="错误", scope="basic_data",
      message="{table}：公用经费的{field}为 {stated}，小于其中办公经费、水电差旅、会议培训之和 {expected}。",
      hint="公用经费是一般商品和服务支出的总额，不能小于所列的“其中”各项之和。",
      what="公用经费每一列不小于其“其中”各行之和。",
      why="其中项超过总额，说明总额或分项填错了口径。",
      example="公用经费 30、其中办公经费 20、水电差旅 15 → 报错。",
      basis="附件1 基础数据表 说明（公用经费 = 一般商品和服务支出）")
def check_public_funds(ctx, basic: BasicData) -> Iterator[Hit]:
    row = basic.expenses.get("public_funds")
    if row is None:
        return
    for column in _COLUMNS:
        stated = getattr(row, column)
        expected = total([getattr(r, column) for _, r in _children(basic, "public_funds")])
        if stated is not None and expected is not None and stated < expected and amounts_differ(stated, expected, ctx.settings):
            yield hit(row, column, "公用经费", stated=fmt_number(stated), expected=fmt_number(expected))


def _rate_hits(ctx, row: BuildingRow, rate_field: str, actual_field: str, planned_field: str):
    stated = getattr(row, rate_field)
    actual, planned = getattr(row, actual_field), getattr(row, planned_field)
    labels = {"actual_label": _bare(BuildingRow.label_of(actual_field)), "planned_label": _bare(BuildingRow.label_of(planned_field))}
    if stated is None or actual is None or planned is None:
        return
    if planned == 0:
        if actual == 0:
            return  # nothing approved and nothing built: the rate is moot, any entry is harmless
        yield hit(row, rate_field, f"楼堂馆所「{row.name}」" if row.name else "楼堂馆所", stated=fmt_percent(stated),
                  actual=fmt_number(actual), planned=fmt_number(planned), expected="无法计算（批复数为 0）", **labels)
        return
    rate = actual / planned
    if not rate_matches(stated, rate, ctx.settings):
        yield hit(row, rate_field, f"楼堂馆所「{row.name}」" if row.name else "楼堂馆所", stated=fmt_percent(stated),
                  actual=fmt_number(actual), planned=fmt_number(planned), expected=fmt_percent(rate), **labels)


@rule("B304", "楼堂馆所控制率计算错误", severity="错误", scope="basic_data",
      message="{table}{row}：{field}填报为 {stated}，{actual_label} {actual} ÷ {planned_label} {planned} = {expected}。",
      hint="规模控制率 = 实际规模 ÷ 批复规模；投资概算控制率 = 实际投资 ÷ 预算投资。",
      what="楼堂馆所的规模控制率与投资概算控制率等于实际数除以批复（预算）数；批复数与实际数都为 0 时不检查。",
      why="楼堂馆所是预算约束的重点，控制率错误会掩盖超规模、超概算。",
      example="批复 1000㎡、实际 1100㎡、规模控制率填 100% → 报错（应为 110%）。",
      basis="附件1 基础数据表 楼堂馆所控制情况")
def check_building_rates(ctx, basic: BasicData) -> Iterator[Hit]:
    for row in basic.buildings:
        yield from _rate_hits(ctx, row, "area_control_rate", "actual_area", "approved_area")
        yield from _rate_hits(ctx, row, "investment_control_rate", "actual_investment", "budget_investment")


def _bare(label: str) -> str:
    """"实际规模（㎡）" → "实际规模"."""
    return label.split("（")[0]


@rule("B305", "三公经费超过上年决算", severity="提示", scope="basic_data",
      message="{table}：三公经费本年决算数 {final} 超过上年决算数 {prior}。",
      hint="三公经费原则上只减不增；确有增加的，请在情况说明中写明原因。",
      what="三公经费本年决算数不超过上年决算数。",
      why="评分表“三公经费控制率”要求“不超当年预算，不超上年决算”。",
      example="上年决算 6.6、本年决算 7.2 → 提示。",
      basis="附件2 “三公经费”控制率评分要点")
def check_three_public_vs_last_year(ctx, basic: BasicData) -> Iterator[Hit]:
    row = basic.expenses.get("three_public")
    if row and row.final is not None and row.prior_final is not None and row.final > row.prior_final and amounts_differ(row.final, row.prior_final, ctx.settings):
        yield hit(row, "final", "三公经费", final=fmt_number(row.final), prior=fmt_number(row.prior_final))


@rule("B306", "三公经费超过本年预算", severity="提示", scope="basic_data",
      message="{table}：三公经费本年决算数 {final} 超过本年预算数 {budget}（控制率 {rate}）。",
      hint="核对决算数；超预算的，请在情况说明中写明原因。",
      what="三公经费本年决算数不超过本年预算数。",
      why="超预算会在评分表“三公经费控制率”中扣分（每超 1% 扣 0.15 分）。",
      example="预算 6.64、决算 7.00 → 提示。",
      basis="附件2 “三公经费”控制率评分标准")
def check_three_public_vs_budget(ctx, basic: BasicData) -> Iterator[Hit]:
    row = basic.expenses.get("three_public")
    if row and row.final is not None and row.budget is not None and row.final > row.budget and amounts_differ(row.final, row.budget, ctx.settings):
        rate = fmt_percent(row.final / row.budget) if row.budget else "无法计算（预算为 0）"
        yield hit(row, "final", "三公经费", final=fmt_number(row.final), budget=fmt_number(row.budget), rate=rate)


@rule("B307", "实际在职人数超过编制数", severity="提示", scope="basic_data",
      message="{table}：实际在职人数 {actual} 超过编制数 {authorized}。",
      hint="核对人数口径（以财政部门确定的部门决算编制口径为准）；确实超编的，请说明。",
      what="实际在职人数不超过编制数。",
      why="超编会在评分表“人员控制率”中扣分。",
      example="编制 55、在职 58 → 提示。",
      basis="附件2 人员控制率")
def check_overstaffed(ctx, basic: BasicData) -> Iterator[Hit]:
    if basic.staff_actual is not None and basic.staff_authorized is not None and basic.staff_actual > basic.staff_authorized:
        yield hit(basic, "staff_actual", "财政供养人员情况", actual=fmt_number(basic.staff_actual),
                  authorized=fmt_number(basic.staff_authorized))


@rule("B308", "合计或比率未填写", severity="错误", scope="basic_data",
      message="{table}：{row}的{field}未填写，而{parts} 已填写，应为 {expected}。",
      hint="填写合计或比率（用模板的工作簿时恢复该单元格的公式即可）。",
      what="三公经费、公务用车、项目支出、公用经费各列的合计，人员控制率，楼堂馆所的规模控制率和投资概算控制率："
           "所依据的数字已填写时，合计或比率本身也已填写。",
      why="空白的合计或比率在打印件和汇总中都缺一个数，评分表的控制率也无从核对。",
      example="编制数 55、实际在职人数 48，控制率空白 → 报错（应为 87.27%）。",
      basis="附件1 部门整体支出绩效自评基础数据表（合计行、控制率）")
def check_blank_totals_and_rates(ctx, basic: BasicData) -> Iterator[Hit]:
    for parent in (*_SUMMED_PARENTS, "public_funds"):
        row = basic.expenses.get(parent)
        children = _children(basic, parent)
        for column in _COLUMNS:
            values = [getattr(r, column) for _, r in children]
            expected = total(values)
            if expected is None or (row is not None and getattr(row, column) is not None):
                continue
            parts = " + ".join(f"{name} {fmt_number(v)}" for (name, _), v in zip(children, values) if v is not None)
            # 公用经费 is at least the sum of its 其中 rows, not equal to it
            shown = fmt_number(expected) if parent != "public_funds" else f"不小于 {fmt_number(expected)}"
            # a row never read (JSON without it) has no cell: the finding names row and column
            yield Hit(row, column, EXPENSE_LABELS[parent], {"parts": f"分项 {parts}", "expected": shown}) \
                if row is not None else Hit(None, _column_label(column), EXPENSE_LABELS[parent],
                                            {"parts": f"分项 {parts}", "expected": shown})
    if basic.staff_control_rate is None and basic.staff_actual is not None and basic.staff_authorized:
        yield hit(basic, "staff_control_rate", "财政供养人员情况",
                  parts=f"实际在职人数 {fmt_number(basic.staff_actual)}、编制数 {fmt_number(basic.staff_authorized)}",
                  expected=fmt_percent(basic.staff_actual / basic.staff_authorized))
    for b in basic.buildings:
        for rate_field, actual_field, planned_field in (("area_control_rate", "actual_area", "approved_area"),
                                                        ("investment_control_rate", "actual_investment", "budget_investment")):
            actual, planned = getattr(b, actual_field), getattr(b, planned_field)
            if getattr(b, rate_field) is None and actual is not None and planned:
                yield hit(b, rate_field, f"楼堂馆所「{b.name}」" if b.name else "楼堂馆所",
                          parts=f"{_bare(BuildingRow.label_of(actual_field))} {fmt_number(actual)}、"
                                f"{_bare(BuildingRow.label_of(planned_field))} {fmt_number(planned)}",
                          expected=fmt_percent(actual / planned))

"""Checks of the 评分表 (附件2; DOMAIN §A4, §D second paragraph)."""

from __future__ import annotations

from typing import Iterator

from ..catalog import Hit, hit, rule
from ..model import RubricSheet
from ..rubric import ITEMS_BY_KEY, RUBRIC_ITEMS, describe_input
from ..score import fmt_number, fmt_points
from .compare import points_differ, total

RUBRIC_TOTAL = 100.0


def _row(key: str) -> str:
    item = ITEMS_BY_KEY.get(key)
    return f"「{item.name}」" if item else f"「{key}」"


@rule("R401", "评分项目分值与标准不符", severity="错误", scope="rubric",
      message="{table}{row}：分值填报为 {stated}，{expected}。",
      hint="按附件2 的标准分值填写，各项合计 100 分。",
      what="评分表每一项的分值等于附件2 规定的分值，且没有标准以外的项目。",
      why="分值改动会让不同单位的总分不可比。",
      example="人员控制率分值填 5（标准为 4）→ 报错。",
      basis="附件2 部门整体支出绩效自评评分表")
def check_rubric_points(ctx, sheet: RubricSheet) -> Iterator[Hit]:
    for entry in sheet.entries:
        item = ITEMS_BY_KEY.get(entry.key)
        if item is None:
            yield hit(entry, "key", _row(entry.key), stated=fmt_number(entry.points), expected="该项目不在附件2 评分标准中")
        elif entry.points is not None and entry.points != item.points:
            yield hit(entry, "points", _row(entry.key), stated=fmt_number(entry.points),
                      expected=f"评分标准规定为 {fmt_number(item.points)} 分")


@rule("R402", "评分表缺少评分项目", severity="错误", scope="rubric",
      message="{table}：缺少评分项目{row}（{points} 分）。",
      hint="按附件2 补齐全部评分项目。",
      what="附件2 的 24 个三级指标都在评分表中。",
      why="缺项会使合计不足 100 分。",
      example="评分表没有“结转结余”一行 → 报错。",
      basis="附件2")
def check_rubric_complete(ctx, sheet: RubricSheet) -> Iterator[Hit]:
    present = {e.key for e in sheet.entries}
    for item in RUBRIC_ITEMS:
        if item.key not in present:
            yield hit(None, "", f"「{item.name}」", points=fmt_number(item.points))


@rule("R403", "评分表合计与各项之和不符", severity="错误", scope="rubric",
      message="{table}：{field}填报为 {stated}，各项之和为 {expected}。",
      hint="合计 = 各评分项目之和。",
      what="评分表合计行的分值等于 100、得分等于各项自评得分之和。",
      why="合计是部门整体支出自评的结果分数。",
      example="砂子塘街道：各项得分之和 92.1，合计 92.1 → 通过。",
      basis="附件2 部门整体支出绩效自评评分表（合计 100 分）")
def check_rubric_total(ctx, sheet: RubricSheet) -> Iterator[Hit]:
    if sheet.total_points is not None and abs(sheet.total_points - RUBRIC_TOTAL) > 1e-6:
        yield hit(sheet, "total_points", "合计", stated=fmt_number(sheet.total_points), expected=fmt_number(RUBRIC_TOTAL))
    expected = total([e.score for e in sheet.entries])
    if sheet.total_score is not None and expected is not None and points_differ(sheet.total_score, expected, ctx.settings):
        yield hit(sheet, "total_score", "合计", stated=fmt_number(sheet.total_score), expected=fmt_number(round(expected, 4)))


@rule("R404", "评分表得分超出分值范围", severity="错误", scope="rubric",
      message="{table}{row}：自评得分 {score} 不在 0 至分值 {points} 之间。",
      hint="得分不能为负，也不能超过该项分值。",
      what="评分表每一项满足 0 ≤ 自评得分 ≤ 分值。",
      why="超过分值的得分会让合计超过 100。",
      example="信息公开性分值 2、得分 3 → 报错。",
      basis="附件2")
def check_rubric_range(ctx, sheet: RubricSheet) -> Iterator[Hit]:
    for entry in sheet.entries:
        item = ITEMS_BY_KEY.get(entry.key)
        points = item.points if item else entry.points
        if entry.score is not None and points is not None and not 0 <= entry.score <= points:
            yield hit(entry, "score", _row(entry.key), score=fmt_number(entry.score), points=fmt_number(points))


@rule("R405", "自评得分与按基础数据计算的得分不符", severity="错误", scope="rubric",
      message="{table}{row}：自评得分 {stated}，按基础数据表和评分依据计算为 {expected}。{explanation}",
      hint="按评分标准重新计分，或核对基础数据表与评分依据中的数字。",
      what="能由基础数据表和单位填写的评分依据（是/否、违规例数、等级、比率）计算的评分项，自评得分与计算结果一致（容差见规则文件）。",
      why="评分表的多数分数可由数字机械得出，手工计分常有差错。",
      example="三公经费决算 3.25、预算 6.64，控制率 48.95% ≤ 100%：应得 2 分。",
      basis="附件2 各项评分标准（算法见 docs/rules.md）")
def check_rubric_recomputed(ctx, sheet: RubricSheet) -> Iterator[Hit]:
    computed = {item.key: score for item, score in ctx.rubric_result().items}
    for entry in sheet.entries:
        score = computed.get(entry.key)
        if score is None or score.value is None or entry.score is None:
            continue
        if points_differ(entry.score, score.value, ctx.settings):
            yield hit(entry, "score", _row(entry.key), stated=fmt_points(entry.score), expected=fmt_points(score.value),
                      explanation=score.explanation)


@rule("R406", "评分依据不全，无法核对得分", severity="提示", scope="rubric",
      message="{table}{row}：缺少评分依据（{missing}），无法核对自评得分。",
      hint="在评分依据中填写这些事实，工具即可核对该项得分。",
      what="每个评分项需要的基础数据和评分依据（事实）都已填写。",
      why="没有依据的得分无法复核；区财政局会要求补充。",
      example="人员控制率缺少“聘用人员是否超过批复数” → 提示。",
      basis="附件2 评分要点")
def check_rubric_facts(ctx, sheet: RubricSheet) -> Iterator[Hit]:
    for item, score in ctx.rubric_result().items:
        if score.value is None and score.missing:
            labels = "；".join(describe_input(m) for m in score.missing)
            entry = sheet.entry(item.key)
            yield hit(entry, "score" if entry else "", f"「{item.name}」", missing=labels)

"""Checks of 项目支出 and 部门整体支出 self-evaluation tables (DOMAIN §D, first paragraph)."""

from __future__ import annotations

import operator
from typing import Iterator

from ..catalog import Hit, hit, rule
from ..model import Indicator, PerformanceTable, ProjectTable, indicator_title, strip_placeholder
from ..score import fmt_number, fmt_percent, fmt_points
from ..scoring import IndicatorResult, capped_total, execution_rate, grade_of, total_cap
from ..taxonomy import TAXONOMIES, TAXONOMY_NAMES, belongs, detect_version, normalize_level
from .compare import amounts_differ, points_differ, rate_matches, total

BASIS_C2 = "财预〔2020〕10号《项目支出绩效评价管理办法》及附件自评表；计分口径见 docs/rules.md“规则文件中的省份口径”"


def row_of(ind: Indicator) -> str:
    return f"指标「{indicator_title(ind.name)}」"


def header_hit(table: PerformanceTable, column: str, row: str, label: str = "", **values) -> Hit:
    """A finding about a whole column of the 绩效指标 table: its cell is the column's header
    (recorded by the reader as the source of "indicators.<column>")."""
    src = table.source(f"indicators.{column}")
    return Hit(None, label or Indicator.label_of(column), row, values,
               sheet=src.sheet if src else "", cell=src.cell if src else "")


def indicators(ctx, table: PerformanceTable) -> list[IndicatorResult]:
    return ctx.table_result(table).indicators


@rule("T101", "执行率与执行数/预算数不符", severity="错误", scope="table",
      message="{table}：执行率填报为 {stated}，按全年执行数 {executed} ÷ 全年预算数 {budget} 计算应为 {expected}。",
      hint="按“全年执行数 ÷ 全年预算数”重新计算执行率（保留两位小数）。",
      what="年度资金总额行的执行率等于全年执行数除以全年预算数，按填报的小数位四舍五入后一致。",
      why="执行率决定预算执行得分，也是区汇总排名的依据；手算的执行率常有尾差或抄错。",
      example="预留奖金：105.95 ÷ 115.50 = 91.73%，表中填 91.74% → 报错。",
      basis="财预〔2020〕10号附件 项目支出绩效自评表（执行率 = 全年执行数 ÷ 全年预算数）")
def check_execution_rate(ctx, table: PerformanceTable) -> Iterator[Hit]:
    row = table.budget_row
    rate = execution_rate(row.executed, row.annual_budget)
    if table.execution_rate is None or rate is None:
        return
    if not rate_matches(table.execution_rate, rate, ctx.settings):
        yield hit(table, "execution_rate", "年度资金总额", stated=fmt_percent(table.execution_rate),
                  executed=fmt_number(row.executed), budget=fmt_number(row.annual_budget),
                  expected=fmt_percent(rate))


@rule("T102", "全年执行数超过全年预算数", severity="提示", scope="table",
      message="{table}：全年执行数 {executed} 万元超过全年预算数 {budget} 万元（执行率 {rate}）。",
      hint="核对执行数；确属超预算支出的，在情况说明中写明原因和资金来源。",
      what="全年执行数不大于全年预算数。",
      why="超预算支出需要有追加预算或其他资金来源的说明。",
      example="全年预算数 50、全年执行数 52 → 提示。",
      basis="《中华人民共和国预算法》第十三条（支出以经批准的预算为依据）")
def check_overspend(ctx, table: PerformanceTable) -> Iterator[Hit]:
    row = table.budget_row
    if row.executed is not None and row.annual_budget is not None and amounts_differ(row.executed, row.annual_budget, ctx.settings) and row.executed > row.annual_budget:
        yield hit(row, "executed", "年度资金总额", executed=fmt_number(row.executed),
                  budget=fmt_number(row.annual_budget),
                  rate=fmt_percent(execution_rate(row.executed, row.annual_budget)) if row.annual_budget else "无法计算")


@rule("T103", "预算执行率分值不符合规定", severity="错误", scope="table",
      message="{table}：预算执行率的分值填报为 {stated}，按规定应为 {expected} 分。",
      hint="把年度资金总额行的“分值”改为规定分值；指标分值相应调整为合计 100 分。",
      what="年度资金总额行的分值等于规则文件中的预算执行率分值（默认 10 分）。",
      why="执行率分值与指标分值共同构成 100 分；填成 100 的表会把总分算错。",
      example="洋湖街道各项目表在执行率行填“分值 100”→ 报错。",
      basis="财预〔2020〕10号附件 项目支出绩效自评表（预算执行率 10 分；可在规则文件 execution.points 中改为 20 分）")
def check_execution_points(ctx, table: PerformanceTable) -> Iterator[Hit]:
    expected = float(ctx.settings["execution.points"])
    if table.execution_points is not None and table.execution_points != expected:
        yield hit(table, "execution_points", "年度资金总额", stated=fmt_number(table.execution_points),
                  expected=fmt_number(expected))


@rule("T104", "预算执行得分计算错误", severity="错误", scope="table",
      message="{table}：预算执行得分填报为 {stated}，按规则应为 {expected}。计算：{explanation}",
      hint="按“分值 × min(执行率, 100%)”重新计算预算执行得分。",
      what="年度资金总额行的得分等于规定分值 × min(执行率, 100%)（或规则文件中的档次）。",
      why="执行得分是总分的一部分，算错会直接影响等级。",
      example="执行率 93.70%、分值 10：得分应为 9.37。",
      basis="财预〔2020〕10号附件 项目支出绩效自评表（得分 = 分值 × 执行率，不超过分值；规则文件 execution）")
def check_execution_score(ctx, table: PerformanceTable) -> Iterator[Hit]:
    expected = ctx.table_result(table).execution
    if table.execution_score is None or expected.value is None:
        return
    if points_differ(table.execution_score, expected.value, ctx.settings):
        yield hit(table, "execution_score", "年度资金总额", stated=fmt_points(table.execution_score),
                  expected=fmt_points(expected.value), explanation=expected.explanation)


@rule("T105", "指标分值合计不符", severity="错误", scope="table",
      message="{table}：绩效指标分值合计为 {stated} 分，应为 {expected} 分（100 分减去预算执行率 {execution} 分）。",
      hint="调整各指标分值，使合计等于规定值。",
      what="所有绩效指标（不含空白占位行）的分值之和等于 100 减去执行率分值（默认 10，即 90）。",
      why="分值合计不对，总分就不是百分制，等级失去可比性。",
      example="五个指标各 20 分，合计 100 分 → 报错（应为 90 分）。",
      basis="财预〔2020〕10号附件 项目支出绩效自评表（预算执行率 10 分，绩效指标合计 90 分，总分 100 分）")
def check_indicator_points_total(ctx, table: PerformanceTable) -> Iterator[Hit]:
    results = indicators(ctx, table)
    stated = total([r.indicator.points for r in results])
    execution = float(ctx.settings["execution.points"])
    expected = float(ctx.settings["indicators.table_total_points"]) - execution
    if stated is not None and abs(stated - expected) > 1e-6:
        yield header_hit(table, "points", "绩效指标", stated=fmt_number(stated), expected=fmt_number(expected),
                         execution=fmt_number(execution))


@rule("T106", "得分超出分值范围", severity="错误", scope="table",
      message="{table}{row}：得分 {score} 不在 0 至分值 {points} 之间。",
      hint="得分不能为负，也不能超过该行分值。",
      what="每个指标行和执行率行满足 0 ≤ 得分 ≤ 分值。",
      why="超过分值的得分会让总分超过 100。",
      example="分值 10、得分 12 → 报错。",
      basis="财预〔2020〕10号附件 项目支出绩效自评表（得分不超过分值）")
def check_score_range(ctx, table: PerformanceTable) -> Iterator[Hit]:
    if table.execution_score is not None and table.execution_points is not None:
        if not 0 <= table.execution_score <= table.execution_points:
            yield hit(table, "execution_score", "年度资金总额", score=fmt_number(table.execution_score),
                      points=fmt_number(table.execution_points))
    for r in indicators(ctx, table):
        ind = r.indicator
        if ind.score is not None and ind.points is not None and not 0 <= ind.score <= ind.points:
            yield hit(ind, "score", row_of(ind), score=fmt_number(ind.score), points=fmt_number(ind.points))


@rule("T107", "总分与各项得分之和不符", severity="错误", scope="table",
      message="{table}：总分填报为 {stated}，预算执行得分 {execution} 加各指标得分 {indicators} 合计为 {expected}。",
      hint="总分 = 预算执行得分 + 各绩效指标得分之和。",
      what="总分行的得分等于执行率得分与全部指标得分之和。",
      why="总分是自评结果和等级的依据，漏加执行得分是常见错误。",
      example="执行得分 100、指标得分 98、总分填 98 → 报错。",
      basis="财预〔2020〕10号附件 项目支出绩效自评表（总分 = 预算执行得分 + 各指标得分）")
def check_total(ctx, table: PerformanceTable) -> Iterator[Hit]:
    if table.total_score is None:
        return
    result = ctx.table_result(table)
    expected = result.stated_total
    # with [execution.caps] on, the sum lowered to its cap is right too (above the cap is T121's)
    capped = capped_total(expected, table_rate(table), ctx.settings)
    if expected is not None and points_differ(table.total_score, expected, ctx.settings) \
            and points_differ(table.total_score, capped, ctx.settings):
        ind_sum = total([r.indicator.score for r in result.indicators]) or 0.0
        yield hit(table, "total_score", "总分", stated=fmt_points(table.total_score),
                  execution=fmt_points(table.execution_score or 0.0), indicators=fmt_points(ind_sum),
                  expected=fmt_points(expected))


@rule("T108", "总分分值不为 100", severity="错误", scope="table",
      message="{table}：总分行的分值填报为 {stated}，应为 {expected} 分。",
      hint="总分分值固定为 100 分。",
      what="总分行的分值等于 100（规则文件 indicators.table_total_points）。",
      why="百分制是评级（优良中差）的前提。",
      example="总分分值填 90 → 报错。",
      basis="财预〔2020〕10号附件 项目支出绩效自评表（总分 100 分）")
def check_total_points(ctx, table: PerformanceTable) -> Iterator[Hit]:
    expected = float(ctx.settings["indicators.table_total_points"])
    if table.total_points is not None and table.total_points != expected:
        yield hit(table, "total_points", "总分", stated=fmt_number(table.total_points), expected=fmt_number(expected))


@rule("T109", "扣分但未说明偏差原因", severity="错误", scope="table",
      message="{table}{row}：得分 {score} 低于分值 {points}，但未填写偏差原因分析及改进措施。",
      hint="在“偏差原因分析及改进措施”栏写明未达到满分的原因和改进措施。",
      what="得分低于分值的指标必须填写偏差原因分析及改进措施。",
      why="扣分而不说明原因，评审无法判断扣分是否合理，也无从整改。",
      example="“远程教育站点及时维护”分值 20、得分 19，偏差原因为空 → 报错。",
      basis="财预〔2020〕10号附件 项目支出绩效自评表（偏差原因分析及改进措施）")
def check_deviation_reason(ctx, table: PerformanceTable) -> Iterator[Hit]:
    for r in indicators(ctx, table):
        ind = r.indicator
        if ind.score is not None and ind.points is not None and ind.score < ind.points and not ind.deviation_reason.strip():
            yield hit(ind, "deviation_reason", row_of(ind), score=fmt_number(ind.score), points=fmt_number(ind.points))


@rule("T110", "得分高于按规则计算的得分", severity="错误", scope="table",
      message="{table}{row}：得分填报为 {stated}，高于按规则计算的 {expected}。{explanation}",
      hint="按计分规则重新评分；如有特殊情况，请修改年度指标值或实际完成值使其可比。",
      what="定量指标的得分不高于按计分规则（正向、反向、零目标、复合）计算的建议得分（容差见规则文件）。",
      why="定量指标未完成却给满分，是评审最常指出的自评问题。",
      example="目标 ≥100 次、实际 80 次、分值 10：建议 8 分，填 10 分 → 报错。",
      basis=BASIS_C2)
def check_over_scored(ctx, table: PerformanceTable) -> Iterator[Hit]:
    return _score_deviations(ctx, table, sign=1)


def _score_deviations(ctx, table: PerformanceTable, sign: int) -> Iterator[Hit]:
    """Quantitative rows whose stated score is above (sign 1) or below (sign −1) the rule's."""
    for r in indicators(ctx, table):
        s, ind = r.score, r.indicator
        if s.kind != "定量" or s.value is None or ind.score is None:
            continue
        if (ind.score - s.value) * sign > 0 and points_differ(ind.score, s.value, ctx.settings):
            yield hit(ind, "score", row_of(ind), stated=fmt_points(ind.score), expected=fmt_points(s.value),
                      explanation=s.explanation)


@rule("T111", "得分低于按规则计算的得分", severity="提示", scope="table",
      message="{table}{row}：得分填报为 {stated}，低于按规则计算的 {expected}。{explanation}",
      hint="核对得分；如为从严评分，请在情况说明中写明理由。",
      what="定量指标的得分不低于按计分规则计算的建议得分（容差见规则文件）。",
      why="低于规则的得分可能是算错，也可能是有意从严；需要说明才能区分。",
      example="目标 100%、实际 99%、分值 5：建议 4.95 分，填 4 分 → 提示。",
      basis=BASIS_C2)
def check_under_scored(ctx, table: PerformanceTable) -> Iterator[Hit]:
    return _score_deviations(ctx, table, sign=-1)


@rule("T112", "定性指标得分不在评级区间内", severity="错误", scope="table",
      message="{table}{row}：评定为“{grade}”，得分应在 {low}–{high} 分之间，填报为 {stated}。",
      hint="按定性评级对应的区间评分，或修改定性评级。",
      what="单位选择了定性评级的指标，得分落在该等级的区间内（达成 80%–100%，部分达成 60%–80%，未达成 0–60%）。",
      why="定性指标由单位评级，区间是唯一的机械约束。",
      example="评定为“部分达成”、分值 10、得分 9 → 报错（应在 6–8 分之间）。",
      basis="财预〔2020〕10号附件 项目支出绩效自评表 填表说明（定性指标三档：达成 100%–80%，部分达成 80%–60%，未达成 60%–0）")
def check_qualitative_band(ctx, table: PerformanceTable) -> Iterator[Hit]:
    for r in indicators(ctx, table):
        s, ind = r.score, r.indicator
        if s.band and not s.grade_inferred and ind.score is not None and not _in_band(ind.score, s.band, s.points):
            yield hit(ind, "score", row_of(ind), grade=s.grade, low=fmt_number(s.band[0]),
                      high=fmt_number(s.band[1]), stated=fmt_number(ind.score))


def _in_band(score: float, band: tuple[float, float], points: float | None) -> bool:
    low, high = band
    top_inclusive = points is not None and high >= points
    return low - 1e-9 <= score and (score <= high + 1e-9 if top_inclusive else score < high - 1e-9)


@rule("T113", "定性指标已达成但得分偏低", severity="提示", scope="table",
      message="{table}{row}：实际完成值与年度指标值一致（视为达成），达成区间为 {low}–{high} 分，填报得分 {stated}。",
      hint="确认是否达成；未完全达成的，请选择“部分达成”并说明原因。",
      what="实际完成值复述或确认了年度指标值（如“及时”对“及时支付”）的定性指标，得分在达成区间内。",
      why="完成值写“达成”而得分落在部分达成区间，文字与分数自相矛盾。",
      example="目标“按时”、实际“按时”、分值 20、得分 15 → 提示。",
      basis="财预〔2020〕10号附件 项目支出绩效自评表 填表说明（定性指标三档）")
def check_inferred_met(ctx, table: PerformanceTable) -> Iterator[Hit]:
    for r in indicators(ctx, table):
        s, ind = r.score, r.indicator
        if s.band and s.grade_inferred and s.grade == "达成" and ind.score is not None and ind.score < s.band[0] - 1e-9:
            yield hit(ind, "score", row_of(ind), low=fmt_number(s.band[0]), high=fmt_number(s.band[1]),
                      stated=fmt_number(ind.score))


@rule("T114", "缺少必要的一级指标", severity="提示", scope="table",
      message="{table}：没有{level1}指标。",
      hint="至少设置一个该一级指标下的三级指标；确实无法设置的，请在情况说明中说明。",
      what="每张表至少各有一个产出、效益、满意度指标（规则文件 indicators.required_level1）。",
      why="绩效目标应同时反映产出、效益和服务对象满意度。",
      example="党建办综合工作经费只有产出和满意度指标 → 提示缺少效益指标。",
      basis="财预〔2020〕10号附件 绩效指标体系（产出、效益、满意度）")
def check_required_level1(ctx, table: PerformanceTable) -> Iterator[Hit]:
    present = set()
    for r in indicators(ctx, table):
        present.add(normalize_level(r.indicator.level1))
        if normalize_level(r.indicator.level2) == "服务对象满意度":  # the legacy form files it under 效益
            present.add("满意度")
    for level1 in ctx.settings["indicators.required_level1"]:
        if level1 not in present:
            # one key per level: one 情况说明 each; the cell is the 一级指标 column's header
            yield header_hit(table, "level1", "绩效指标", label=f"一级指标（{level1}）", level1=level1)


@rule("T115", "年度指标值与实际完成值无法比较", severity="提示", scope="table",
      message="{table}{row}：{explanation}",
      hint="实际完成值应与年度指标值同类：百分比对百分比、数量对数量并用同一单位。",
      what="定量的年度指标值配有同类的实际完成值（同为百分比，或同一计量单位的数量）。",
      why="“80%”的目标配“满意”的完成值无法定量评分，得分缺乏依据。",
      example="居民满意度：目标 80%、实际“满意” → 提示，请填写调查得到的满意率。",
      basis="财预〔2020〕10号附件 项目支出绩效自评表 填表说明（定量指标按实际完成值与年度指标值计分）")
def check_comparable(ctx, table: PerformanceTable) -> Iterator[Hit]:
    for r in indicators(ctx, table):
        if r.score.rule == "C2.mismatch":
            yield hit(r.indicator, "actual", row_of(r.indicator), explanation=r.score.explanation)


@rule("T116", "超额完成未说明原因", severity="提示", scope="table",
      message="{table}{row}：实际完成为目标的 {ratio}（超过 {threshold}），未说明原因。",
      hint="在偏差原因栏分析超额原因：是否年初目标定得过低，下年度如何调整。",
      what="实际完成值超过年度指标值一定比例（默认 120%）的定量指标，填写了偏差原因分析。",
      why="大幅超额往往说明目标设定偏低，评审要求分析。",
      example="补助社区支出：目标 20 万、实际 30 万（150%），偏差原因为空 → 提示。",
      basis="财预〔2020〕10号（目标设定合理性）；规则文件 indicators.over_achievement_ratio（见 docs/rules.md“规则文件中的省份口径”）")
def check_over_achievement(ctx, table: PerformanceTable) -> Iterator[Hit]:
    threshold = float(ctx.settings["indicators.over_achievement_ratio"])
    for r in indicators(ctx, table):
        s, ind = r.score, r.indicator
        if s.kind != "定量" or s.rule == "C2.reverse" or ind.deviation_reason.strip():
            continue
        ratios = [x for x in s.inputs.get("part_ratios", [s.ratio]) if x is not None]
        if ratios and max(ratios) > threshold + 1e-9:
            yield hit(ind, "deviation_reason", row_of(ind), ratio=fmt_percent(max(ratios)),
                      threshold=fmt_percent(threshold, 0))


@rule("T117", "二级指标不属于所填一级指标", severity="错误", scope="table",
      message="{table}{row}：二级指标“{level2}”不属于一级指标“{level1}”（按{taxonomy}）。",
      hint="按指标体系选择二级指标，或改正一级指标。",
      what="二级指标属于其一级指标（财预〔2020〕10号、财预〔2021〕101号两套体系，按表中是否有“成本指标”一级自动识别，或在规则文件 indicators.taxonomy 中指定）。",
      why="指标归类错误会使产出、效益、满意度的权重统计失真。",
      example="一级“效益指标”下填二级“时效指标” → 报错。",
      basis="财预〔2020〕10号；财预〔2021〕101号 附件 绩效指标体系")
def check_taxonomy(ctx, table: PerformanceTable) -> Iterator[Hit]:
    results = indicators(ctx, table)
    pairs = [(r.indicator.level1, r.indicator.level2) for r in results]
    version = ctx.settings["indicators.taxonomy"]
    if version not in TAXONOMIES:
        version = detect_version(pairs)
    for r in results:
        ind = r.indicator
        if ind.level1.strip() and ind.level2.strip() and not belongs(ind.level1, ind.level2, version):
            yield hit(ind, "level2", row_of(ind), level1=ind.level1.strip(), level2=ind.level2.strip(),
                      taxonomy=TAXONOMY_NAMES[version])


_REQUIRED_ROW_FIELDS = ("level1", "level2", "name", "target", "actual", "points", "score")
_ROW_VALUES = operator.attrgetter(*_REQUIRED_ROW_FIELDS)


@rule("T118", "指标行填写不完整", severity="错误", scope="table",
      message="{table}{row}：已填写部分内容，但缺少{missing}。",
      hint="补齐该行，或删除整行内容使其成为空白占位行。",
      what="除空白占位行外，每个指标行都填写了一级、二级、三级指标、年度指标值、实际完成值、分值和得分。",
      why="半填的行无法评分，也说明表格可能漏填。",
      example="三级指标已填、分值为空 → 报错。",
      basis="财预〔2020〕10号附件 项目支出绩效自评表（印制表格的空白占位行不检查）")
def check_half_filled(ctx, table: PerformanceTable) -> Iterator[Hit]:
    for r in indicators(ctx, table):
        ind = r.indicator
        missing = [n for n, v in zip(_REQUIRED_ROW_FIELDS, _ROW_VALUES(ind)) if _blank(v, n)]
        if missing:
            labels = "、".join(Indicator.label_of(n) for n in missing)
            yield hit(ind, missing[0], row_of(ind), missing=labels)


def _blank(value, name: str) -> bool:
    if name == "name":
        return not strip_placeholder(value)
    return value is None or (isinstance(value, str) and not value.strip())


@rule("T119", "等级与总分不符", severity="错误", scope="table",
      message="{table}：等级填报为“{stated}”，总分 {total} 对应等级为“{expected}”。",
      hint="按总分确定等级：优 ≥ 90，良 80–90，中 60–80，差 < 60。",
      what="填报的等级与总分对应（规则文件 grades）。",
      why="等级是对外公开和下年预算安排的依据。",
      example="总分 88、等级“优” → 报错。",
      basis="财预〔2020〕10号《项目支出绩效评价管理办法》（优 ≥ 90，良 80–90，中 60–80，差 < 60；规则文件 grades）")
def check_grade(ctx, table: PerformanceTable) -> Iterator[Hit]:
    if not table.stated_grade.strip() or table.total_score is None:
        return
    # with [execution.caps] on, the grade follows the capped total (as the template's 等级 formula does);
    # a total above its cap is T121's finding, not a second one here
    expected = grade_of(capped_total(table.total_score, table_rate(table), ctx.settings), ctx.settings)
    if table.stated_grade.strip() != expected:
        yield hit(table, "stated_grade", "总分", stated=table.stated_grade.strip(),
                  total=fmt_number(table.total_score), expected=expected)


_FUNDING_COLUMNS = ("initial_budget", "annual_budget", "executed")


@rule("T120", "资金来源合计不符", severity="错误", scope="project",
      message="{table}：{field}的年度资金总额为 {stated}，当年财政拨款 {current} + 上年结转 {carryover} + 其他资金 {other} = {expected}。",
      hint="年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金（逐列核对）。",
      what="项目资金的年初预算数、全年预算数、全年执行数三列，年度资金总额都等于三项资金来源之和。",
      why="资金来源分项与合计不一致，说明有漏填或抄错。",
      example="年度资金总额 186、当年财政拨款 180、其他为空 → 报错。",
      basis="财预〔2020〕10号附件 项目支出绩效自评表（年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金）")
def check_funding_sum(ctx, table: ProjectTable) -> Iterator[Hit]:
    parts = (table.funding_current_year, table.funding_carryover, table.funding_other)
    for column in _FUNDING_COLUMNS:
        stated = getattr(table.funding_total, column)
        values = [getattr(p, column) for p in parts]
        expected = total(values)
        if stated is None or expected is None:
            continue
        if amounts_differ(stated, expected, ctx.settings):
            yield hit(table.funding_total, column, "年度资金总额", stated=fmt_number(stated),
                      current=fmt_number(values[0] or 0.0), carryover=fmt_number(values[1] or 0.0),
                      other=fmt_number(values[2] or 0.0), expected=fmt_number(expected))


def table_rate(table: PerformanceTable) -> float | None:
    """The execution rate from the figures, or the stated rate where the figures are missing."""
    row = table.budget_row
    rate = execution_rate(row.executed, row.annual_budget)
    return rate if rate is not None else table.execution_rate


@rule("T121", "总分超过执行率对应的上限", severity="错误", scope="table",
      message="{table}：总分填报为 {stated}，预算执行率为 {rate}；按一体化规则，{cap_rule}。",
      hint="把总分调低到上限以内（等级随之调整）；执行率算错的，先改正全年执行数或全年预算数。",
      what="规则文件 [execution.caps] 启用时（默认不启用），填报的总分不超过执行率对应的上限"
           "（默认：执行率低于 80%、70%、60%、50% 的，总分分别不超过 89、79、69、59 分）。",
      why="预算管理一体化系统按执行率给总分封顶；超过上限的自评总分在系统中会被压低，等级也随之改变。",
      example="执行率 55%、总分 78.85：上限 69 分 → 报错。",
      basis="预算管理一体化系统绩效自评模块的执行率封顶规则（部分省份采用，规则文件 execution.caps；"
            "见 docs/rules.md“规则文件中的省份口径”）")
def check_total_cap(ctx, table: PerformanceTable) -> Iterator[Hit]:
    limit = total_cap(table_rate(table), ctx.settings)
    if table.total_score is None or limit is None or table.total_score <= limit.max_total + 1e-9:
        return
    yield hit(table, "total_score", "总分", stated=fmt_points(table.total_score),
              rate=fmt_percent(table_rate(table)), cap=fmt_number(limit.max_total), cap_rule=limit.rule_zh())


@rule("T122", "指标完成情况远超预算执行进度", severity="提示", scope="table",
      message="{table}：绩效指标得分合计 {scored} 分，为指标分值 {points} 分的 {average}（{full} 个指标中 {n_full} 个满分），"
              "而预算执行率只有 {rate}；钱没有花完，目标却几乎全部完成。",
      hint="核对实际完成值和得分是否如实；资金未执行完而目标已完成的，在偏差原因中说明（如年初预算偏高、资金结余）。",
      what="指标平均得分率达到规则文件 warnings.ahead_of_spending.min_average（默认 95%）时，"
           "预算执行率不低于 warnings.ahead_of_spending.max_execution（默认 70%）。",
      why="预算管理一体化系统对“绩效目标完成情况与预算执行进度不匹配”亮灯预警：指标全满分而资金只用了六成，"
          "要么完成值填高了，要么预算编多了。",
      example="执行率 60%，五个指标全部满分 → 提示。",
      basis="预算管理一体化系统绩效自评模块的预警提示；阈值见规则文件 [warnings.ahead_of_spending]")
def check_ahead_of_spending(ctx, table: PerformanceTable) -> Iterator[Hit]:
    rate = table_rate(table)
    scored = [r.indicator for r in indicators(ctx, table) if r.indicator.points and r.indicator.score is not None]
    if rate is None or not scored:
        return
    limits = ctx.settings["warnings.ahead_of_spending"]
    points = sum(i.points for i in scored)
    got = sum(i.score for i in scored)
    average = got / points
    if average + 1e-9 >= float(limits["min_average"]) and rate < float(limits["max_execution"]) - 1e-9:
        n_full = sum(1 for i in scored if i.score >= i.points - 1e-9)
        field_name = "execution_rate" if table.execution_rate is not None else ""
        yield hit(table, field_name, "年度资金总额", scored=fmt_number(got), points=fmt_number(points),
                  average=fmt_percent(average), full=len(scored), n_full=n_full, rate=fmt_percent(rate))


@rule("T123", "全年预算数为 0", severity="提示", scope="table",
      message="{table}：全年预算数为 0{executed}，执行率无法计算，预算执行得分无从评定。",
      hint="核对全年预算数（单位为万元）；确无预算资金的项目不必填报项目支出绩效自评表。",
      what="填了绩效指标的表，年度资金总额的全年预算数不为 0。",
      why="预算管理一体化系统对预算数为 0 的自评亮灯预警：没有预算就没有执行率，多为漏填、填在了其他列或单位写错。",
      example="全年预算数 0、全年执行数 12.5 → 提示。",
      basis="预算管理一体化系统绩效自评模块的预警提示")
def check_zero_budget(ctx, table: PerformanceTable) -> Iterator[Hit]:
    row = table.budget_row
    if row.annual_budget is None or row.annual_budget != 0 or not indicators(ctx, table):
        return
    executed = f"，全年执行数为 {fmt_number(row.executed)} 万元" if row.executed else ""
    yield hit(row, "annual_budget", "年度资金总额", executed=executed)

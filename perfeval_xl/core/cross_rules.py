"""Texts of the cross-submission rules X501–X505 (run by the roll-up, ``rollup.rules.cross_check``).

Only what every rule says of itself lives here, so that the one registry (``core.registry``)
lists them with the per-submission catalog without importing the roll-up. They are not in
``catalog.RULES``: ``validate`` would run them on one submission with nothing to compare against.
"""

from __future__ import annotations

from .catalog import RuleDoc, rule_doc

ROLLUP_SCOPE = "rollup"


def _rule(code: str, title: str, severity: str, **text: str) -> RuleDoc:
    return rule_doc(code, title, severity, ROLLUP_SCOPE, **text)


ROLLUP_RULES: dict[str, RuleDoc] = {r.code: r for r in (
    _rule("X501", "同一单位同一年度重复报送", "提示",
          message="{unit}（{year} 年度）共收到 {count} 份报送：{files}。按封面填报日期（未填或相同时按文件修改时间）采用最新的“{kept}”；本文件{status}。",
          hint="确认采用的是最终稿；把旧稿移出汇总文件夹后重新汇总。",
          what="同一单位（预算编码和单位名称都相同；未填预算编码的按单位名称）同一年度只有一份报送。"
               "预算编码相同而单位名称不同的报送不合并，由 X503 报告。",
          why="重复的报送会让金额和得分被计算两次；邮件往来中常有“终稿”“修改稿”并存。",
          example="“洋湖街道2022.xlsx”和“洋湖街道2022（修改）.xlsx”单位名称和预算编码（124013）都相同 → 采用较新的一份，两份都列出。",
          basis="区级汇总：一个单位一年一份自评报送"),
    _rule("X502", "模板版本无法识别", "错误",
          message="模板版本为“{version}”，不是本工具认识的版本（当前为 {current}，可读取：{known}）{detail}。",
          hint="请用区财政局下发的最新模板重新填写后报送；如果模板比本工具新，请升级 perfeval-xl。",
          what="工作簿封面的模板版本是本工具认识的版本。",
          why="不同版本的模板单元格位置可能不同，按错误的位置读取会得到错误的数字。",
          example="封面“模板版本”为 2020.1 → 报错。",
          basis="本工具各版本的模板（版本号见模板封面和 README）"),
    _rule("X503", "预算编码与单位名称不一致", "错误",
          message="{detail}",
          hint="核对封面的单位名称（填全称）和预算编码（以财政部门编制的编码为准），改正后重新报送。",
          what="同一预算编码在所有报送中对应同一单位名称，同一单位名称只对应一个预算编码（跨年度也核对）。",
          why="汇总和逐年对比按预算编码识别单位；编码填错会把一个街道的数字算到另一个街道名下。",
          example="两份报送预算编码都是 124013，单位名称分别为洋湖街道办事处和坪塘街道办事处 → 两份都报错。",
          basis="区级汇总：同一单位预算编码一致"),
    _rule("X504", "模板版本已过时或未标注", "提示",
          message="{detail}",
          hint="下次请使用最新模板；本次请核对汇总中该单位的数字与原表一致。",
          what="工作簿使用当前版本的模板，且带有模板版本标记。",
          why="旧版或来历不明的工作簿仍可读取，但单元格位置可能与当前模板不同，数字需要人工核对。",
          example="没有“单位信息”封面的项目支出绩效自评表 → 提示。",
          basis="模板版本标记（封面“单位信息”）"),
    _rule("X505", "单位名称或年度未填写", "错误",
          message="封面未填写{missing}；汇总按单位和年度归集数字，缺少时无法可靠地识别该单位，也无法检查是否重复报送。",
          hint="在“单位信息”封面填写单位全称、预算编码和年度后重新报送。",
          what="每份报送填写了单位名称和年度（预算编码建议填写）。",
          why="汇总按单位和年度归集数字；没有单位或年度的报送无法归属。",
          example="封面单位名称为空 → 报错。",
          basis="区级汇总（docs/rules.md）"),
)}

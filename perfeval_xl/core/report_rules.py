"""Texts of the report-check rules W601–W609 (run by ``report.check`` with a 自评报告 .docx).

Kept in core so that the one registry (``core.registry``) lists them without importing the report
package; not in ``catalog.RULES``: they need the report file, which ``validate`` only has with
``--report``.
"""

from __future__ import annotations

from .catalog import RuleDoc, rule_doc

REPORT_SCOPE = "report"


def _rule(code: str, title: str, severity: str, **text: str) -> RuleDoc:
    return rule_doc(code, title, severity, REPORT_SCOPE, **text)


_BASIS = "自评报告所述数字与自评表一致（上年为 0 时不计算增长率；占比之和一致）"

REPORT_RULES: dict[str, RuleDoc] = {r.code: r for r in (
    _rule("W601", "报告所述总分与表不一致", "错误",
          message="{where}写明自评得分 {stated} 分，{table_name}的{basis}为 {expected} 分。原文：“{quote}”",
          hint="以自评表为准改正报告中的得分；如自评表有误，先改表再改报告。",
          what="报告中“自评得分××分”“总分××分”等所述得分，等于对应自评表的总分（总分未填时为执行得分与指标得分之和；没有自评表时为评分表合计）。",
          why="报告与自评表一同公开，得分前后不一会让审核和公众无所适从。",
          example="表中总分 98 分，报告写“自评得分 100 分” → 报错。",
          basis=_BASIS),
    _rule("W602", "报告所述等级与表不一致", "错误",
          message="{where}写明等级为“{stated}”，按{table_name}的得分 {score} 分应为“{expected}”。原文：“{quote}”",
          hint="按自评表总分和等级标准改正报告中的等级。",
          what="报告中所述的评价等级（优、良、中、差）与自评表总分对应的等级一致（等级标准见规则文件 grades）。",
          why="等级决定结果应用；文字中的等级必须与表格一致。",
          example="表中总分 86 分（良），报告写“等级为优” → 报错。",
          basis=_BASIS),
    _rule("W603", "报告所述金额与表不一致", "错误",
          message="{where}写明{label} {stated} 万元，{source}为 {expected} 万元。原文：“{quote}”",
          hint="以表格为准改正报告中的金额；如表格有误，先改表再改报告。",
          what="报告中可以对应到表格的金额（全年预算数、全年执行数、基本支出、项目支出、“三公”经费及其分项、公用经费、会议费培训费、政府采购金额、业务/运行维护专项，本年及上年决算数）与表格一致；"
               "表中合为一行的项目（如“会议费、培训费”），报告所述任一项不超过该行金额。",
          why="报告中的金额是表格的复述，两者不一致时至少有一处是错的。",
          example="基础数据表“会议费、培训费”本年决算数 2.32 万元，报告写“培训费 9.82 万” → 报错。",
          basis=_BASIS),
    _rule("W604", "报告所述比率与表不一致", "错误",
          message="{where}写明{label} {stated}，按表格 {formula} = {expected}。原文：“{quote}”",
          hint="以表格为准改正报告中的比率（按报告所写的小数位四舍五入）。",
          what="报告中的预算执行率、人员控制率、“三公”经费控制率，等于由表格数字重新计算的比率（按报告所写小数位四舍五入）。",
          why="比率是最常被抄错的数字；按表格重算一遍即可发现。",
          example="表中执行数 105.95、预算数 115.50，报告写“执行率 91.74%”（应为 91.73%）→ 报错。",
          basis=_BASIS),
    _rule("W605", "报告所述分项之和与合计不符", "提示",
          message="{where}：合计 {total} 万元，所列分项 {parts} 之和为 {sum} 万元。原文：“{quote}”",
          hint="核对合计和各分项金额；如“其中”只列出了部分项目，可在情况说明中注明后保留。",
          what="报告中“合计××万元，其中：A ××万元，B ××万元……”或“主要用于……”所列分项金额之和等于所述合计；"
               "“A ××万元、B ××元，合计（共计）××万元”所列各项之和等于其后的合计。金额按万元比较，"
               "写作元或亿元的金额先换算为万元。",
          why="分项之和与合计不符，说明有金额抄错或漏列。",
          example="“项目支出 3533.12 万元，其中：业务工作专项 1902.77 万元，运行维护专项 1630.35 万元” → 两项之和 3533.12，通过。",
          basis=_BASIS),
    _rule("W606", "报告所述占比与金额不符", "错误",
          message="{where}写明{label} {part} 万元占{whole_label} {stated}，按 {part} ÷ {whole} 应为 {expected}。原文：“{quote}”",
          hint="按所述金额重新计算占比（按报告所写小数位四舍五入）。",
          what="报告中“××万元，占××的××%”的占比，等于该金额除以报告所述的总额（报告未写总额时用表格的全年执行数）。",
          why="占比由金额计算而来，写错后各项占比之和也对不上。",
          example="“公共安全支出 269 万元，占总支出的 4.95%”，总支出 5428.73 万元，269 ÷ 5428.73 = 4.96% → 报错（砂子塘街道 2020 年报告）。",
          basis=_BASIS),
    _rule("W607", "报告所述增长率与金额不符", "错误",
          message="{where}写明{label}{direction} {stated}，按本年 {current} 万元、上年 {prior} 万元计算应为{expected}。原文：“{quote}”",
          hint="增长率 =（本年数 − 上年数）÷ 上年数；按报告所写的小数位四舍五入后改正。",
          what="报告中的同比增减额和增长（下降）率，与本年数、上年数一致；上年数取报告所述，报告未写时取基础数据表的上年决算数。",
          why="增长率是审核人员重点看的数字，算错会误导对支出变化的判断。",
          example="“政府性基金预算支出 16 万元，比上年增加 9.51 万元，增长 146.45%”：上年 6.49 万元，9.51 ÷ 6.49 = 146.53% → 报错（伍家岭街道 2022 年报告）。",
          basis=_BASIS),
    _rule("W608", "上年为 0 时写了增长率", "错误",
          message="{where}写明{label}{direction} {stated}，但上年数为 0，增长率无意义，不应填写。原文：“{quote}”",
          hint="上年为 0 时只写增加额（如“比上年增加 38.45 万元，上年无此项支出”），不写增长率。",
          what="上年数为 0 时，报告不写增长（下降）百分比。",
          why="以 0 为基数的增长率无法计算，写“增长 100%”是错误的。",
          example="“国有资本经营预算支出 38.45 万元，比上年增加 38.45 万元，增长 100%” → 报错（伍家岭街道 2022 年报告）。",
          basis=_BASIS),
    _rule("W609", "报告中仍有待填写的内容", "提示",
          message="{where}仍有待经办人填写的内容：{quote}",
          hint="把【请填写：……】换成单位自己的文字后再报送。",
          what="由本工具起草的报告中，以【请填写：……】标出的内容都已由经办人填写。",
          why="起草稿中需要单位自己说明的内容，工具不代写；遗留的占位符说明报告尚未完成。",
          example="“【请填写：单位主要职能职责】”仍在报告中 → 提示。",
          basis="perfeval-xl report 的占位符约定"),
)}

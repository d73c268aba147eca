"""Where provinces (or sources) differ: the rules-file keys that carry each reading, for docs/rules.md.

Each entry names the key, its national default, the other readings a district may choose and
where each comes from. The values themselves live only in default_rules.toml; a test checks that
every key named here is there with the default stated here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Variant:
    key: str  # dotted key of the rules file
    default: Any
    what: str
    readings: str  # the default and the alternatives, in words
    source: str


VARIANTS: tuple[Variant, ...] = (
    Variant("execution.points", 10, "预算执行率分值",
            "10 分（默认）；部分省份 20 分", "财预〔2020〕10号附件 项目支出绩效自评表（预算执行率 10 分）"),
    Variant("indicators.over_achievement_ratio", 1.2, "超额完成须说明原因的比例（T116）",
            "实际完成值超过年度指标值的 120%（默认）；部分省份 130%（“超过 30%”）",
            "财预〔2020〕10号（目标设定的合理性：大幅超额说明目标偏低，须分析）；各省自评通知"),
    Variant("indicators.deviation.enabled", False, "偏离扣分",
            "不启用（默认）；启用后实际完成值偏离年度指标值达 indicators.deviation.ratio（默认 30%，"
            "无论超额或不足）的定量指标，在按比例计分后再扣 indicators.deviation.deduction × 分值（默认 10%）；"
            "复合指标按完成程度最低的一项计分，不另扣",
            "部分省份的自评办法把偏差 30% 及以上视为偏离并扣分；全国文件无此规定。启用前请按本省文件核对比例和扣分"),
    Variant("indicators.reverse_method", "linear_to_double", "反向（成本类，越低越好）指标的计分方法",
            "linear_to_double（默认）：实际不超过目标得满分，超过后线性递减，达到目标的 2 倍得 0 分；"
            "inverse_ratio：得分 = 分值 × 年度指标值 ÷ 实际完成值",
            "linear_to_double：预算管理一体化系统绩效自评模块的成本指标算法；"
            "inverse_ratio：多地项目支出绩效自评表填表说明中的反向指标算法"),
    Variant("execution.caps.enabled", False, "执行率封顶总分（T121）",
            "不启用（默认）；启用后执行率低于 80%、70%、60%、50% 的，总分分别不超过 89、79、69、59 分"
            "（execution.caps.caps 可改）",
            "预算管理一体化系统绩效自评模块（部分省份）；全国文件无此规定"),
    Variant("warnings.ahead_of_spending.min_average", 0.95, "指标完成远超预算执行的提示（T122）",
            "指标平均得分率不低于 95%、且执行率低于 warnings.ahead_of_spending.max_execution（默认 70%）时提示",
            "预算管理一体化系统绩效自评模块的预警提示（“指标完成情况与预算执行进度不匹配”）"),
)


def variants_markdown(settings: Any) -> str:
    lines = ["## 规则文件中的省份口径", "",
             "以下各项各地口径不一：工具按默认口径计分和审核，区县可在自己的规则文件中只写要改的项"
             "（`perfeval-xl validate --rules 区规则.toml …`）。", "",
             "| 设置项 | 默认 | 内容 | 可选口径 | 来源 |", "|---|---|---|---|---|"]
    for v in VARIANTS:
        lines.append(f"| `{v.key}` | `{_toml(settings[v.key])}` | {v.what} | {v.readings} | {v.source} |")
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)

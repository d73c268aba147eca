"""填报说明: how to fill in the workbook, for a finance clerk who has never seen the tool.

Notes only (no model field, no defined name). What can change is taken from where it is
decided, so the sheet cannot contradict the workbook: the sheets from the kinds list the
workbook is built from, the scoring numbers (分值, bands, grades) from the rules file, the
一级/二级 lists from ``choices``, the version from ``TEMPLATE_VERSION``.
"""

from __future__ import annotations

from typing import Callable

from ..core.model import Submission
from ..core.score import fmt_number
from ..core.settings import Settings
from .choices import LEVEL2_BY_LEVEL1
from .grid import TITLE, Builder, Layout
from .workbook import TEMPLATE_VERSION, SheetKind

GUIDE_TITLE = "填报说明"

# What each sheet is for, by SheetKind.key. A kind not listed here is described by its title.
SHEET_PURPOSE = {
    "cover": "填写单位（部门）名称、预算编码、年度、填报人和填报日期。“模板版本”自动显示，不用填。",
    "guide": "就是本页：各表的用途和填写方法。",
    "project_list": "自动列出各项目表的项目名称、实施单位、全年预算数、全年执行数、执行率、总分和等级，并计算合计。"
                    "不用填写，打印后可作为报送材料的目录。",
    "project": "《项目支出绩效自评表》，一个项目一张表。填写项目名称、项目资金、年度总体目标、绩效指标和签章信息；"
               "年度资金总额、执行率、得分、总分、等级自动计算。表头的“填报单位”“年度”：单位自评工作簿中取自封面，"
               "单独使用项目表时请填写。",
    "department": "《部门整体支出绩效自评表》：部门整体的预算执行、年度总体目标和绩效指标。",
    "basic": "《部门整体支出绩效自评基础数据表》（附件1）：人员编制、经费控制情况、楼堂馆所等基础数据。",
    "rubric": "《部门整体支出绩效自评评分表》（附件2，100 分）：逐项填写自评得分和评分依据。",
}


def _percent(fraction: float) -> str:
    return f"{fmt_number(fraction * 100, 2)}%"


def _sheet_names(kind: SheetKind) -> str:
    if kind.repeated:
        stem = kind.sheet.rstrip("0123456789")
        return f"{stem}1、{stem}2……"
    return kind.sheet


def _layout_title(kind: SheetKind, settings: Settings) -> str:
    layout = kind.layout(settings=settings)
    return next((c.text for c in layout.cells if c.role == TITLE), kind.title)


def guide_layout(sheet: str, settings: Settings, kinds: list[SheetKind]) -> Layout:
    """The guide for a workbook made of ``kinds``."""
    b = Builder("guide", sheet, widths=[16, 84])
    b.title(GUIDE_TITLE)
    b.note(f"模板版本：{TEMPLATE_VERSION}。本工作簿用于街道办事处（单位）的年度预算绩效自评。"
           "请先读完本页再填写；填好后按“七、校验”检查，改正全部错误后报送。")

    def section(text: str) -> None:
        b.next_row(24)
        b.label(1, text, cols=2, header=True, align="left")

    def item(key: str, text: str) -> None:
        b.next_row()
        b.label(1, key)
        b.label(2, text, align="left")

    section("一、各工作表的用途")
    keys = {k.key for k in kinds}
    for kind in kinds:
        item(_sheet_names(kind), SHEET_PURPOSE.get(kind.key) or f"《{_layout_title(kind, settings)}》。")
    # sheets the reader finds by name (project sheets are found by their title; views hold no data)
    fixed = "、".join(f"“{k.sheet}”" for k in kinds if not k.repeated and k.view is None and k.key != "guide")
    item("不要改动", (f"请不要修改{fixed}工作表的名称（程序按名称找到它）；" if fixed else "")
         + "不要删除或移动表中的行、列（增加绩效指标行见“四”）。")

    section("二、单元格颜色")
    item("浅黄色", "需要您填写的单元格。只有黄色单元格可以输入；选中时会显示填写提示。")
    item("浅蓝色", "自动计算（已锁定），如年度资金总额、执行率、执行得分、总分、等级。不用填写，也改不了；"
                  "数字不对时，请检查它所用到的黄色单元格。")
    item("灰色、白色", "表头和说明文字（已锁定）。")

    section("三、数字怎么填")
    item("金额", "一律以“万元”为单位，只填数字，不要带“万元”等文字，如 64.707。单元格里填了文字的，校验会指出。")
    item("比率", "执行率等比率由公式计算，以百分数显示（如 93.70%）。需要自己填写比率时，输入 93.7% 或 0.937 都可以。")
    item("分值、得分", "填数字，最多两位小数。")
    item("指标值", "“年度指标值”和“实际完成值”可以写文字，如“≥200次”“90%”“每月底前”“及时”。"
                 "同一指标的两个值要是同一类：指标值是百分数，完成值也写百分数（不要写“满意”），"
                 "这样才能按比例计算得分。")

    if "project" in keys:
        section("四、增加项目、增加指标行")
        item("增加项目", "在“项目1”工作表标签上点右键 → “移动或复制” → 勾选“建立副本” → 确定；"
                     "双击新工作表的标签，改名为下一个编号，如“项目6”。然后把复制过来的黄色单元格逐项改成新项目的内容。")
        if "project_list" in keys:
            item("项目清单", "“项目清单”只列出生成本工作簿时已有的项目表，新复制的项目表不会自动列入（校验和区汇总照样读取它）。"
                         "项目较多时，请区财政局按预算批复预先生成含全部项目表的工作簿。")
        item("删除项目", "不需要的项目表，清空它的黄色单元格即可（空白的项目表不计入自评）；不要删除工作表"
                     + ("，否则“项目清单”中对应的行会显示 #REF!。" if "project_list" in keys else "。"))
        item("指标行不够", "先撤销工作表保护（见“八”），选中绩效指标表中间的一行（不要选紧挨“总分”的那一行），"
                        "右键 → 插入整行，再把上一行复制到新行（连同下拉框），最后重新保护工作表。"
                        "在表中间插入，总分公式会自动包括新行。")

    section("五、一级、二级指标下拉框")
    level1 = "、".join(LEVEL2_BY_LEVEL1)
    first, seconds = next(iter(LEVEL2_BY_LEVEL1.items()))
    item("先选一级", f"在“一级指标”列点单元格右侧的小箭头，选择：{level1}。")
    item("再选二级", f"同一行的“二级指标”只列出所选一级下的二级指标，如选“{first}”后可选：{'、'.join(seconds)}。"
                   "改了一级指标后，请重新选择二级指标。")
    item("不能手输", "下拉框只接受列表中的内容；手工输入其他文字会被拒绝。三级指标（指标名称）请自己填写。")

    section("六、评分方法")
    points = fmt_number(float(settings["execution.points"]))
    total = fmt_number(float(settings["indicators.table_total_points"]))
    rest = fmt_number(float(settings["indicators.table_total_points"]) - float(settings["execution.points"]))
    if settings["execution.method"] == "bands":
        execution = f"预算执行率分值 {points} 分，按执行率所在档次计分（档次见区财政局规则文件）。"
    else:
        execution = f"预算执行率分值 {points} 分：执行得分 = {points} × 执行率（执行率超过 100% 按 100% 计）。"
    item("执行率", f"执行率 = 全年执行数 ÷ 全年预算数。{execution}")
    item("指标分值", f"各项绩效指标的分值合计 {rest} 分，加上执行率 {points} 分，共 {total} 分。"
                   f"每张表至少要有{'、'.join(settings['indicators.required_level1'])}指标各一项。")
    ratio = _percent(float(settings["indicators.over_achievement_ratio"]))
    item("定量指标", "能用数字比较的指标：实际完成值达到年度指标值的得满分，未达到的按完成比例计分；"
                   "“≤”类指标（如成本、投诉次数）不超过指标值的得满分。"
                   f"实际完成值超过年度指标值 {ratio} 的，请在“偏差原因分析及改进措施”中说明（指标值是否定得过低）。")
    bands = settings["indicators.qualitative_bands"]
    described = "；".join(f"{grade}：得分在分值的 {_percent(lo)}～{_percent(hi)}" + ("（含）" if hi >= 1 else "（不含上限）")
                         for grade, (lo, hi) in bands.items())
    item("定性评级", "不能用数字比较的指标（如“及时”“规范”），在“定性评级”列选择达成程度，再在对应区间内自评得分："
                   f"{described}。校验会检查得分是否落在所选评级的区间内。定量指标不用选。")
    grades = sorted(settings["grades"].items(), key=lambda kv: -kv[1])
    parts = []
    for i, (grade, lower) in enumerate(grades):
        if i == 0:
            parts.append(f"{grade} ≥ {fmt_number(lower)} 分")
        elif lower <= 0:
            parts.append(f"{grade} < {fmt_number(grades[i - 1][1])} 分")
        else:
            upper = fmt_number(grades[i - 1][1])
            parts.append(f"{grade} {fmt_number(lower)}～{upper} 分（不含 {upper}）")
    item("总分和等级", f"总分 = 执行得分 + 各指标得分（自动计算）。等级：{'；'.join(parts)}。")
    item("偏差原因", "得分低于分值的指标，必须填写“偏差原因分析及改进措施”。")

    section("七、校验")
    item("做什么", "点“校验”按钮（装有本工具加载项时），或由区财政局用校验程序检查。校验逐条检查本工作簿：合计是否等于各项之和、执行率和得分是否算对、得分是否超过分值、"
                 "指标是否归类正确、该写的原因是否写了……每个问题都列出所在的工作表和单元格，以及涉及的数字。")
    item("错误", "必须改正，改正后再校验，直到没有错误才能报送。")
    item("提示", "请核实。情况属实、确需保留的（如超额完成、预算调整），附上情况说明（写明原因）后可以保留，不影响报送。")

    section("八、工作表保护")
    item("为什么", "各表设置了工作表保护，是为了防止误删公式、误改表头，没有设置密码。")
    item("怎么撤销", "确需修改时（如插入指标行）：Excel 和 WPS 都是 审阅 → 撤销工作表保护；改完后 审阅 → 保护工作表，"
                   "不要设置密码，方便区财政局核对。")

    section("九、报送")
    item("文件格式", "保存为 .xlsx 格式（不要另存为 .xls），文件名写明单位和年度，如“洋湖街道2022年绩效自评.xlsx”。")
    item("打印", "各表已设置为 A4 纸打印（项目表横向），需要纸质材料时直接打印即可。")
    return b.build()


def _ignore(sub: Submission, obj: object) -> None:
    """Notes only: nothing to put back into the model."""


def guide_kind(kinds_of: Callable[[], list[SheetKind]]) -> SheetKind:
    """The 填报说明 of the workbook made of ``kinds_of()`` (called when a layout is built, so the
    kinds list may include this kind itself)."""
    return SheetKind("guide", "填报说明", lambda sheet, caps, settings: guide_layout(sheet, settings, kinds_of()),
                     get=lambda sub: None, attach=_ignore, new=lambda: None, title=GUIDE_TITLE,
                     printed=lambda sub, obj: False)  # instructions are read on screen, not filed

"""Checks of the submission as a whole: cells the reader could not use, what it saw in the
workbook itself (formulas typed over, rows past the row cap, hidden sheets), and submissions
that are blank or name an impossible year."""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from ..catalog import Hit, rule
from ..model import Submission, path_label
from ..score import fmt_number, fmt_percent

STATES_ZH = {"hidden": "被隐藏", "veryHidden": "被深度隐藏（在 Excel 的“取消隐藏”中看不到）"}


@rule("S101", "数字单元格中填了文字", severity="错误", scope="submission",
      message="{table} {cell}（{field}）应为{expected}，填的是“{text}”。",
      hint="只填数字：金额以万元为单位，百分比如 93.70%；单位和说明请写在偏差原因或情况说明中。"
           "显示 #DIV/0!、#REF! 等错误值的单元格，请改正其公式或所引用的单元格。",
      what="金额、分值、比率等数字单元格中只有数字（全角数字和千分位逗号可以识别）；任何单元格都不显示错误值"
           "（#DIV/0!、#REF!、#NAME? 等）。",
      why="单元格中的“12 次”“约18万”无法参与计算，公式和评分都会出错；显示错误值的单元格没有可用的数。",
      example="全年执行数填“60.63万元”→ 报错（应填 60.63）；执行率显示 #DIV/0!（全年预算数为 0）→ 报错。",
      basis="模板的数据有效性设置（docs/names.md）")
def check_unreadable(ctx, sub: Submission) -> Iterator[Hit]:
    for u in sub.unreadable:
        label = path_label(u.field)
        yield Hit(None, label, "", {"cell": u.cell, "text": u.text, "expected": u.expected, "field": label},
                  sheet=u.sheet, cell=u.cell, table=u.sheet)


@rule("S102", "公式被改写", severity="提示", scope="submission",
      message="{table} {cell}（{field}）在模板中是公式，现在填的是常数“{text}”。",
      hint="恢复模板中的公式（可从新模板中复制该单元格），让它随所填数字自动计算；确需手填的，请在情况说明中写明原因。",
      what="模板中由公式计算的单元格（执行率、合计、得分等）仍是公式，没有被手填的数字覆盖。",
      why="公式被改写为常数后，修改所填数字时它不再随之变化，表中前后数字就会不一致，且不易察觉。",
      example="项目1 H6（执行率）原为 =E6/D6，被改为手填的 0.95 → 提示。",
      basis="模板的公式单元格（docs/names.md 列出各公式单元格）")
def check_formulas(ctx, sub: Submission) -> Iterator[Hit]:
    for n in _notices(sub, "formula_overwritten"):
        label = path_label(n.field)
        yield Hit(None, label, "", {"cell": n.cell, "text": n.text, "field": label}, sheet=n.sheet, cell=n.cell,
                  table=n.sheet)


@rule("S103", "超出读取行数的内容未读取", severity="提示", scope="submission",
      message="{table} 第 {first_row} 行以下还有 {count} 行内容，超出每个工作表最多读取的 {max_rows} 行，未读取。",
      hint="删除表格下方粘贴的多余内容；如确需更多行，请区财政局在规则文件 [limits] 中调高 max_rows。",
      what="每个工作表只读取前 max_rows 行（默认 2000，规则文件 [limits]），以下有内容的行数单列提示。",
      why="表格下方误粘贴的上万行数据会拖慢汇总，其中的内容也不属于任何自评表；未读取的内容要让人知道。",
      example="项目1 第 2001 行以下粘贴了 98000 行明细 → 提示，这些行未读取。",
      basis="SECURITY.md（读取上限）")
def check_rows_ignored(ctx, sub: Submission) -> Iterator[Hit]:
    for n in _notices(sub, "rows_ignored"):
        yield Hit(None, "", "", {"first_row": int(n.text) + 1, "count": n.count, "max_rows": n.text},
                  sheet=n.sheet, cell=n.cell, table=n.sheet)


@rule("S104", "工作簿中有隐藏的工作表", severity="提示", scope="submission",
      message="工作表“{sheet}”{state}。",
      hint="取消隐藏并检查其中内容：不属于自评的工作表请删除后再提交。",
      what="除模板自带的下拉选项表（_lists）外，工作簿中没有隐藏或深度隐藏的工作表。",
      why="隐藏的工作表不易被审核人员看到，可能带有不应提交的数据或被人为藏起的内容。",
      example="工作簿中有深度隐藏的工作表“Sheet3”→ 提示。",
      basis="SECURITY.md")
def check_hidden_sheets(ctx, sub: Submission) -> Iterator[Hit]:
    for n in _notices(sub, "hidden_sheet"):
        yield Hit(None, "", "", {"sheet": n.sheet, "state": STATES_ZH.get(n.text, n.text)},
                  sheet=n.sheet, cell="", table=n.sheet)


@rule("S108", "公式单元格被清空", severity="错误", scope="submission",
      message="{table} {cell}（{field}）在模板中是公式，现在是空白；按所填数字应为 {value}。",
      hint="恢复模板中的公式（可从新模板中复制该单元格），让合计、比率随所填数字自动计算。",
      what="模板中由公式计算的合计、比率、得分等单元格，在其所依据的数字已填写时不是空白。",
      why="空白的合计或比率在打印件和一体化系统中都缺一个数；本工具虽按所填数字代为计算，报送的表格本身仍不完整。",
      example="基础数据表 F4（控制率）的公式被删除，编制数 55、实际在职人数 48 已填 → 报错（应为 87.27%）。",
      basis="模板的公式单元格（docs/names.md）；附件1 基础数据表（合计行、控制率）")
def check_cleared_formulas(ctx, sub: Submission) -> Iterator[Hit]:
    for n in _notices(sub, "formula_cleared"):
        label = path_label(n.field)
        yield Hit(None, label, "", {"cell": n.cell, "value": _shown(n.text, label), "field": label},
                  sheet=n.sheet, cell=n.cell, table=n.sheet)


def _shown(text: str, label: str) -> str:
    """A recomputed value as the form shows it: rates as percentages."""
    try:
        number = float(text)
    except ValueError:
        return text
    return fmt_percent(number) if label.endswith("率") else fmt_number(number)


# The first 年度 a submission may name: the national self-evaluation forms date from the 2000s.
FIRST_YEAR = 2000


def latest_year() -> int:
    """The last 年度 a submission may name: next year (a budget year's forms are made the year before)."""
    return dt.date.today().year + 1


@rule("S105", "空白报送", severity="错误", scope="submission",
      message="{detail}",
      hint="在“单位信息”封面填写单位全称，并至少填写一张自评表（项目支出、部门整体支出、基础数据表或评分表）后再报送。",
      what="报送的工作簿填写了单位名称，并至少填写了一张自评表。",
      why="用 new 生成后未填写就提交的工作簿会被当作“校验通过”，区里汇总时这个单位就少了全部数字却不显眼。",
      example="刚用 perfeval-xl new 生成、未填写任何自评表的工作簿 → 报错；封面单位名称为空 → 报错。",
      basis="财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）：单位自评须如实填报；区财政局年度自评工作通知（每个单位一份完整的报送）")
def check_blank(ctx, sub: Submission) -> Iterator[Hit]:
    # a workbook's cover with its 单位名称 left blank (a submission without a cover is X505's at the roll-up)
    if sub.unit.source("unit_name") is not None and not sub.unit.unit_name.strip():
        yield Hit(sub.unit, "unit_name", "", {"detail": "封面未填写单位名称。"}, table="单位信息")
    if not (sub.projects or sub.department or sub.basic_data or sub.rubric):
        yield Hit(None, "", "", {"detail": "工作簿中的自评表（项目支出、部门整体支出、基础数据表、评分表）都没有填写。"},
                  table="报送")


@rule("S106", "年度不在合理范围内", severity="错误", scope="submission",
      message="{where}为 {year}，不在 {first}–{last} 之间。",
      hint="填写自评所属的预算年度（四位数字，如 2022）。",
      what=f"封面的年度（没有封面时，单独报送的项目支出绩效自评表表头的年度）在 {FIRST_YEAR} 年到明年之间。",
      why="年度填成 22、-5 或 2099 时，汇总会把它当作另一个年度单列，逐年对比也对不上。",
      example="年度填“22”→ 报错（应填 2022）。",
      basis="区财政局年度自评工作通知（按预算年度报送、汇总）")
def check_year(ctx, sub: Submission) -> Iterator[Hit]:
    year = sub.unit.year
    if year is not None and not FIRST_YEAR <= year <= latest_year():
        # the cell the year was read from: the 封面's, or a project table's header when it came alone
        source = sub.unit.source("year")
        where = f"{source.sheet} {source.cell}（{sub.unit.label_of('year')}）" if source else sub.unit.label_of("year")
        yield Hit(sub.unit, "year", "", {"where": where, "year": year, "first": FIRST_YEAR, "last": latest_year()},
                  table="单位信息")


def _notices(sub: Submission, kind: str) -> Iterator:
    """What the reader saw in the workbook itself (S102–S104), one kind at a time."""
    return (n for n in sub.notices if n.kind == kind)

"""部门整体支出绩效自评评分表 (附件2, DOMAIN §A4): landscape, laid out like the printed form.

Part 1 is the form as printed, one row per ``RUBRIC_ITEMS`` entry: 一级 and 二级 merged over their
rows with their points, 三级, 分值, 评分要点, 评分标准, 自评得分 (typed) and one column the paper
form does not have, 计算得分: the item's score by its 评分标准, computed in Excel from the 基础数据表
(``{@basic:…}``) and the facts of part 2 (``{facts.…}``), following the ``[rubric]`` settings the
layout is built with. Its formula and its ``compute`` (``score_rubric``) come from one expression.
Then 合计 and 等级. Part 2, 评分依据, asks every ``FactSpec`` of ``ALL_FACTS``, grouped by item.

Rows and entries. The model keeps ``RubricSheet.entries`` as a list; the form's 24 rows are fixed.
The sheet's object is therefore a ``RubricForm``, a RubricSheet that also holds the entries by key
(``rows``, field paths ``rows.<key>.score``) and the basic data the 计算得分 column reads. ``get``
builds it from a submission (sharing the entry objects), ``attach`` turns what was read back into a
plain RubricSheet: 24 entries in printed order, each keyed by its row, points as printed (a locked
constant cell, ``=2``), score as typed; facts through ``coerce_fact`` (是/否 → True/False, counts
→ int, an unreadable answer kept as typed so that the core reports it).

An empty sheet (no 自评得分 and no 评分依据 answered) reads back as ``rubric = None``, like a
submission that has no 评分表, whatever the constant points and totals hold.

计算得分, 合计 and 等级 are the core's expressions (``core.rubric_exprs``) rendered over the cells:
the same declaration gives the core's value, so the cell and ``score_rubric`` cannot disagree. A
score is "" while any input the item needs is missing or unreadable, exactly when the core's value
is None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .columns import get_column_letter  # not openpyxl's: validate never loads openpyxl

from ..core.expr import Expr, number_text, sum_or_blank
from ..core.model import BasicData, RubricEntry, RubricSheet, Submission, label
from ..core.rubric import (ALL_FACTS, RUBRIC_ITEMS, FactError, FactSpec, RubricItem, coerce_fact, evaluate_rubric,
                           score_expr, score_rubric, shown_fact)
from ..core.rubric_exprs import SCORES, SEVERE, RubricSettingError, rubric_grade, rubric_total
from ..core.score import fmt_number, round_half_up
from ..core.settings import Settings
from .choices import YES_NO_CHOICE
from .grid import Builder, Choice, Layout
from .workbook import SheetKind

RUBRIC_TITLE = "部门整体支出绩效自评评分表"
RUBRIC_SHEET = "评分表"
HEADERS = ("一级指标", "二级指标", "三级指标", "分值", "评分要点", "评分标准", "自评得分", "计算得分")
WIDTHS = [7, 8, 11, 5, 44, 54, 8, 8]
POINTS_COL, SCORE_COL, COMPUTED_COL = 4, 7, 8
FACT_KINDS = {"bool": "text", "choice": "text", "rate": "rate", "count": "count", "amount": "amount",
              "points": "points"}  # FactSpec.kind → layout kind of its answer cell
KIND_HELP = {"bool": "选择“是”或“否”。", "choice": "从下拉列表中选择。", "rate": "填百分数，如 95%。",
             "count": "填整数，0 表示未发现。", "amount": "单位：万元。", "points": "填分数。"}
# Items that also read the 基础数据表 (附件1): what part 2 tells the clerk about it.
BASIC_NOTES = {
    "staff_control": "另取附件1「编制数」「实际在职人数」：在职人员控制率 = 实际在职人数 ÷ 编制数。",
    "budget_execution": "另取附件1「部门整体支出预算调整」本年决算数（未填“预算完成数”时作为预算完成数）。",
    "budget_adjustment": "另取附件1「部门整体支出预算调整」本年预算数（预算调整率的分母）。",
    "three_public_control": "无需填写：按附件1「三公经费」本年决算数 ÷ 本年预算数计算。",
    "procurement": "另取附件1「政府采购金额」本年决算数 ÷ 本年预算数（政府采购执行率）。",
}
NOTE = ("说明：黄色单元格由单位填写。“计算得分”由附件1 基础数据表和下方“评分依据”按评分标准自动计算（已锁定），"
        "供核对自评得分；依据未填全时为空白。资金使用合规性⑦为“是”时等级定为“差”。")


# ---------------------------------------------------------------- the sheet's object


@dataclass
class RubricForm(RubricSheet):
    """A RubricSheet as the form shows it: entries by row key, facts as typed, and the basic data."""

    rows: dict[str, RubricEntry] = field(default_factory=dict, metadata=label("评分项目"))
    basic_data: BasicData | None = None

    @classmethod
    def label_of(cls, name: str) -> str:
        """"facts.has_carryover" → its question, for messages about the cell (S101)."""
        fact = name.removeprefix("facts.")
        if fact != name and fact in ALL_FACTS:
            return f"评分依据：{ALL_FACTS[fact].label}"
        return super().label_of(name)

    @classmethod
    def of(cls, sheet: RubricSheet | None, basic: BasicData | None) -> RubricForm:
        form = cls(basic_data=basic)
        if sheet is not None:
            form.rows = {e.key: e for e in sheet.entries}  # the submission's own entries
            form.total_points, form.total_score = sheet.total_points, sheet.total_score
            form.facts = {name: shown_fact(name, value) for name, value in sheet.facts.items()}
            form.sources = sheet.sources
        return form

    def to_sheet(self) -> RubricSheet | None:
        """The RubricSheet read; None when nothing was scored or answered."""
        entries = []
        for item in RUBRIC_ITEMS:
            row = self.rows.get(item.key) or RubricEntry()
            entries.append(RubricEntry(key=item.key, points=row.points, score=row.score, sources=dict(row.sources)))
        facts = {}
        for name, raw in self.facts.items():
            value = _answer(name, raw)
            if value is not None:
                facts[name] = value
        if not facts and all(e.score is None for e in entries):
            return None
        return RubricSheet(entries=entries, total_points=self.total_points, total_score=self.total_score,
                           facts=facts, sources=dict(self.sources))


def _answer(name: str, raw: Any) -> Any:
    """A fact as the model keeps it; None when blank; an unreadable answer as typed."""
    spec = ALL_FACTS.get(name)
    if spec is None:
        return raw if raw not in (None, "") else None
    try:
        return coerce_fact(spec, raw)
    except FactError:
        return raw


def _get(sub: Submission) -> RubricForm:
    return RubricForm.of(sub.rubric, sub.basic_data)


def _attach(sub: Submission, form: RubricForm) -> None:
    sub.rubric = form.to_sheet()


# ---------------------------------------------------------------- the core's values


def _core_score(key: str, settings: Settings) -> Callable[[Any], float | None]:
    def compute(form: Any) -> float | None:
        for item, score in score_rubric(getattr(form, "basic_data", None), form.facts, settings):
            if item.key == key:
                return score.value
        return None
    return compute


def _core_total(settings: Settings) -> Callable[[Any], float | None]:
    return lambda form: evaluate_rubric(getattr(form, "basic_data", None), form.facts, settings).total


def _core_grade(settings: Settings) -> Callable[[Any], str]:
    return lambda form: evaluate_rubric(getattr(form, "basic_data", None), form.facts, settings).grade


STATED_TOTAL = sum_or_blank(SCORES, decimals=2)  # 合计 of the 自评得分 typed


def _stated_total(form: Any) -> float | None:
    return STATED_TOTAL.value({"scores": [e.score for e in getattr(form, "rows", {}).values()]})


def _stated_grade(settings: Settings) -> Callable[[Any], str]:
    def compute(form: Any) -> str:
        total = form.total_score if form.total_score is not None else _stated_total(form)  # as the cell shows it
        severe = shown_fact(SEVERE.name, form.facts.get(SEVERE.name))
        return rubric_grade(settings).value({"total": total, SEVERE.name: severe}) or ""
    return compute


# ---------------------------------------------------------------- Excel formulas of the core's expressions


def _ref(name: str) -> str:
    """The placeholder of an input of the rubric expressions: a fact's answer cell of part 2, or a
    cell of the 基础数据表 ("basic_data.staff_actual" → {@basic:staff_actual})."""
    if name.startswith("basic_data."):
        return "{@basic:" + name.removeprefix("basic_data.") + "}"
    return "{facts." + name + "}"


def _formula(expr: Expr, **refs: str) -> str:
    return expr.cell_formula({name: refs.get(name) or _ref(name) for name in expr.inputs()})


def score_formula(item: RubricItem, settings: Settings) -> str:
    """The 计算得分 formula template of ``item``: the core's expression of it ('=""' when a setting
    cannot be used, as the core's value is then None)."""
    try:
        return _formula(score_expr(item, settings))
    except RubricSettingError:
        return '=""'


# ---------------------------------------------------------------- the layout


def _runs(attr: str) -> list[tuple[RubricItem, int]]:
    """(first item, number of items) of each run of items sharing ``attr`` (一级 or 二级)."""
    runs: list[tuple[RubricItem, int]] = []
    for item in RUBRIC_ITEMS:
        if runs and getattr(runs[-1][0], attr) == getattr(item, attr) and (
                attr != "level2" or runs[-1][0].level1 == item.level1):
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((item, 1))
    return runs


def _grade_bands(settings: Settings) -> str:
    """"优 ≥ 90，良 ≥ 80，中 ≥ 60，差 < 60" from the [grades] settings."""
    bands = sorted(settings["grades"].items(), key=lambda kv: -kv[1])
    parts = [f"{g} ≥ {fmt_number(v)}" for g, v in bands[:-1]]
    if bands:
        parts.append(f"{bands[-1][0]} < {fmt_number(bands[-2][1])}" if len(bands) > 1 else bands[-1][0])
    return "，".join(parts)


def _fact_help(spec: FactSpec) -> str:
    return spec.help or KIND_HELP[spec.kind]


def _fact_choice(spec: FactSpec) -> Choice | None:
    if spec.kind == "bool":
        return YES_NO_CHOICE
    if spec.kind == "choice":
        return Choice(items=spec.choices)
    return None


def rubric_layout(sheet: str = RUBRIC_SHEET, capacities: dict[str, int] | None = None,
                  settings: Settings | None = None) -> Layout:
    settings = settings or Settings.default()
    b = Builder("rubric", sheet, widths=list(WIDTHS), landscape=True)
    b.layout.attachment = "附件2"
    b.title(RUBRIC_TITLE)
    b.next_row(30)
    for col, text in enumerate(HEADERS, start=1):
        b.label(col, text, header=True)
    b.layout.print_title_rows = f"{b.row}:{b.row}"

    # Part 1: the form as printed, one row per item.
    first = b.row + 1
    for level, attr in ((1, "level1"), (2, "level2")):
        row = first
        for item, n in _runs(attr):
            points = item.level1_points if level == 1 else item.level2_points
            b.label(level, f"{getattr(item, attr)}\n（{fmt_number(points)}分）", rows=n, row=row)
            row += n
    for item in RUBRIC_ITEMS:
        b.next_row(30)
        b.label(3, item.name)
        b.computed(POINTS_COL, f"rows.{item.key}.points", "=" + number_text(item.points), lambda form, p=item.points: p,
                   "points").stamp = True
        b.label(5, item.criteria, align="left")
        b.label(6, item.standard, align="left")
        b.input(SCORE_COL, f"rows.{item.key}.score", "points")
        b.computed(COMPUTED_COL, "", score_formula(item, settings), _core_score(item.key, settings), "points")
    last = b.row

    def column(col: int) -> str:
        letter = get_column_letter(col)
        return f"{letter}{first}:{letter}{last}"

    b.next_row(26)
    b.label(1, "合计", cols=3)
    b.computed(POINTS_COL, "total_points", f"=SUM({column(POINTS_COL)})",
               lambda form: round_half_up(sum(i.points for i in RUBRIC_ITEMS), 2), "points")
    b.label(5, "", cols=2)
    b.computed(SCORE_COL, "total_score", _formula(STATED_TOTAL, scores=column(SCORE_COL)), _stated_total, "points")
    b.computed(COMPUTED_COL, "", _formula(rubric_total(len(RUBRIC_ITEMS)), scores=column(COMPUTED_COL)),
               _core_total(settings), "points")
    totals = b.row

    b.next_row(26)
    b.label(1, "等级", cols=3)
    b.label(4, f"按合计得分：{_grade_bands(settings)}；资金使用合规性⑦违规情况特别严重的定为“差”。", cols=3,
            align="left")
    for col, compute in ((SCORE_COL, _stated_grade(settings)), (COMPUTED_COL, _core_grade(settings))):
        b.computed(col, "", _formula(rubric_grade(settings), total=f"{get_column_letter(col)}{totals}"), compute,
                   "text")
    b.note(NOTE, height=30)
    # Only part 1 prints: the header row repeats on every page, and part 2 has columns of its own.
    b.layout.print_last_row = b.row

    # Part 2: 评分依据, the facts the 计算得分 column reads, grouped by item.
    b.next_row(26)
    b.label(1, "评分依据（单位填写，“计算得分”按此计算；本部分不打印）", cols=len(WIDTHS), header=True)
    b.next_row(24)
    for col, cols, text in ((1, 3, "评分项目"), (4, 2, "评分依据"), (6, 1, "填写说明"), (7, 2, "填写")):
        b.label(col, text, cols=cols, header=True)
    for item in RUBRIC_ITEMS:
        start = b.row + 1
        for spec in item.facts:
            b.next_row(22)
            b.label(4, spec.label, cols=2, align="left")
            b.label(6, _fact_help(spec), align="left")
            b.input(7, f"facts.{spec.name}", FACT_KINDS[spec.kind], cols=2, choice=_fact_choice(spec))
        if item.key in BASIC_NOTES:
            b.next_row(22)
            b.label(4, BASIC_NOTES[item.key], cols=3, align="left")
            b.label(7, "—", cols=2)
        b.label(1, item.name, cols=3, rows=b.row - start + 1, row=start)
    return b.build()


RUBRIC = SheetKind("rubric", RUBRIC_SHEET, lambda sheet, caps, settings: rubric_layout(sheet, caps, settings),
                   get=_get, attach=_attach, new=RubricForm, title=RUBRIC_TITLE,
                   printed=lambda sub, form: sub.rubric is not None)

"""Every figure a 自评报告 states, computed from the model (pure; no docx here).

The report templates name these figures as placeholders (``{全年执行数}``); ``PLACEHOLDERS``
documents each one. A figure the tables do not hold is rendered as a visible clerk
placeholder (``【请填写：…】``), never guessed. Money in 万元 as the tables hold it;
rates as percentages with two decimals; scores as the table states them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.findings import Finding
from ..core.model import DepartmentTable, Indicator, PerformanceTable, ProjectTable, Submission, indicator_title
from ..core.score import fmt_number, fmt_percent
from ..core.scoring import execution_rate, grade_of, score_table
from ..core.settings import Settings
from ..core.validate import validate


def to_fill_in(what: str) -> str:
    """A sentence or figure only the clerk can supply, visibly marked in the draft."""
    return f"【请填写：{what}】"


@dataclass(frozen=True)
class ParagraphList:
    """A list placeholder: one paragraph per item when it stands alone, else joined with “；”."""

    items: tuple[str, ...]
    empty: str

    def __str__(self) -> str:
        return "；".join(self.items) if self.items else self.empty


@dataclass(frozen=True)
class TableFigure:
    """A table placeholder: a Word table when it stands alone in a paragraph, else its caption."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str  # said instead of a table without rows
    merged: int = 0  # leading columns merged over the rows that share them (一级, 二级), as printed

    def __str__(self) -> str:
        return self.caption if self.rows else self.empty


def money(value: float | None, what: str) -> str:
    return to_fill_in(what) if value is None else fmt_number(value, 4)


def percent(rate: float | None, what: str) -> str:
    return to_fill_in(what) if rate is None else fmt_percent(rate)


def ratio(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def change_phrase(current: float | None, prior: float | None, what: str) -> str:
    """Year-on-year wording; no growth rate when last year is 0 or not filled in.

    "比上年减少 3.35 万元，下降 50.76%" — the form the report check reads back.
    """
    if current is None:
        return to_fill_in(f"{what}本年数（表中未填写）")
    if prior is None:
        return f"上年数未填写，不作同比（{to_fill_in(f'{what}上年决算数')}）"
    diff = current - prior
    if abs(diff) < 5e-5:
        return "与上年持平"
    direction, trend = ("增加", "增长") if diff > 0 else ("减少", "下降")
    if prior == 0:
        return f"比上年{direction}{fmt_number(abs(diff))}万元（上年为0，不计算增长率）"
    return f"比上年{direction}{fmt_number(abs(diff))}万元，{trend}{fmt_percent(abs(diff) / abs(prior))}"


def stated_total(table: PerformanceTable, settings: Settings) -> tuple[float | None, str]:
    """The 总分 the table states; when its 总分 row is empty, Σ of its stated scores (and say so)."""
    if table.total_score is not None:
        return table.total_score, "自评表总分"
    components = score_table(table, settings).stated_total
    return components, "自评表未填总分，按执行得分与各指标得分之和"


def indicator_line(ind: Indicator) -> str:
    reason = ind.deviation_reason.strip() or to_fill_in(f"“{indicator_title(ind.name)}”的偏差原因及改进措施（表中未填写）")
    return (f"“{indicator_title(ind.name)}”（{ind.level1}/{ind.level2}）：年度指标值“{ind.target}”，"
            f"实际完成值“{ind.actual}”，分值{_pts(ind.points)}，得分{_pts(ind.score)}；偏差原因：{reason}")


def _pts(value: float | None) -> str:
    return "未填写" if value is None else fmt_number(value)


def _real(table: PerformanceTable) -> list[Indicator]:
    return [i for i in table.indicators if not i.is_placeholder()]


def _short_of_points(table: PerformanceTable) -> list[Indicator]:
    return [i for i in _real(table) if i.points is not None and i.score is not None and i.score < i.points - 1e-9]


def _numbered(lines: list[str]) -> tuple[str, ...]:
    return tuple(f"{n}. {line}" for n, line in enumerate(lines, 1))


def findings_lines(findings: list[Finding]) -> tuple[str, ...]:
    """Plain Chinese for the appendix: what is wrong and where, without the checker's rule codes."""
    return _numbered([f"{f.title}：{f.message}" for f in findings])


INDICATOR_TABLE_HEADERS = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因")
BUDGET_TABLE_HEADERS = ("资金", "年初预算数", "全年预算数", "全年执行数", "执行率")


def indicator_table(table: PerformanceTable) -> TableFigure:
    """绩效指标完成情况表: the indicators as the 自评表 lists them (the published reports' table)."""
    rows = tuple((i.level1, i.level2, indicator_title(i.name), str(i.target or ""), str(i.actual or ""),
                  _pts(i.points), _pts(i.score), i.deviation_reason.strip()) for i in _real(table))
    return TableFigure("绩效指标完成情况表", INDICATOR_TABLE_HEADERS, rows, "自评表未填写绩效指标。", merged=2)


def budget_table(rows: list[tuple[str, Any]]) -> TableFigure:
    """预算执行情况表 (万元): one line per source of funds that has a figure, the total first."""
    lines = []
    for label, row in rows:
        if row is None or row.is_blank():
            continue
        rate = execution_rate(row.executed, row.annual_budget)
        lines.append((label, _amount(row.initial_budget), _amount(row.annual_budget), _amount(row.executed),
                      fmt_percent(rate) if rate is not None else "—"))
    return TableFigure("预算执行情况表（万元）", BUDGET_TABLE_HEADERS, tuple(lines), "自评表未填写预算数。")


def _amount(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _indicators_under(table: PerformanceTable, *level1: str) -> ParagraphList:
    chosen = [i for i in _real(table) if any(level in i.level1 for level in level1)]
    lines = [f"“{indicator_title(i.name)}”：年度指标值“{i.target}”，实际完成值“{i.actual}”，"
             f"得分{_pts(i.score)}/{_pts(i.points)}" for i in chosen]
    return ParagraphList(_numbered(lines), f"自评表未设{'、'.join(level1)}指标。")


def _table_common(table: PerformanceTable, settings: Settings, findings: list[Finding]) -> dict[str, Any]:
    row = table.budget_row
    total, total_basis = stated_total(table, settings)
    grade = table.stated_grade or grade_of(total, settings)
    real = _real(table)
    short = _short_of_points(table)
    return {
        "年初预算数": money(row.initial_budget, "年初预算数（表中未填写）"),
        "全年预算数": money(row.annual_budget, "全年预算数（表中未填写）"),
        "全年执行数": money(row.executed, "全年执行数（表中未填写）"),
        "执行率": percent(execution_rate(row.executed, row.annual_budget), "执行率（预算数或执行数未填写）"),
        "预算结余": money(None if row.executed is None or row.annual_budget is None else row.annual_budget - row.executed,
                      "预算结余（预算数或执行数未填写）"),
        "执行分值": money(table.execution_points, "预算执行率分值（表中未填写）"),
        "执行得分": money(table.execution_score, "预算执行率得分（表中未填写）"),
        "自评总分": money(total, "自评总分（表中未填写）"),
        "总分依据": total_basis,
        "等级": grade or to_fill_in("等级"),
        "指标个数": str(len(real)),
        "满分指标个数": str(len(real) - len(short)),
        "未满分指标个数": str(len(short)),
        # the sentence that leads the list, said only when there is a list to lead
        "未满分指标引言": f"未取得满分的绩效指标共{len(short)}个：" if short else "",
        "绩效指标完成情况表": indicator_table(table),
        "未满分指标": ParagraphList(_numbered([indicator_line(i) for i in short]), "各项绩效指标均取得满分。"),
        "预期目标": table.goal_expected.strip() or to_fill_in("年度总体目标（预期目标）"),
        "实际完成情况": table.goal_actual.strip() or to_fill_in("年度总体目标实际完成情况"),
        "产出指标": _indicators_under(table, "产出"),
        "效益指标": _indicators_under(table, "效益"),
        "满意度指标": _indicators_under(table, "满意度"),
        "成本指标": _indicators_under(table, "成本"),
        "校验问题": ParagraphList(findings_lines(findings), "经核对，自评表没有发现需要改正或核实的问题。"),
    }


def _unit(sub: Submission) -> dict[str, Any]:
    return {"单位名称": sub.unit.unit_name or to_fill_in("单位名称"),
            "年度": str(sub.unit.year) if sub.unit.year else to_fill_in("年度")}


def project_figures(sub: Submission, project: ProjectTable, settings: Settings) -> dict[str, Any]:
    findings = [f for f in validate(sub, settings).findings if f.location.table == project.title]
    sources = [(project.funding_current_year, "当年财政拨款"), (project.funding_carryover, "上年结转资金"),
               (project.funding_other, "其他资金")]
    parts = [f"{label}{fmt_number(row.annual_budget)}万元" for row, label in sources if row.annual_budget]
    return {
        **_unit(sub),
        **_table_common(project, settings, findings),
        "项目名称": project.name or to_fill_in("项目名称"),
        "主管部门": project.competent_dept or to_fill_in("主管部门"),
        "实施单位": project.implementing_unit or to_fill_in("实施单位"),
        "评价方式": project.evaluation_method or "部门（单位）绩效自评",
        "评价机构": project.evaluation_body or to_fill_in("评价机构"),
        "资金来源": ("，其中" + "，".join(parts)) if parts else f"（{to_fill_in('资金来源：当年财政拨款、上年结转资金、其他资金')}）",
        "预算执行情况表": budget_table([("年度资金总额", project.funding_total)]
                                + [(label, row) for row, label in sources]),
    }


def department_figures(sub: Submission, settings: Settings) -> dict[str, Any]:
    dept = sub.department
    findings = validate(sub, settings).findings
    out: dict[str, Any] = {**_unit(sub)}
    if dept is not None:
        out.update(_table_common(dept, settings, findings))
    else:  # no 部门整体支出表: the 评分表 (附件2) gives the score, nothing gives the budget
        out.update(_table_common(DepartmentTable(), settings, findings))
        if sub.rubric is not None and sub.rubric.total_score is not None:
            out["自评总分"] = fmt_number(sub.rubric.total_score)
            out["总分依据"] = "评分表（附件2）合计"
            out["等级"] = grade_of(sub.rubric.total_score, settings)
    d = dept or DepartmentTable()
    executed = d.budget.executed
    out.update({
        "预算执行情况表": budget_table([("年度资金总额", d.budget)]),
        "一般公共预算": money(d.income_general_budget, "一般公共预算拨款"),
        "政府性基金拨款": money(d.income_government_fund, "政府性基金拨款"),
        "专户非税收入": money(d.income_special_account, "纳入专户管理的非税收入拨款"),
        "其他资金": money(d.income_other, "其他资金"),
        "基本支出": money(d.spending_basic, "基本支出"),
        "项目支出": money(d.spending_project, "项目支出"),
        "基本支出占比": percent(ratio(d.spending_basic, executed), "基本支出占全年执行数的比重"),
        "项目支出占比": percent(ratio(d.spending_project, executed), "项目支出占全年执行数的比重"),
        "政府性基金情况": (
            "本年度无政府性基金预算支出。" if d.income_government_fund == 0 else
            f"本年度政府性基金拨款{fmt_number(d.income_government_fund)}万元，{to_fill_in('政府性基金预算支出的用途和使用情况')}"
            if d.income_government_fund is not None else to_fill_in("政府性基金预算支出情况（没有的写“本年度无政府性基金预算支出。”）")),
    })
    out.update(_basic_figures(sub))
    return out


# 基础数据表 rows a report cites, and the placeholder prefix for each: {<prefix>决算数},
# {<prefix>预算数}, {<prefix>上年决算数}, {<prefix>同比}.
YOY_ROWS = (("three_public", "三公经费"), ("vehicles", "公务用车购置和维护经费"), ("overseas", "出国经费"),
            ("reception", "公务接待费"), ("public_funds", "公用经费"), ("office", "办公经费"),
            ("meetings_training", "会议费培训费"), ("project_spending", "项目支出"), ("procurement", "政府采购金额"))


def _basic_figures(sub: Submission) -> dict[str, Any]:
    basic = sub.basic_data
    out: dict[str, Any] = {}
    out["编制数"] = money(basic.staff_authorized if basic else None, "编制数")
    out["实际在职人数"] = money(basic.staff_actual if basic else None, "实际在职人数")
    out["人员控制率"] = percent(ratio(basic.staff_actual, basic.staff_authorized) if basic else None, "人员控制率")
    for key, label in YOY_ROWS:
        row = basic.expense(key) if basic else None
        out[f"{label}决算数"] = money(row.final if row else None, f"{label}本年决算数")
        out[f"{label}预算数"] = money(row.budget if row else None, f"{label}本年预算数")
        out[f"{label}上年决算数"] = money(row.prior_final if row else None, f"{label}上年决算数")
        out[f"{label}同比"] = change_phrase(row.final if row else None, row.prior_final if row else None, label)
    three = basic.expense("three_public") if basic else None
    if three is not None and three.budget == 0:
        out["三公经费控制率"] = "不适用，本年预算数为0"
    else:
        out["三公经费控制率"] = percent(ratio(three.final, three.budget) if three else None, "“三公”经费控制率")
    parts = []
    if basic is not None:
        for key in ("business", "operation"):
            row = basic.expense(key)
            if row.final:
                parts.append(f"{_EXPENSE_SHORT[key]}{fmt_number(row.final)}万元")
        for row in basic.special_funds:
            if row.final:
                parts.append(f"{row.name or '本级专项资金'}{fmt_number(row.final)}万元")
    out["项目支出构成"] = ("，其中：" + "，".join(parts)) if parts else ""
    return out


_EXPENSE_SHORT = {"business": "业务工作专项", "operation": "运行维护专项"}


def find_project(sub: Submission, name: str) -> ProjectTable | None:
    wanted = name.strip()
    for p in sub.projects:
        if p.name.strip() == wanted:
            return p
    return None

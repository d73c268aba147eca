"""The report check (W601–W609): figures stated in a report's prose against the tables.

Pure: paragraphs in, findings out. Each paragraph is cut into sentences (。) and clauses (；);
every amount in 万元, percentage, score and grade is read with the words just before it, which
name what it is (``ALIASES``). Checks are of two kinds:

- against the tables: an amount that names a table figure (“三公”经费, 项目支出, 全年执行数 …),
  a rate (执行率, 控制率), a score (自评得分/总分) or a grade — W601–W604;
- within the report: “其中” parts vs their total (W605), shares (W606) and growth rates (W607,
  W608 when last year is 0) against the amounts the report itself states (last year's figure
  from the 基础数据表 when the sentence does not give it).

Which table a score or project amount refers to follows the text: a paragraph naming a project
switches to that project's table; before that, the department table (or the 评分表 合计).
A number is compared as the writer rounded it ("87%" for 87.27% is right).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

from ..core.checks.compare import points_differ, rate_matches
from ..core.findings import Finding
from ..core.model import DepartmentTable, PerformanceTable, ProjectTable, Submission
from ..core.score import fmt_number, fmt_percent, round_half_up
from ..core.scoring import execution_rate, grade_of
from ..core.settings import Settings
from ..core.values import HALF_WIDTH
from .extract import Paragraph
from .figures import stated_total
from .rules import make_finding


NUMBER = r"(\d+(?:\.\d+)?)"
# Money in 亿元, 万元 (or a bare 万) and 元; 元 figures are often written with thousands separators.
AMOUNT = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
                    r"(亿元|万元|万(?![人户次件份条个剂平方亩美辆余多张起场名株吨套册千元])|(?<![万亿美欧日港])元)(?![/旦])")
# Powers of ten from the unit to 万元, the tables' unit.
_UNIT_SHIFT = {"亿元": 4, "万元": 0, "万": 0, "元": -4}
PERCENT = re.compile(NUMBER + r"\s*%")
SCORE = re.compile(r"(?:自评得分|自评总分|总分|综合得分|评价得分)\s*(?:为|是|:)?\s*" + NUMBER + r"\s*分")
GRADE = re.compile(r"等级\s*(?:为|是|:)?\s*[“\"']?(优秀|良好|中等|合格|不合格|优|良|中|差)(?![秀好等格])")
PLACEHOLDER = re.compile(r"【请填写[:：][^】]*】")
PARTS_START = re.compile(r"(?:其中|包括|主要用于)\s*:?")
_GRADE_WORDS = {"优秀": "优", "良好": "良", "中等": "中", "合格": "中", "不合格": "差"}

# What the words before an amount refer to. The match nearest the number wins.
ALIASES: tuple[tuple[str, str], ...] = (
    (r"三公", "three_public"), (r"公务用车|公车费用|公车", "vehicles"), (r"公车运行", "vehicle_operation"),
    (r"公车购置", "vehicle_purchase"), (r"出国|出境", "overseas"), (r"公务接待|公务招待|接待费", "reception"),
    (r"公用经费", "public_funds"), (r"办公经费|办公费", "office"), (r"水费|电费|差旅费", "utilities_travel"),
    (r"会议费|培训费", "meetings_training"), (r"政府采购", "procurement"),
    (r"业务工作专项|业务经费", "business"), (r"运行维护专项|运行维护经费", "operation"),
    (r"区级专项", "district_special"), (r"项目支出|项目资金支出", "project_spending"),
    (r"基本支出", "spending_basic"), (r"一般公共预算", "income_general_budget"),
    (r"政府性基金", "income_government_fund"), (r"专户管理", "income_special_account"),
    (r"全年预算数|全年预算|预算总额", "annual_budget"), (r"年初预算", "initial_budget"),
    (r"全年执行数|全年执行|整体支出|支出总额|总支出|执行数", "executed"),
)
# 基础数据表 rows that hold two items in one figure: a stated item may not exceed the row.
COMBINED_ROWS = {"meetings_training", "utilities_travel"}
_BASIC_KEYS = {"three_public", "vehicles", "vehicle_operation", "vehicle_purchase", "overseas", "reception",
               "public_funds", "office", "utilities_travel", "meetings_training", "procurement", "business",
               "operation", "district_special", "project_spending"}
_DEPT_FIELDS = {"spending_basic", "income_general_budget", "income_government_fund", "income_special_account"}
_PRIOR = re.compile(r"上年|去年|上一年")
_BUDGET = re.compile(r"预算数|预算安排")
_DELTA = re.compile(r"增加|减少|增长|下降|节约|结余|超支")
_GROWTH_WORD = re.compile(r"(增长|下降|减少|增加|上升|降低)(?:了|率为|率|幅度为|幅度)?\s*:?\s*$")
_SHARE = re.compile(r"占([^,;。]*?)(?:的|比重为|比例为|比重|比例|为)*\s*$")
_TOOL_LINE = re.compile(r"^\s*\d+\.\s*\[(?:错误|提示)\]")  # a finding quoted by an earlier drafted report
# The drafted report's last part lists the checker's findings for the clerk: not statements to check.
APPENDIX_HEADING = "附：自评表核对情况"
_LEADING = re.compile(r"^[\s,，:：]*(?:其中|\d+\s*[、.]|\d{4}\s*年度?|[（(]?[一二三四五六七八九十\d]+[)）、])*\s*")


@dataclass
class Amount:
    value: float
    decimals: int
    start: int
    end: int
    label: str  # the words after the previous figure (or the clause start)
    key: str | None  # ALIASES key, or None
    year: str  # "current" | "prior" | "budget" | "delta"
    subject: str = ""  # what it is, for messages (“培训费上年决算数”)


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def in_wan(number: str, unit: str) -> tuple[float, int]:
    """An amount as written ("1,234,567.8", "元") in 万元, with the decimals of 万元 it was written to
    (negative for 亿元: "3.2 亿元" is written to 0.1 亿元 = 1000 万元, i.e. −3 decimals of 万元)."""
    digits = number.replace(",", "")
    shift = _UNIT_SHIFT[unit]
    decimals = _decimals(digits) - shift
    return round(float(digits) * 10 ** shift, max(decimals, 0) + 2), decimals


def _alias(label: str) -> str | None:
    best: tuple[int, int, str] | None = None
    for pattern, key in ALIASES:
        for m in re.finditer(pattern, label):
            candidate = (m.end(), m.end() - m.start(), key)
            if best is None or candidate > best:
                best = candidate
    return best[2] if best else None


def _tail(label: str) -> str:
    return re.split(r"[,，:：(（]", label)[-1]


def _amounts(clause: str) -> list[Amount]:
    out: list[Amount] = []
    previous_end, inherited, inherited_name = 0, None, ""
    figure_ends = sorted([m.end() for m in PERCENT.finditer(clause)])
    for m in AMOUNT.finditer(clause):
        if m.start() > 0 and (clause[m.start() - 1].isdigit() or clause[m.start() - 1] == "."):
            continue
        value, decimals = in_wan(m.group(1), m.group(2))
        start = max([previous_end] + [e for e in figure_ends if e <= m.start()])
        label = clause[start:m.start()]
        tail = _tail(label)
        if _DELTA.search(tail):
            year = "delta"
        elif _PRIOR.search(tail):
            year = "prior"
        elif _BUDGET.search(tail) and _alias(tail) in _BASIC_KEYS | {None}:
            year = "budget"
        else:
            year = "current"
        key = _alias(tail) or (_alias(label) if year == "current" and not re.search(r"[,，]", label) else None)
        name = _name(tail) or _name(label)
        if key is None and year in ("prior", "budget") and inherited is not None:
            key, name = inherited, inherited_name + _name(tail)
        out.append(Amount(value, decimals, m.start(), m.end(), label, key, year, name))
        previous_end = m.end()
        if key is not None and year != "delta" and year == "current":
            inherited, inherited_name = key, name
    return out


def _name(label: str) -> str:
    """“2020年度基本支出决算数为” → “基本支出决算数”."""
    label = label.rstrip(" ,，:：")
    text = _LEADING.sub("", _tail(label)).strip()
    return re.sub(r"(?:为|是|共计|共|合计|达到|达|约|:)+$", "", text).strip()


def _quote(text: str, limit: int = 90) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "……"


def _rounds_to(stated: float, decimals: int, expected: float, tolerance: float) -> bool:
    if decimals < 0:  # 亿元 figures: rounded to tens, hundreds … of 万元
        step = 10 ** -decimals
        return abs(stated - expected) <= tolerance + 1e-9 or round_half_up(expected / step, 0) * step == stated
    return abs(stated - expected) <= tolerance + 1e-9 or round_half_up(expected, decimals) == stated


class _Context:
    """Which table the text is about, and the figures the report has stated so far."""

    def __init__(self, sub: Submission, settings: Settings) -> None:
        self.sub = sub
        self.settings = settings
        self.project: ProjectTable | None = None
        self.document_total: float | None = None
        names = sorted((p for p in sub.projects if len(p.name.strip()) >= 2), key=lambda p: -len(p.name.strip()))
        self._projects = names

    @property
    def table(self) -> PerformanceTable | None:
        return self.project or self.sub.department

    @property
    def table_name(self) -> str:
        if self.project is not None:
            return self.project.title
        if self.sub.department is not None:
            return self.sub.department.title
        return "评分表（附件2）"

    def follow(self, text: str) -> None:
        for p in self._projects:
            if p.name.strip() in text:
                self.project = p
                return

    def total_score(self) -> tuple[float | None, str]:
        if self.table is not None:
            total, basis = stated_total(self.table, self.settings)
            return total, ("总分" if basis == "自评表总分" else "执行得分与指标得分之和（总分未填）")
        if self.sub.rubric is not None:
            return self.sub.rubric.total_score, "合计得分"
        return None, ""

    def expected(self, key: str, year: str) -> tuple[list[float], str]:
        """The table figures an amount with this key may equal, and where they are."""
        table = self.table
        if key in ("annual_budget", "initial_budget", "executed") and table is not None:
            row = table.budget_row
            value = getattr(row, key)
            label = {"annual_budget": "全年预算数", "initial_budget": "年初预算数", "executed": "全年执行数"}[key]
            return ([value] if value is not None else []), f"{self.table_name}的{label}"
        if key in _DEPT_FIELDS and self.project is None and self.sub.department is not None:
            value = getattr(self.sub.department, key)
            return ([value] if value is not None else []), f"{self.sub.department.title}的{DepartmentTable.label_of(key)}"
        if key == "project_spending" and self.project is None and self.sub.department is not None \
                and self.sub.department.spending_project is not None and year == "current":
            return [self.sub.department.spending_project], f"{self.sub.department.title}的项目支出"
        basic = self.sub.basic_data
        if key in _BASIC_KEYS and basic is not None and self.project is None and key in basic.expenses:
            from ..core.model import EXPENSE_LABELS

            row = basic.expense(key)
            field = {"current": "final", "prior": "prior_final", "budget": "budget"}[year]
            value = getattr(row, field)
            return ([value] if value is not None else []), \
                f"基础数据表“{EXPENSE_LABELS[key]}”的{type(row).label_of(field)}"
        return [], ""

    def prior_of(self, key: str | None) -> float | None:
        basic = self.sub.basic_data
        if key in _BASIC_KEYS and basic is not None and key in basic.expenses and self.project is None:
            return basic.expense(key).prior_final
        return None


def check_paragraphs(sub: Submission, paragraphs: list[Paragraph], settings: Settings) -> list[Finding]:
    ctx = _Context(sub, settings)
    findings: list[Finding] = []

    def add(code: str, where: str, field: str, **values) -> None:
        f = make_finding(code, settings, where, field, **values)
        if f is not None:
            findings.append(f)

    for para in paragraphs:
        text = para.text.translate(HALF_WIDTH)  # length-preserving: quotes are cut from the original
        if para.text.lstrip().startswith(APPENDIX_HEADING):
            break
        if _TOOL_LINE.match(text):
            continue
        ctx.follow(text)
        holes = PLACEHOLDER.findall(para.text)
        if holes:
            add("W609", para.where, "待填写内容", quote="、".join(holes[:3]) + (f" 等 {len(holes)} 处" if len(holes) > 3 else ""))
        for s0, sentence in _pieces(text, "。"):
            _check_parts(ctx, para, sentence, para.text[s0:s0 + len(sentence)], add)
            _check_listed_sum(ctx, para, sentence, para.text[s0:s0 + len(sentence)], add)
            for c0, clause in _pieces(sentence, ";；"):
                _check_clause(ctx, para, clause, para.text[s0 + c0:s0 + c0 + len(clause)], add)
    return findings


def _pieces(text: str, separators: str) -> Iterator[tuple[int, str]]:
    start = 0
    for i, ch in enumerate(text):
        if ch in separators:
            if text[start:i].strip():
                yield start, text[start:i]
            start = i + 1
    if text[start:].strip():
        yield start, text[start:]


Add = Callable[..., None]


def _check_parts(ctx: _Context, para: Paragraph, sentence: str, original: str, add: Add) -> None:
    amounts = _amounts(sentence)
    for i, total in enumerate(amounts):
        between_end = amounts[i + 1].start if i + 1 < len(amounts) else len(sentence)
        gap = sentence[total.end:between_end]
        if total.key == "executed" and total.year == "current":
            ctx.document_total = total.value
        marker = PARTS_START.search(gap)
        if not marker or len(gap[:marker.start()]) > 24 or total.year != "current":
            continue
        parts = [a for a in amounts[i + 1:] if a.year == "current"]
        if marker.group(0).startswith("主要用于"):  # a description of use: its own clause only
            clause_end = min([j for j in (sentence.find(c, total.end) for c in ";；") if j >= 0] or [len(sentence)])
            parts = [a for a in parts if a.start < clause_end]
        if len(parts) < 2 or parts[0].start - (total.end + marker.end()) > 20:
            return
        parts_sum = sum(a.value for a in parts)
        decimals = min([total.decimals] + [a.decimals for a in parts])
        tolerance = max(float(ctx.settings["tolerance.amount"]), 0.5 * 10 ** -decimals * len(parts))
        if abs(parts_sum - total.value) > tolerance + 1e-9:
            add("W605", para.where, total.subject or "合计", total=fmt_number(total.value),
                parts=" + ".join(fmt_number(a.value) for a in parts), sum=fmt_number(parts_sum),
                quote=_quote(original))
        return


# Between the last listed item and its sum: "，合计", "、以上三项共计为" …
_SUM_WORD = re.compile(r"^\s*[,、]?\s*(?:以上|上述)?(?:各项|几项|[两二三四五六七八九十\d]+项)?\s*"
                       r"(?:合计|共计|总计|合共|累计)\s*(?:为|达|:)?\s*$")
# Between two listed items: a separator, then the next item's name (short).
_LIST_GAP = re.compile(r"^\s*[,、]\s*[^,、;。]{0,16}$")


def _check_listed_sum(ctx: _Context, para: Paragraph, sentence: str, original: str, add: Add) -> None:
    """“A ××万元、B ××元，合计 ××万元”: the listed amounts add up to the sum that follows them (W605)."""
    amounts = _amounts(sentence)
    for i, total in enumerate(amounts):
        if i < 2 or not _SUM_WORD.match(sentence[amounts[i - 1].end:total.start]):
            continue
        parts = [amounts[i - 1]]
        for j in range(i - 2, -1, -1):
            if not _LIST_GAP.match(sentence[amounts[j].end:parts[0].start]):
                break
            parts.insert(0, amounts[j])
        if len(parts) < 2:
            continue
        parts_sum = sum(a.value for a in parts)
        # each figure may be off by half its last written digit
        rounding = sum(0.5 * 10 ** -a.decimals for a in [*parts, total])
        tolerance = max(float(ctx.settings["tolerance.amount"]), rounding)
        if abs(parts_sum - total.value) > tolerance + 1e-9:
            add("W605", para.where, "合计", total=fmt_number(total.value),
                parts=" + ".join(fmt_number(a.value) for a in parts), sum=fmt_number(parts_sum),
                quote=_quote(original))


def _check_clause(ctx: _Context, para: Paragraph, clause: str, original: str, add: Add) -> None:
    settings = ctx.settings
    tolerance = float(settings["tolerance.amount"])
    amounts = _amounts(clause)
    quote = _quote(original)

    # W603 amounts that name a table figure (or the project the text is about)
    for a in amounts:
        if a.year == "delta":
            continue
        if a.key is None and ctx.project is not None and ctx.project.name.strip() in _tail(a.label):
            row = ctx.project.funding_total
            expected = [v for v in (row.annual_budget, row.initial_budget, row.executed) if v is not None]
            source = f"{ctx.project.title}的全年预算数（或年初预算数、全年执行数）"
        elif a.key is None:
            continue
        else:
            expected, source = ctx.expected(a.key, a.year)
        if not expected:
            continue
        if a.key in COMBINED_ROWS:
            wrong = a.value > expected[0] + tolerance + 1e-9
        else:
            wrong = not any(_rounds_to(a.value, a.decimals, e, tolerance) for e in expected)
        if wrong:
            label = a.subject or "该项金额"
            add("W603", para.where, label, label=label, stated=fmt_number(a.value),
                source=source + ("（合为一行，任一项不应超过）" if a.key in COMBINED_ROWS else ""),
                expected=fmt_number(expected[0]), quote=quote)

    # percentages: rates (W604), shares (W606), growth (W607/W608)
    for m in PERCENT.finditer(clause):
        if _is_threshold(clause, m):
            continue
        stated = float(m.group(1)) / 100
        before = [a for a in amounts if a.end <= m.start()]
        label_start = max([0] + [a.end for a in before] + [p.end() for p in PERCENT.finditer(clause) if p.end() <= m.start()])
        label = clause[label_start:m.start()]
        growth = _GROWTH_WORD.search(label)
        share = _SHARE.search(_tail(label) if "占" in _tail(label) else label)
        if growth and before:
            _check_growth(ctx, para, original, before, growth.group(1), stated, m.group(0), add)
        elif share and before and "占" in label:
            _check_share(ctx, para, original, before[-1], share.group(1), stated, m.group(0), add)
        elif "率" in _tail(label) or "率" in label[-12:]:
            _check_rate(ctx, para, clause, original, label, stated, m.group(0), add)

    # W601 / W602 score and grade
    for m in SCORE.finditer(clause):
        expected, basis = ctx.total_score()
        stated = float(m.group(1))
        if expected is not None and points_differ(stated, expected, settings):
            add("W601", para.where, "自评得分", stated=fmt_number(stated), expected=fmt_number(expected),
                table_name=ctx.table_name, basis=basis, quote=quote)
    for m in GRADE.finditer(clause):
        score, _ = ctx.total_score()
        table = ctx.table
        expected = (table.stated_grade if table is not None and table.stated_grade else grade_of(score, settings))
        stated = _GRADE_WORDS.get(m.group(1), m.group(1))
        if expected and stated != expected:
            add("W602", para.where, "等级", stated=m.group(1), expected=expected, score=fmt_number(score),
                table_name=ctx.table_name, quote=quote)


def _is_threshold(clause: str, m: re.Match) -> bool:
    """“控制率≦100%计2分”, “95%以上”: a scoring standard quoted in the report, not a figure."""
    before = clause[:m.start()].rstrip()
    return (before[-1:] in ("≤", "≦", "<", ">", "≥", "≧", "＜", "＞")
            or re.match(r"\s*(?:以下|以上|以内|及以上|及以下|\(含\)|（含）)", clause[m.end():]) is not None)


def _check_rate(ctx: _Context, para: Paragraph, clause: str, original: str, label: str, stated: float, shown: str,
                add: Add) -> None:
    basic = ctx.sub.basic_data
    recomputed, formula, name = None, "", ""
    tail = label[-16:]
    if "执行率" in tail and ctx.table is not None:
        row = ctx.table.budget_row
        recomputed = execution_rate(row.executed, row.annual_budget)
        if recomputed is not None:
            formula = f"全年执行数 {fmt_number(row.executed)} ÷ 全年预算数 {fmt_number(row.annual_budget)}"
            name = "预算执行率"
    elif "控制率" in tail and "三公" in clause and basic is not None:
        row = basic.expense("three_public")
        if row.final is not None and row.budget:
            recomputed = row.final / row.budget
            formula = f"“三公”经费本年决算数 {fmt_number(row.final)} ÷ 本年预算数 {fmt_number(row.budget)}"
            name = "“三公”经费控制率"
    elif "控制率" in tail and re.search(r"人员|编制|在职", clause) and basic is not None:
        if basic.staff_actual is not None and basic.staff_authorized:
            recomputed = basic.staff_actual / basic.staff_authorized
            formula = f"实际在职人数 {fmt_number(basic.staff_actual)} ÷ 编制数 {fmt_number(basic.staff_authorized)}"
            name = "人员控制率"
    if recomputed is not None and not rate_matches(stated, recomputed, ctx.settings):
        add("W604", para.where, name, label=name, stated=shown, formula=formula,
            expected=fmt_percent(recomputed), quote=_quote(original))


def _check_share(ctx: _Context, para: Paragraph, clause: str, part: Amount, whole_label: str, stated: float,
                 shown: str, add: Add) -> None:
    whole, whole_name = None, whole_label.strip() or "总额"
    if re.search(r"全年执行|执行数", whole_label) and ctx.table is not None:
        whole = ctx.table.budget_row.executed
    if whole is None:
        whole = ctx.document_total
    if whole is None and ctx.table is not None:
        whole = ctx.table.budget_row.executed
    if not whole:
        return
    if not rate_matches(stated, part.value / whole, ctx.settings):
        label = part.subject or "该项"
        add("W606", para.where, label, label=label, part=fmt_number(part.value), whole_label=whole_name,
            stated=shown, whole=fmt_number(whole), expected=fmt_percent(part.value / whole), quote=_quote(clause))


def _check_growth(ctx: _Context, para: Paragraph, clause: str, before: list[Amount], word: str, stated: float,
                  shown: str, add: Add) -> None:
    currents = [a for a in before if a.year == "current"]
    if not currents:
        return
    current = currents[-1]
    priors = [a for a in before if a.year == "prior" and a.start > current.start]
    deltas = [a for a in before if a.year == "delta" and a.start > current.start]
    sign = -1 if word in ("下降", "减少", "降低") else 1
    if priors:
        prior = priors[-1].value
    elif deltas:
        delta_word = _DELTA.search(_tail(deltas[-1].label))
        delta_sign = -1 if delta_word and delta_word.group(0) in ("减少", "下降", "节约") else 1
        prior = current.value - delta_sign * deltas[-1].value
    else:
        prior = ctx.prior_of(current.key)
    if prior is None:
        return
    label = current.subject or "该项"
    if abs(prior) < 1e-9:
        add("W608", para.where, label, label=label, direction=word, stated=shown, quote=_quote(clause))
        return
    change = (current.value - prior) / abs(prior)
    if change * sign < 0 or not rate_matches(stated, abs(change), ctx.settings):
        trend = "增长" if change >= 0 else "下降"
        add("W607", para.where, label, label=label, direction=word, stated=shown, current=fmt_number(current.value),
            prior=fmt_number(prior), expected=f"{trend} {fmt_percent(abs(change))}", quote=_quote(clause))

"""Parse the messy strings of 年度指标值 / 实际完成值 (DOMAIN.md §E).

Clerks type targets and actuals as free text: "12 次", "≥8亿元", "10 万剂次以上",
"约270余", "每月15日前", "同比下降100%", "全年无重大…事故", "组织群英会≥50次，解决…≥50件",
or a paragraph of prose. ``parse_value`` turns one such cell into a ``ParsedValue``:
a ``kind`` (see ``KINDS``) plus the fields that kind needs, and every number it saw
(``evidence``), so scoring never has to look at the string again.

Pipeline, in this order (each step is a small function below):

1. ``normalise_text``: full-width → half-width, ``>=`` → ``≥``, spaces dropped
   except between two ASCII words, line breaks become ``;`` separators.
2. Deadlines and calendar dates are found first and masked, so "每月15日前" or
   "2022年" never yield a quantity.
3. Quantities are found in the masked text: Arabic numbers with an optional
   operator word, approximation word, multiplier (万/亿), ``余``/``多`` and unit;
   small Chinese numerals before a count unit ("两次"); "百分之九十".
4. The kind is chosen from the quantities and a few word lists, short texts
   first (a label plus one quantity, compounds, deadlines, zero events ...),
   falling back to ``qualitative`` (short) or ``narrative`` (long).

Standard library only: this also runs inside Pyodide (xlwings Lite).
Operators are ASCII ("=", ">=", ">", "<=", "<"); ``describe`` prints them as ≥ ≤.
"""

from __future__ import annotations

import math
import numbers
import re
from functools import lru_cache
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = [
    "KINDS",
    "QUANTITATIVE_KINDS",
    "Quantity",
    "ParsedValue",
    "parse_value",
    "money_hint_from_name",
    "normalise_text",
]

KINDS = (
    "empty",
    "count",
    "amount",
    "percent",
    "bound",
    "approximate",
    "deadline",
    "qualitative",
    "relative_change",
    "zero_event",
    "compound",
    "external_reference",
    "narrative",
)
QUANTITATIVE_KINDS = frozenset({"count", "amount", "percent", "bound", "approximate"})

EQ, GE, GT, LE, LT = "=", ">=", ">", "<=", "<"
_OP_SYMBOL = {EQ: "", GE: "≥", GT: ">", LE: "≤", LT: "<"}

# Length limits (characters of normalised text). A form cell with a label and one
# number ("全街接种新冠疫苗10万剂次以上") is short; prose pasted into the cell is not.
SHORT_TEXT = 30  # one quantity + label, one compound segment, deadline, zero event, reference
QUALITATIVE_MAX = 20  # quantity-free text up to this length is a qualitative target/actual
COMPOUND_MAX = 60  # a whole compound target; longer lists of facts read as prose


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Quantity:
    """A number found in text, normalised (money in 万元, percent as 90.0, counts in base units)."""

    number: float
    unit: str  # "万元" | "%" | count unit as written ("次", "剂次", ...) | ""
    dimension: str  # "money" | "percent" | "count" | ""
    op: str = EQ  # "=", ">=", ">", "<=", "<"
    approx: bool = False  # 约 / 余 / 多 / 左右
    start: int = 0  # span in ParsedValue.text
    end: int = 0


@dataclass(frozen=True)
class ParsedValue:
    raw: str
    text: str
    kind: str
    op: str = ""
    number: float | None = None
    unit: str = ""
    dimension: str = ""
    approx: bool = False
    label: str = ""
    deadline: str = ""
    quality: str = ""
    direction: str = ""
    change: float | None = None
    parts: tuple["ParsedValue", ...] = ()
    evidence: tuple[Quantity, ...] = ()

    @property
    def is_quantitative(self) -> bool:
        return self.kind in QUANTITATIVE_KINDS

    def describe(self) -> str:
        """One Chinese line saying what was understood."""
        return _describe(self)


# --------------------------------------------------------------------------- normalising


def _width_table() -> dict[int, int | str | None]:
    # U+FF01..U+FF5E are the full-width twins of ASCII "!".."~".
    table: dict[int, int | str | None] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
    table.update({
        0x3000: " ",  # ideographic space
        0x00A0: " ",
        ord("≧"): "≥", ord("⩾"): "≥",
        ord("≦"): "≤", ord("⩽"): "≤",
        ord("−"): "-",  # minus sign
        ord("﹪"): "%", ord("﹤"): "<", ord("﹥"): ">",
        0x200B: None, 0xFEFF: None,  # zero-width space, BOM: invisible noise from copy-paste
    })
    return table


_WIDTH_TABLE = _width_table()
# Any whitespace run that contains a line break (Excel cells: Alt+Enter between items).
_LINE_BREAK_RUN = re.compile(r"\s*[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]\s*")
_SPACE_RUN = re.compile(r"\s+")
_SEPARATORS = ",;:。、"
_OPERATOR_DIGRAPHS = ((">=", "≥"), ("<=", "≤"))


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _join_lines(m: re.Match[str]) -> str:
    before, after = m.string[m.start() - 1: m.start()], m.string[m.end(): m.end() + 1]
    if not before or not after or before in _SEPARATORS or after in _SEPARATORS:
        return ""
    return ";"


def _squeeze_space(m: re.Match[str]) -> str:
    # Keep a space only where it separates two ASCII words ("1 2", "a b"); PDF/Excel
    # extractions put spaces everywhere else ("12 次", "培训活动 63 场次").
    before, after = m.string[m.start() - 1: m.start()], m.string[m.end(): m.end() + 1]
    return " " if _is_ascii_alnum(before) and _is_ascii_alnum(after) else ""


# Full-width ASCII forms (０–９, ．, ％, …) → ASCII, one character for one, so that positions found in
# the converted text hold in the original.
HALF_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")


def parse_number(text: str, percent_ok: bool = False) -> float | None:
    """A number typed as text in a number cell: "1,234.5", "１２３", " -2 "; "93.70%" → 0.937 when
    ``percent_ok``. None for anything else (units, words, exponents, inf/nan): the one reading of a
    typed number, for cells (the reader) and for the 评分表's answers alike."""
    text = unicodedata.normalize("NFKC", text).translate(HALF_WIDTH).replace(",", "").strip()
    percent = text.endswith("%")
    if percent:
        if not percent_ok:
            return None
        text = text[:-1].strip()
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    return float(text) / (100 if percent else 1)


@lru_cache(maxsize=8192)  # cell texts recur across tables and rules; the result is a str
def normalise_text(text: str) -> str:
    """The normalised form of a cell text (idempotent)."""
    text = text.translate(_WIDTH_TABLE).strip()
    text = _LINE_BREAK_RUN.sub(_join_lines, text)
    text = _SPACE_RUN.sub(_squeeze_space, text)
    for digraph, symbol in _OPERATOR_DIGRAPHS:  # after squeezing: "> =" becomes ">=" first
        text = text.replace(digraph, symbol)
    return text


def _format_plain_number(x: float) -> str:
    """Decimal text of a float without exponent: 12.0 -> "12", 1e-05 -> "0.00001"."""
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    text = repr(x)
    return format(Decimal(text), "f") if "e" in text or "E" in text else text


def _coerce_text(value: object) -> str:
    """Cell content as text: numbers as Excel shows them, None/NaN as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        try:
            return str(int(value))
        except ValueError:  # more digits than Python will print: beyond any real figure
            return "inf" if value > 0 else "-inf"
    if isinstance(value, Decimal):  # not a numbers.Real; str() may use an exponent ("1E+3")
        return "" if value.is_nan() else format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        x = float(value)
        if math.isnan(x):
            return ""  # an empty cell read through pandas
        return _format_plain_number(x) if math.isfinite(x) else str(x)
    return str(value)


# --------------------------------------------------------------------------- word lists

_CN_DIGIT = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMERAL_CHARS = "一二两三四五六七八九十"


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _prefix_operators() -> dict[str, str]:
    ops = {
        "≥": GE, ">": GT, "≤": LE, "<": LT, "=": EQ,
        "大于等于": GE, "大于或等于": GE, "至少": GE, "最少": GE, "最低": GE,
        "小于等于": LE, "小于或等于": LE, "最多": LE, "至多": LE, "最高": LE, "控制在": LE,
        "大于": GT, "高于": GT, "超过": GT, "多于": GT, "超出": GT, "超": GT,
        "小于": LT, "低于": LT, "少于": LT, "不足": LT, "不到": LT,
    }
    for negation in ("不", "不得", "不应", "不能", "不宜"):  # "不低于" is ≥, "不超过" is ≤
        ops.update({negation + w: GE for w in ("少于", "低于", "小于")})
        ops.update({negation + w: LE for w in ("超过", "高于", "大于", "多于", "超出", "超")})
    return ops


_PREFIX_OPS = _prefix_operators()
_SUFFIX_OPS = {"以上": GE, "及以上": GE, "或以上": GE, "以下": LE, "及以下": LE, "或以下": LE, "以内": LE, "之内": LE}
# "约" and "近" only when they are not the second half of a word (节约, 预约, 最近, 附近).
_APPROX_PREFIX = r"大约|大概|将近|接近|≈|(?<![节预制契签公邀简隐])约|(?<![最附邻接将亲])近"
_PREFIX = (
    rf"(?:(?P<op>{_alternation(_PREFIX_OPS)})(?P<ap>{_APPROX_PREFIX})?"
    rf"|(?P<ap2>{_APPROX_PREFIX})(?P<op2>{_alternation(_PREFIX_OPS)})?)?"
)
_SUFFIX = rf"(?P<post>{_alternation(list(_SUFFIX_OPS) + ['左右'])})?"

_MULTIPLIERS = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8, "千万": Decimal(10) ** 7, "百万": Decimal(10) ** 6}
_MONEY_UNITS = {"元": Decimal(1), "千元": Decimal(1000)}  # value in 元 per unit
_PERCENT_UNITS = {"%": Decimal(1), "‰": Decimal("0.1"), "个百分点": Decimal(1), "百分点": Decimal(1)}
_COUNT_UNITS = (
    "个工作日", "平方公里", "平方米", "立方米", "个月", "人次", "场次", "剂次", "户次", "件次", "车次", "架次",
    "班次", "批次", "课时", "学时", "小时", "分钟", "公里", "千米", "公顷", "公斤", "千克", "周岁",
    "次", "人", "场", "剂", "件", "个", "户", "项", "起", "处", "家", "名", "份", "条", "张", "期", "所",
    "座", "台", "辆", "套", "批", "篇", "册", "本", "轮", "宗", "例", "栋", "幢", "间", "支", "只", "块",
    "米", "亩", "吨", "天", "周", "棵", "株", "盏", "部", "位", "组", "队", "倍", "分", "岁", "床",
    "㎡", "m²", "m2", "km", "kg",
)
# Units a Chinese numeral may carry. Deliberately short: "一起" (together), "一部分",
# "一条心" are words, not quantities.
_CN_COUNT_UNITS = ("场次", "人次", "次", "个", "项", "件", "场", "名", "户", "期", "轮", "批", "处")
_ALL_UNITS = _alternation(list(_MONEY_UNITS) + list(_PERCENT_UNITS) + list(_COUNT_UNITS))

# A number right before one of these is a date or a time of day, not a quantity.
_DATE_SUFFIXES = frozenset("年月日号时")
_ORDINAL_MARKERS = ("指标", "序号", "编号", "No.", "NO.", "No", "NO", "#")

# --------------------------------------------------------------------------- regexes

_ARABIC_QUANTITY = re.compile(
    _PREFIX
    # Not inside a longer number or an identifier ("G20", "1.5"); a comma counts as a
    # thousands separator only between digits.
    + r"(?<![0-9A-Za-z.])(?<![0-9],)"
    + r"(?P<num>[-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)(?![0-9])"
    + r"(?P<more1>余|多)?(?P<mult>千万|百万|亿|万)?(?P<more2>余|多)?"
    + rf"(?P<unit>{_ALL_UNITS})?"
    + _SUFFIX
)
_CHINESE_QUANTITY = re.compile(
    _PREFIX
    + rf"(?<![第每{_CN_NUMERAL_CHARS}百千万])(?P<cn>[{_CN_NUMERAL_CHARS}]{{1,3}})"
    + rf"(?P<more1>余|多)?(?P<unit>{_alternation(_CN_COUNT_UNITS)})(?!性)"  # 一次性 = one-off
    + _SUFFIX
)
_PERCENT_WORDS = re.compile(
    _PREFIX + r"百分之(?P<pct>[0-9]+(?:\.[0-9]+)?|[一二两三四五六七八九十百零]{1,4})" + _SUFFIX
)

_CN_RUN = f"[{_CN_NUMERAL_CHARS}]{{1,3}}"
_PERIOD_END = r"(?:底|末|初|上旬|中旬|下旬)"
_BEFORE = r"(?:之前|以前|前)"
_DEADLINE = re.compile(
    "|".join((
        # 每月底, 每月15日前, 每季度末, 每年
        rf"每个?(?:季度|半年|月|季|年|周|星期|日|天)(?:[0-9]{{1,2}}[日号])?{_PERIOD_END}?(?:{_BEFORE}|内)?",
        # 两个工作日内, 3天内, 24小时之内, 30分钟内
        rf"(?:[0-9]{{1,3}}|{_CN_RUN})个?(?:工作日|自然日|小时|分钟|个月|日|天|月|周|星期)(?:之内|以内|内)",
        # 12月31日前, 6月底, 2023年6月30日
        rf"(?:[0-9]{{4}}年)?[0-9]{{1,2}}月(?:[0-9]{{1,2}}[日号]|{_PERIOD_END}){_BEFORE}?",
        rf"[0-9]{{1,2}}[日号]{_BEFORE}",
        # 年底, 年底前, 2022年底, 上半年, 季度末
        rf"(?:[0-9]{{4}}年)?(?:上半年|下半年|年底|年末|年内|季度末|季末|月底|月末){_BEFORE}?",
        r"按(?:季度|月|季|年|周)(?!度)",
        r"当(?:日|天|月)",
    ))
)
# Calendar dates and clock times, masked so their digits are not read as quantities.
_DATE = re.compile(r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?")
_MASK_CHAR = "\ue000"

_CN_NUMERAL_RUN = re.compile(_CN_RUN)
_BLANK = re.compile(r"[-—–―_/\\·.。、,;:~*]*")
_SEGMENT_SEPARATOR = re.compile(r"(?<![0-9]),|,(?![0-9])|[;。]")

_ZERO_EVENT = re.compile(
    r"(?:无|零|未发生|没有发生|不发生|未出现|没有出现|不出现|杜绝)[^,;。]{0,12}?"
    r"(?:事故|事件|案件|投诉|伤亡|差错|失误|火灾|违纪|违法|违规|上访|险情)"
)
_CHANGE_VERB = re.compile(r"负增长|下降|减少|降低|压减|缩减|下滑|回落|增长|增加|提高|上升|提升|上涨")
_DOWN_VERBS = frozenset({"负增长", "下降", "减少", "降低", "压减", "缩减", "下滑", "回落"})
_COMPARISON = re.compile(
    r"同比|环比|(?:比|较|相比|与)(?:[0-9]{4}年度?|上年同期|上年度?|去年|上一年度?|上期|同期)"
)
_EXTERNAL = re.compile(r"交办|分配|下达|下发|文件|要求|规定|上级|批复|核定|部署|指派")
_MONEY_NAME = re.compile(r"经费|资金|支出|投资|金额|收入|税|补助|补贴|拨款|预算|成本|费|工资|薪|奖金|款|财政|采购|资产")


# --------------------------------------------------------------------------- numbers


def _chinese_numeral(text: str) -> int | None:
    """一..九十九 ("两" = 2, "十二" = 12, "二十" = 20); None when not a well-formed numeral."""
    if not text:
        return None
    if "十" not in text:
        return _CN_DIGIT.get(text) if len(text) == 1 else None
    head, _, tail = text.partition("十")
    if len(head) > 1 or len(tail) > 1:
        return None
    tens = 1 if not head else _CN_DIGIT.get(head)
    ones = 0 if not tail else _CN_DIGIT.get(tail)
    if tens is None or ones is None or tens == 0:
        return None
    return tens * 10 + ones


def _percent_words_value(text: str) -> Decimal | None:
    if text[0].isdigit():
        return Decimal(text)
    if text == "百":
        return Decimal(100)
    value = _chinese_numeral(text)
    return None if value is None else Decimal(value)


def _finite(value: Decimal) -> float | None:
    try:
        x = float(value)
    except (OverflowError, InvalidOperation, ValueError):
        return None
    return x if math.isfinite(x) else None


def _format_number(x: float) -> str:
    return _format_plain_number(x) if math.isfinite(x) else str(x)


# --------------------------------------------------------------------------- quantities


def _op_and_approx(m: re.Match[str]) -> tuple[str, bool]:
    groups = m.groupdict()
    prefix_op = groups.get("op") or groups.get("op2")
    post = groups.get("post") or ""
    more = groups.get("more1") or groups.get("more2")
    approx = bool(groups.get("ap") or groups.get("ap2") or more or post == "左右")
    if prefix_op:
        op = _PREFIX_OPS[prefix_op]
    elif post in _SUFFIX_OPS:
        op = _SUFFIX_OPS[post]
    elif more:
        op = GE  # "200余次" is "more than 200"
    else:
        op = EQ
    return op, approx


def _measure(value: Decimal, multiplier: str, unit: str, money_hint: bool) -> tuple[Decimal, str, str]:
    """(number, unit, dimension) with money in 万元, percent in %, counts in base units."""
    scale = _MULTIPLIERS.get(multiplier, Decimal(1))
    if unit in _PERCENT_UNITS:
        return value * scale * _PERCENT_UNITS[unit], ("百分点" if "百分点" in unit else "%"), "percent"
    if unit in _MONEY_UNITS:
        return value * scale * _MONEY_UNITS[unit] / 10000, "万元", "money"
    if not unit and multiplier and money_hint:  # "20 万" on 补助社区支出 means 20 万元
        return value * scale / 10000, "万元", "money"
    if unit:
        return value * scale, unit, "count"
    return value * scale, "", ""


def _is_not_a_quantity(m: re.Match[str], masked: str) -> bool:
    """Dates, ordinals and identifiers that the number pattern also matches."""
    before = masked[: m.start()]
    after = masked[m.end(): m.end() + 1]
    if before.endswith("第"):  # 第3次 is the third time, not three times
        return True
    if m.group("unit") or m.group("post"):
        return False
    if after in _DATE_SUFFIXES or (after.isascii() and after.isalpha()):  # 2022年, 5G, 1e5
        return True
    bare = not any(m.group(g) for g in ("op", "op2", "ap", "ap2", "more1", "mult", "more2"))
    if not bare:
        return False
    if after == "、" or before.endswith(_ORDINAL_MARKERS):  # "1、", "指标 1"
        return True
    # "1." "1)" "1:" opening a list item; a lone "2000." is still a number.
    continues = len(masked) > m.end() + 1
    return bool(after) and after in ".):" and continues and (not before or before[-1] in _SEPARATORS + "(")


def _arabic_quantity(m: re.Match[str], masked: str, money_hint: bool) -> Quantity | None:
    if _is_not_a_quantity(m, masked):
        return None
    value = Decimal(m.group("num").replace(",", ""))
    number, unit, dimension = _measure(value, m.group("mult") or "", m.group("unit") or "", money_hint)
    return _quantity(m, number, unit, dimension)


def _chinese_quantity(m: re.Match[str]) -> Quantity | None:
    value = _chinese_numeral(m.group("cn"))
    if value is None:
        return None
    return _quantity(m, Decimal(value), m.group("unit"), "count")


def _percent_words_quantity(m: re.Match[str]) -> Quantity | None:
    value = _percent_words_value(m.group("pct"))
    return None if value is None else _quantity(m, value, "%", "percent")


def _quantity(m: re.Match[str], number: Decimal, unit: str, dimension: str) -> Quantity | None:
    x = _finite(number)
    if x is None:
        return None
    op, approx = _op_and_approx(m)
    return Quantity(number=x, unit=unit, dimension=dimension, op=op, approx=approx, start=m.start(), end=m.end())


def _drop_overlaps(found: list[Quantity]) -> list[Quantity]:
    kept: list[Quantity] = []
    for q in sorted(found, key=lambda q: (q.start, q.start - q.end)):
        if not kept or q.start >= kept[-1].end:
            kept.append(q)
    return kept


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = _MASK_CHAR * (end - start)
    return "".join(chars)


def _find_quantities(masked: str, money_hint: bool) -> list[Quantity]:
    found: list[Quantity | None] = [_arabic_quantity(m, masked, money_hint) for m in _ARABIC_QUANTITY.finditer(masked)]
    found += [_chinese_quantity(m) for m in _CHINESE_QUANTITY.finditer(masked)]
    found += [_percent_words_quantity(m) for m in _PERCENT_WORDS.finditer(masked)]
    return _drop_overlaps([q for q in found if q is not None])


# --------------------------------------------------------------------------- words around numbers

_OPENING = {"“": "”", "‘": "’", "《": "》", "(": ")", "[": "]", "「": "」", "『": "』", "【": "】", '"': '"', "'": "'"}
_CLOSING = {v: k for k, v in _OPENING.items()}


def _is_punctuation(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def _clean_words(text: str) -> str:
    """Strip punctuation at both ends, except a bracket or quote whose partner is kept."""
    while text and _is_punctuation(text[0]) and not (text[0] in _OPENING and _OPENING[text[0]] in text[1:]):
        text = text[1:]
    while text and _is_punctuation(text[-1]) and not (text[-1] in _CLOSING and _CLOSING[text[-1]] in text[:-1]):
        text = text[:-1]
    return text


def _label_around(text: str, start: int, end: int) -> str:
    """The words left and right of a span; "…" marks where the span was cut out."""
    left, right = _clean_words(text[:start]), _clean_words(text[end:])
    return f"{left}…{right}" if left and right else left or right


def _without_punctuation(text: str) -> str:
    return " ".join("".join(ch for ch in text if not _is_punctuation(ch) or ch == " ").split())


def _normalise_deadline(phrase: str) -> str:
    """"两个工作日内" -> "2个工作日内"."""
    def arabic(m: re.Match[str]) -> str:
        value = _chinese_numeral(m.group())
        return m.group() if value is None else str(value)

    return _CN_NUMERAL_RUN.sub(arabic, phrase)


# --------------------------------------------------------------------------- classifying


def _quantity_kind(q: Quantity) -> str:
    if q.number == 0 and q.dimension in ("count", "") and q.op in (EQ, LE):
        return "zero_event"  # "0次", "0起": nothing may happen
    if q.approx:
        return "approximate"
    if q.op != EQ:
        return "bound"
    return {"money": "amount", "percent": "percent"}.get(q.dimension, "count")


def _single_quantity(raw: str, text: str, q: Quantity, evidence: tuple[Quantity, ...]) -> ParsedValue:
    kind = _quantity_kind(q)
    op = LE if kind == "zero_event" else q.op
    return ParsedValue(raw=raw, text=text, kind=kind, op=op, number=q.number, unit=q.unit, dimension=q.dimension,
                       approx=q.approx, label=_label_around(text, q.start, q.end), evidence=evidence)


def _zero_event(raw: str, text: str, evidence: tuple[Quantity, ...]) -> ParsedValue:
    counted = next((q for q in evidence if q.dimension == "count"), None)
    unit, dimension = (counted.unit, counted.dimension) if counted else ("", "")
    return ParsedValue(raw=raw, text=text, kind="zero_event", op=LE, number=0.0, unit=unit, dimension=dimension,
                       evidence=evidence)


def _relative_change(raw: str, text: str, evidence: tuple[Quantity, ...]) -> ParsedValue | None:
    """"同比下降100%", "“三公”经费同比下降", "比上年增长8.59%"; None when the text is not one."""
    verb = _CHANGE_VERB.search(text)
    if verb is None:
        return None
    following = [q for q in evidence if q.start >= verb.end()]
    right_after = bool(following) and following[0].start == verb.end() and following[0].dimension == "percent"
    # A bare "提升"/"增加" is an ordinary word ("质量提升"); it is a change when compared
    # with something (同比, 比上年) or when a percentage follows directly ("增长5%").
    if not (_COMPARISON.search(text) or right_after):
        return None
    direction = "down" if verb.group() in _DOWN_VERBS else "up"
    percent = next((q for q in following if q.dimension == "percent"), None)
    change = None if percent is None else (-percent.number if direction == "down" else percent.number)
    return ParsedValue(raw=raw, text=text, kind="relative_change", direction=direction, change=change,
                       evidence=evidence)


def _segments(text: str) -> list[tuple[int, int]]:
    """Spans of the non-empty pieces between ，；。 (a comma between digits is not a separator)."""
    spans, start = [], 0
    for sep in _SEGMENT_SEPARATOR.finditer(text):
        spans.append((start, sep.start()))
        start = sep.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if _clean_words(text[s:e])]


def _compound(raw: str, text: str, evidence: tuple[Quantity, ...], money_hint: bool) -> ParsedValue | None:
    """"组织群英会≥50次，解决群众急难愁盼问题≥50件": short segments with one quantity each."""
    if len(text) > COMPOUND_MAX:
        return None
    spans = _segments(text)
    if len(spans) < 2:
        return None
    for start, end in spans:
        inside = [q for q in evidence if start <= q.start < end]
        if len(inside) != 1 or end - start > SHORT_TEXT:
            return None
    parts = tuple(_classify(text[s:e], text[s:e], money_hint, allow_compound=False) for s, e in spans)
    return ParsedValue(raw=raw, text=text, kind="compound", parts=parts, evidence=evidence)


def _with_quantities(raw: str, text: str, evidence: tuple[Quantity, ...], money_hint: bool,
                     allow_compound: bool) -> ParsedValue:
    short = len(text) <= SHORT_TEXT
    if short and all(q.number == 0 for q in evidence) and _ZERO_EVENT.search(text):
        return _zero_event(raw, text, evidence)
    change = _relative_change(raw, text, evidence) if short else None
    if change is not None:
        return change
    compound = _compound(raw, text, evidence, money_hint) if allow_compound and len(evidence) > 1 else None
    if compound is not None:
        return compound
    only = evidence[0]
    if len(evidence) == 1 and (short or (only.start, only.end) == (0, len(text))):
        return _single_quantity(raw, text, only, evidence)
    return ParsedValue(raw=raw, text=text, kind="narrative", evidence=evidence)


def _without_quantities(raw: str, text: str, deadlines: list[re.Match[str]]) -> ParsedValue:
    short = len(text) <= SHORT_TEXT
    if short and _ZERO_EVENT.search(text):
        return _zero_event(raw, text, ())
    change = _relative_change(raw, text, ()) if short else None
    if change is not None:
        return change
    if short and _EXTERNAL.search(text):  # before deadlines: "完成年内系统分配的所有任务"
        return ParsedValue(raw=raw, text=text, kind="external_reference", quality=_without_punctuation(text))
    if short and deadlines:
        first = deadlines[0]
        return ParsedValue(raw=raw, text=text, kind="deadline", deadline=_normalise_deadline(first.group()),
                           label=_label_around(text, first.start(), first.end()))
    if len(text) <= QUALITATIVE_MAX:
        return ParsedValue(raw=raw, text=text, kind="qualitative", quality=_without_punctuation(text))
    return ParsedValue(raw=raw, text=text, kind="narrative")


def _classify(raw: str, text: str, money_hint: bool, allow_compound: bool = True) -> ParsedValue:
    if _BLANK.fullmatch(text):  # "", "—", "/": the printed form's placeholder
        return ParsedValue(raw=raw, text=text, kind="empty")
    deadlines = list(_DEADLINE.finditer(text))
    masked = _mask(text, [m.span() for m in deadlines] + [m.span() for m in _DATE.finditer(text)])
    evidence = tuple(_find_quantities(masked, money_hint))
    if evidence:
        return _with_quantities(raw, text, evidence, money_hint, allow_compound)
    return _without_quantities(raw, text, deadlines)


def _parse_strict(value: object, money_hint: bool = False) -> ParsedValue:
    """parse_value without the safety net (the tests call this to see real errors)."""
    raw = _coerce_text(value)
    return _classify(raw, normalise_text(raw), bool(money_hint))


def _safe_raw(value: object) -> str:
    try:
        return _coerce_text(value)
    except Exception:  # noqa: BLE001 - e.g. a __str__ that raises, an int too long to print
        return ""


def parse_value(text: object, *, money_hint: bool = False) -> ParsedValue:
    """Understand one 年度指标值 / 实际完成值 cell. Never raises."""
    try:
        return _parse_strict(text, money_hint)
    except Exception:  # noqa: BLE001 - a cell must never stop a whole workbook; keep it as prose
        raw = _safe_raw(text)
        return ParsedValue(raw=raw, text=raw.strip(), kind="narrative" if raw.strip() else "empty")


@lru_cache(maxsize=4096)
def money_hint_from_name(indicator_name: str) -> bool:
    """True when an indicator is about money, so a bare "万" in its values means 万元."""
    if not isinstance(indicator_name, str):
        return False
    return bool(_MONEY_NAME.search(normalise_text(indicator_name)))


# --------------------------------------------------------------------------- describing


def _show_quantity(op: str, number: float | None, unit: str, approx: bool = False) -> str:
    """"≥ 80000 万元", "80%", "约 180000 剂次"."""
    shown = _format_number(number) if number is not None else "?"
    if unit == "%":
        shown += "%"
    elif unit:
        shown += f" {unit}"
    if op and op != EQ:
        return f"{_OP_SYMBOL.get(op, op)} {shown}"
    return f"约 {shown}" if approx else shown


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _part_summary(part: ParsedValue) -> str:
    if part.is_quantitative or part.kind == "zero_event":
        return _show_quantity(part.op, part.number, part.unit, part.approx)
    return part.describe()


def _describe_quantity(v: ParsedValue) -> str:
    if v.kind == "bound":
        title = "下限" if v.op in (GE, GT) else "上限"
    else:
        title = {"count": "数量", "amount": "金额", "percent": "比例", "approximate": "约数", "zero_event": "零事件"}[v.kind]
    return f"{title}：{_show_quantity(v.op, v.number, v.unit, v.approx)}（原文“{_one_line(v.raw)}”）"


def _describe_narrative(v: ParsedValue, limit: int = 10) -> str:
    if not v.evidence:
        return "叙述文字（无数字）"
    shown = [_show_quantity(EQ, q.number, q.unit) for q in v.evidence[:limit]]
    more = f" 等 {len(v.evidence)} 个" if len(v.evidence) > limit else ""
    return f"叙述文字，含数字 {'、'.join(shown)}{more}"


def _describe(v: ParsedValue) -> str:
    if v.is_quantitative or v.kind == "zero_event":
        return _describe_quantity(v)
    if v.kind == "deadline":
        return f"期限：{v.deadline}" + (f"（{v.label}）" if v.label else "")
    if v.kind == "qualitative":
        return f"定性：{v.quality}"
    if v.kind == "external_reference":
        return f"外部依据：{v.quality}"
    if v.kind == "relative_change":
        word, sign = ("下降", -1) if v.direction == "down" else ("增长", 1)
        amount = f" {_format_number(sign * v.change)}%" if v.change is not None else "（未给出幅度）"
        return f"相对变化：{word}{amount}"
    if v.kind == "compound":
        return f"复合指标（{len(v.parts)} 项）：" + "；".join(_part_summary(p) for p in v.parts)
    if v.kind == "narrative":
        return _describe_narrative(v)
    return "空值（未填写）"

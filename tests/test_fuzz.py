"""Fuzzing the reader: mutated workbooks and random sheet values never escape as exceptions.

PERFEVAL_FUZZ_CASES (default 300) mutations of a valid unit workbook (bytes of the zip, XML of its parts, cell values), from
a seeded RNG, each read with ``read_submission`` and — when readable — validated and scored:
the only exception allowed is ReadError, whose message names a reader error, never a Python one.
Hypothesis properties cover the value conversion and ``read_sheets``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import random
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from perfeval_xl.core.settings import Settings
from perfeval_xl.core.summary import submission_summary
from perfeval_xl.core.validate import validate
from perfeval_xl.io.read import ReadError, read_submission
from perfeval_xl.io.xlsx_read import NUMBER_KINDS, CellError, convert, read_sheets
from perfeval_xl.layout.project import PROJECT_TITLE
from perfeval_xl.layout.sheets import UNIT_SHEETS

from .hostile import good_bytes

CASES = int(os.environ.get("PERFEVAL_FUZZ_CASES", "300"))  # 1 200 and more: PERFEVAL_FUZZ_CASES=5000
# Python exceptions that would mean a bug in our code, had the reader's catch-all hidden them
BUGS = ("TypeError", "KeyError", "IndexError", "AttributeError", "ZeroDivisionError", "RecursionError",
        "UnboundLocalError", "NameError", "AssertionError", "OverflowError", "MemoryError")
VALUES = ["", "0", "-1", "1e309", "NaN", "inf", "１２", "12 次", "约18万", "93.70%", "=1+1", "+86", "@SUM(A1)",
          "\t", "#DIV/0!", "#REF!", "😀", "a" * 3000, "&amp;", "]]>", "9" * 400, "-0", "1,234.5", "２０２２"]


@pytest.fixture(scope="module")
def base() -> bytes:
    return good_bytes()


def parts_of(data: bytes) -> list[tuple[str, bytes]]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def pack(parts: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, body in parts:
            z.writestr(name, body)
    return out.getvalue()


def mutate_bytes(rnd: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    kind = rnd.randrange(4)
    if kind == 0:
        for _ in range(rnd.randint(1, 8)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
    elif kind == 1:
        return bytes(b[: rnd.randrange(len(b))])
    elif kind == 2:
        at = rnd.randrange(len(b))
        b[at:at] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 64)))
    else:
        at = rnd.randrange(len(b))
        del b[at: at + rnd.randint(1, 256)]
    return bytes(b)


def mutate_xml(rnd: random.Random, parts: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    xml = [i for i, (n, _) in enumerate(parts) if n.endswith((".xml", ".rels"))]
    i = rnd.choice(xml)
    name, body = parts[i]
    text = body.decode("utf-8", "replace")
    kind = rnd.randrange(6)
    if kind == 0 and len(text) > 10:  # cut a slice out (unbalanced tags)
        a = rnd.randrange(len(text))
        text = text[:a] + text[a + rnd.randint(1, 200):]
    elif kind == 1:  # duplicate a slice
        a = rnd.randrange(len(text))
        text = text[:a] + text[a: a + rnd.randint(1, 300)] * 2 + text[a:]
    elif kind == 2:  # change an attribute's value
        attrs = list(re.finditer(r'="([^"]*)"', text))
        if attrs:
            m = rnd.choice(attrs)
            text = text[:m.start(1)] + rnd.choice(["", "-1", "ZZZ99999", "A0", "999999999", "x\"y", "&", "<"]) + text[m.end(1):]
    elif kind == 3:  # a stray character
        a = rnd.randrange(len(text))
        text = text[:a] + rnd.choice(["<", ">", "&", "\"", "\0", "\ufffe", "&#0;", "&bogus;"]) + text[a:]
    elif kind == 4:  # drop the part altogether
        return parts[:i] + parts[i + 1:]
    else:  # rename the part
        return parts[:i] + [(name + rnd.choice([".bak", "x", "/"]), body)] + parts[i + 1:]
    return parts[:i] + [(name, text.encode("utf-8", "surrogatepass"))] + parts[i + 1:]


_CELL = re.compile(r'<c r="([A-Z]+\d+)"([^>]*)>(.*?)</c>', re.S)


def mutate_cells(rnd: random.Random, parts: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    sheets = [i for i, (n, _) in enumerate(parts) if n.startswith("xl/worksheets/sheet")]
    i = rnd.choice(sheets)
    name, body = parts[i]
    text = body.decode("utf-8")
    cells = list(_CELL.finditer(text))
    for m in rnd.sample(cells, min(len(cells), rnd.randint(1, 12))):
        value = rnd.choice(VALUES)
        escaped = value.replace("&", "&amp;").replace("<", "&lt;") if rnd.random() < 0.8 else value
        kind = rnd.choice(["inlineStr", "n", "e", "b", "s", "d", "str", "bogus"])
        if kind == "inlineStr":
            new = f'<c r="{m[1]}" t="inlineStr"><is><t>{escaped}</t></is></c>'
        elif kind == "s":
            new = f'<c r="{m[1]}" t="s"><v>{rnd.choice(["0", "99999", "-1", "x"])}</v></c>'
        else:
            new = f'<c r="{m[1]}" t="{kind}"><v>{escaped}</v></c>'
        text = text.replace(m[0], new, 1)
    return parts[:i] + [(name, text.encode("utf-8", "surrogatepass"))] + parts[i + 1:]


def test_a_thousand_mutated_workbooks_raise_nothing_but_read_errors(base, tmp_path):
    rnd = random.Random(20261201)
    settings = Settings.default()
    parts = parts_of(base)
    path = tmp_path / "fuzz.xlsx"
    outcomes = {"read": 0, "refused": 0}
    for case in range(CASES):
        kind = case % 3
        if kind == 0:
            data = mutate_bytes(rnd, base)
        elif kind == 1:
            data = pack(mutate_xml(rnd, parts))
        else:
            data = pack(mutate_cells(rnd, parts))
        path.write_bytes(data)
        try:
            loaded = read_submission(path)
        except ReadError as exc:
            message = str(exc)
            assert message.startswith("fuzz.xlsx：") and not any(bug in message for bug in BUGS), (case, message)
            outcomes["refused"] += 1
            continue
        report = validate(loaded.submission, settings)
        assert not [f for f in report.findings if f.rule == "E901"], case  # no rule broke on the input
        submission_summary(loaded.submission, settings)
        outcomes["read"] += 1
    assert sum(outcomes.values()) == CASES and outcomes["read"] > CASES // 4 and outcomes["refused"] > CASES // 12


# ---------------------------------------------------------------- properties of the reader

cell_values = st.one_of(
    st.none(), st.text(max_size=20), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20),
    st.booleans(), st.dates(min_value=dt.date(1900, 1, 1)), st.builds(dt.time),
    st.sampled_from(["１２", "93.70%", "12 次", "约18万", "1,234.5", "-3", "+4.5%", PROJECT_TITLE]),
    st.sampled_from(["#DIV/0!", "#REF!", "#NAME?"]).map(CellError),
)


@given(cell_values, st.sampled_from(NUMBER_KINDS + ("text",)))
def test_convert_never_raises_and_never_guesses(raw, kind):
    value, ok = convert(raw, kind)
    if not ok:
        assert value is None
    elif kind in NUMBER_KINDS and value is not None:
        assert isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    elif kind == "text":
        assert isinstance(value, str)
    if isinstance(raw, CellError):
        assert (value, ok) == (None, False)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12), st.integers(0, 4))
def test_a_number_typed_as_text_reads_as_the_number(x, decimals):
    typed = f"{x:.{decimals}f}"  # as a clerk types it: no exponent
    assert convert(typed, "amount") == (float(typed), True)
    full = typed.translate(str.maketrans("0123456789.-", "０１２３４５６７８９．－"))
    assert convert(full, "amount") == (float(typed), True)
    assert convert(f"{float(typed):,.{decimals}f}", "amount") == (float(typed), True)  # 千分位逗号


sheet_names = st.sampled_from(["封面", "基础数据表", "部门整体支出绩效自评表", "评分表", "项目1", "项目2", "Sheet1", "_lists"])
grids = st.lists(st.lists(cell_values, max_size=12), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(sheet_names, grids, max_size=6))
def test_read_sheets_takes_any_values(sheets):
    result = read_sheets(sheets, UNIT_SHEETS)
    sub = result.submission
    for u in sub.unreadable:
        assert u.sheet in sheets and re.fullmatch(r"[A-Z]+\d+", u.cell)
    validate(sub, Settings.default())

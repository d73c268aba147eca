"""One reading of a typed number and one way of printing a figure."""

import pytest

from perfeval_xl.core.rubric import ALL_FACTS, FactError, coerce_fact
from perfeval_xl.core.score import fmt_figure, fmt_rate
from perfeval_xl.core.values import parse_number
from perfeval_xl.io.xlsx_read import convert


@pytest.mark.parametrize(("text", "percent_ok", "expected"), [
    ("1,234.5", False, 1234.5), ("１２３．５", False, 123.5), (" -2 ", False, -2.0), ("93.70%", True, 0.937),
    ("９３％", True, 0.93), ("93.70%", False, None), ("60.63万元", False, None), ("1e5", False, None),
    ("inf", False, None), ("", False, None), ("约18", False, None),
])
def test_parse_number(text, percent_ok, expected):
    got = parse_number(text, percent_ok)
    assert got == pytest.approx(expected) if expected is not None else got is None


def test_cells_and_rubric_answers_read_numbers_alike():
    amount = ALL_FACTS["budget_with_additions"]
    assert amount.kind == "amount"
    for text, expected in (("1,234.5", 1234.5), ("１２３", 123.0), ("93.70%", None), ("60.63万元", None),
                           ("1e5", None)):
        cell, ok = convert(text, "amount")
        try:
            fact = coerce_fact(amount, text)
        except FactError:
            fact = None
        assert (cell if ok else None) == fact == expected, text


def test_figures_print_with_two_decimals_and_a_dash_for_none():
    assert [fmt_figure(v) for v in (None, 64.707, 10.0, 2022, 2.345)] == ["—", "64.71", "10", "2022", "2.35"]
    assert [fmt_rate(v) for v in (None, 0.93699, 1.0)] == ["—", "93.70%", "100.00%"]

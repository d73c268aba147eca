"""The narrative check reads 元 and 亿元 as well as 万元, and “合计/共计” sums of listed items."""

from __future__ import annotations

import pytest

from perfeval_xl.core.settings import Settings
from perfeval_xl.report.check import _amounts, check_paragraphs, in_wan
from perfeval_xl.report.extract import paragraphs_from_texts

from .conftest import load_seed

SEED003, SEED004 = "seed003_wangjiahe_2023.json", "seed004_shazitang_2020.json"


def _check(seed: str, *texts: str):
    return check_paragraphs(load_seed(seed), paragraphs_from_texts(list(texts)), Settings.default())


@pytest.mark.parametrize("number, unit, expected", [
    ("1,234,567.89", "元", (123.456789, 6)), ("32500", "元", (3.25, 4)), ("3.2", "亿元", (32000.0, -3)),
    ("12.5", "万", (12.5, 1)), ("553.52", "万元", (553.52, 2)),
])
def test_amounts_in_yuan_and_yi_are_read_in_wan(number, unit, expected):
    assert in_wan(number, unit) == expected


def test_per_unit_prices_and_counts_are_not_amounts():
    assert [a.value for a in _amounts("人均补助 20元/人，服务 1.5万人次，支出 3万元")] == [3.0]


def test_a_figure_in_yuan_is_checked_against_the_table():
    # seed 003: 项目支出 553.52 万元 = 5,535,200 元
    assert _check(SEED003, "2023 年本单位项目支出共 5,535,200 元。") == []
    [wrong] = _check(SEED003, "2023 年本单位项目支出共 5,355,200 元。")
    assert (wrong.rule, wrong.location.field) == ("W603", "本单位项目支出")
    assert wrong.message == ("第 1 段写明本单位项目支出 535.52 万元，部门整体支出绩效自评表的项目支出为 553.52 万元。"
                             "原文：“2023 年本单位项目支出共 5,535,200 元”".replace("5,535,200", "5,355,200"))


def test_a_figure_in_yi_is_compared_as_rounded():
    # 553.52 万元 is 0.055352 亿元: "0.06 亿元" is right as the writer rounded it, "0.07 亿元" is not
    assert _check(SEED003, "2023 年本单位项目支出共 0.06 亿元。") == []
    [wrong] = _check(SEED003, "2023 年本单位项目支出共 0.07 亿元。")
    assert wrong.rule == "W603"


def test_listed_items_against_their_sum():
    ok = "社区慰问 1.2 万元、环境整治 3 万元、宣传印刷 20,000 元，合计 6.2 万元。"
    assert _check(SEED004, ok) == []
    [wrong] = _check(SEED004, "社区慰问 1.2 万元、环境整治 3 万元、宣传印刷 20,000 元，共计 7.5 万元。")
    assert (wrong.rule, wrong.location.row, wrong.location.field) == ("W605", "第 1 段", "合计")
    assert wrong.message == ("第 1 段：合计 7.5 万元，所列分项 1.2 + 3 + 2 之和为 6.2 万元。"
                             "原文：“社区慰问 1.2 万元、环境整治 3 万元、宣传印刷 20,000 元，共计 7.5 万元”")


def test_a_sum_word_after_unrelated_figures_is_not_a_list():
    # seed 003's printed sentence: 基本支出 … “三公”经费为公务接待费共计 0 万元 — not a sum of the figures before it
    text = ("2023 年保障单位机构正常运转、完成日常工作任务而发生的各项基本支出为 1023.74 万元，包括人员基本工资、津贴补贴等"
            "人员经费以及办公费、印刷费、水电费、办公设备购置等。“三公”经费为公务接待费共计 0 万元。")
    assert _check(SEED003, text) == []

"""The roll-up record: typed and versioned, and the outputs it feeds unchanged (golden test)."""

from __future__ import annotations

import dataclasses
import json
import pickle

from perfeval_xl.core.settings import Settings
from perfeval_xl.rollup.extract import process_file
from perfeval_xl.rollup.record import (
    RECORD_VERSION, FileRecord, FindingRow, Figures, IndicatorRow, ProjectRow,
)

from .workflow_golden import EXAMPLES, GOLDEN, example_outputs

YANGHU = "岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx"


def test_example_district_outputs_match_the_golden_record():
    """Every 区汇总 sheet, the JSON report and every 退回意见 of the example district as before
    the record became typed; sheets and JSON keys added since are allowed, nothing else changes."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = json.loads(json.dumps(example_outputs(), ensure_ascii=False, default=str))
    for name, rows in golden["sheets"].items():
        assert now["sheets"][name] == rows, name
    for key, value in golden["json"].items():
        if key == "files":
            for before, after in zip(value, now["json"]["files"], strict=True):
                assert {k: after[k] for k in before} == before
        else:
            assert now["json"][key] == value, key
    assert now["feedback"].keys() == golden["feedback"].keys()
    for name, rows in golden["feedback"].items():
        assert now["feedback"][name] == rows, name


def test_worker_record_is_typed_and_versioned():
    record = process_file(EXAMPLES / YANGHU, EXAMPLES, Settings.default())
    assert isinstance(record, FileRecord) and record.record_version == RECORD_VERSION == 2
    assert (record.status, record.unit, record.code, record.year) == ("ok", "长沙市岳麓区洋湖街道办事处", "124013", 2022)
    assert isinstance(record.figures, Figures)
    assert record.figures.projects == len(record.details.projects) == 5
    first = record.details.projects[0]
    assert isinstance(first, ProjectRow) and first.path == YANGHU
    assert (first.budget_cell, first.executed_cell) == ("项目1!E6", "项目1!F6")
    assert all(isinstance(i, IndicatorRow) for i in record.details.indicators)
    assert all(isinstance(f, FindingRow) for f in record.details.findings)
    assert len(record.details.findings) == record.errors + record.warnings
    # the 汇总's budget is the sum of the projects' rows when there is no department table
    assert record.figures.budget == round(sum(p.budget for p in record.details.projects if p.budget is not None), 6)
    # no positional tuples anywhere in what travels between processes
    for row in (first, record.details.indicators[0], record.details.findings[0]):
        assert dataclasses.is_dataclass(row) and not isinstance(row, tuple)
    assert pickle.loads(pickle.dumps(record)) == record

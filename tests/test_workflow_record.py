"""The roll-up record: typed and versioned (the outputs it feeds: tests/test_arch_golden.py)."""

from __future__ import annotations

import dataclasses
import json
import pickle

from perfeval_xl.core.settings import Settings
from perfeval_xl.rollup.extract import process_file
from perfeval_xl.rollup.record import (
    RECORD_VERSION, FileRecord, FindingRow, Figures, IndicatorRow, ProjectRow,
)

from .workflow_golden import EXAMPLES

YANGHU = "岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx"


def test_worker_record_is_typed_and_versioned():
    record = process_file(EXAMPLES / YANGHU, EXAMPLES, Settings.default())
    assert isinstance(record, FileRecord) and record.record_version == RECORD_VERSION == 3
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

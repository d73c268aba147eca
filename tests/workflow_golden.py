"""The example district's 区汇总 cell values, JSON report and 退回意见, in a form two runs can compare.

``scripts/update_golden.py`` records them in the one golden file, tests/golden/examples.json
(compared by tests/test_arch_golden.py); tests compare runs with and without an archive with them.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from openpyxl import load_workbook

from perfeval_xl.core.settings import Settings
from perfeval_xl.rollup import rollup

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "报送"
# Fields that differ between two runs of the same files (timings, the machine's paths).
VOLATILE = {"seconds", "folder", "output", "feedback_files", "modified", "mtime", "mtime_ns"}
# A file's modification time quoted in a message (X501): set by the checkout, not by the data.
MODIFIED = re.compile(r"修改时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
FILE_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")  # the 未能读取 sheet's 修改时间 column


def _scrub(value, folder: str, tmp: str):
    if isinstance(value, dict):
        return {k: _scrub(v, folder, tmp) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_scrub(v, folder, tmp) for v in value]
    if isinstance(value, str):
        if FILE_TIME.fullmatch(value):
            return "<mtime>"
        return MODIFIED.sub("修改时间 <mtime>", value.replace(folder, "<folder>").replace(tmp, "<tmp>"))
    return value


def example_outputs(**options) -> dict:
    """Roll up examples/报送 in this process; the workbook's values by sheet and the JSON report."""
    with tempfile.TemporaryDirectory() as tmp:
        out, report = Path(tmp) / "区汇总.xlsx", Path(tmp) / "区汇总.json"
        rollup(EXAMPLES, out, jobs=1, json_report=report, feedback_dir=Path(tmp) / "退回意见",
               settings=Settings.default(), **options)
        folder = str(EXAMPLES.resolve())
        wb = load_workbook(out, read_only=True)
        sheets = {ws.title: [[_scrub(v, folder, tmp) for v in row] for row in ws.iter_rows(values_only=True)]
                  for ws in wb.worksheets}
        wb.close()
        doc = _scrub(json.loads(report.read_text(encoding="utf-8")), folder, tmp)
        feedback = {}
        for path in sorted((Path(tmp) / "退回意见").glob("*退回意见.xlsx")):  # not the 标注副本 beside them
            book = load_workbook(path, read_only=True)
            feedback[path.name] = [[_scrub(v, folder, tmp) for v in row] for row in book.active.iter_rows(values_only=True)]
            book.close()
    return {"sheets": sheets, "json": doc, "feedback": feedback}


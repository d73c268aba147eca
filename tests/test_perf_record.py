"""What a roll-up worker sends back (issue 18): its file's report travels pickled and the parent files
it away as it is."""

import io
import json
import pickle

from perfeval_xl.rollup.report_json import FileReports, write_report

REPORT = {"file": "岳麓区/洋湖.xlsx", "valid": False, "stats": {"errors": 2, "by_rule": {"T101": {"error": 2}}},
          "findings": [{"rule": "T101", "message": "执行率填报为 91.74%。", "values": {"stated": "91.74%"}}]}


def test_a_pickled_report_is_filed_and_read_as_the_report():
    reports = FileReports()
    reports.add("b.xlsx", pickle.dumps(REPORT, protocol=pickle.HIGHEST_PROTOCOL))  # as a worker sends it
    reports.add("a.xlsx", {**REPORT, "file": "a.xlsx"})  # as the parent makes it (one worker, the archive)
    assert list(reports.in_order(["a.xlsx", "b.xlsx", "c.xlsx"])) == [{**REPORT, "file": "a.xlsx"}, REPORT]
    out = io.StringIO()
    write_report({"format": "x", "files": reports}, out)
    assert json.loads(out.getvalue()) == {"format": "x", "files": [{**REPORT, "file": "a.xlsx"}, REPORT]}

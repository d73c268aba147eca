"""`rollup`'s per-unit table is cut at UNIT_TABLE_ROWS rows (10^5 lines at province scale otherwise): the
files that need action first, then a closing line; --all prints every file."""

import json

from perfeval_xl import cli
from perfeval_xl.cli import UNIT_TABLE_ROWS, main, unit_table_rows
from perfeval_xl.demo import summary_rows, table_text

from .conftest import ROOT


def _submission(i: int, status: str = "ok", errors: int = 0) -> dict:
    return {"path": f"报送/{i:03d}.xlsx", "unit": f"单位{i:03d}街道", "year": 2022, "score": 100 - i / 10,
            "grade": "优", "status": status, "counts": {"errors": errors, "warnings": 1}}


def test_a_long_table_keeps_the_files_that_need_action():
    files = [_submission(i, errors=int(i in (70, 99))) for i in range(120)] + [{**_submission(120, "unreadable"), "unit": None, "score": None}]
    rows = summary_rows(files)
    shown, left_out = unit_table_rows(rows, UNIT_TABLE_ROWS)
    assert (UNIT_TABLE_ROWS, len(shown), left_out) == (50, 50, 71)
    # 需退回 (by score, as the table sorts), then 未能读取, then the best scores that passed
    assert [(r[0], r[-1]) for r in shown[:4]] == [("单位070街道", "需退回"), ("单位099街道", "需退回"),
                                                  ("120.xlsx", "未能读取"), ("单位000街道", "通过")]
    assert [r[0] for r in shown[3:]] == [f"单位{i:03d}街道" for i in range(47)]
    assert unit_table_rows(rows, None) == (rows, 0) and unit_table_rows(rows[:50], 50) == (rows[:50], 0)


def test_rollup_prints_at_most_the_cap_and_all_with_all(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "UNIT_TABLE_ROWS", 5)
    folder = ROOT / "examples" / "报送"
    main(["rollup", str(folder), "-o", str(tmp_path / "a.xlsx"), "--jobs", "1", "--json", str(tmp_path / "a.json")])
    cut = capsys.readouterr().out.split("\n\n")[0].splitlines()
    rows = summary_rows(json.loads((tmp_path / "a.json").read_text(encoding="utf-8")))
    assert len(rows) == 16
    first = [r for r in rows if r[-1] in ("需退回", "未能读取")]
    assert len(first) > 5  # the example district: more files to send back than the cut shows
    assert cut[:-1] == table_text(first[:5]).splitlines()
    assert cut[-1] == "……另有 11 个单位，见区汇总「汇总」表（加 --all 全部列出）"

    main(["rollup", str(folder), "-o", str(tmp_path / "b.xlsx"), "--jobs", "1", "--all"])
    every = capsys.readouterr().out.split("\n\n")[0].splitlines()
    assert every == table_text(rows).splitlines() and len(every) == 17

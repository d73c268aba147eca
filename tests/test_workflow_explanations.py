"""提示 that need a written 情况说明: the rules-file key, `validate`, and the 待说明 status."""

from __future__ import annotations

import json
import subprocess
import sys

from perfeval_xl.core.explanations import awaiting_explanation
from perfeval_xl.core.model import Explanation
from perfeval_xl.core.settings import Settings
from perfeval_xl.core.validate import validate
from perfeval_xl.rollup.extract import process_file

from .conftest import load_seed
from .workflow_golden import EXAMPLES

PINGTANG = "岳麓区/坪塘街道（虚构）2022年度绩效自评.xlsx"


def test_default_rules_name_the_deviations_and_overshoots():
    assert Settings.default().explanation_required == {"T102", "T116", "B305", "B306", "B307", "D204"}
    assert Settings.default().override({"workflow": {"explanation_required": ["T116"]}}).explanation_required == {"T116"}


def test_a_written_explanation_clears_the_requirement():
    settings = Settings.default()
    sub = load_seed("seed000_yanghu_2022.json")
    waiting = awaiting_explanation(validate(sub, settings).findings, settings)
    assert sorted(f.rule for f in waiting) == ["T116"] * 4
    t116 = next(f for f in waiting if f.rule == "T116")
    sub.explanations = [Explanation("T116", t116.location.key, "目标按上年实际数设定，已在下年调整")]
    after = awaiting_explanation(validate(sub, settings).findings, settings)
    assert sorted(f.rule for f in after) == ["T116"] * 3
    assert t116.location.key not in {f.location.key for f in after}
    # an explanation that is only blanks does not count
    sub.explanations = [Explanation("T116", t116.location.key, "  ")]
    assert len(awaiting_explanation(validate(sub, settings).findings, settings)) == 4


def test_the_roll_up_holds_a_unit_until_written_and_the_rules_file_decides():
    record = process_file(EXAMPLES / PINGTANG, EXAMPLES, Settings.default())
    assert (record.errors, record.awaiting_explanation) == (0, 5)
    relaxed = Settings.default().override({"workflow": {"explanation_required": ["T102"]}})
    assert process_file(EXAMPLES / PINGTANG, EXAMPLES, relaxed).awaiting_explanation == 1


def test_validate_names_the_hints_that_still_need_an_explanation():
    done = subprocess.run([sys.executable, "-m", "perfeval_xl", "validate", str(EXAMPLES / PINGTANG)],
                          capture_output=True, text=True)
    assert done.returncode == 0
    assert "待说明：以下 5 条提示须在“校验结果”表的“情况说明”栏写明原因" in done.stdout
    assert ("  T102 全年执行数超过全年预算数 — 项目支出绩效自评表「行政审批办综合工作经费」 年度资金总额 全年执行数（项目3!F6）"
            in done.stdout)
    done = subprocess.run([sys.executable, "-m", "perfeval_xl", "validate", "--format", "json",
                           str(EXAMPLES / PINGTANG)], capture_output=True, text=True)
    waiting = json.loads(done.stdout)["awaiting_explanation"]
    assert [(f["rule"], f["sheet"], f["cell"]) for f in waiting] == [
        ("T102", "项目3", "F6"), ("T116", "项目2", "H13"), ("T116", "项目2", "H14"), ("T116", "项目3", "H13"),
        ("T116", "项目3", "H14")]


def test_validate_says_nothing_more_when_no_hint_waits():
    done = subprocess.run([sys.executable, "-m", "perfeval_xl", "validate",
                           str(EXAMPLES / "岳麓区/麓谷街道（虚构）2022年度绩效自评.xlsx")], capture_output=True, text=True)
    assert done.returncode == 0 and "待说明" not in done.stdout

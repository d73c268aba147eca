"""JSON from outside within limits (issue #14): every hostile value is refused with exit 2 and
its JSON path, in every command that reads JSON; the limits come from the rules file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from perfeval_xl import cli
from perfeval_xl.exitcodes import UNUSABLE_INPUT
from perfeval_xl.io.guard import Limits
from perfeval_xl.io.json_input import JsonRefused, loads

ROOT = Path(__file__).parent.parent
HEAD = '{"format": "perfeval-xl/submission", "format_version": 1, '

CASES = {
    "控制字符": (HEAD + '"unit": {"unit_name": "洋湖\\u0007街道"}}', "$.unit.unit_name：文字中含有控制字符（U+0007），拒绝读取"),
    "代理字符": (HEAD + '"unit": {"unit_name": "\\ud800"}}',
             "$.unit.unit_name：文字中含有不成对的代理字符（U+D800），不是有效的 Unicode 文本，拒绝读取"),
    "长整数": (HEAD + '"unit": {"year": ' + "9" * 5000 + "}}", "$.unit.year：整数位数过多（5000 位，上限 20 位），拒绝读取"),
    "NaN": (HEAD + '"projects": [{"indicators": [{"points": NaN}]}]}',
            "$.projects[0].indicators[0].points：NaN 不是有限的数，拒绝读取"),
    "无穷大": (HEAD + '"projects": [{}, {"indicators": [{}, {"points": -1e999}]}]}',
            "$.projects[1].indicators[1].points：数值超出范围（不是有限的数），拒绝读取"),
    "嵌套": (HEAD + '"unit": {"x": ' + "[" * 100000 + "]" * 100000 + "}}",
           "$.unit.x" + "[0]" * 30 + "：嵌套层数超过上限（32 层），拒绝读取"),
    "项目过多": (HEAD + '"projects": [' + ", ".join(["{}"] * 10000) + "]}",
             "$.projects：项目表过多（10000 个，上限 200 个），拒绝读取"),
    "指标过多": (HEAD + '"projects": [{"indicators": [' + ", ".join(["{}"] * 201) + "]}]}",
             "$.projects[0].indicators：绩效指标过多（201 个，上限 200 个），拒绝读取"),
    "文字过长": (HEAD + '"unit": {"unit_name": "' + "街" * 10001 + '"}}',
             "$.unit.unit_name：文字过长（10001 个字符，上限 10000 个），拒绝读取"),
    "键中的控制字符": (HEAD + '"unit": {"a\\u0000": 1}}', "$.unit（键 “a\x00”）：文字中含有控制字符（U+0000），拒绝读取"),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("command", ["validate", "score", "export", "report", "new"])
def test_hostile_json_is_refused_with_its_path(tmp_path, capsys, name, command):
    text, reason = CASES[name]
    path = tmp_path / f"{name}.json"
    path.write_text(text, encoding="utf-8")
    argv = {"validate": ["validate", str(path)], "score": ["score", str(path)], "export": ["export", str(path)],
            "report": ["report", str(path), "-o", str(tmp_path / "r.docx")],
            "new": ["new", "--from-json", str(path), "-o", str(tmp_path / "n.xlsx")]}[command]
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert (code, out, err) == (UNUSABLE_INPUT, "", f"错误：{name}.json：{reason}\n")


def test_the_limits_come_from_the_rules_file(tmp_path, capsys):
    path = tmp_path / "深.json"
    path.write_text(HEAD + '"unit": {"x": [[[1]]]}}', encoding="utf-8")
    rules = tmp_path / "r.toml"
    rules.write_text("[limits]\njson_depth = 3\n", encoding="utf-8")
    assert cli.main(["validate", str(path), "--rules", str(rules)]) == UNUSABLE_INPUT
    assert capsys.readouterr().err == "错误：深.json：$.unit.x[0]：嵌套层数超过上限（3 层），拒绝读取\n"


def test_json_within_the_limits_reads_as_before():
    doc = {"a": [1, 2.5, -3, "x\ty\n"], "b": {"c": None, "d": True}, "e": "9" * 20}
    assert loads(json.dumps(doc)) == doc
    assert loads("-" + "9" * 20) == -int("9" * 20)
    with pytest.raises(JsonRefused, match=r"^\$：整数位数过多（21 位"):
        loads("9" * 21)
    with pytest.raises(JsonRefused, match=r"^\$\[0\]\[1\]：嵌套层数超过上限（2 层）"):
        loads('[["]]]]]]", [[1]]]]', Limits(json_depth=2))


def test_a_prefill_list_is_bounded_too(tmp_path, capsys):
    rows = tmp_path / "预算.json"
    rows.write_text(json.dumps([{"项目名称": f"项目{i}", "全年预算数": 1} for i in range(201)], ensure_ascii=False),
                    encoding="utf-8")
    code = cli.main(["new", "--unit", "洋湖街道", "--year", "2022", "--prefill", str(rows), "-o", str(tmp_path / "n.xlsx")])
    assert code == UNUSABLE_INPUT and not (tmp_path / "n.xlsx").exists()
    assert capsys.readouterr().err == f"错误：{rows}：项目过多（201 个，上限 200 个，见规则文件 [limits] max_projects）\n"
    deep = tmp_path / "深.json"
    deep.write_text("[" * 10000 + "]" * 10000, encoding="utf-8")
    code = cli.main(["new", "--unit", "洋湖街道", "--year", "2022", "--prefill", str(deep), "-o", str(tmp_path / "n.xlsx")])
    assert code == UNUSABLE_INPUT
    assert capsys.readouterr().err == "错误：深.json：$" + "[0]" * 32 + "：嵌套层数超过上限（32 层），拒绝读取\n"


def test_no_traceback_in_a_subprocess(tmp_path):
    path = tmp_path / "长整数.json"
    path.write_text(CASES["长整数"][0], encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "perfeval_xl", "export", str(path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == UNUSABLE_INPUT and "Traceback" not in done.stderr and done.stdout == ""

"""The perfeval-xl command line: exit codes, JSON report shape, Chinese error messages."""

import hashlib
import json

import pytest

from perfeval_xl.cli import main
from perfeval_xl.core.registry import every_rule
from perfeval_xl.core.registry import all_rules
from perfeval_xl.report.rules import report_rules

from .conftest import DATA

SEED000 = str(DATA / "seed000_yanghu_2022.json")
SEED004 = str(DATA / "seed004_shazitang_2020.json")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_json_report(capsys):
    code, out, err = run(capsys, "validate", SEED000, "--format", "json")
    report = json.loads(out)
    assert code == 1 and err == ""
    assert report["file"] == SEED000
    assert report["sha256"] == hashlib.sha256(open(SEED000, "rb").read()).hexdigest()
    assert report["valid"] is False
    assert report["stats"]["by_rule"]["T103"] == {"error": 5}
    assert report["stats"]["by_rule"]["T116"] == {"warning": 4}
    first = report["findings"][0]
    assert {k: first[k] for k in ("rule", "severity", "table", "row", "field")} == {
        "rule": "T101", "severity": "error", "table": "项目支出绩效自评表「预留奖金」",
        "row": "年度资金总额", "field": "执行率"}
    assert first["message"] == ("项目支出绩效自评表「预留奖金」：执行率填报为 91.74%，"
                                "按全年执行数 105.95 ÷ 全年预算数 115.5 计算应为 91.73%。")


def test_findings_per_rule_are_capped_and_the_rest_counted(capsys):
    code, out, _ = run(capsys, "validate", SEED000, "--format", "json", "--max-per-rule", "2")
    report = json.loads(out)
    assert sum(1 for f in report["findings"] if f["rule"] == "T103") == 2
    assert report["omitted"]["T103"] == 3
    assert report["stats"]["errors"] == 25  # counts are never capped


def test_validate_exit_0_when_no_error(capsys):
    code, out, _ = run(capsys, "validate", SEED004)
    assert (code, out.splitlines()[1]) == (0, "结果：校验通过")


@pytest.mark.parametrize("name, content, message", [
    ("坏.json", "{not json", "坏.json：JSON 格式错误：第 1 行第 2 列"),
    ("旧.xls", "x", "旧.xls：是旧版 .xls 格式，请在 Excel 或 WPS 中“另存为” .xlsx 后再提交。"),
    ("未知.json", '{"unit": {"unit_nam": "x"}}', "未知.json：$.unit：未知字段 “unit_nam”"),
    ("类型.json", '{"projects": [{"execution_rate": "93.70%"}]}',
     "类型.json：$.projects[0].execution_rate：应为数字，实际为 文字 '93.70%'"),
])
def test_unreadable_input_exits_2_with_a_chinese_message(capsys, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = path.read_bytes(), path.stat().st_mtime_ns
    code, out, err = run(capsys, "validate", str(path))
    assert (code, out) == (2, "")
    assert err.startswith("错误：" + message)
    assert "Traceback" not in err
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, "score", str(tmp_path / "无.json"))
    assert code == 2 and err.strip().endswith("无.json：文件不存在")


def test_bad_rules_file(capsys, tmp_path):
    rules = tmp_path / "区.toml"
    rules.write_text("[execution]\npointz = 20\n", encoding="utf-8")
    code, _, err = run(capsys, "validate", SEED004, "--rules", str(rules))
    assert code == 2 and "未知设置项 “execution.pointz”" in err


def test_district_rules_change_the_findings(capsys, tmp_path):
    rules = tmp_path / "区.toml"
    rules.write_text('[execution]\npoints = 100\n\n[severity]\nT105 = "关闭"\n', encoding="utf-8")
    _, out, _ = run(capsys, "validate", SEED000, "--format", "json", "--rules", str(rules))
    by_rule = json.loads(out)["stats"]["by_rule"]
    assert "T103" not in by_rule and "T105" not in by_rule


def test_score_one_indicator(capsys):
    code, out, _ = run(capsys, "score", "--target", "≥8亿元", "--actual", "8.4亿元", "--points", "3")
    assert code == 0
    assert "建议得分：3.0（C2.positive）" in out
    assert "目标 ≥80000 万元（原文“≥8亿元”），实际 84000 万元，完成率 105.00%" in out


def test_score_file_json(capsys):
    code, out, _ = run(capsys, "score", SEED004, "--format", "json")
    summary = json.loads(out)
    assert code == 0
    assert (summary["rubric"]["computed_total"], summary["rubric"]["grade"]) == (92.1, "优")


def test_score_text_lists_every_table(capsys):
    _, out, _ = run(capsys, "score", SEED000)
    for name in ("两保站人员工资", "预留奖金", "行政审批办综合工作经费", "党建办综合工作经费", "城管办拆控违"):
        assert f"项目支出绩效自评表「{name}」" in out


def test_rules_command(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0 and len(out.splitlines()) - 1 == len(every_rule()) == len(all_rules()) + 5 + len(report_rules())
    _, one, _ = run(capsys, "rules", "t109")
    assert one.startswith("T109 扣分但未说明偏差原因（默认：错误；适用：项目支出及部门整体支出绩效自评表）")
    code, _, err = run(capsys, "rules", "X999")
    assert code == 2 and "没有规则 X999" in err
    _, js, _ = run(capsys, "rules", "--format", "json")
    assert [r["code"] for r in json.loads(js)] == [r.code for r in every_rule()]


def test_export_round_trips(capsys):
    code, out, _ = run(capsys, "export", SEED000)
    assert code == 0 and out.rstrip("\n") == open(SEED000, encoding="utf-8").read()


def test_every_command_has_an_example_in_its_help(capsys):
    for command in ("rules", "score", "validate", "export", "report"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "示例：" in capsys.readouterr().out

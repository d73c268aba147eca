"""Terminal tables aligned by display width (CJK takes two columns), long names cut with …."""

import json

from perfeval_xl.cli import main, report_text
from perfeval_xl.core.findings import Report
from perfeval_xl.demo import UNIT_WIDTH, summary_rows, table_text
from perfeval_xl.terminal import pad, table, truncate, width, wrap

from .conftest import DATA, ROOT


def column_starts(text: str, cells_per_line: list[list[str]]) -> list[list[int]]:
    """The display column where each given cell starts, line by line."""
    out = []
    for line, cells in zip(text.splitlines(), cells_per_line):
        at, starts = 0, []
        for cell in cells:
            i = line.index(cell, at)
            starts.append(width(line[:i]))
            at = i + len(cell)
        out.append(starts)
    return out


def test_width_counts_cjk_as_two_columns():
    assert (width("abc"), width("洋湖街道"), width("（虚构）"), width("e\u0301")) == (3, 8, 8, 1)
    assert pad("洋湖", 6) == "洋湖  " and pad("7", 3, right=True) == "  7"


def test_truncate_cuts_by_display_width_with_an_ellipsis():
    long = "长沙市岳麓区梅溪湖街道办事处（虚构）2022年度绩效自评表（最终版）.xlsx"
    cut = truncate(long, 24)
    assert cut == "长沙市岳麓区梅溪湖街道…" and width(cut) == 23
    assert truncate("abcdef", 4) == "abc…" and truncate("洋湖", 4) == "洋湖"


def test_table_columns_line_up_whatever_the_script():
    rows = [("洋湖街道", 98.8, "优", 25), ("Yanghu", 7, "良", 0), ("咸嘉湖街道（虚构）", None, "", 12)]
    text = table(("单位", "得分", "等级", "错误"), rows, right=(1, 3))
    lines = text.splitlines()
    assert lines[0] == "单位                得分  等级  错误"
    starts = column_starts(text, [["单位", "等级"], ["洋湖街道", "优"], ["Yanghu", "良"], ["咸嘉湖街道（虚构）", "12"]])
    assert {s[1] for s in starts[:3]} == {26}  # 等级 starts at one column on every line
    assert {width(line) for line in lines[:3]} == {width(lines[0])}  # the right-aligned last column ends together
    assert lines[1].endswith("25") and lines[2].endswith(" 0")


def test_wrap_breaks_between_cjk_and_at_spaces_never_inside_a_word():
    lines = wrap("区（县）的规则文件 rules.toml，覆盖默认评分与审核设置", 12)
    assert all(width(line) <= 12 for line in lines)
    assert "rules.toml，" in "".join(lines)  # the word and its comma stay together
    assert not any(line.startswith("，") for line in lines)


def test_rules_list_is_aligned(capsys):
    main(["rules"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["代码", "默认", "适用", "规则"]
    title_column = {width(line[:line.index(line.split()[3])]) for line in lines}
    assert len(title_column) == 1


def test_validate_lists_errors_before_warnings(capsys):
    main(["validate", str(DATA / "seed000_yanghu_2022.json")])
    out = capsys.readouterr().out
    severities = [line[1:3] for line in out.splitlines() if line.startswith("[")]
    # 25 错误 in 6 causes (the 分值 slip of five tables is one), then 9 提示 each on its own
    assert severities == ["错误"] * 6 + ["提示"] * 9
    assert out.index("—— 错误 ——") < out.index("—— 提示 ——")


def test_report_text_without_findings_has_no_group_heading():
    assert report_text(Report(findings=[], path="x.xlsx")) == "文件：x.xlsx\n结果：校验通过"


def test_the_unit_table_of_demo_and_rollup(tmp_path, capsys):
    code = main(["rollup", str(ROOT / "examples" / "报送"), "-o", str(tmp_path / "区汇总.xlsx"), "--jobs", "1",
                 "--json", str(tmp_path / "汇总.json")])
    out, err = capsys.readouterr()
    table_lines = out.split("\n\n")[0].splitlines()
    assert table_lines[0].split() == ["单位", "年度", "得分", "等级", "错误", "提示", "状态"]
    report = json.loads((tmp_path / "汇总.json").read_text(encoding="utf-8"))
    assert "\n".join(table_lines) == table_text(summary_rows(report))
    assert len(table_lines) == 1 + len(report["submissions"]) == 17
    by_unit = {line.split()[0]: line.split() for line in table_lines[1:] if len(line.split()) == 7}
    assert by_unit["洋湖街道"] == ["洋湖街道", "2022", "98.8", "优", "25", "27", "需退回"]
    assert by_unit["坪塘街道（虚构）"][-3:] == ["0", "10", "通过"]
    unreadable = [line for line in table_lines if line.endswith("未能读取")]
    assert len(unreadable) == 1 and "…" in unreadable[0]
    assert width(unreadable[0].split("…")[0] + "…") <= UNIT_WIDTH
    # the status column starts at one display column on every line
    assert len({width(line[:line.rindex("  ") + 2]) for line in table_lines}) == 1
    assert code == 5 and err.startswith("未能读取：")


def test_score_tables_line_up_with_their_explanations_between_rows(capsys):
    main(["score", str(ROOT / "examples" / "报送" / "岳麓区" / "坪塘街道（虚构）2022年度绩效自评.xlsx")])
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("  指标                            分值  填报得分  建议得分")
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("  总分"):
            break
        if not line.startswith("      "):
            rows.append(line)
    assert rows[0] == "  足额支付低保站人员工资            18        18        18"
    assert len(rows) == 5 and {width(r) for r in rows} == {width(lines[start])}  # right-aligned columns end together

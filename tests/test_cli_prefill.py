"""The prefill list of `new`: lines and columns named as an editor or spreadsheet shows them."""

import json

import pytest

from perfeval_xl.cli import main
from perfeval_xl.io.templates import PrefillError, column_letter, read_prefill


AVAILABLE = "（可用：项目名称、主管部门、实施单位、年初预算数、全年预算数；“序号”列不读取）"


def write(tmp_path, text, name="预算.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_serial_number_column_is_read_past(tmp_path, capsys):
    path = write(tmp_path, "序号,项目名称,实施单位,全年预算数\r\n1,两保站人员工资,财政所,64.707\r\n2,预留奖金,,115.5\r\n",
                 encoding="gbk")
    assert read_prefill(path) == [
        {"name": "两保站人员工资", "implementing_unit": "财政所", "annual_budget": 64.707},
        {"name": "预留奖金", "implementing_unit": "", "annual_budget": 115.5},
    ]
    out = tmp_path / "洋湖街道2022.xlsx"
    assert main(["new", "--unit", "洋湖街道", "--prefill", str(path), "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"已生成 {out}（2 个项目表）"


@pytest.mark.parametrize("text, message", [
    # the header is line 1, its columns lettered as in Excel
    ("项目名称,预算\nA,1\n", f"预算.csv 第 1 行（表头）B 列：未知的列“预算”{AVAILABLE}"),
    ("\ufeff序号,项目名称,全年预算\n", f"预算.csv 第 1 行（表头）C 列：未知的列“全年预算”{AVAILABLE}"),
    ("项目名称,全年预算数\r\nA,1\r\nB,一百\r\n", "预算.csv 第 3 行 B 列（全年预算数）：应为数字（万元），而不是“一百”"),
    # a blank line and a cell spanning two lines are counted as an editor counts them
    ("项目名称,全年预算数\n\nA,1\nB,x\n", "预算.csv 第 4 行 B 列（全年预算数）：应为数字（万元），而不是“x”"),
    ('序号,项目名称,全年预算数\n1,"两行\n的名称",1\n2,B,y\n', "预算.csv 第 4 行 C 列（全年预算数）：应为数字（万元），而不是“y”"),
    ("主管部门,项目名称\nX,\n", "预算.csv 第 2 行：缺少项目名称"),
    ("项目名称,全年预算数\nA,1,多出来\n", "预算.csv 第 2 行 C 列：有内容“多出来”，但表头（第 1 行）这一列没有列名"),
])
def test_messages_name_the_line_and_column_as_shown(tmp_path, text, message):
    with pytest.raises(PrefillError) as err:
        read_prefill(write(tmp_path, text))
    assert str(err.value) == message


def test_empty_trailing_columns_and_rows_as_excel_saves_them(tmp_path):
    path = write(tmp_path, "项目名称,全年预算数,,\nA,1,,\n,,,\nB,2,,\n")
    assert [r["name"] for r in read_prefill(path)] == ["A", "B"]


def test_json_items_are_counted_not_lines(tmp_path):
    path = write(tmp_path, json.dumps([{"项目名称": "A"}, {"项目名称": "B", "全年预算数": "x"}], ensure_ascii=False),
                 name="预算.json")
    with pytest.raises(PrefillError) as err:
        read_prefill(path)
    assert str(err.value) == "预算.json 第 2 项 “全年预算数”：应为数字（万元），而不是“x”"


def test_the_cli_says_it_in_chinese_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path, "序号,项目名称,金额\n1,A,1\n")
    out = tmp_path / "o.xlsx"
    assert main(["new", "--unit", "x", "--prefill", str(path), "-o", str(out)]) == 2
    assert capsys.readouterr().err.startswith("错误：预算.csv 第 1 行（表头）C 列：未知的列“金额”")
    assert not out.exists()


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]

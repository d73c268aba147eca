"""The rules file's syntax errors name the line and column as an editor shows them, in Chinese."""

import pytest

from perfeval_xl.cli import main
from perfeval_xl.core.settings import Settings, SettingsError, toml_error_zh

from .conftest import DATA


@pytest.mark.parametrize("text, message", [
    ("[execution]\npoints = \n", "第 2 行第 10 列：值无效（文字须加英文引号，如 \"优\"；数字不加引号）"),
    ("[severity]\nT101 = “提示”\n", "第 2 行第 8 列：值无效（文字须加英文引号，如 \"优\"；数字不加引号）"),
    ("[grades]\n优 = 90\n", "第 2 行第 1 列：无法识别的内容（应为 键 = 值 或 [表名]；中文键名须加英文引号，如 \"优\" = 90）"),
    ("[severity\n", "第 1 行第 10 列：表名后缺少“]”"),
])
def test_rules_file_errors(text, message):
    with pytest.raises(SettingsError) as err:
        Settings.default().override_toml(text, origin="区.toml")
    assert str(err.value) == f"规则文件 区.toml 格式错误：{message}"


def test_an_unknown_message_keeps_its_place_and_text():
    assert toml_error_zh("Something new (at line 3, column 4)") == "第 3 行第 4 列：Something new"
    assert toml_error_zh("no place") == "no place"


def test_the_cli_exits_2_with_the_line(tmp_path, capsys):
    rules = tmp_path / "区.toml"
    rules.write_text("[execution]\npoints = \n", encoding="utf-8")
    assert main(["validate", str(DATA / "seed004_shazitang_2020.json"), "--rules", str(rules)]) == 2
    assert capsys.readouterr().err == f"错误：规则文件 {rules} 格式错误：第 2 行第 10 列：值无效（文字须加英文引号，如 \"优\"；数字不加引号）\n"

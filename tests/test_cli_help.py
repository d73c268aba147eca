"""perfeval-xl's help and argument errors: Chinese throughout, aligned by display width."""

import argparse
import re

import pytest

from perfeval_xl.cli import build_parser, main
from perfeval_xl.cli_parser import ChineseArgumentParser, translate_error
from perfeval_xl.exitcodes import MEANING_ZH
from perfeval_xl.terminal import width

ENGLISH = ("usage:", "positional arguments", "optional arguments", "options:", "show this help",
           "show program's", "error:", "invalid", "required", "choose from")


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


COMMANDS = subparsers(build_parser())


def help_of(*argv: str, columns: int = 100) -> str:
    import os

    os.environ["COLUMNS"] = str(columns)
    try:
        parser = build_parser()
        for name in argv:
            parser = subparsers(parser)[name]
        return parser.format_help()
    finally:
        del os.environ["COLUMNS"]


@pytest.mark.parametrize("command", [()] + [(name,) for name in COMMANDS])
def test_every_help_is_chinese_with_an_example(command):
    text = help_of(*command)
    assert text.startswith("用法：perfeval-xl")
    for english in ENGLISH:
        assert english not in text, english
    assert "\n示例：\n  perfeval-xl " in text
    assert re.search(r"^选项：$", text, re.M)


def test_main_help_lists_every_exit_code_once():
    text = help_of()
    table = text[text.index("退出码：\n"):].splitlines()[1:]
    assert [line.split()[0] for line in table] == ["0", "1", "2", "3", "4", "5", "130"]
    assert [line.split(None, 1)[1] for line in table] == list(MEANING_ZH.values())


def test_validate_and_score_name_a_workbook_as_their_input():
    for command in ("validate", "score"):
        assert "报送文件：工作簿（.xlsx/.xlsm）或 JSON" in help_of(command)
        assert "（.json）" not in help_of(command)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_text_starts_at_one_display_column(command):
    """Every option's help begins at the same terminal column, whatever script its name is in."""
    text = help_of(command, columns=200)
    starts = set()
    for action in COMMANDS[command]._actions:
        if not action.help or action.help is argparse.SUPPRESS:
            continue
        head = action.help[:6]
        body = text[text.index("\n\n位置参数：" if "位置参数：" in text else "\n\n选项："):text.index("\n示例：")]
        line = next(ln for ln in body.splitlines() if head in ln and ln.startswith("  "))
        starts.add(width(line[:line.rindex(head)]))  # after the value name, which may repeat the help
    assert len(starts) == 1, starts


def test_long_help_wraps_within_the_terminal_width_by_display_columns():
    text = help_of("new", columns=60)
    body = text.split("\n\n", 1)[1].split("\n示例：")[0]  # after the usage, before the examples
    assert max(width(line) for line in body.splitlines()) <= 58
    # 禁则: a wrapped line never starts with closing punctuation
    assert not any(line.lstrip().startswith(tuple("，。、）")) for line in text.splitlines())


@pytest.mark.parametrize("argv, message", [
    (["new", "--year", "二〇二二", "-o", "x.xlsx"], "参数 --year：应为整数，而不是“二〇二二”"),
    (["rules", "--format", "xml"], "参数 --format：无效的值“xml”（可选：text、json、markdown）"),
    (["rollup"], "缺少必需的参数：文件夹, -o/--output"),
    (["validate", "a.xlsx", "--bogus"], "无法识别的参数：--bogus"),
    (["rollup", "报送", "-o"], "参数 -o/--output：需要给出一个值"),
    (["nosuch"], "参数 命令：无效的值“nosuch”（可选：rules、score、validate"),
])
def test_argument_errors_are_chinese_and_exit_2(capsys, argv, message):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    _, err = capsys.readouterr()
    assert stop.value.code == 2
    assert err.startswith("用法：perfeval-xl")
    assert f"：错误：{message}" in err
    assert not any(english in err for english in ENGLISH)


def test_an_unknown_argparse_message_passes_through_unchanged():
    assert translate_error("something new") == "something new"
    assert translate_error("argument --x: expected 2 arguments") == "参数 --x：需要给出 2 个值"


def test_value_names_default_to_chinese_but_an_explicit_one_wins():
    parser = ChineseArgumentParser(prog="t")
    parser.add_argument("--output")
    parser.add_argument("--year", metavar="YYYY")
    parser.add_argument("--flag", action="store_true")
    usage = parser.format_usage()
    assert "--output 输出" in usage and "--year YYYY" in usage and "[--flag]" in usage


@pytest.mark.parametrize("columns", [60, 80, 100])
def test_usage_continues_under_its_first_option_within_the_width(columns):
    text = help_of("rollup", columns=columns)
    usage = text.split("\n\n")[0].splitlines()
    assert len(usage) > 1
    first = width(usage[0][:usage[0].index("[-h]")])  # "用法：perfeval-xl rollup " in columns
    assert {width(line) - width(line.lstrip()) for line in usage[1:]} == {first}
    assert max(width(line) for line in usage) <= columns - 2

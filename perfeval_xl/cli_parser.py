"""argparse in Chinese, aligned by display width: the parser and help formatter every command uses.

Why not rich-argparse: it colours argparse's output but keeps argparse's English headings and
error messages and its character-count alignment, so the two things this module is for would
still be needed on top of it (and a dependency with it). argparse itself offers gettext for its
texts, but installing a translation is process-wide and needs a compiled catalog; here the few
texts are replaced where they are used: section headings and the usage prefix in the formatter,
the parsing errors in ``ChineseArgumentParser.error`` (matched by their English templates), and
value names (metavars) given once per option name in ``METAVARS`` rather than on every line.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

from .terminal import pad, width, wrap

HEADINGS = {
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",  # Python < 3.10
}

# Value names shown in help and errors, by option (dest) name, when an option gives none.
METAVARS = {
    "file": "文件", "folder": "文件夹", "code": "规则代码", "output": "输出", "outdir": "文件夹",
    "target": "指标值", "actual": "完成值", "points": "分值", "name": "指标名称", "jobs": "进程数",
    "batch_size": "文件数", "scheduler": "调度器地址", "unit": "单位名称", "year": "年度",
    "interpreter": "python.exe", "examples": "文件夹", "templates": "目录",
}

TYPE_NAMES = {"int": "整数", "float": "数字", "str": "文字"}

# argparse's own messages (Python 3.11–3.13 wording), most specific first.
_ERRORS: list[tuple[re.Pattern[str], object]] = [
    (re.compile(r"^argument (?P<arg>.+?): (?P<rest>.*)$", re.S),
     lambda m: f"参数 {m['arg']}：{translate_error(m['rest'])}"),
    (re.compile(r"^invalid (?P<type>\w+) value: (?P<value>.*)$", re.S),
     lambda m: f"应为{TYPE_NAMES.get(m['type'], m['type'])}，而不是“{_unquote(m['value'])}”"),
    (re.compile(r"^invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)$", re.S),
     lambda m: f"无效的值“{_unquote(m['value'])}”（可选：{_choices(m['choices'])}）"),
    (re.compile(r"^the following arguments are required: (?P<names>.*)$", re.S),
     lambda m: f"缺少必需的参数：{m['names']}"),
    (re.compile(r"^one of the arguments (?P<names>.*) is required$", re.S),
     lambda m: f"以下参数须给出其一：{m['names']}"),
    (re.compile(r"^unrecognized arguments: (?P<names>.*)$", re.S), lambda m: f"无法识别的参数：{m['names']}"),
    (re.compile(r"^expected one argument$"), lambda m: "需要给出一个值"),
    (re.compile(r"^expected at most one argument$"), lambda m: "最多给出一个值"),
    (re.compile(r"^expected at least one argument$"), lambda m: "至少给出一个值"),
    (re.compile(r"^expected (?P<n>\d+) arguments?$"), lambda m: f"需要给出 {m['n']} 个值"),
    (re.compile(r"^not allowed with argument (?P<arg>.*)$"), lambda m: f"不能与参数 {m['arg']} 同时使用"),
    (re.compile(r"^ambiguous option: (?P<opt>\S+) could match (?P<matches>.*)$", re.S),
     lambda m: f"选项 {m['opt']} 有歧义，可能是：{m['matches']}"),
    (re.compile(r"^ignored explicit argument (?P<value>.*)$"), lambda m: f"该选项不接受值（{_unquote(m['value'])}）"),
]


def _unquote(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" else text


def _choices(text: str) -> str:
    return "、".join(_unquote(c) for c in text.split(", "))


def translate_error(message: str) -> str:
    """argparse's English message in Chinese (unknown messages are passed through unchanged)."""
    for pattern, make in _ERRORS:
        m = pattern.match(message)
        if m is not None:
            return make(m)  # type: ignore[operator]
    return message


_HEADING_COLON = re.compile(r"^(\S[^\n]*):$", re.M)  # argparse puts an ASCII colon after each heading


class ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Headings and usage in Chinese; help columns aligned and wrapped by display width.

    Descriptions and epilogs (the examples) are printed as written, line by line.
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 30,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, width)

    def start_section(self, heading: str | None) -> None:
        super().start_section(HEADINGS.get(heading or "", heading))

    def add_usage(self, usage, actions, groups, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def format_help(self) -> str:
        return _HEADING_COLON.sub(r"\1：", super().format_help())

    def _format_usage(self, usage, actions, groups, prefix) -> str:
        """argparse indents the usage's continuation lines by the prefix's length in characters;
        "用法：" takes twice as many columns, so they are moved to stand under the first option.
        It also wraps by characters: while a line is wider than the terminal in display columns,
        the usage is wrapped again that much narrower."""
        shift = width(prefix or "") - len(prefix or "")
        full_width = self._width
        try:
            for _ in range(4):
                lines = super()._format_usage(usage, actions, groups, prefix).split("\n")
                lines = [lines[0]] + [" " * shift + ln if ln.startswith(" ") else ln for ln in lines[1:]]
                over = max(width(ln) for ln in lines) - full_width
                if over <= 0:
                    break
                self._width -= over
        finally:
            self._width = full_width
        return "\n".join(lines)

    def add_argument(self, action: argparse.Action) -> None:
        if action.help is argparse.SUPPRESS:
            return
        longest = width(self._format_action_invocation(action)) + self._current_indent
        for sub in self._iter_indented_subactions(action):  # indents while iterating
            longest = max(longest, width(self._format_action_invocation(sub)) + self._current_indent)
        self._action_max_length = max(self._action_max_length, longest)
        self._add_item(self._format_action, [action])

    def _format_action_invocation(self, action: argparse.Action) -> str:
        """``-o, --output 输出`` rather than argparse's ``-o 输出, --output 输出``."""
        if not action.option_strings or action.nargs == 0:
            return super()._format_action_invocation(action)
        value = self._format_args(action, self._get_default_metavar_for_optional(action))
        return f"{', '.join(action.option_strings)} {value}"

    def _format_action(self, action: argparse.Action) -> str:
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent = " " * self._current_indent
        parts: list[str] = []
        help_text = self._expand_help(action) if action.help and action.help.strip() else ""
        lines = wrap(help_text, help_width) if help_text else []
        if not lines:
            parts.append(f"{indent}{header}\n")
        elif width(header) <= action_width:
            parts.append(f"{indent}{pad(header, action_width)}  {lines[0]}\n")
            lines = lines[1:]
        else:
            parts.append(f"{indent}{header}\n")
        parts += [" " * help_position + line + "\n" for line in lines]
        for sub in self._iter_indented_subactions(action):
            parts.append(self._format_action(sub))
        return self._join_parts(parts)

    def _fill_text(self, text: str, width_: int, indent: str) -> str:
        """Descriptions and epilogs line by line as written; a line that does not start with a space
        (prose, not an example command) is wrapped by display width."""
        out = []
        for line in text.splitlines():
            out += [indent + part for part in wrap(line, width_ - len(indent))] if line[:1] not in " \t" else [indent + line]
        return "\n".join(out)

    def _split_lines(self, text: str, width_: int) -> list[str]:
        return wrap(" ".join(text.split()), width_)


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help, usage and errors are Chinese (subcommands inherit it)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def add_argument(self, *args, **kwargs) -> argparse.Action:
        """A Chinese value name from METAVARS when the option gives none and takes a value."""
        takes_value = kwargs.get("action") in (None, "store", "append") and kwargs.get("nargs") != 0
        if takes_value and "metavar" not in kwargs and "choices" not in kwargs and args:
            dest = kwargs.get("dest") or _dest_of(args)
            if dest in METAVARS:
                kwargs["metavar"] = METAVARS[dest]
        return super().add_argument(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{translate_error(message)}\n"
                     f"运行 {self.prog} -h 查看说明与示例。\n")


def _dest_of(names: tuple[str, ...]) -> str:
    longs = [n for n in names if n.startswith("--")]
    name = (longs or list(names))[0]
    return name.lstrip("-").replace("-", "_")

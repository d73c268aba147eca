"""Report text from a template and the figures (pure): a list of blocks the docx writer lays out.

A template is a small TOML file (``templates/department.toml``, ``templates/project.toml``):
``title``, optional ``[fonts]``, and ``[[part]]`` entries with ``heading``, ``text`` (a list of
paragraphs) and ``[[part.section]]`` sub-parts of the same shape. Paragraphs name figures as
``{全年执行数}``; an unknown name is an error naming the file, never a silent blank.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .figures import ParagraphList, TableFigure

KINDS = {"department": "部门整体支出绩效自评报告", "project": "项目支出绩效自评报告"}
DEFAULT_FONTS = {"title": "方正小标宋简体", "heading1": "黑体", "heading2": "楷体_GB2312",
                 "body": "仿宋_GB2312", "latin": "Times New Roman"}


class TemplateError(ValueError):
    """A template that cannot be used; the message is in Chinese and names the file."""


@dataclass(frozen=True)
class Block:
    kind: str  # "title" | "heading1" | "heading2" | "body" | "table"
    text: str  # a table's caption
    table: TableFigure | None = None


@dataclass(frozen=True)
class Template:
    kind: str
    origin: str
    data: dict[str, Any]

    @property
    def fonts(self) -> dict[str, str]:
        return {**DEFAULT_FONTS, **self.data.get("fonts", {})}


def load_template(kind: str, directory: str | Path | None = None) -> Template:
    """The district's ``<kind>.toml`` from ``directory`` if it has one, else the packaged one."""
    name = f"{kind}.toml"
    if directory is not None:
        folder = Path(directory)
        if not folder.is_dir():
            raise TemplateError(f"报告模板目录 {folder} 不存在。")
        path = folder / name
        if path.exists():
            try:
                return _parse(kind, path.read_text(encoding="utf-8"), str(path))
            except (OSError, UnicodeDecodeError) as exc:
                raise TemplateError(f"无法读取报告模板 {path}：{exc}") from None
    text = resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")
    return _parse(kind, text, f"内置模板 {name}")


def _parse(kind: str, text: str, origin: str) -> Template:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"报告模板 {origin} 格式错误：{exc}") from None
    if not isinstance(data.get("title"), str) or not isinstance(data.get("part"), list):
        raise TemplateError(f"报告模板 {origin} 缺少 title 或 [[part]]。")
    unknown_fonts = set(data.get("fonts", {})) - set(DEFAULT_FONTS)
    if unknown_fonts:
        raise TemplateError(f"报告模板 {origin} 的 [fonts] 中有未知项：{'、'.join(sorted(unknown_fonts))}"
                            f"（可用：{'、'.join(DEFAULT_FONTS)}）。")
    return Template(kind, origin, data)


class _Figures(dict):
    def __init__(self, figures: dict[str, Any], origin: str) -> None:
        super().__init__(figures)
        self.origin = origin

    def __missing__(self, key: str) -> str:
        raise TemplateError(f"报告模板 {self.origin} 中的 {{{key}}} 不是可用的名称。"
                            f"可用的名称：{'、'.join(sorted(self))}（说明见 docs/report-placeholders.md）。")


def _render(text: str, figures: _Figures) -> list[str]:
    """One paragraph of the template → one or more paragraphs of the report."""
    if not isinstance(text, str):
        raise TemplateError(f"报告模板 {figures.origin} 中的段落应为文字：{text!r}")
    fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    if len(fields) == 1 and text.strip() == "{" + fields[0] + "}":
        value = figures[fields[0]]
        if isinstance(value, ParagraphList):
            return list(value.items) or ([value.empty] if value.empty else [])
        if isinstance(value, TableFigure):
            return [value] if value.rows else [value.empty]
    try:
        rendered = string.Formatter().vformat(text, (), figures)
    except TemplateError:
        raise
    except (ValueError, IndexError, AttributeError) as exc:
        raise TemplateError(f"报告模板 {figures.origin} 中的段落无法填写（{exc}）：{text}") from None
    return [rendered] if rendered.strip() else []


def compose(template: Template, figures: dict[str, Any]) -> list[Block]:
    fig = _Figures(figures, template.origin)
    blocks = [Block("title", line) for line in _render(template.data["title"], fig)]

    def part(node: dict[str, Any], level: str) -> None:
        heading = node.get("heading")
        if heading:
            blocks.extend(Block(level, line) for line in _render(heading, fig))
        for paragraph in node.get("text", []):
            blocks.extend(Block("table", line.caption, line) if isinstance(line, TableFigure) else Block("body", line)
                          for line in _render(paragraph, fig))
        for section in node.get("section", []):
            part(section, "heading2")

    for node in template.data["part"]:
        part(node, "heading1")
    return blocks

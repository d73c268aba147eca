"""docs/names.md and docs/export-schema.json, generated so that they cannot drift.

* The defined names: every sheet of the unit workbook (the kinds list, read when the page is
  made, so a new kind appears by itself), laid out as the writer lays it out; every name is
  then looked up in the template workbook the writer really writes, and a name the page would
  show at another address, or a name the workbook has that the page does not explain, stops
  the generation.
* The JSON Schema (draft 2020-12) of ``perfeval-xl export``, walked from the model
  dataclasses and their type hints; titles are the Chinese labels of the field metadata.
  ``schema_errors`` checks a document against the subset of JSON Schema emitted here (no
  dependency), and refuses any keyword outside that subset.

    python -m perfeval_xl.docs          # rewrite both files (with the README's generated sections)
    python -m perfeval_xl.docs --check  # exit 1 if any is stale (used by the tests)
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from ..core.model import EXPENSE_LABELS, BasicData, RubricSheet, Submission
from ..core.serialize import FORMAT, FORMAT_VERSION, field_types
from ..core.settings import Settings
from ..layout.choices import LEVEL2_BY_LEVEL1, LISTS_SHEET, level2_list_name
from ..layout.grid import INPUT, Cell, Layout, Table
from ..layout.workbook import TEMPLATE_VERSION, SheetKind

ROOT = Path(__file__).resolve().parent.parent.parent
NAMES_PAGE = ROOT / "docs" / "names.md"
SCHEMA_FILE = ROOT / "docs" / "export-schema.json"
COMMAND = "python -m perfeval_xl.docs"

KIND_TEXT = {
    "text": "文字",
    "amount": "数字（万元）",
    "rate": "比率（小数，0.937 即 93.7%）",
    "points": "分数",
    "count": "整数",
    "year": "年份（整数）",
}


# ---------------------------------------------------------------- labels of model paths


def keyed_labels() -> dict[tuple[type, str], dict[str, str]]:
    """Labels of the keys of dict fields: 经费控制情况 rows, 评分表 facts."""
    from ..core.rubric import ALL_FACTS

    return {(BasicData, "expenses"): dict(EXPENSE_LABELS),
            (RubricSheet, "facts"): {name: spec.label for name, spec in ALL_FACTS.items()}}


def _field(cls: type, name: str) -> dataclasses.Field | None:
    return next((f for f in dataclasses.fields(cls) if f.name == name), None)


def _strip_optional(tp: Any) -> Any:
    if get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        return args[0] if len(args) == 1 else tp
    return tp


def field_label(cls: type, path: str) -> str:
    """Chinese labels along a model path: "funding_total.executed" → "年度资金总额 · 全年执行数"."""
    labels: list[str] = []
    node: Any = cls
    parts = path.split(".")
    i = 0
    while i < len(parts):
        part = parts[i]
        if not (isinstance(node, type) and dataclasses.is_dataclass(node)):
            break
        f = _field(node, part)
        if f is None:
            labels.append(part)
            break
        if f.metadata.get("label"):
            labels.append(f.metadata["label"])
        tp = _strip_optional(field_types(node)[part])
        if get_origin(tp) is dict and i + 1 < len(parts):
            key = parts[i + 1]
            labels.append(keyed_labels().get((node, part), {}).get(key, key))
            tp = get_args(tp)[1]
            i += 1
        elif get_origin(tp) is list:
            tp = get_args(tp)[0]
        node = tp
        i += 1
    return " · ".join(labels) or path


def model_prefix(cls: type) -> str:
    """Where objects of ``cls`` sit in a Submission: "" (the submission), "projects[]." …"""
    if cls is Submission:
        return ""
    for f in dataclasses.fields(Submission):  # a sheet's object may be a form of a model class (ProjectForm)
        tp = _strip_optional(field_types(Submission)[f.name])
        if isinstance(tp, type) and issubclass(cls, tp):
            return f"{f.name}."
        if get_origin(tp) is list and issubclass(cls, get_args(tp)[0]):
            return f"{f.name}[]."
    return "?."


# ---------------------------------------------------------------- the names


@dataclass
class NameRow:
    name: str
    scope: str  # "" for the workbook, else the sheet
    ref: str  # as in the workbook: 'Sheet'!$B$2, or a constant
    label: str
    path: str  # model path in a Submission, or ""
    kind: str


@dataclass
class SheetNames:
    layout: Layout
    kind: SheetKind
    names: list[NameRow]
    tables: list[tuple[NameRow, Table]]


def _choice_text(cell: Cell) -> str:
    if cell.choice is None:
        return ""
    if cell.choice.items:
        return "；下拉：" + " / ".join(cell.choice.items)
    return "；下拉（随同一行的一级指标）" if "L2_" in cell.choice.source else "；下拉"


def _kind_text(cell: Cell) -> str:
    return KIND_TEXT.get(cell.kind, cell.kind) + _choice_text(cell)


def table_name(layout: Layout, table: Table) -> str:
    return f"pe_{layout.key}_{table.field}"


def _abs_ref(sheet: str, first: str, last: str | None = None) -> str:
    def one(ref: str) -> str:
        col = ref.rstrip("0123456789")
        return f"${col}${ref[len(col):]}"
    quoted = sheet.replace("'", "''")
    return f"'{quoted}'!{one(first)}" + (f":{one(last)}" if last else "")


def sheet_names(kinds: list[SheetKind], settings: Settings) -> list[SheetNames]:
    """The names each sheet of a template made of ``kinds`` gets, from the layouts."""
    from openpyxl.utils import get_column_letter

    from .xlsx_write import defined_name, plan_layouts

    kind_of = {kind.layout(settings=settings).key: kind for kind in kinds}
    out = []
    for layout, _ in plan_layouts(None, kinds, settings):
        kind = kind_of[layout.key]
        cls = type(kind.new()) if kind.new() is not None else Submission
        prefix = model_prefix(cls)
        scope = layout.sheet if layout.names_scope_sheet else ""
        names = [NameRow(defined_name(layout, c.field), scope, _abs_ref(layout.sheet, c.ref),
                         field_label(cls, c.field), prefix + c.field, _kind_text(c))
                 for c in layout.cells if c.role == INPUT and c.field]
        tables = []
        for t in layout.tables:
            first, last = f"A{t.first_row}", f"{get_column_letter(layout.last_col)}{t.last_row}"
            tables.append((NameRow(table_name(layout, t), scope, _abs_ref(layout.sheet, first, last),
                                   field_label(cls, t.field), f"{prefix}{t.field}[]", f"表（{t.item_type.__name__}）"),
                           t))
        out.append(SheetNames(layout, kind, names, tables))
    return out


def workbook_names(kinds: list[SheetKind], settings: Settings) -> dict[tuple[str, str], str]:
    """(scope, name) → reference of every defined name in the template the writer writes."""
    from .xlsx_write import build_workbook

    wb = build_workbook(None, kinds, settings)
    names = {("", name): d.attr_text for name, d in wb.defined_names.items()}
    for ws in wb.worksheets:
        names.update({(ws.title, name): d.attr_text for name, d in ws.defined_names.items()})
    return names


def _workbook_rows() -> list[NameRow]:
    rows = [NameRow("pe_template_version", "", f'"{TEMPLATE_VERSION}"', "模板版本", "template_version",
                    "文字（常量，与封面“模板版本”相同）")]
    for level1, items in LEVEL2_BY_LEVEL1.items():
        rows.append(NameRow(level2_list_name(level1), "", _abs_ref(LISTS_SHEET, "A2", "A2"), f"{level1}的二级指标",
                            "", "下拉列表：" + " / ".join(items)))
    return rows


def checked_names(kinds: list[SheetKind], settings: Settings) -> tuple[list[SheetNames], list[NameRow], list[NameRow]]:
    """The documented names, each checked against the written workbook, and the workbook's others.

    Returns (per sheet, workbook-level rows, names the workbook has that nothing here explains).
    Raises RuntimeError when the page and the workbook disagree on a name's address.
    """
    actual = workbook_names(kinds, settings)
    sheets = sheet_names(kinds, settings)
    wb_rows = []
    for row in _workbook_rows():
        if ("", row.name) in actual:
            row.ref = actual[("", row.name)]  # the real list range (the page cannot know its length)
            wb_rows.append(row)
    documented = [r for s in sheets for r in s.names + [n for n, _ in s.tables]] + wb_rows
    problems = []
    for row in documented:
        got = actual.get((row.scope, row.name))
        if got != row.ref:
            problems.append(f"{row.name} ({row.scope or '工作簿'}): page {row.ref}, workbook {got}")
    if problems:
        raise RuntimeError("names.md and the written workbook disagree:\n" + "\n".join(problems))
    seen = {(r.scope, r.name) for r in documented}
    others = [NameRow(name, scope, ref, "", "", "") for (scope, name), ref in sorted(actual.items())
              if (scope, name) not in seen]
    return sheets, wb_rows, others


# ---------------------------------------------------------------- the page


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _cell(ref: str) -> str:
    """'项目1'!$C$3 → 项目1!C3 for the table."""
    return ref.replace("$", "").replace("'", "")


def _scope_text(row: NameRow, repeated: bool) -> str:
    if not row.scope:
        return "工作簿"
    return "工作表（每张一份）" if repeated else f"工作表 {row.scope}"


def _names_table(rows: list[NameRow], repeated: bool) -> list[str]:
    lines = ["| 名称 | 范围 | 单元格（模板） | 中文标签 | 模型字段 | 类型 |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| `{r.name}` | {_scope_text(r, repeated)} | {_md(_cell(r.ref))} | {_md(r.label)} | "
                     f"{f'`{r.path}`' if r.path else '—'} | {_md(r.kind)} |")
    return lines


def _table_columns(layout: Layout, table: Table, row: NameRow) -> list[str]:
    from openpyxl.utils import get_column_letter

    item_path = row.path
    lines = [f"#### 表 `{row.name}`（{_md(row.label)}）", "",
             f"模板中为 {_md(_cell(row.ref))}：{table.capacity} 行，一行一个 `{table.item_type.__name__}`，不含表头；"
             f"表下一行 A 列为“{table.end_label}”。填好的工作簿行数随内容而定，单位也可以插入行，名称随之扩展。"
             "各列全空的行是未填的空行。", "",
             "| 列 | 中文标签 | 模型字段 | 类型 |", "|---|---|---|---|"]
    for c in table.columns:
        lines.append(f"| {get_column_letter(c.col)} | {_md(field_label(table.item_type, c.field))} | "
                     f"`{item_path}.{c.field}` | {_md(_kind_text(c))} |")
    return lines


GUIDANCE = """\
## 其他程序怎样读取工作簿（how other programs should read these workbooks）

- **按名称读，不要按地址读。** 单元格地址随表格变化：项目表的绩效指标表行数随指标个数而定（填好的工作簿
  多留 5 行空行），“总分”及其下各行随之下移；单位在表中插入行后，地址也会改变。定义名称由 Excel、WPS
  和 LibreOffice 在插入、删除行时自动跟着单元格走。下表的“单元格”一栏只是空白模板中的位置，仅供参考。
- **范围。** 工作簿级名称全书唯一，如 `pe_cover_unit_year`。项目表的名称是**工作表级**的：每张项目表
  （项目1、项目2……）都有一份同名的 `pe_project_name`，读取时带上表名，如 Excel 公式 `='项目2'!pe_project_name`，
  openpyxl 中 `wb["项目2"].defined_names["pe_project_name"]`。项目表以 A1 的标题“项目支出绩效自评表”识别，
  不要依赖工作表名称（单位可以改名）。
- **表格名称** `pe_<表>_<字段>` 指向一整块重复行（不含表头），各列的含义见该表下的列说明；各列全空的行是空行。
- **自动计算的单元格**（蓝色：合计、执行率、得分、总分、等级）和“项目清单”“填报说明”两张表**没有名称**：
  它们的值由公式算出，在从未用 Excel 打开过的文件里甚至没有缓存值。需要这些值时，用
  `perfeval-xl export 文件.xlsx` 导出 JSON（格式见下文），其中的值与本工具计算的一致，并注明了来源单元格。
- **模板版本** 由工作簿级常量名称 `pe_template_version` 给出（也在封面和文档属性
  “perfeval-xl template version”中）；版本不同的工作簿，名称和布局可能不同。
- 名称只用 ASCII 字母、数字和下划线（`L2_` 开头的下拉列表名称除外，它们供二级指标下拉框使用，不是数据）。
"""


def names_page(settings: Settings | None = None) -> str:
    from ..layout.sheets import PROJECT_SHEETS, UNIT_SHEETS  # read now: kinds added later appear by themselves

    settings = settings or Settings.default()
    sheets, wb_rows, others = checked_names(UNIT_SHEETS, settings)
    parts = ["# 工作簿中的定义名称与导出格式（defined names and the export format）", "",
             f"本页由 `{COMMAND}` 根据工作表布局和写出的模板工作簿生成，请勿手工编辑（`--check` 检查是否过期）。",
             f"*Generated from the sheet layouts and checked against the template workbook the writer writes "
             f"(template version {TEMPLATE_VERSION}); do not edit by hand.*", "", GUIDANCE,
             "## 单位自评工作簿（`workbook_templates/单位自评工作簿.xlsx`）", "",
             "| 工作表 | 键 | 名称 |", "|---|---|---|"]
    for s in sheets:
        count = len(s.names) + len(s.tables)
        parts.append(f"| {s.layout.sheet}{'（可复制为多张）' if s.kind.repeated else ''} | `{s.layout.key}` | "
                     f"{f'{count} 个' if count else '无（只有说明或公式）'} |")
    parts.append("")
    for s in sheets:
        if not s.names and not s.tables:
            continue
        if s.layout.names_scope_sheet and s.kind.repeated:
            scope = (f"名称为工作表级：每张同类工作表（{s.layout.sheet} 及复制出的各表）各有一份同名的名称，"
                     "读取时带上表名。")
        elif s.layout.names_scope_sheet:
            scope = f"名称为工作表级（{s.layout.sheet}）。"
        else:
            scope = "名称为工作簿级。"
        parts += [f"### {s.layout.sheet}（`{s.layout.key}`）", "", scope, ""]
        parts += _names_table(s.names + [row for row, _ in s.tables], s.kind.repeated) + [""]
        for row, table in s.tables:
            parts += _table_columns(s.layout, table, row) + [""]
    parts += ["### 工作簿级：模板版本与下拉列表", ""] + _names_table(wb_rows, False) + [""]
    if others:
        parts += ["### 其他名称", "", "写出的工作簿中还有以下名称（本页没有说明其含义）：", ""]
        parts += _names_table(others, False) + [""]

    project_sheets = sheet_names(PROJECT_SHEETS, settings)
    same = all(any(u.layout.key == p.layout.key and [(r.name, _cell(r.ref).split("!")[1]) for r in u.names] ==
                   [(r.name, _cell(r.ref).split("!")[1]) for r in p.names] for u in sheets) for p in project_sheets)
    listing = "、".join(p.layout.sheet for p in project_sheets)
    parts += ["## 项目支出绩效自评表（`workbook_templates/项目支出绩效自评表.xlsx`）", "",
              f"工作表：{listing}。" + ("各表的名称与单位自评工作簿中同名工作表的名称、位置相同；"
                                     "另有工作簿级的 `pe_template_version` 和 `L2_` 下拉列表名称。" if same else "")]
    if not same:
        for p in project_sheets:
            parts += ["", f"### {p.layout.sheet}（`{p.layout.key}`）", ""]
            parts += _names_table(p.names + [row for row, _ in p.tables], p.kind.repeated)
    parts += ["", export_section()]
    return "\n".join(parts)


# ---------------------------------------------------------------- the export schema


def _title(f: dataclasses.Field) -> dict[str, str]:
    label = f.metadata.get("label")
    return {"title": label} if label else {}


class _SchemaBuilder:
    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}
        self.keyed = keyed_labels()

    def object_schema(self, cls: type) -> dict[str, Any]:
        props: dict[str, Any] = {}
        sources = False
        for f in dataclasses.fields(cls):
            if f.name == "sources":
                sources = True
                continue
            schema = {**_title(f), **self.type_schema(field_types(cls)[f.name])}
            if f.metadata.get("choices"):
                schema["description"] = "可选：" + " / ".join(f.metadata["choices"]) + "；空文字表示未选。"
            keys = self.keyed.get((cls, f.name))
            if keys:
                value = schema["additionalProperties"]
                schema["properties"] = {k: {"title": text, **value} for k, text in keys.items()}
            props[f.name] = schema
        if sources:  # Located.sources travels as "_sources" (serialize.to_dict), after the fields
            props["_sources"] = {
                "title": "来源单元格", "description": "各字段读自哪张工作表的哪个单元格，如 \"项目1!F6\"。",
                "type": "object", "additionalProperties": {"type": "string", "pattern": "^.+![^!]+$"}}
        out: dict[str, Any] = {"type": "object"}
        doc = (cls.__doc__ or "").strip()
        if doc and not doc.startswith(f"{cls.__name__}("):
            out["description"] = re.sub(r"\s+", " ", doc.split("\n\n")[0])
        out["properties"] = props
        out["additionalProperties"] = False
        return out

    def ref(self, cls: type) -> dict[str, Any]:
        if cls.__name__ not in self.defs:
            self.defs[cls.__name__] = {}  # placeholder: recursive types stop here
            self.defs[cls.__name__] = self.object_schema(cls)
        return {"$ref": f"#/$defs/{cls.__name__}"}

    def type_schema(self, tp: Any) -> dict[str, Any]:
        origin = get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            inner = self.type_schema(args[0]) if len(args) == 1 else {"anyOf": [self.type_schema(a) for a in args]}
            if type(None) not in get_args(tp):
                return inner
            if set(inner) == {"type"} and isinstance(inner["type"], str):
                return {"type": [inner["type"], "null"]}
            return {"anyOf": [inner, {"type": "null"}]}
        if dataclasses.is_dataclass(tp):
            return self.ref(tp)
        if origin is list:
            return {"type": "array", "items": self.type_schema(get_args(tp)[0])}
        if origin is dict:
            return {"type": "object", "additionalProperties": self.type_schema(get_args(tp)[1])}
        if tp is Any:
            return {}
        simple = {float: "number", int: "integer", str: "string", bool: "boolean"}
        if tp in simple:
            return {"type": simple[tp]}
        raise TypeError(f"no JSON Schema for {tp!r}")  # pragma: no cover - a model type to add here


def export_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of what ``perfeval-xl export`` writes and ``validate`` reads."""
    b = _SchemaBuilder()
    root = b.object_schema(Submission)
    props = {"format": {"title": "数据格式", "const": FORMAT},
             "format_version": {"title": "数据格式版本", "const": FORMAT_VERSION}, **root["properties"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:{FORMAT.replace('/', ':')}:{FORMAT_VERSION}",
        "title": "perfeval-xl 报送数据（perfeval-xl export）",
        "description": (f"由 {COMMAND} 根据 perfeval_xl/core/model.py 的数据类生成，请勿手工编辑。金额单位为万元；"
                        "比率为小数（0.937 即 93.7%）；空的数字为 null，空的文字为 \"\"。字段都可省略（读取时取默认值），"
                        "未知字段是错误。"),
        "type": "object",
        "properties": props,
        "additionalProperties": False,
        "$defs": b.defs,
    }


def schema_text() -> str:
    return json.dumps(export_schema(), ensure_ascii=False, indent=2) + "\n"


def _type_text(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in schema:
        return f"对象 `{schema['$ref'].rsplit('/', 1)[1]}`"
    if "const" in schema:
        return f"固定为 `{json.dumps(schema['const'], ensure_ascii=False)}`"
    if "anyOf" in schema:
        return " 或 ".join(_type_text(s, defs) for s in schema["anyOf"])
    kind = schema.get("type")
    if kind is None:
        return "任意"
    if isinstance(kind, list):
        return " 或 ".join(_type_text({**schema, "type": k}, defs) for k in kind)
    if kind == "array":
        return f"列表，每项为 {_type_text(schema['items'], defs)}"
    if kind == "string" and "pattern" in schema:
        return "文字（“工作表!单元格”）"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"对象，每个值为 {_type_text(schema['additionalProperties'], defs)}"
    return {"number": "数字", "integer": "整数", "string": "文字", "null": "null", "boolean": "true/false",
            "object": "对象"}.get(kind, kind)


def export_section() -> str:
    schema = export_schema()
    parts = ["## 导出格式：`perfeval-xl export` 的 JSON（export format）", "",
             "JSON Schema（draft 2020-12）见 [`docs/export-schema.json`](export-schema.json)，由模型数据类及其类型注解生成，"
             "标题取自字段的中文标签，因此不会与程序不一致。要点：", "",
             f"- 顶层对象：`\"format\": \"{FORMAT}\"`、`\"format_version\": {FORMAT_VERSION}`，其余为报送 `Submission` 的字段。",
             "- 金额单位为万元；比率为小数（0.937 即 93.7%）；空的数字为 `null`，空的文字为 `\"\"`。",
             "- 每个字段都可以省略（读取时取默认值）；未知字段、类型不对的值是错误，错误信息指出 JSON 路径。",
             "- `_sources` 记录各字段读自哪个单元格，如 `{\"executed\": \"项目1!F6\"}`；从 JSON 或纸质材料录入的数据没有它。",
             ""]
    objects = [("（顶层）", schema)] + list(schema["$defs"].items())
    for name, obj in objects:
        parts += [f"### {name}" if name != "（顶层）" else "### 顶层对象", ""]
        if obj.get("description") and name != "（顶层）":
            parts += [_md(obj["description"]), ""]
        parts += ["| 字段 | 中文 | 类型 |", "|---|---|---|"]
        for field_name, prop in obj["properties"].items():
            kind = _type_text(prop, schema["$defs"])
            if prop.get("description") and field_name != "_sources":
                kind += f"。{prop['description']}"
            parts.append(f"| `{field_name}` | {_md(prop.get('title', ''))} | {_md(kind)} |")
        parts.append("")
    return "\n".join(parts)


# ---------------------------------------------------------------- a validator for what we emit

_KNOWN = {"$schema", "$id", "$defs", "title", "description", "type", "properties", "additionalProperties", "items",
          "$ref", "anyOf", "const", "enum", "pattern"}


def _is_type(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or \
            (isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    raise ValueError(f"unknown type {kind!r}")


def schema_errors(doc: Any, schema: dict[str, Any], root: dict[str, Any] | None = None, path: str = "$") -> list[str]:
    """Where ``doc`` breaks ``schema`` ([] when valid), for the keywords ``export_schema`` emits.

    Any other keyword raises ValueError: extend this function before the schema uses it.
    """
    root = root if root is not None else schema
    unknown = set(schema) - _KNOWN
    if unknown:
        raise ValueError(f"schema_errors does not implement {sorted(unknown)} (at {path})")
    errors: list[str] = []
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/$defs/"):
            raise ValueError(f"only local $defs references are supported: {ref}")
        errors += schema_errors(doc, root["$defs"][ref[len("#/$defs/"):]], root, path)
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(doc, k) for k in kinds):
            return errors + [f"{path}: should be {' or '.join(kinds)}, is {json.dumps(doc, ensure_ascii=False)[:60]}"]
    if "const" in schema and not (doc == schema["const"] and type(doc) is type(schema["const"])):
        errors.append(f"{path}: should be {schema['const']!r}")
    if "enum" in schema and doc not in schema["enum"]:
        errors.append(f"{path}: should be one of {schema['enum']!r}")
    if "pattern" in schema and isinstance(doc, str) and not re.search(schema["pattern"], doc):
        errors.append(f"{path}: does not match {schema['pattern']}")
    if "anyOf" in schema and all(schema_errors(doc, s, root, path) for s in schema["anyOf"]):
        errors.append(f"{path}: matches none of the allowed forms")
    if isinstance(doc, dict):
        props = schema.get("properties", {})
        for key, value in doc.items():
            if key in props:
                errors += schema_errors(value, props[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unknown key {key!r}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += schema_errors(value, schema["additionalProperties"], root, f"{path}.{key}")
    if isinstance(doc, list) and "items" in schema:
        for i, value in enumerate(doc):
            errors += schema_errors(value, schema["items"], root, f"{path}[{i}]")
    return errors


# ---------------------------------------------------------------- command


def targets() -> dict[Path, str]:
    return {NAMES_PAGE: names_page() + "\n", SCHEMA_FILE: schema_text()}

"""The template workbooks in workbook_templates/, and new unit workbooks made from them."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

from ..core.encoding import decode_user_text
from ..core.model import FundingRow, ProjectTable, Submission, UnitInfo
from ..core.settings import Settings
from ..layout.sheets import PROJECT_SHEETS, UNIT_SHEETS
from .xlsx_write import build_workbook, save_atomic

TEMPLATES = {
    "单位自评工作簿.xlsx": UNIT_SHEETS,  # one per 街道 per year: every table
    "项目支出绩效自评表.xlsx": PROJECT_SHEETS,  # the project table alone
}
TEMPLATE_DIR = Path(__file__).resolve().parent.parent.parent / "workbook_templates"

# Columns a district's budget list may use (Chinese as printed, or the model's English names).
PREFILL_COLUMNS = {
    "项目名称": "name", "name": "name",
    "主管部门": "competent_dept", "competent_dept": "competent_dept",
    "实施单位": "implementing_unit", "implementing_unit": "implementing_unit",
    "年初预算数": "initial_budget", "initial_budget": "initial_budget",
    "全年预算数": "annual_budget", "annual_budget": "annual_budget",
}


class PrefillError(ValueError):
    """A budget list that cannot be used; the message names the file and row."""


def build_templates(outdir: Path = TEMPLATE_DIR) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, kinds in TEMPLATES.items():
        path = outdir / name
        save_atomic(build_workbook(None, kinds), path)
        written.append(path)
    return written


def workbook_digest(path: Path) -> str:
    """Hash of a workbook's content, ignoring timestamps and how the XML was serialised.

    openpyxl writes the same tree with or without lxml, but places namespace declarations
    differently; hashing the parsed tree keeps the staleness test independent of that.
    """
    h = hashlib.sha256()
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if name == "docProps/core.xml":
                continue
            h.update(name.encode())
            data = z.read(name)
            h.update(_xml_content(data) if name.endswith((".xml", ".rels")) else data)
    return h.hexdigest()


def _xml_content(data: bytes) -> bytes:
    from xml.etree import ElementTree

    parts: list[str] = []
    for element in ElementTree.fromstring(data).iter():
        parts.append(f"<{element.tag} {sorted(element.attrib.items())}>{(element.text or '').strip()}"
                     f"|{(element.tail or '').strip()}")
    return "\n".join(parts).encode()


def new_unit_submission(unit: str, year: int | None, projects: list[dict], settings: Settings) -> Submission:
    """What the district already knows, ready for the street to fill in."""
    points = float(settings["execution.points"])
    tables = []
    for p in projects:
        tables.append(ProjectTable(
            name=p.get("name", ""), competent_dept=p.get("competent_dept", ""),
            implementing_unit=p.get("implementing_unit", ""), execution_points=points,
            funding_current_year=FundingRow(p.get("initial_budget"), p.get("annual_budget"), None)))
    return Submission(unit=UnitInfo(unit_name=unit, year=year), projects=tables)


# Columns a budget list may carry that say nothing about a project (a row number): ignored.
IGNORED_COLUMNS = ("序号",)


def read_prefill(path: Path) -> list[dict]:
    """Projects from a budget list: CSV (UTF-8 or GBK, as Excel saves it) or JSON.

    Messages name places as the person sees them: for a CSV, the line as an editor numbers it
    (the header is line 1; a quoted cell spanning lines counts them all) and the column as a
    spreadsheet letters it with its header (第 3 行 E 列（全年预算数）); for JSON, the item.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PrefillError(f"{path.name}：无法读取（{exc.strerror or exc}）") from None
    if path.suffix.lower() == ".json":
        from .json_input import JsonRefused, loads

        try:
            data = loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PrefillError(f"{path.name}：不是有效的 JSON（{exc}）") from None
        except JsonRefused as exc:
            raise PrefillError(f"{path.name}：{exc}") from None
        rows = data.get("projects") if isinstance(data, dict) else data
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise PrefillError(f"{path.name}：应为项目列表，如 [{{\"项目名称\": …, \"全年预算数\": …}}]")
        return [_prefill_row({k: (v, f"“{k}”") for k, v in r.items()}, f"{path.name} 第 {i} 项")
                for i, r in enumerate(rows, start=1)]
    if path.suffix.lower() == ".csv":
        return [_prefill_row(row, where) for where, row in _csv_rows(_decode(raw, path), path)]
    raise PrefillError(f"{path.name}：预填文件应为 .csv 或 .json")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column as a spreadsheet shows it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _csv_rows(text: str, path: Path):
    """(where, {column name: (value, label)}) per data row; blank lines and empty rows skipped."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    last_line = 0
    for cells in reader:
        line, last_line = last_line + 1, reader.line_num  # the record's first line (it may span several)
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            for i, name in enumerate(header):
                if name and name not in IGNORED_COLUMNS and name not in PREFILL_COLUMNS:
                    raise PrefillError(
                        f"{path.name} 第 {line} 行（表头）{column_letter(i)} 列：未知的列“{name}”"
                        f"（可用：项目名称、主管部门、实施单位、年初预算数、全年预算数；“序号”列不读取）")
            continue
        row: dict[str, tuple[str, str]] = {}
        for i, value in enumerate(cells):
            name = header[i] if i < len(header) else ""
            if not name:
                if value.strip():
                    raise PrefillError(f"{path.name} 第 {line} 行 {column_letter(i)} 列：有内容“{value.strip()}”，"
                                       f"但表头（第 1 行）这一列没有列名")
                continue
            if name not in IGNORED_COLUMNS:
                row[name] = (value, f"{column_letter(i)} 列（{name}）")
        yield f"{path.name} 第 {line} 行", row


def _decode(raw: bytes, path: Path) -> str:
    text = decode_user_text(raw)
    if text is None:
        raise PrefillError(f"{path.name}：无法识别文件编码（请另存为 UTF-8 的 CSV）")
    return text


def _prefill_row(row: dict, where: str) -> dict:
    """``row``: column name → (value, how the column is named in a message)."""
    out: dict = {}
    for key, (value, label) in row.items():
        name = str(key).strip() if key is not None else ""
        if name in IGNORED_COLUMNS:
            continue
        field = PREFILL_COLUMNS.get(name)
        if field is None:
            if name:
                raise PrefillError(f"{where}：未知的列{label}（可用：项目名称、主管部门、实施单位、年初预算数、全年预算数）")
            continue
        if field in ("initial_budget", "annual_budget"):
            out[field] = _amount(value, where, label)
        else:
            out[field] = "" if value is None else str(value).strip()
    if not out.get("name"):
        raise PrefillError(f"{where}：缺少项目名称")
    return out


def _amount(value, where: str, label: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise PrefillError(f"{where} {label}：应为数字")
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        raise PrefillError(f"{where} {label}：应为数字（万元），而不是“{value}”") from None

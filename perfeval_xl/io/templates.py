"""The template workbooks in workbook_templates/, and new unit workbooks made from them."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

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


def read_prefill(path: Path) -> list[dict]:
    """Projects from a budget list: CSV (UTF-8 or GBK, as Excel saves it) or JSON."""
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
    elif path.suffix.lower() == ".csv":
        text = _decode(raw, path)
        rows = list(csv.DictReader(io.StringIO(text)))
    else:
        raise PrefillError(f"{path.name}：预填文件应为 .csv 或 .json")
    return [_prefill_row(r, path, i) for i, r in enumerate(rows, start=2 if path.suffix.lower() == ".csv" else 1)]


def _decode(raw: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PrefillError(f"{path.name}：无法识别文件编码（请另存为 UTF-8 的 CSV）")


def _prefill_row(row: dict, path: Path, line: int) -> dict:
    out: dict = {}
    for key, value in row.items():
        field = PREFILL_COLUMNS.get(str(key).strip()) if key is not None else None
        if field is None:
            if key is not None and str(key).strip():
                raise PrefillError(f"{path.name} 第 {line} 行：未知的列“{key}”（可用：项目名称、主管部门、实施单位、年初预算数、全年预算数）")
            continue
        if field in ("initial_budget", "annual_budget"):
            out[field] = _amount(value, path, line, key)
        else:
            out[field] = "" if value is None else str(value).strip()
    if not out.get("name"):
        raise PrefillError(f"{path.name} 第 {line} 行：缺少项目名称")
    return out


def _amount(value, path: Path, line: int, column: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise PrefillError(f"{path.name} 第 {line} 行：“{column}”应为数字")
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        raise PrefillError(f"{path.name} 第 {line} 行：“{column}”应为数字（万元），而不是“{value}”") from None

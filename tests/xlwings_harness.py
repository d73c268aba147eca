"""Drive xlwings' own Office.js dispatch without Excel (see ../shared/XLWINGS.md).

Importing this module sets ``XLWINGS_LICENSE_KEY=noncommercial`` and ``XLWINGS_ON_SERVER=true``
*before* xlwings is imported (tests/conftest.py imports it first), so ``xw.func``/``xw.script``
are the real Office.js decorators and ``xlwings.server`` exposes the dispatch Excel's client
calls:

* ``call_udf`` sends a custom-function call exactly as the client does (every argument a 2-D
  list, empty cells ``None``) and returns the 2-D result;
* ``book_payload`` builds the book JSON the client posts from a real .xlsx: values from A1 to
  the last used cell, formulas computed by the ``formulas`` package (files written by openpyxl
  carry no cached values), ``=HYPERLINK(link, text)`` shown as its text;
* ``run_script`` runs an ``@script`` on that payload and returns the actions Excel would apply;
* ``replay`` applies those actions to an openpyxl copy of the workbook.

This is an approximation of Excel, not Excel: the replay implements the actions the scripts
use, the way Office.js documents them, and refuses any other.
"""

from __future__ import annotations

import os

os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
os.environ["XLWINGS_ON_SERVER"] = "true"

import asyncio  # noqa: E402
import datetime as dt  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import xlwings as xw  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from openpyxl.styles import Font, PatternFill  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from xlwings import server  # noqa: E402

Computed = dict[tuple[str, str], Any]


def call_udf(module, func_name: str, *args: Any, caller: str = "Excel[Book1.xlsx]Sheet1!A1") -> list[list[Any]]:
    """Call ``func_name`` of ``module`` as Excel's Office.js client does; ``args`` already 2-D."""
    body = {
        "func_name": func_name,
        "args": list(args),
        "caller_address": caller,
        "formula": "",
        "version": xw.__version__,
        "client": "Office.js",
        "runtime": "1.4",
        "culture_info_name": "zh-CN",
        "date_format": "yyyy/m/d",
    }
    return asyncio.run(server.custom_functions_call(body, module))


def cell(value: Any) -> list[list[Any]]:
    """One cell as the client sends it."""
    return [[value]]


# ---------------------------------------------------------------- book payload


def computed_values(path: str | Path) -> Computed:
    """Every formula's value, as Excel would show it after recalculation (``formulas`` package)."""
    from .recalc import formulas_values

    return formulas_values(path)


_HYPERLINK = re.compile(r'^=HYPERLINK\(\s*"(?:[^"]|"")*"\s*,\s*"((?:[^"]|"")*)"\s*\)$', re.I)


def _shown(value: Any, sheet: str, ref: str, computed: Computed) -> Any:
    if isinstance(value, str) and value.startswith("="):
        m = _HYPERLINK.match(value)
        if m:
            return m[1].replace('""', '"')
        value = computed.get((sheet, ref))
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def book_payload(path: str | Path, computed: Computed | None = None, name: str = "单位自评.xlsx") -> dict:
    """The JSON Excel's client posts for the workbook at ``path`` (all sheets, values only)."""
    computed = computed if computed is not None else computed_values(path)
    wb = load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        rows = ws.max_row if ws.max_row and ws.calculate_dimension() != "A1:A1" else 0
        cols = ws.max_column if rows else 0
        values = [[_shown(ws.cell(r, c).value, ws.title, f"{get_column_letter(c)}{r}", computed)
                   for c in range(1, cols + 1)] for r in range(1, rows + 1)]
        sheets.append({"name": ws.title, "values": values or [[]], "pictures": [], "tables": [],
                       "shapes": [], "charts": [], "notes": [], "pivot_tables": [], "visibility": "Visible",
                       "show_gridlines": True, "print_area": None})
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


def run_script(module, name: str, payload: dict) -> list[dict]:
    """Run the ``@script`` ``name`` on a book built from ``payload``; the actions Excel would apply."""
    book = xw.Book(json=payload)
    asyncio.run(server.custom_scripts_call(module, name, typehint_to_value={xw.Book: book}))
    return book.json()["actions"]


# ---------------------------------------------------------------- replay


def _fill(hex_color: str | None):
    if hex_color is None:
        return PatternFill(fill_type=None)
    return PatternFill("solid", fgColor="FF" + hex_color.lstrip("#").upper())


def replay(actions: list[dict], source: str | Path, target: str | Path) -> Path:
    """Apply ``actions`` to a copy of ``source`` saved as ``target`` (openpyxl)."""
    shutil.copyfile(source, target)
    wb = load_workbook(target)
    for a in actions:
        func = a["func"]
        ws = wb.worksheets[a["sheet_position"]] if a.get("sheet_position") is not None else None
        r0, c0 = a.get("start_row"), a.get("start_column")
        if func == "addSheet":
            index, name = a["args"]
            wb.create_sheet(name, index)
        elif func == "sheetClear":
            index, title = wb.worksheets.index(ws), ws.title
            wb.remove(ws)
            wb.create_sheet(title, index)
        elif func == "setValues":
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    ws.cell(r0 + i + 1, c0 + j + 1).value = None if v == "" else v
        elif func == "setRangeColor":
            for i in range(a["row_count"]):
                for j in range(a["column_count"]):
                    ws.cell(r0 + i + 1, c0 + j + 1).fill = _fill(a["args"][0])
        elif func == "setRangeColors":
            for i, row in enumerate(a["args"][0]):
                for j, color in enumerate(row):
                    if color != "keep":
                        ws.cell(r0 + i + 1, c0 + j + 1).fill = _fill(color)
        elif func == "setFontProperty":
            prop, value = a["args"]
            for i in range(a["row_count"]):
                for j in range(a["column_count"]):
                    c = ws.cell(r0 + i + 1, c0 + j + 1)
                    c.font = Font(**{**{"bold": c.font.b}, prop: value})
        elif func == "setColumnWidth":
            for j in range(a["column_count"]):
                ws.column_dimensions[get_column_letter(c0 + j + 1)].width = a["args"][0]
        elif func == "setSheetName":
            ws.title = a["args"][0]
        elif func == "copySheet":
            position, target_ix, name = a["args"]
            copy = wb.copy_worksheet(ws)
            copy.title = name
            wb.move_sheet(copy, (target_ix if position == "Before" else target_ix + 1) - wb.worksheets.index(copy))
        elif func in ("activateSheet", "setAutofit", "setWrapText"):
            continue  # view state only
        else:
            raise NotImplementedError(f"replay: action {func!r} is not modelled")
    wb.save(target)
    return Path(target)


def fills(path: str | Path, sheet: str) -> dict[str, str]:
    """Cell → fill colour (#RRGGBB) of every filled cell of ``sheet``."""
    ws = load_workbook(path)[sheet]
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if c.fill is not None and c.fill.fill_type == "solid":
                out[c.coordinate] = "#" + str(c.fill.fgColor.rgb)[-6:]
    return out

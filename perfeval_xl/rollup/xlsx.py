"""Writing roll-up sheets with openpyxl's write-only mode: styled, print-ready, formula-safe.

Every sheet is a ``TableSheet``: a frozen, filtered header row, column widths, A4 landscape
fit to width, the header repeated on every printed page, a CJK font and Excel number formats.
Rows are appended one at a time and go straight to disk (openpyxl write-only), so a sheet of
100 000 rows costs no more memory than one of ten.

Text from submissions is data, never a formula: a string that starts with =, +, -, @, a tab or
a carriage return is written as a string cell (``t="inlineStr"``) with Excel's quote prefix set,
so Excel shows it as typed and does not turn it into a formula even when the cell is edited.
Characters XML cannot hold are replaced by U+FFFD and text is cut at Excel's 32 767 characters.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..core.score import NO_FIGURE
from ..io.quote import FORMULA_TRIGGERS  # one definition for every writer

FONT_NAME = "宋体"  # as the unit workbooks (perfeval_xl.io.xlsx_write.BODY_FONT)
BODY_FONT = Font(name=FONT_NAME, size=10)
BOLD_FONT = Font(name=FONT_NAME, size=10, bold=True)
TITLE_FONT = Font(name="黑体", size=14, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
ERROR_FONT = Font(name=FONT_NAME, size=10, color="C00000")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

# Number formats (Excel's own, so sums, filters and sorting work on the figures).
FORMATS = {
    "text": "@",
    "label": "General",
    "money": "0.00",  # 万元, two decimals as the unit workbooks
    "rate": "0.00%",
    "score": "0.00",
    "int": "0",
    "year": "0",
}
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_TEXT = 32767
MAX_ROW_HEIGHT = 160.0
# zlib level 1: level 6 made a 100-unit roll-up 23 % smaller (678 vs 883 KB) for 2.5× the compression time.
COMPRESS_LEVEL = 1
ROW = "\x00"  # row-number placeholder in a rendered row; XML text cannot contain it (clean_text)
ROW_END = b"</row>"  # ends each row of a rendered block; escaped text cannot contain it


@dataclass(frozen=True)
class Col:
    header: str
    width: float
    kind: str = "text"  # key of FORMATS; "text" is submitted text (formula-guarded), "label" ours
    wrap: bool = False


def clean_text(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    if not text.isprintable():  # printable text has nothing ILLEGAL: skip the regex (most cells)
        text = ILLEGAL.sub("\ufffd", text)
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 10] + "…（已截断）"
    return text


def clean_number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and math.isfinite(value):
        return value
    return None


def display_width(text: str) -> float:
    """Width in Excel column units at 10 pt: CJK characters (3 bytes in UTF-8) take about two."""
    n = len(text)
    return n + 0.4 * (len(text.encode("utf-8", "replace")) - n)


@lru_cache(maxsize=8192)
def lines_needed(text: str, width: float) -> int:
    usable = max(width - 1.5, 1.0)
    if "\n" not in text:
        if len(text) * 1.8 <= usable:
            return 1
        return max(1, math.ceil(display_width(text) / usable))
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in text.split("\n"))


class _Protos:
    """One reusable styled cell per column (write-only rows are serialised when appended)."""

    def __init__(self, ws, col: Col, header: bool = False, font: Font | None = None) -> None:
        self.plain = WriteOnlyCell(ws)
        self.quoted = WriteOnlyCell(ws)
        for cell in (self.plain, self.quoted):
            cell.font = font or (BOLD_FONT if header else BODY_FONT)
            if font is None:  # table cells are boxed; a title or a note line is not
                cell.border = BOX
            cell.alignment = Alignment(vertical="center", horizontal="center" if header else None,
                                       wrap_text=header or col.wrap)
            cell.number_format = "General" if header else FORMATS[col.kind]
            if header:
                cell.fill = HEADER_FILL
        self.quoted.quotePrefix = True
        # "—" where a figure cannot be (a rate of 0/0): text, centred, in a figure's column
        self.centred = WriteOnlyCell(ws)
        self.centred.font = font or (BOLD_FONT if header else BODY_FONT)
        if font is None:
            self.centred.border = BOX
        self.centred.alignment = Alignment(vertical="center", horizontal="center")
        self._sids: tuple[int, int] | None = None
        self._csid: int | None = None

    @property
    def sid(self) -> int:
        """Style id of the plain cell (registered in the workbook's stylesheet on first use)."""
        return self._ids()[0]

    @property
    def qsid(self) -> int:
        return self._ids()[1]

    @property
    def csid(self) -> int:
        """Style id of the centred "—" cell."""
        if self._csid is None:
            self._csid = self.centred.style_id
        return self._csid

    def _ids(self) -> tuple[int, int]:
        if self._sids is None:
            self._sids = (self.plain.style_id, self.quoted.style_id)
        return self._sids


def text_cell(proto: _Protos, value: Any):
    """A string cell that stays a string (never a formula)."""
    text = clean_text(value)
    if text.startswith(FORMULA_TRIGGERS):
        cell = proto.quoted
        cell.value = text
        cell.data_type = "s"
        return cell
    cell = proto.plain
    cell.value = text
    cell.data_type = "s"
    return cell


def set_cell(proto: _Protos, col: Col, value: Any):
    """The styled cell for one value (None leaves the cell styled but empty)."""
    if value is None or value == "":
        cell = proto.plain
        cell.value = None
        return cell
    if value == NO_FIGURE and col.kind not in ("text", "label"):
        cell = proto.centred
        cell.value, cell.data_type = NO_FIGURE, "s"
        return cell
    if col.kind in ("text", "label") or isinstance(value, str):
        return text_cell(proto, value)
    cell = proto.plain
    cell.value = clean_number(value)
    return cell


def cell_xml(ref: str, value: Any, sid: int, qsid: int, is_text: bool, csid: int | None = None) -> str:
    """One cell as SpreadsheetML, the same cell ``set_cell`` gives openpyxl (formula guard included)."""
    return cell_from_heads(f'<c r="{ref}" s="{sid}"', f'<c r="{ref}" s="{qsid}"', value, is_text,
                           f'<c r="{ref}" s="{csid}"' if csid is not None else None)


def cell_from_heads(plain: str, quoted: str, value: Any, is_text: bool, centred: str | None = None) -> str:
    """``cell_xml`` with the cell's opening tag made once per column (``<c r=".." s=".."``, no ``>``);
    ``centred``: the tag of a figure column's centred "—"."""
    if value is None or value == "":
        return plain + "/>"
    if centred is not None and not is_text and value == NO_FIGURE:
        return centred + _text_xml(NO_FIGURE)[1]
    if is_text or isinstance(value, str):
        formula_like, body = _text_xml(value if isinstance(value, str) else str(value))
        return (quoted if formula_like else plain) + body
    number = clean_number(value)
    if number is None:
        return plain + "/>"
    return f'{plain} t="n"><v>{number!r}</v></c>'


@lru_cache(maxsize=8192)  # bounded: the parent's memory stays flat
def _text_xml(value: str) -> tuple[bool, str]:
    """Whether the cleaned text would read as a formula, and the cell's rest; cached, because
    titles, hints, indicator and unit names recur on every unit's rows."""
    text = clean_text(value)
    return text.startswith(FORMULA_TRIGGERS), " " + _inline(text) + "</c>"


def row_xml(row: str, cells: list[str], height: float | None) -> str:
    head = f'<row r="{row}" ht="{height}" customHeight="1">' if height is not None else f'<row r="{row}">'
    return head + "".join(cells) + "</row>"


PAGE_WIDTH = 150  # column-width units an A4 landscape page shows at a readable (~90 %) scale


def page_setup(ws, *, landscape: bool = True, title: str = "") -> None:
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.page_margins.header = ws.page_margins.footer = 0.3  # the title and page number clear the table
    ws.print_options.horizontalCentered = True
    if title:
        ws.oddHeader.center.text = title
        ws.oddHeader.center.font = f"{FONT_NAME},Bold"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


# Rows an Excel worksheet holds; a detail sheet of a province-scale roll-up can need more.
EXCEL_MAX_ROWS = 1_048_576


class RowForm:
    """How a fast TableSheet renders a data row: each column's opening tags (style ids included)
    and the wrapped columns' widths. Plain values only, so it pickles: a roll-up worker renders
    its file's detail rows with the parent's form and the parent only numbers and writes them."""

    __slots__ = ("forms", "wrapped", "_columns")

    def __init__(self, forms: list[tuple[str, str, bool, str | None]], wrapped: list[tuple[int, float]]) -> None:
        self.forms, self.wrapped = forms, wrapped
        widths = dict(wrapped)
        # each column's tags, its empty cell and, for a wrapped one, its width (0: the text never sets
        # the row's height)
        self._columns = [(*form, form[0] + "/>", widths.get(i, 0.0)) for i, form in enumerate(forms)]

    def __reduce__(self) -> tuple:
        return (RowForm, (self.forms, self.wrapped))

    def render(self, values: Sequence[Any]) -> str:
        """One row as SpreadsheetML, its row number left as ``ROW`` (see ``TableSheet.render``)."""
        return self._rows((values,))[0]

    def block(self, rows: Sequence[Sequence[Any]]) -> bytes:
        """Rows rendered and joined as UTF-8, as ``TableSheet.append_block`` takes them."""
        return "".join(self._rows(rows)).encode("utf-8")

    def _rows(self, rows: Sequence[Sequence[Any]]) -> list[str]:
        """Each row as ``render`` gives it. The rows of a block are one unit's: its code, name, file
        and many texts recur from row to row, so each column renders a distinct text once (with
        the lines it needs) and takes it from ``seen`` after that."""
        columns = self._columns
        seen: list[dict[str, tuple[str, int]]] = [{} for _ in columns]
        out = []
        for values in rows:
            lines = 1
            cells = []
            for (plain, quoted, is_text, centred, empty, width), known, v in zip(columns, seen, values):
                if v is None:
                    cells.append(empty)
                elif isinstance(v, str):
                    done = known.get(v)
                    if done is None:
                        done = known[v] = (cell_from_heads(plain, quoted, v, is_text, centred),
                                           lines_needed(v, width) if width and v else 1)
                    cells.append(done[0])
                    if done[1] > lines:
                        lines = done[1]
                else:
                    cells.append(cell_from_heads(plain, quoted, v, is_text, centred))
            out.append(row_xml(ROW, cells, min(13.5 * lines + 3, MAX_ROW_HEIGHT) if lines > 1 else None))
        return out


class TableSheet:
    """A write-only sheet with one header row and data rows below it.

    Rows beyond what Excel holds (a header, ``EXCEL_MAX_ROWS - 2`` data rows, a closing note) are
    counted, not written: the note says how many were left out.

    With ``fast=True`` (the default) data rows are rendered as SpreadsheetML text straight into a
    temporary file and spliced into the saved package by ``RollupBook.save``: the same cells,
    styles and formula guard as openpyxl's write-only rows, about 20× faster (openpyxl spends
    ~20 µs per cell serialising). ``fast=False`` appends through openpyxl (the reference the
    tests compare the fast path with).
    """

    def __init__(self, wb, name: str, columns: Sequence[Col], *, title: str = "", fast: bool = True,
                 repeat_columns: int = 0, print_columns: int = 0) -> None:
        self.ws = wb.create_sheet(name)
        self.columns = list(columns)
        # print_columns: only the first ones print, on one page wide (the rest are for the screen)
        self.print_columns = print_columns or len(self.columns)
        self.rows = 0
        self.dropped = 0  # rows past EXCEL_MAX_ROWS, left out (see close)
        self.fast = fast
        ws = self.ws
        for i, col in enumerate(self.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = col.width
        ws.freeze_panes = "A2"
        page_setup(ws, title=title or name)
        ws.print_title_rows = "1:1"
        # A wide table on one A4 page prints at half size; split it across pages of a readable
        # width instead, each repeating the columns that say whose row it is.
        width = sum(c.width for c in self.columns[:self.print_columns])
        if print_columns:
            ws.page_setup.fitToWidth = 1
        elif width > PAGE_WIDTH:
            keep = next((i for i in range(len(self.columns), 0, -1)
                         if sum(c.width for c in self.columns[:i]) <= PAGE_WIDTH * 0.3
                         and i <= repeat_columns), 0) if repeat_columns else 0
            repeated = sum(c.width for c in self.columns[:keep])
            ws.page_setup.fitToWidth = math.ceil((width - repeated) / (PAGE_WIDTH - repeated))
            if keep:
                ws.print_title_cols = f"A:{get_column_letter(keep)}"
        self._header = [_Protos(ws, c, header=True) for c in self.columns]
        self._protos = [_Protos(ws, c) for c in self.columns]
        self._wrapped = [i for i, c in enumerate(self.columns) if c.wrap]
        header_lines = max(lines_needed(c.header, c.width) for c in self.columns)
        ws.row_dimensions[1].height = min(14.0 * header_lines + 4, MAX_ROW_HEIGHT)
        ws.append([text_cell(p, c.header) for p, c in zip(self._header, self.columns)])
        if fast:
            # style ids are registered in the workbook's stylesheet now, written when it is saved
            sids = [p.plain.style_id for p in self._protos]
            qsids = [p.quoted.style_id for p in self._protos]
            csids = [p.csid if c.kind not in ("text", "label") else None for p, c in zip(self._protos, self.columns)]
            self.form = RowForm([(f'<c r="{get_column_letter(i)}{ROW}" s="{sid}"', f'<c r="{get_column_letter(i)}{ROW}" s="{qsid}"',
                                  c.kind in ("text", "label"),
                                  f'<c r="{get_column_letter(i)}{ROW}" s="{csid}"' if csid is not None else None)
                                 for i, (sid, qsid, csid, c) in enumerate(zip(sids, qsids, csids, self.columns), start=1)],
                                [(i, self.columns[i].width) for i in self._wrapped])
            self.body = tempfile.TemporaryFile("w+b")  # rows as UTF-8, copied into the package as they are

    def _height(self, values: Sequence[Any]) -> float | None:
        lines = 1
        for i in self._wrapped:
            v = values[i]
            if isinstance(v, str) and v:
                lines = max(lines, lines_needed(v, self.columns[i].width))
        return min(13.5 * lines + 3, MAX_ROW_HEIGHT) if lines > 1 else None

    def _room(self) -> int:
        return EXCEL_MAX_ROWS - 2 - self.rows  # the header row and the closing note row

    def append(self, values: Sequence[Any]) -> None:
        if self.fast:
            self.append_rendered([self.render(values)])
            return
        if self._room() <= 0:
            self.dropped += 1
            return
        self.rows += 1
        height = self._height(values) if self._wrapped else None
        if height is not None:
            self.ws.row_dimensions[self.rows + 1].height = height
        self.ws.append([set_cell(p, c, v) for p, c, v in zip(self._protos, self.columns, values)])

    def render(self, values: Sequence[Any]) -> str:
        """One row as SpreadsheetML, its row number left as ``ROW`` (fast sheets only).

        Rendering does not depend on where the row lands, so the roll-up renders a unit's rows as
        its record arrives, while the workers read the next files, and only numbers them at the end.
        """
        return self.form.render(values)

    def append_block(self, block: bytes) -> None:
        """Rendered rows joined as UTF-8 (``RowForm.block``), numbered from the next row on, in one
        write: the parent neither unpickles nor encodes them one by one."""
        if not block:
            return
        rows = block.split(ROW_END)
        rows.pop()  # what follows the last </row>: nothing
        room = self._room()
        if len(rows) > room:
            self.dropped += len(rows) - max(room, 0)
            rows = rows[:max(room, 0)]
            if not rows:
                return
        first = self.rows + 2
        self.rows += len(rows)
        mark = ROW.encode()
        self.body.write(ROW_END.join([row.replace(mark, b"%d" % n) for n, row in enumerate(rows, start=first)])
                        + ROW_END)

    def append_rendered(self, rows: Sequence[str]) -> None:
        """Rendered rows (``render``), numbered from the next row on, in one write."""
        room = self._room()
        if len(rows) > room:
            self.dropped += len(rows) - max(room, 0)
            rows = rows[:max(room, 0)]
        first = self.rows + 2
        self.rows += len(rows)
        self.body.write("".join([row.replace(ROW, str(n)) for n, row in enumerate(rows, start=first)]).encode("utf-8"))

    def close(self) -> None:
        if self.dropped:
            note = (f"另有 {self.dropped:,} 行超过 Excel 每张工作表 {EXCEL_MAX_ROWS:,} 行的上限，未列出；"
                    "请按区县分批汇总，或用 perfeval_xl.analysis 读取全部明细。")
            values = [note] + [None] * (len(self.columns) - 1)
            dropped, self.dropped = self.dropped, 0
            if self.fast:
                self.body.write(self.render(values).replace(ROW, str(self.rows + 2)).encode("utf-8"))
                self.rows += 1
            else:
                self.rows += 1
                self.ws.append([set_cell(p, c, v) for p, c, v in zip(self._protos, self.columns, values)])
            self.dropped = dropped
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A1:{last}{self.rows + 1}"
        self.ws.print_area = f"A1:{get_column_letter(self.print_columns)}{self.rows + 1}"


_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def _inline(text: str) -> str:
    """The t="inlineStr" attribute and <is> element of a text cell (Excel's _xHHHH_ escapes kept literal)."""
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F_\1", text)
    body = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if body[:1].isspace() or body[-1:].isspace() or "\n" in body:
        return f't="inlineStr"><is><t xml:space="preserve">{body}</t></is>'
    return f't="inlineStr"><is><t>{body}</t></is>'


class RollupBook:
    """An openpyxl write-only Workbook whose fast sheets' rows are spliced in on save.

    ``save(path)`` is what ``save_atomic`` calls: openpyxl writes the package (styles, views,
    filters, page setup, charts, the header rows), then each fast sheet's ``</sheetData>`` gets
    its rows, streamed from the temporary file; the package is rewritten once, in place.
    """

    def __init__(self, wb) -> None:
        self.wb = wb
        self.sheets: list[TableSheet | FreeSheet] = []

    def table(self, name: str, columns: Sequence[Col], **kwargs: Any) -> TableSheet:
        sheet = TableSheet(self.wb, name, columns, **kwargs)
        self.sheets.append(sheet)
        return sheet

    def free(self, name: str, widths: Sequence[float], **kwargs: Any) -> FreeSheet:
        sheet = FreeSheet(self.wb, name, widths, **kwargs)
        self.sheets.append(sheet)
        return sheet

    def save(self, path) -> None:
        self.wb.save(path)
        fast = {sheet.ws.path.lstrip("/"): sheet for sheet in self.sheets if sheet.fast and sheet.rows}
        if fast:
            _splice(str(path), fast)
        self.close()

    def close(self) -> None:
        """Drop the rendered rows' temporary files (after saving, or when nothing is saved)."""
        for ws in self.wb.worksheets:
            if not ws.closed:  # a run that wrote nothing: end openpyxl's row streams cleanly
                ws.close()
        for sheet in self.sheets:
            if sheet.fast:
                sheet.body.close()


def _splice(path: str, fast: dict[str, TableSheet]) -> None:
    part = path + ".part"
    try:
        with zipfile.ZipFile(path) as zin, zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                sheet = fast.get(item.filename)
                info = zipfile.ZipInfo(item.filename, date_time=item.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                info._compresslevel = COMPRESS_LEVEL  # ZipFile(compresslevel=) skips explicit ZipInfos
                with zout.open(info, "w", force_zip64=True) as dst:
                    if sheet is None:
                        with zin.open(item) as src:
                            shutil.copyfileobj(src, dst, 1 << 20)
                        continue
                    xml = zin.read(item).decode("utf-8")
                    head, marker, tail = xml.rpartition("</sheetData>")
                    if not marker:  # no row written by openpyxl (a free sheet): <sheetData/>
                        head, empty, tail = xml.partition("<sheetData/>")
                        if not empty:
                            raise ValueError(f"{item.filename}: no </sheetData>")
                        head, marker = head + "<sheetData>", "</sheetData>"
                    dst.write(head.encode("utf-8"))
                    sheet.body.seek(0)
                    shutil.copyfileobj(sheet.body, dst, 1 << 20)
                    dst.write((marker + tail).encode("utf-8"))
        os.replace(part, path)
    except BaseException:
        if os.path.exists(part):
            os.unlink(part)
        raise


class FreeSheet:
    """A write-only sheet of blocks (统计, 说明): titles, small tables, label/value lines.

    ``fast=True`` renders its rows as SpreadsheetML for ``RollupBook.save`` to splice in, as
    ``TableSheet`` does; ``fast=False`` appends through openpyxl (the reference in the tests).
    """

    def __init__(self, wb, name: str, widths: Sequence[float], *, title: str = "", landscape: bool = True,
                 fast: bool = False) -> None:
        self.ws = wb.create_sheet(name)
        self.widths = list(widths)
        self.row = 0
        self.fast = fast
        for i, w in enumerate(self.widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
        page_setup(self.ws, title=title or name, landscape=landscape)
        label = Col("", 10, "label")
        self._title = _Protos(self.ws, label, font=TITLE_FONT)
        self._section = _Protos(self.ws, label, font=Font(name=FONT_NAME, size=11, bold=True))
        self._note = _Protos(self.ws, label, font=BODY_FONT)
        self._protos: dict[tuple[str, bool, bool], _Protos] = {}
        if fast:
            self.body = tempfile.TemporaryFile("w+b")

    @property
    def rows(self) -> int:
        return self.row

    def _proto(self, kind: str, header: bool = False, wrap: bool = False) -> _Protos:
        key = (kind, header, wrap)
        if key not in self._protos:
            self._protos[key] = _Protos(self.ws, Col("", 10, kind, wrap), header=header)
        return self._protos[key]

    def _emit(self, cells: list[tuple[_Protos, Any, bool]], height: float | None = None) -> int:
        """One row of (style, value, is_text) cells; returns its row number."""
        self.row += 1
        if self.fast:
            row = str(self.row)
            xml = [cell_xml(get_column_letter(i) + row, v, p.sid, p.qsid, t, None if t else p.csid)
                   for i, (p, v, t) in enumerate(cells, start=1)]
            self.body.write(row_xml(row, xml, height).encode("utf-8"))
            return self.row
        if height is not None:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append([_fresh(set_cell(p, Col("", 10, "label" if t else "score"), v)) for p, v, t in cells])
        return self.row

    def blank(self) -> None:
        self._emit([])

    def title(self, text: str) -> None:
        self._emit([(self._title, text, True)], 22)

    def note(self, text: str) -> int:
        """A line of text without borders (it may run across the columns to its right)."""
        return self._emit([(self._note, text, True)])

    def section(self, text: str) -> int:
        return self._emit([(self._section, text, True)])

    def header(self, headers: Sequence[str]) -> int:
        lines = max(lines_needed(h, w) for h, w in zip(headers, self.widths))
        return self._emit([(self._proto("label", header=True), h, True) for h in headers],
                          min(14.0 * lines + 4, MAX_ROW_HEIGHT) if lines > 1 else None)

    def line(self, values: Sequence[Any], kinds: Sequence[str], wrap: bool = False) -> int:
        lines = 1
        if wrap:
            for i, v in enumerate(values):
                if isinstance(v, str):
                    lines = max(lines, lines_needed(v, self.widths[i] if i < len(self.widths) else 10))
        return self._emit([(self._proto(k, wrap=wrap), v, k in ("text", "label")) for v, k in zip(values, kinds)],
                          min(13.5 * lines + 3, MAX_ROW_HEIGHT) if lines > 1 else None)


def _fresh(cell):
    """A copy of a prototype cell (a row holding the same prototype twice needs distinct cells)."""
    copy = WriteOnlyCell(cell.parent, cell.value)
    copy._style = cell._style
    if cell.data_type == "s":
        copy.data_type = "s"
    return copy

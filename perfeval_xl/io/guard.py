"""Look at a workbook's bytes before any parser does: refuse, with a Chinese reason,
what is not a workbook, what is encrypted, what would unpack to too much, XML that declares a
DTD, and sheets whose cell area is too large; cut sheets at the row cap.

The file is read once (``read.py``) and checked here with every size bounded: the zip's central
directory first (nothing inflated), then each worksheet the reader parses is inflated — never
past what it declares — and kept for the reader's questions: which cells hold formulas (S102),
which show error values such as #DIV/0! (S101). Other XML parts are looked at up to their root
element; while their packed size cannot unpack past the budget they are not inflated here.
calamine then parses exactly the checked bytes, inflated once: it gets a rebuilt zip whose
checked parts are stored uncompressed (the other parts copied packed, as they were), so no
worksheet is inflated twice. Worksheets the reader skips are never parsed by anyone.
"""

from __future__ import annotations

import html
import io
import re
import struct
import xml.parsers.expat as expat
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

from .plain_parts import START_TAG_REST, attribute_value, plain_elements, raw_attributes

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: an old .xls, or an encrypted .xlsx
ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
MB = 1024 * 1024
HEAD = 1024  # bytes of a part's start in which its XML prolog is looked at (more only when it runs longer)
MAX_DEFLATE_RATIO = 1032  # the most a deflate stream can unpack per byte
MAX_SIZE_OF_PART = 3500 * MB

NOT_WORKBOOK = "不是有效的 Excel 工作簿（文件已损坏，或并非 .xlsx 格式）"
TRUNCATED = "文件不完整或已损坏（可能在下载或拷贝时被截断），请重新获取原文件后再提交"
OLD_XLS = "是旧版 .xls 格式，请在 Excel 或 WPS 中“另存为” .xlsx 后再提交。"
ENCRYPTED = "工作簿设置了打开密码，请取消密码后再提交（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）"


class Refused(Exception):
    """The file is not read; ``str(err)`` is the reason, in Chinese, without the file name."""


@dataclass(frozen=True)
class Limits:
    """What a file may cost to read (the [limits] table of the rules file; SECURITY.md)."""

    file_mb: float = 50
    unpacked_mb: float = 200
    compression_ratio: float = 200
    max_parts: int = 2000
    max_rows: int = 2000
    max_cells: int = 2_000_000
    memory_mb: float = 1024  # address space the process that parses one file may add (sandbox.py)
    parse_seconds: float = 60  # wall-clock time to parse one file
    json_depth: int = 32  # nesting of a JSON submission
    json_int_digits: int = 20  # digits of an integer in a JSON submission
    max_text_chars: int = 10000  # characters of one text value in a JSON submission
    max_projects: int = 200  # project tables in one submission (JSON, --prefill)
    max_indicators: int = 200  # indicator rows in one table of a JSON submission

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        if settings is None:
            return cls()
        table = settings.get("limits", {}) or {}
        return cls(**{k: table[k] for k in cls.__dataclass_fields__ if k in table})

    @property
    def file_bytes(self) -> int:
        return int(self.file_mb * MB)

    @property
    def unpacked_bytes(self) -> int:
        return int(min(self.unpacked_mb, 3500) * MB)  # a stored zip without zip64 stays below 4 GB


@dataclass
class SheetXml:
    """One worksheet as the package declares it; ``xml`` only for the sheets that are read."""

    name: str
    state: str = "visible"  # "hidden", "veryHidden"
    xml: bytes | None = None
    rows_cut: int = 0  # rows with content below the row cap, removed before reading
    _pos: int = field(default=0, repr=False)
    # Read exactly (expat) when the sheet is not in the plain spelling: (row, col) -> (has formula, error text)
    _cells: dict[tuple[int, int], tuple[bool, str | None]] | None = field(default=None, repr=False)

    def has_formula(self, ref: str) -> bool | None:
        """Whether cell ``ref`` (e.g. "H6") holds a formula; None when the cell is not in the XML."""
        xml = self.xml
        if xml is None:
            return None
        if self._cells is not None:
            pos = _position(ref)
            found = self._cells.get((pos[0], pos[1])) if pos is not None and pos[1] is not None else None
            return None if found is None else found[0]
        needle = b' r="' + ref.encode("ascii") + b'"'
        at = xml.find(needle, self._pos)  # cells come in order, and mostly so do the reader's questions
        if at < 0:
            at = xml.rfind(needle, 0, self._pos + len(needle))
            if at < 0:
                return None
        self._pos = at
        end = xml.find(b">", at)
        if end < 0 or xml[end - 1:end] == b"/":
            return False
        return _FORMULA_CHILD.match(xml, end + 1) is not None

    def errors(self) -> dict[tuple[int, int], str]:
        """Cells showing an error value (#DIV/0!, #REF!, #NAME? …) by (row, col), 1-based."""
        xml = self.xml
        if xml is None:
            return {}
        if self._cells is not None:
            return {pos: text for pos, (_, text) in self._cells.items() if text is not None}
        start, end = _sheet_data(xml)
        if _ERROR_VALUE.search(xml, start, end) is None:
            return {}  # no "e" in any quoting, so no t="e": no error cell (most sheets; _ERROR_CELL is slower)
        found = {}
        for m in _ERROR_CELL.finditer(xml, start, end):
            col, row = _col_number(m["col"]), int(m["row"])
            found[(row, col)] = html.unescape(m["value"].decode("utf-8", "replace")).strip() or "#错误值"
        return found


@dataclass
class Inspected:
    data: bytes  # what to parse: a rebuilt zip, the checked parts stored (inflated once), the others as they were
    sheets: dict[str, SheetXml]  # by sheet name, in workbook order


# An attribute value "e" in any quotes _ERROR_CELL accepts: found from the letter (a fast scan), the quotes checked after
_ERROR_VALUE = re.compile(rb"""e["'](?<=["']e["'])""")
_FORMULA_CHILD = re.compile(rb"\s*<(?:\w+:)?f[\s>/]")
_ERROR_CELL = re.compile(
    rb"<(?:\w+:)?c\b[^>]*?\br=[\"'](?P<col>[A-Z]{1,3})(?P<row>\d+)[\"'][^>]*?\bt=[\"']e[\"'][^>]*(?<!/)>"
    rb"(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?v>(?P<value>[^<]*)<", re.S)


def inspect_xlsx(data: bytes, limits: Limits, read_sheet: Callable[[str], bool] = lambda name: True) -> Inspected:
    """Check ``data`` (the whole file) and return the package to parse. Raises Refused."""
    if data[:8] == OLE2:
        if any(name in data for name in ENCRYPTED_STREAMS):
            raise Refused(ENCRYPTED)
        raise Refused(OLD_XLS)
    if len(data) > limits.file_bytes:
        raise Refused(f"文件过大（{len(data) / MB:.1f} MB，上限 {limits.file_mb:g} MB），拒绝读取")
    if not data.startswith(b"PK\x03\x04"):
        raise Refused(NOT_WORKBOOK)
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()  # the central directory only; nothing inflated
    except Exception:
        raise Refused(TRUNCATED) from None
    _check_directory(infos, limits)
    members = _members(infos)
    if "xl/workbook.xml" not in members:
        if any(n.endswith((".xlsx", ".xlsm")) for n in members):
            raise Refused("是压缩包，不是 Excel 工作簿；请解压后提交其中的 .xlsx 文件")
        raise Refused("不是 Excel 工作簿（压缩包中没有 xl/workbook.xml；可能是 Word、WPS 或其他格式的文件改了扩展名）")
    budget = [limits.unpacked_bytes]
    workbook_info = members["xl/workbook.xml"]
    rels_info = members.get("xl/_rels/workbook.xml.rels")
    workbook = _inflate(data, workbook_info, budget)
    rels = _inflate(data, rels_info, budget) if rels_info is not None else b""
    structure = {workbook_info.filename, rels_info.filename if rels_info is not None else ""}
    sheets, parts = _sheets(workbook, rels, members)

    # Parts calamine may read that are copied packed (styles, shared strings …): only their prolog
    # is inflated here. A deflate stream unpacks to at most ~1 032 × its size; while that bound
    # fits in the budget, a header that lies about the size cannot hurt, else they are all inflated.
    def is_sheet(name: str) -> bool:
        return name in parts or name.lower().startswith("xl/worksheets/")

    def other_xml(name: str) -> bool:
        return name.lower().endswith((".xml", ".rels")) and not is_sheet(name) and name not in structure

    verify = sum(i.compress_size for i in infos if other_xml(i.filename)) * MAX_DEFLATE_RATIO > budget[0] - sum(
        i.file_size for i in infos if is_sheet(i.filename))
    kept: list[tuple[zipfile.ZipInfo, bytes | None, int]] = []  # (part, new bytes or None for as-is, CRC)
    for info in infos:
        name = info.filename
        if name in structure:
            kept.append((info, workbook if info is workbook_info else rels, info.CRC))
            continue
        if other_xml(name) and not verify:
            _check_head(data, info)
            kept.append((info, None, info.CRC))
            continue
        owners = parts.get(name, [])
        if name.lower().startswith("xl/worksheets/") and not owners:
            owners = [SheetXml(name)]  # a worksheet no sheet we could see declares: checked all the same
        if owners and not any(read_sheet(sheet.name) for sheet in owners):
            kept.append((info, None, info.CRC))  # never parsed
        elif name.lower().endswith((".xml", ".rels")) or owners:
            text = _inflate(data, info, budget)
            fitted = _fit_sheet(owners[0], text, limits) if owners else text
            for sheet in owners:
                sheet.xml, sheet.rows_cut, sheet._cells = fitted, owners[0].rows_cut, owners[0]._cells
            kept.append((info, fitted, info.CRC if fitted is text else zlib.crc32(fitted)))
        else:
            kept.append((info, None, info.CRC))  # images, vbaProject.bin (never run), printer settings
    # The reader gets the checked parts uncompressed: calamine parses the very bytes checked here
    # (rows past the cap cut) without inflating them again. Their CRC is the one the file declares
    # (or that of the cut text), as calamine would have met it in the file itself.
    out = _StoredZip()
    for info, text, crc in kept:
        if text is None:
            out.raw(info, _raw(data, info))
        else:
            out.add(info, text, crc)
    return Inspected(out.bytes(), sheets)


def _check_directory(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > min(limits.max_parts, 65535):  # the rebuilt zip has no zip64
        raise Refused(f"压缩包中的部件过多（{len(infos)} 个，上限 {min(limits.max_parts, 65535)}），不像正常的工作簿，拒绝读取")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise Refused(ENCRYPTED)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused(f"使用了 Excel 不会使用的压缩方式（{info.compress_type}），请在 Excel 或 WPS 中重新保存后再提交")
        total += info.file_size
        if info.file_size > MB and info.file_size > limits.compression_ratio * max(info.compress_size, 1):
            raise _bomb(f"部件 {info.filename} 的压缩比 {info.file_size / max(info.compress_size, 1):.0f}:1 "
                        f"超过上限 {limits.compression_ratio:g}:1")
    if total > limits.unpacked_bytes:
        raise _bomb(f"解压后共 {total / MB:.0f} MB，超过上限 {limits.unpacked_mb:g} MB")


def _bomb(detail: str) -> Refused:
    return Refused(f"解压后过大，疑似“压缩炸弹”，未解压即拒绝读取（{detail}）")


def _raw(data: bytes, info: zipfile.ZipInfo) -> bytes:
    at = info.header_offset
    head = data[at:at + 30]
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise Refused(TRUNCATED)
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    start = at + 30 + name_len + extra_len
    raw = data[start:start + info.compress_size]
    if len(raw) < info.compress_size:
        raise Refused(TRUNCATED)
    return raw


def _inflate(data: bytes, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    """A part's bytes, never more than it declares nor than the budget left; its XML prolog checked."""
    raw = _raw(data, info)
    if info.file_size > budget[0]:
        raise _bomb(f"超过上限 {budget[0] / MB:.0f} MB")
    if info.compress_type == zipfile.ZIP_STORED:
        text = raw
    else:
        inflater = zlib.decompressobj(-15)
        try:
            text = inflater.decompress(raw, info.file_size + 1)
        except zlib.error:
            raise Refused(TRUNCATED) from None
        if len(text) > info.file_size:
            raise _bomb(f"部件 {info.filename} 解压后比声明的 {info.file_size} 字节大")
    if len(text) != info.file_size:
        raise Refused(TRUNCATED)
    budget[0] -= len(text)
    _check_prolog(text, info.filename)
    return text


def _check_head(data: bytes, info: zipfile.ZipInfo) -> None:
    """The prolog check on the start of a part, inflating no more (all of it if the prolog is longer)."""
    raw = _raw(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        head = raw[:HEAD]
    else:
        try:
            head = zlib.decompressobj(-15).decompress(raw, HEAD)
        except zlib.error:
            raise Refused(TRUNCATED) from None
    if len(head) == HEAD and _prolog_end(head) is None:
        _inflate(data, info, [MAX_SIZE_OF_PART])  # a prolog longer than HEAD: look at all of it
    else:
        _check_prolog(head, info.filename)


def _prolog_end(head: bytes) -> int | None:
    """Where the root element starts; None when the prolog runs past ``head``; -1 for a DTD."""
    i = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while i < len(head) and head[i] in b" \t\r\n":
            i += 1
        if head.startswith(b"<?", i):
            end = head.find(b"?>", i)
            if end < 0:
                return None
            i = end + 2
        elif head.startswith(b"<!--", i):
            end = head.find(b"-->", i)
            if end < 0:
                return None
            i = end + 3
        elif head.startswith(b"<!", i):
            return -1
        elif i >= len(head):
            return None
        else:
            return i


def _check_prolog(text: bytes, name: str) -> None:
    """Refuse a DTD (entity bombs, external entities): it can only stand before the root element."""
    if text[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 (Excel never writes it)
        text = text.decode("utf-16", "replace").encode("utf-8")
    end = _prolog_end(text)
    if end == -1 or end is None and (b"<!DOCTYPE" in text or b"<!ENTITY" in text):
        raise Refused(f"部件 {name} 含有 XML 文档类型声明（DOCTYPE/ENTITY），Excel 不会写出这样的文件，"
                      f"可能是恶意构造的，拒绝读取")


def _members(infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    """Parts by lower-case name, as calamine finds them (a case-insensitive look-up, first match).

    Two entries whose names differ at most in case are refused: readers disagree on which one
    counts (zip libraries take the last, calamine the first), so one part could be checked and
    another parsed — or a sheet counted twice.
    """
    found: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        key = info.filename.lower()
        if key in found:
            raise Refused(f"压缩包中部件 {info.filename} 出现了两次（重复的压缩包条目），不像正常保存的工作簿，"
                          f"可能是恶意构造的，拒绝读取")
        found[key] = info
    return found


class _Xml:
    """A part read with a real XML parser (expat): every legal spelling of quoting, whitespace,
    comments and character references; no DTD, no entities. Start tags report their attributes
    both as expat unescapes them and as written (``raw``), for the attributes calamine takes raw."""

    _TAG = re.compile(rb"<[^\s/>]+" + START_TAG_REST)

    def __init__(self, text: bytes, name: str) -> None:
        self.text, self.name = text, name
        if text[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise Refused(f"部件 {name} 使用 UTF-16 编码，Excel 不会写出这样的文件，拒绝读取")
        self.parser = expat.ParserCreate()  # no namespace processing: names as written, as calamine compares them
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self._dtd
        self.parser.EntityDeclHandler = self._dtd
        self.parser.buffer_text = True

    def _dtd(self, *args: Any) -> None:
        raise Refused(f"部件 {self.name} 含有 XML 文档类型声明（DOCTYPE/ENTITY），Excel 不会写出这样的文件，"
                      f"可能是恶意构造的，拒绝读取")

    def raw(self) -> dict[str, str]:
        """The attributes of the start tag being reported, as written (not unescaped)."""
        tag = self._TAG.match(self.text, self.parser.CurrentByteIndex)  # expat has checked the syntax
        if tag is None:
            return {}
        return raw_attributes(self.text, tag.start(1), tag.end(1))

    def parse(self, start: Callable | None = None, end: Callable | None = None) -> None:
        if start is not None:
            self.parser.StartElementHandler = start
        if end is not None:
            self.parser.EndElementHandler = end
        try:
            self.parser.Parse(self.text, True)
        except expat.ExpatError as exc:
            raise Refused(f"部件 {self.name} 不是格式正确的 XML（第 {exc.lineno} 行：{expat.ErrorString(exc.code)}），"
                          f"Excel 不会写出这样的文件，拒绝读取") from None
        except ValueError:  # expat's "multi-byte encodings are not supported" (a GBK or Shift-JIS declaration)
            raise Refused(f"部件 {self.name} 声明了 Excel 不会使用的字符编码（应为 UTF-8），拒绝读取") from None


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


class _Stop(Exception):
    """The element that ends calamine's reading of a part was reached."""


def _relationships(rels: bytes) -> dict[str, str]:
    """Id → Target of xl/_rels/workbook.xml.rels, both as written (calamine does not unescape them)."""
    plain = plain_elements(rels, "Relationship", "Relationships") if rels else None
    if plain is not None:
        return {raw.get("Id", ""): raw.get("Target", "") for raw in plain}
    xml = _Xml(rels, "xl/_rels/workbook.xml.rels")
    targets: dict[str, str] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship":
            raw = xml.raw()
            targets[raw.get("Id", "")] = raw.get("Target", "")

    def end(name: str) -> None:
        if _local(name) == "Relationships":
            raise _Stop

    if rels:
        try:
            xml.parse(start, end)
        except _Stop:
            pass
    return targets


def _sheet_path(target: str) -> str:
    """The part a relationship target names, resolved as calamine resolves it (no normalisation)."""
    if target.startswith("/xl/"):
        return target[1:]
    if target.startswith("xl/"):
        return target
    return f"xl/{target}"


def _sheets(workbook: bytes, rels: bytes, members: dict[str, zipfile.ZipInfo] | None = None
            ) -> tuple[dict[str, SheetXml], dict[str, list[SheetXml]]]:
    """Sheets by name (in order, with their state) and by the zip entry that holds them.

    Read as calamine reads xl/workbook.xml: every ``sheet`` element (any prefix) up to the end of
    ``workbook``, its ``name`` and ``state`` unescaped, its ``r:id`` (or ``relationships:id``) as
    written. A sheet declared twice, or two sheets on one part, are refused: one table would be
    counted twice.
    """
    targets = _relationships(rels)
    declared: list[tuple[str, str, str | None]] = []  # (name, state, rel id)
    plain = plain_elements(workbook, "sheet", "workbook")
    if plain is not None:
        for raw in plain:
            declared.append((attribute_value(raw.get("name", "")), attribute_value(raw.get("state", "visible")),
                             raw.get("r:id", raw.get("relationships:id"))))
    else:
        _declared_exactly(workbook, declared)
    return _sheet_parts(declared, targets, members)


def _declared_exactly(workbook: bytes, declared: list[tuple[str, str, str | None]]) -> None:
    """The sheets of xl/workbook.xml as (name, state, rel id), read with expat."""
    xml = _Xml(workbook, "xl/workbook.xml")

    def start(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "sheet":
            raw = xml.raw()
            rel = raw.get("r:id", raw.get("relationships:id"))
            declared.append((attrs.get("name", ""), attrs.get("state", "visible"), rel))

    def end(name: str) -> None:
        if _local(name) == "workbook":
            raise _Stop

    try:
        xml.parse(start, end)
    except _Stop:
        pass


def _sheet_parts(declared: list[tuple[str, str, str | None]], targets: dict[str, str],
                 members: dict[str, zipfile.ZipInfo] | None) -> tuple[dict[str, SheetXml], dict[str, list[SheetXml]]]:
    by_name: dict[str, SheetXml] = {}
    by_part: dict[str, list[SheetXml]] = {}
    seen: dict[str, str] = {}
    for name, state, rel in declared:
        if name.lower() in seen:
            raise Refused(f"工作簿中工作表“{name}”声明了两次，不像正常保存的工作簿，可能是恶意构造的，拒绝读取")
        seen[name.lower()] = name
        sheet = SheetXml(name, state)
        by_name[name] = sheet
        if rel is None or rel not in targets:
            continue  # calamine fails on it: nothing is parsed
        path = _sheet_path(targets[rel])
        info = members.get(path.lower()) if members is not None else None
        part = info.filename if info is not None else path
        if part in by_part:
            other = by_part[part][0].name
            raise Refused(f"工作表“{other}”与“{name}”指向同一个部件 {part}（一张表有两个名称），"
                          f"同一内容会被计入两次，拒绝读取")
        by_part[part] = [sheet]
    return by_name, by_part


def _sheet_data(xml: bytes) -> tuple[int, int]:
    """The span of <sheetData> (all of the part when it cannot be found)."""
    start = xml.find(b"sheetData")
    end = xml.rfind(b"</", 0, max(xml.rfind(b"sheetData>"), 0))  # "</sheetData>" or "</x:sheetData>"
    if start < 0 or end <= start:
        return 0, len(xml)
    return start, end


def _col_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


def _fit_sheet(sheet: SheetXml, text: bytes, limits: Limits) -> bytes:
    """Cut rows past the cap (counting those with content) and refuse a cell area past the limit.

    The fast path sees a sheet as every writer we know writes it — each ``c``/``row`` start tag
    (any prefix) with ``r="…"`` first, upper-case, in double quotes, no comment or CDATA — and no
    reference past column ZZ or row 999: its area is small. Anything else (another spelling,
    cells without positions, far or cut rows) takes the exact path, which follows calamine's
    reading of positions with a real XML parser.
    """
    if limits.max_rows >= 999 and limits.max_cells >= 999 * 702 and _plain_and_small(text):
        return text
    return _fit_exactly(sheet, text, limits)


def _plain_and_small(text: bytes) -> bool:
    start, end = _sheet_data(text)  # a superset of the real sheetData, however it is spelled
    return _NOT_PLAIN.search(text, start, end) is None


# One pass over sheetData for anything the fast path does not know: a comment, CDATA or
# declaration ("<!"), an element with a namespace prefix, or a c/row start tag that does not begin
# with r="…" (upper case, double quotes, within column ZZ and row 999).
_NOT_PLAIN = re.compile(rb'<(?:!|[^\s<>/!?:]*:|(?:c|row)(?=[\s/>])(?! r="[A-Z]{0,2}[1-9][0-9]{0,2}"))')


def _position(ref: str) -> tuple[int, int | None] | None:
    """(row, column or None), 1-based, of a reference as calamine reads it (letters, then digits,
    either case); None for what it cannot read (it then fails on the sheet: nothing to allocate)."""
    m = re.fullmatch(r"([A-Za-z]*)([0-9]+)", ref)
    if m is None or int(m[2]) == 0:
        return None
    return int(m[2]), (_col_number(m[1].upper()) if m[1] else None)


def _fit_exactly(sheet: SheetXml, text: bytes, limits: Limits) -> bytes:
    """The positions calamine gives each cell (its ``r``, else the next column of the current
    row), read with expat; rows from the first past the cap to the end of sheetData are cut."""
    xml = _Xml(text, sheet.name)
    state = {"in_data": False, "done": False, "row": 1, "col": 1, "cut": None, "end": None,
             "content": False, "rows_cut": 0, "max_row": 0, "max_col": 0}
    cells: dict[tuple[int, int], tuple[bool, str | None]] = {}
    cell: dict[str, Any] = {}  # the cell being read: pos, formula, error, value text

    def start(name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if state["done"]:
            return
        if not state["in_data"]:
            state["in_data"] = local == "sheetData"
            return
        if local == "row":
            pos = _position(attrs["r"]) if "r" in attrs else None
            if pos is not None:
                state["row"] = pos[0]
            state["content"] = False
            if state["cut"] is None and state["row"] > limits.max_rows:
                state["cut"] = xml.parser.CurrentByteIndex
        elif local == "c":
            pos = _position(attrs["r"]) if "r" in attrs else None
            if pos is not None and pos[1] is not None:
                row, state["col"] = pos
            else:
                row = state["row"]
            if state["cut"] is None:
                state["max_row"] = max(state["max_row"], row)
                state["max_col"] = max(state["max_col"], state["col"])
            cell.clear()
            cell.update(pos=(row, state["col"]), formula=False, error=attrs.get("t") == "e", value=[])
        elif local in ("v", "is"):
            state["content"] = True
            cell["in_v"] = local == "v"
        elif local == "f" and cell:
            cell["formula"] = True

    def chars(data: str) -> None:
        if cell.get("in_v"):
            cell["value"].append(data)

    def end(name: str) -> None:
        local = _local(name)
        if state["done"] or not state["in_data"]:
            return
        if local == "row":
            if state["cut"] is not None and state["content"]:
                state["rows_cut"] += 1
            state["row"] += 1
            state["col"] = 1
        elif local == "c":
            state["col"] += 1
            if cell and state["cut"] is None:
                error = ("".join(cell["value"]).strip() or "#错误值") if cell["error"] else None
                cells[cell["pos"]] = (cell["formula"], error)
            cell.clear()
        elif local == "v":
            cell["in_v"] = False
        elif local == "sheetData":
            state["end"], state["done"] = xml.parser.CurrentByteIndex, True

    xml.parser.CharacterDataHandler = chars
    xml.parse(start, end)
    sheet._cells = cells
    max_row, max_col = state["max_row"], state["max_col"]
    if max_row > limits.max_rows or max_row * max(max_col, 1) > limits.max_cells:
        raise Refused(f"工作表“{sheet.name}”的数据区域过大（到第 {max_row} 行、第 {max_col} 列），"
                      f"超过读取上限（{limits.max_rows} 行、{limits.max_cells} 个单元格），拒绝读取")
    if state["cut"] is None or state["end"] is None:
        return text
    sheet.rows_cut = state["rows_cut"]
    return text[:state["cut"]] + text[state["end"]:]


class _StoredZip:
    """A zip written by hand: parts uncompressed (or copied as they were), CRCs and sizes exact."""

    def __init__(self) -> None:
        self.body: list[bytes] = []
        self.central: list[bytes] = []
        self.offset = 0

    def add(self, info: zipfile.ZipInfo, text: bytes, crc: int) -> None:
        self._entry(info.filename, zipfile.ZIP_STORED, crc, text, len(text))

    def raw(self, info: zipfile.ZipInfo, raw: bytes) -> None:
        self._entry(info.filename, info.compress_type, info.CRC, raw, info.file_size)

    def _entry(self, name: str, method: int, crc: int, payload: bytes, size: int) -> None:
        encoded = name.encode("utf-8")
        flags = 0x800 if not name.isascii() else 0
        self.body.append(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, 0, 0x21, crc,
                                     len(payload), size, len(encoded), 0) + encoded)
        self.body.append(payload)
        self.central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, method, 0, 0x21, crc,
                                        len(payload), size, len(encoded), 0, 0, 0, 0, 0, self.offset) + encoded)
        self.offset += 30 + len(encoded) + len(payload)

    def bytes(self) -> bytes:
        directory = b"".join(self.central)
        end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(self.central), len(self.central), len(directory),
                          self.offset, 0)
        self.body += (directory, end)
        return b"".join(self.body)  # one copy of the package

"""Look at a workbook's bytes before any parser does (issue #7): refuse, with a Chinese reason,
what is not a workbook, what is encrypted, what would unpack to too much, XML that declares a
DTD, and sheets whose cell area is too large; cut sheets at the row cap.

The file is read once and inflated once, here, with every size bounded: the checked parts are
handed on uncompressed in a rebuilt (stored) zip, so calamine parses exactly the bytes checked
here and never inflates anything itself. Worksheets the reader skips are copied as they are
(calamine never opens them). Each read worksheet keeps its XML for the reader's questions:
which cells hold formulas (S102), which hold error values such as #DIV/0! (S101).
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: an old .xls, or an encrypted .xlsx
ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
MB = 1024 * 1024

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

    def has_formula(self, ref: str) -> bool | None:
        """Whether cell ``ref`` (e.g. "H6") holds a formula; None when the cell is not in the XML."""
        xml = self.xml
        if xml is None:
            return None
        needle = b' r="' + ref.encode("ascii") + b'"'
        at = xml.find(needle, self._pos)  # cells come in order, and so do a layout's cells
        if at < 0:
            at = xml.find(needle)
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
        if xml is None or (b't="e"' not in xml and b"t='e'" not in xml):
            return {}
        found = {}
        for m in _ERROR_CELL.finditer(xml):
            col, row = _col_number(m["col"]), int(m["row"])
            found[(row, col)] = html.unescape(m["value"].decode("utf-8", "replace")).strip() or "#错误值"
        return found


@dataclass
class Inspected:
    data: bytes  # the package to parse (stored members)
    sheets: dict[str, SheetXml]  # by sheet name, in workbook order


_FORMULA_CHILD = re.compile(rb"\s*<(?:\w+:)?f[\s>/]")
_ERROR_CELL = re.compile(
    rb"<(?:\w+:)?c\b[^>]*?\br=[\"'](?P<col>[A-Z]{1,3})(?P<row>\d+)[\"'][^>]*?\bt=[\"']e[\"'][^>]*>"
    rb"(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?v>(?P<value>[^<]*)<", re.S)
# Any reference past column ZZ or row 999 (or a row element past 999): the slow, exact path.
_FAR = re.compile(rb' r="(?:[A-Z]{3}|[A-Z]{0,2}\d{4})')
_REF = re.compile(rb' r="([A-Z]{0,3})(\d+)"')
_ROW_ATTR = re.compile(rb'\br="(\d+)"')
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTR = re.compile(rb"([\w:]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


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
    members = {i.filename: i for i in infos}
    if "xl/workbook.xml" not in members:
        if any(n.lower().endswith((".xlsx", ".xlsm")) for n in members):
            raise Refused("是压缩包，不是 Excel 工作簿；请解压后提交其中的 .xlsx 文件")
        raise Refused("不是 Excel 工作簿（压缩包中没有 xl/workbook.xml；可能是 Word、WPS 或其他格式的文件改了扩展名）")
    budget = [limits.unpacked_bytes]
    workbook = _inflate(data, members["xl/workbook.xml"], budget)
    rels = _inflate(data, members["xl/_rels/workbook.xml.rels"], budget) if "xl/_rels/workbook.xml.rels" in members else b""
    sheets, parts = _sheets(workbook, rels)

    out = _StoredZip()
    for info in infos:
        name = info.filename
        if name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            out.add(info, workbook if name == "xl/workbook.xml" else rels, info.CRC)
            continue
        owners = parts.get(name, [])
        if name.startswith("xl/worksheets/") and not owners:
            owners = [SheetXml(name)]  # a worksheet no sheet we could see declares: checked all the same
        if owners and not any(read_sheet(sheet.name) for sheet in owners):
            out.raw(info, _raw(data, info))  # never parsed
        elif name.endswith((".xml", ".rels")) or owners:
            text = _inflate(data, info, budget)
            fitted = _fit_sheet(owners[0], text, limits) if owners else text
            for sheet in owners:
                sheet.xml, sheet.rows_cut = fitted, owners[0].rows_cut
            out.add(info, fitted, info.CRC if fitted is text else zlib.crc32(fitted))
        else:
            out.raw(info, _raw(data, info))  # images, vbaProject.bin (never run), printer settings
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


def _check_prolog(text: bytes, name: str) -> None:
    """Refuse a DTD (entity bombs, external entities): it can only stand before the root element."""
    if text[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = text[:8192].decode("utf-16", "replace").encode("utf-8")
    else:
        head = text[:8192]
    i = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while i < len(head) and head[i] in b" \t\r\n":
            i += 1
        if head.startswith(b"<?", i):
            end = head.find(b"?>", i)
            i = end + 2 if end >= 0 else len(head)
        elif head.startswith(b"<!--", i):
            end = head.find(b"-->", i)
            i = end + 3 if end >= 0 else len(head)
        elif head.startswith(b"<!", i) or i >= len(head) and (b"<!DOCTYPE" in text or b"<!ENTITY" in text):
            raise Refused(f"部件 {name} 含有 XML 文档类型声明（DOCTYPE/ENTITY），Excel 不会写出这样的文件，"
                          f"可能是恶意构造的，拒绝读取")
        else:
            return


def _attrs(text: bytes) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(text):
        key = m[1].decode("ascii", "replace")
        value = m[2] if m[2] is not None else m[3]
        out[key.split(":")[-1] if ":" in key and key.endswith(":id") else key] = html.unescape(
            value.decode("utf-8", "replace"))
    return out


def _sheets(workbook: bytes, rels: bytes) -> tuple[dict[str, SheetXml], dict[str, list[SheetXml]]]:
    """Sheets by name (in order, with their state) and by the part that holds them."""
    targets = {}
    for m in _REL.finditer(rels):
        a = _attrs(m[1])
        target = a.get("Target", "")
        if target:
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[a.get("Id", "")] = path
    by_name: dict[str, SheetXml] = {}
    by_part: dict[str, list[SheetXml]] = {}
    for m in _SHEET.finditer(workbook):
        a = _attrs(m[1])
        sheet = SheetXml(a.get("name", ""), a.get("state", "visible"))
        by_name[sheet.name] = sheet
        part = targets.get(a.get("id", ""))
        if part:
            by_part.setdefault(part, []).append(sheet)
    return by_name, by_part


def _col_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


def _fit_sheet(sheet: SheetXml, text: bytes, limits: Limits) -> bytes:
    """Cut rows past the cap (counting those with content) and refuse a cell area past the limit.

    The fast path is one search: no reference past column ZZ or row 999, so the area is small.
    """
    small_limits = limits.max_rows < 999 or limits.max_cells < 999 * 702
    if not small_limits and _FAR.search(text) is None:
        return text
    start = text.find(b"<sheetData")
    end = text.rfind(b"</sheetData>")
    if start < 0 or end < 0:
        return text
    cut = None
    for m in re.finditer(rb"<(?:\w+:)?row\b([^>]*)>", text[start:end]):
        r = _ROW_ATTR.search(m[1])
        if r is not None and int(r[1]) > limits.max_rows:
            cut = start + m.start()
            break
    if cut is not None:
        tail = text[cut:end]
        sheet.rows_cut = sum(1 for seg in re.split(rb"<(?:\w+:)?row\b", tail)[1:]
                             if b"<v" in seg or b"<is>" in seg or b":v>" in seg)
        text = text[:cut] + text[end:]
        end = cut
    max_row = max_col = 0
    for m in _REF.finditer(text, start, end):
        max_row = max(max_row, int(m[2]))
        if m[1]:
            max_col = max(max_col, _col_number(m[1]))
    if max_row > limits.max_rows or max_row * max(max_col, 1) > limits.max_cells:
        raise Refused(f"工作表“{sheet.name}”的数据区域过大（到第 {max_row} 行、第 {max_col} 列），"
                      f"超过读取上限（{limits.max_rows} 行、{limits.max_cells} 个单元格），拒绝读取")
    return text


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
        return b"".join(self.body) + directory + end

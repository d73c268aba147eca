"""The hostile corpus, generated at test time: no binaries are committed.

``make_corpus(folder)`` writes one file per case and returns ``{file name: Case}``: what
``validate`` must answer (exit code, and the exact Chinese reason for a file it cannot read)
and the findings a readable file must carry. The good workbook every case starts from is the
seed 000 unit workbook written by ``build_workbook``.
"""

from __future__ import annotations

import copy
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook

from perfeval_xl.io import guard
from perfeval_xl.io.read import NO_TEMPLATE
from perfeval_xl.io.xlsx_write import build_workbook
from perfeval_xl.layout.sheets import UNIT_SHEETS

from .conftest import load_seed

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
"""


@dataclass
class Case:
    exit: int  # validate's exit code
    reason: str = ""  # the reason after "文件名：" when the file cannot be read (exit 2)
    findings: set[tuple[str, str, str]] = field(default_factory=set)  # (rule, sheet, cell) that must be there


def good_submission():
    sub = load_seed("seed000_yanghu_2022.json")
    sub.projects = [copy.deepcopy(sub.projects[0])]
    return sub


def good_bytes(sub=None) -> bytes:
    buf = io.BytesIO()
    build_workbook(sub or good_submission(), UNIT_SHEETS).save(buf)
    return buf.getvalue()


def rezip(data: bytes, change) -> bytes:
    """The package with ``change(name, bytes) -> bytes | None`` applied to each part (None drops it)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = change(item.filename, src.read(item.filename))
            if body is not None:
                dst.writestr(item.filename, body)
    return out.getvalue()


def sheet_part(data: bytes, sheet: str) -> str:
    """The part name (xl/worksheets/sheetN.xml) of a sheet, by the workbook's own declarations."""
    z = zipfile.ZipFile(io.BytesIO(data))
    _, parts = guard._sheets(z.read("xl/workbook.xml"), z.read("xl/_rels/workbook.xml.rels"))
    return next(part for part, owners in parts.items() if any(s.name == sheet for s in owners))


def edit_sheet(data: bytes, sheet: str, edit) -> bytes:
    part = sheet_part(data, sheet)
    return rezip(data, lambda n, b: edit(b.decode("utf-8")).encode("utf-8") if n == part else b)


def with_openpyxl(data: bytes, edit) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def zip_bomb(gigabytes: float = 2.0) -> bytes:
    """A real deflate bomb: ~2 MB on disk, ``gigabytes`` of zeros declared and inflatable."""
    chunk = 16 << 20
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b"\0" * chunk) + c.flush(zlib.Z_FULL_FLUSH)  # byte-aligned: blocks concatenate
    n = int(gigabytes * (1 << 30)) // chunk
    raw = block * n + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    return _one_member_zip("xl/worksheets/sheet1.xml", raw, n * chunk, crc=0)


def lying_bomb(good: bytes) -> bytes:
    """The good package whose 封面 part declares 1 000 bytes and inflates to 64 MB (headers that lie)."""
    z = zipfile.ZipFile(io.BytesIO(good))
    part = "xl/worksheets/sheet1.xml"
    big = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = big.compress(b"<a/>" + b" " * (64 << 20)) + big.flush()
    items = [(i.filename, z.read(i.filename)) for i in z.infolist() if i.filename != part]
    return _package(items, (part, raw, 1000))


def _one_member_zip(name: str, raw: bytes, size: int, crc: int) -> bytes:
    encoded = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(raw), size, len(encoded), 0) + encoded
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(raw), size, len(encoded),
                          0, 0, 0, 0, 0, 0) + encoded
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(raw), 0)
    return local + raw + central + end


def _package(items: list[tuple[str, bytes]], liar: tuple[str, bytes, int]) -> bytes:
    """A zip of ``items`` plus ``liar``: a deflate stream that declares a size it does not have."""
    body, central = [], []
    offset = 0
    for fname, content in items + [(liar[0], None)]:
        if content is None:
            comp, size, crc = liar[1], liar[2], 0
        else:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            comp, size, crc = c.compress(content) + c.flush(), len(content), zlib.crc32(content)
        enc = fname.encode()
        body.append(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(comp), size, len(enc), 0)
                    + enc + comp)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(comp), size,
                                   len(enc), 0, 0, 0, 0, 0, offset) + enc)
        offset += len(body[-1])
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0)
    return b"".join(body) + directory + end


def compound_file(streams: list[str]) -> bytes:
    """A minimal Compound File (OLE2) whose directory names ``streams`` — as an encrypted .xlsx
    (EncryptionInfo, EncryptedPackage) or an old .xls (Workbook) has them."""
    header = bytearray(512)
    header[:8] = guard.OLE2
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)
    directory = bytearray()
    for name in ["Root Entry"] + streams:
        entry = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        entry[:len(encoded)] = encoded
        struct.pack_into("<HB", entry, 64, len(encoded), 5 if name == "Root Entry" else 2)
        directory += entry
    return bytes(header) + bytes(directory).ljust(512, b"\0")


def make_corpus(folder: Path) -> dict[str, Case]:
    folder.mkdir(parents=True, exist_ok=True)
    sub = good_submission()
    good = good_bytes(sub)
    cases: dict[str, tuple[bytes, Case]] = {}

    def add(name: str, data: bytes, case: Case) -> None:
        cases[name] = (data, case)

    add("不是工作簿.xlsx", b"this is not a zip file\n" * 10, Case(2, guard.NOT_WORKBOOK))
    add("截断.xlsx", good[: len(good) * 3 // 5], Case(2, guard.TRUNCATED))
    add("压缩炸弹.xlsx", zip_bomb(), Case(2, "解压后过大，疑似“压缩炸弹”，未解压即拒绝读取（部件 xl/worksheets/sheet1.xml "
                                       "的压缩比 1028:1 超过上限 200:1）"))
    add("谎报大小.xlsx", lying_bomb(good), Case(2, "解压后过大，疑似“压缩炸弹”，未解压即拒绝读取（部件 xl/worksheets/sheet1.xml "
                                       "解压后比声明的 1000 字节大）"))
    laughs = rezip(good, lambda n, b: LAUGHS.encode() + re.sub(rb"^<\?xml[^>]*\?>", b"", b)
                   if n == "xl/styles.xml" else b)
    add("实体炸弹.xlsx", laughs, Case(2, "部件 xl/styles.xml 含有 XML 文档类型声明（DOCTYPE/ENTITY），Excel 不会写出这样的文件，"
                                     "可能是恶意构造的，拒绝读取"))
    padded = rezip(good, lambda n, b: b"<?xml version='1.0'?>" + b"<!--" + b" " * 20000 + b"-->" + LAUGHS.encode()[21:]
                   + re.sub(rb"^<\?xml[^>]*\?>", b"", b) if n == "[Content_Types].xml" else b)
    add("长注释后的实体炸弹.xlsx", padded, Case(2, "部件 [Content_Types].xml 含有 XML 文档类型声明（DOCTYPE/ENTITY），"
                                           "Excel 不会写出这样的文件，可能是恶意构造的，拒绝读取"))
    add("旧格式.xls", compound_file(["Workbook"]), Case(2, guard.OLD_XLS))
    add("改了扩展名的旧格式.xlsx", compound_file(["Workbook", "SummaryInformation"]), Case(2, guard.OLD_XLS))
    add("加密.xlsx", compound_file(["EncryptionInfo", "EncryptedPackage"]), Case(2, guard.ENCRYPTED))
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as z:
        z.writestr("洋湖街道.xlsx", good)
    add("打包.xlsx", packed.getvalue(), Case(2, "是压缩包，不是 Excel 工作簿；请解压后提交其中的 .xlsx 文件"))
    add("远处的单元格.xlsx", edit_sheet(good, "封面", lambda x: x.replace(
        "</sheetData>", '<row r="1500"><c r="XFD1500" t="n"><v>1</v></c></row></sheetData>')),
        Case(2, "工作表“封面”的数据区域过大（到第 1500 行、第 16384 列），超过读取上限（2000 行、2000000 个单元格），拒绝读取"))
    add("藏在第一行的远处单元格.xlsx", edit_sheet(good, "封面", lambda x: x.replace(
        "</row>", '<c r="XFD1048576" t="n"><v>1</v></c></row>', 1)),
        Case(2, "工作表“封面”的数据区域过大（到第 1048576 行、第 16384 列），超过读取上限（2000 行、2000000 个单元格），拒绝读取"))
    add("最后一行.xlsx", edit_sheet(good, "封面", lambda x: x.replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>')),
        Case(1, findings={("S103", "封面", "A2001")}))
    other = Workbook()
    other.active.title = "各街道联系人"
    other.active["A1"] = "各街道联系人"
    other.active["B2"] = 12
    buf = io.BytesIO()
    other.save(buf)
    add("别的模板.xlsx", buf.getvalue(), Case(2, NO_TEMPLATE))

    vba = rezip(good, lambda n, b: b.replace(b'<Default Extension="xml"', b'<Default Extension="bin" ContentType='
                                             b'"application/vnd.ms-office.vbaProject"/><Default Extension="xml"')
                if n == "[Content_Types].xml" else b)
    with zipfile.ZipFile(buf := io.BytesIO(vba), "a") as z:
        z.writestr("xl/vbaProject.bin", b"Attribute VB_Name = \"ThisWorkbook\"\nSub Auto_Open()\nShell \"calc.exe\"\nEnd Sub\n")
    add("带宏.xlsm", buf.getvalue(), Case(1))

    def old_version(wb):
        wb["封面"]["B7"] = "2020.1"

    add("旧版本模板.xlsx", with_openpyxl(good, old_version), Case(1))

    def missing_sheets(wb):
        for name in ("基础数据表", "评分表", "部门整体支出绩效自评表"):
            wb.remove(wb[name])

    add("缺少工作表.xlsx", with_openpyxl(good, missing_sheets), Case(1))

    def renamed(wb):
        wb["封面"].title = "单位信息"
        wb["项目1"].title = "两保站"

    add("改了表名.xlsx", with_openpyxl(good, renamed), Case(1, findings={("S102", "两保站", "H6")}))  # found by title

    def text_numbers(wb):
        ws = wb["项目1"]
        ws["D7"] = "约18万"  # 年初预算数
        ws["E7"] = "１２"  # full-width digits are read
        ws["D8"] = "12 次"
        ws["D9"] = "93.70%"  # a percent in an amount cell

    add("数字格里的文字.xlsx", with_openpyxl(good, text_numbers),
        Case(1, findings={("S101", "项目1", "D7"), ("S101", "项目1", "D8"), ("S101", "项目1", "D9")}))

    def errors(wb):
        ws = wb["项目1"]
        ws["H6"] = "#DIV/0!"  # openpyxl writes the error codes as error cells (t="e")
        ws["C3"] = "#REF!"  # 项目名称: text
        ws["F7"] = "#NAME?"

    add("错误值.xlsx", with_openpyxl(good, errors),
        Case(1, findings={("S101", "项目1", "H6"), ("S101", "项目1", "C3"), ("S101", "项目1", "F7")}))

    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>粘贴{r}</t></is></c><c r="B{r}" t="n"><v>{r}</v></c></row>'
                   for r in range(200, 100_200))
    add("十万行.xlsx", edit_sheet(good, "项目1", lambda x: x.replace("</sheetData>", rows + "</sheetData>")),
        Case(1, findings={("S103", "项目1", "A2001")}))

    def hidden(wb):
        wb.create_sheet("备用").sheet_state = "hidden"
        wb.create_sheet("秘密").sheet_state = "veryHidden"

    add("隐藏的表.xlsx", with_openpyxl(good, hidden), Case(1, findings={("S104", "备用", ""), ("S104", "秘密", "")}))

    def overwritten(wb):
        wb["项目1"]["D6"] = 123.4  # 年度资金总额 年初预算数: a formula in the template (and in ``good``)

    add("公式被改写.xlsx", with_openpyxl(good, overwritten), Case(1, findings={("S102", "项目1", "D6")}))
    add("洋湖 街道 😀 2022 终稿.xlsx", good, Case(1))
    for name, (data, _) in cases.items():
        (folder / name).write_bytes(data)
    return {name: case for name, (_, case) in cases.items()}


# ---------------------------------------------------------------- round two (issue #14)

FAR = "（到第 {row} 行、第 {col} 列），超过读取上限（2000 行、2000000 个单元格），拒绝读取"


def far_reason(sheet: str, row: int, col: int) -> str:
    return f"工作表“{sheet}”的数据区域过大" + FAR.format(row=row, col=col)


def package(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of ``entries`` as given: names may repeat or differ only in case."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Duplicate name": that is the point
            for name, body in entries:
                z.writestr(name, body)
    return out.getvalue()


def entries_of(data: bytes) -> list[tuple[str, bytes]]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return [(i.filename, z.read(i)) for i in z.infolist()]


def respell_workbook(data: bytes) -> bytes:
    """The same package in other legal spellings: single quotes, spaces around "=", attributes in
    another order, a comment that holds a sheet declaration, relationship targets relative to xl/."""
    def change(name: str, body: bytes) -> bytes:
        text = body.decode("utf-8")
        if name == "xl/workbook.xml":
            text = re.sub(r'<sheet xmlns:r="([^"]+)" name="([^"]+)" sheetId="(\d+)" state="(\w+)" r:id="(\w+)"/>',
                          r"<sheet   r:id = '\5' state='\4'\n sheetId='\3' name = '\2' xmlns:r='\1' />", text)
            text = text.replace("<sheets>", "<sheets><!-- <sheet name='假表' sheetId='99' r:id='rId1'/> -->", 1)
        if name == "xl/_rels/workbook.xml.rels":
            text = re.sub(r'Target="/xl/(worksheets/[^"]+)"', r"Target = '\1'", text)  # relative to xl/
        return text.encode("utf-8")
    return rezip(data, change)


def make_round_two(folder: Path) -> dict[str, Case]:
    """Files the first guard let through to the parser (issue #14), with validate's answer."""
    folder.mkdir(parents=True, exist_ok=True)
    good = good_bytes()
    cover = sheet_part(good, "封面")
    project = sheet_part(good, "项目1")
    cases: dict[str, tuple[bytes, Case]] = {}

    def add(name: str, data: bytes, case: Case) -> None:
        cases[name] = (data, case)

    far_cell = "<c r='xfd1048576' t='n'><v>1</v></c></row>"
    add("小写单引号的远处单元格.xlsx", edit_sheet(good, "封面", lambda x: x.replace("</row>", far_cell, 1)),
        Case(2, far_reason("封面", 1048576, 16384)))
    add("等号两侧有空格的远处单元格.xlsx", edit_sheet(good, "封面", lambda x: x.replace(
        "</row>", '<c\n  r = "XFD1048576"  t="n"><v>1</v></c></row>', 1)), Case(2, far_reason("封面", 1048576, 16384)))
    add("带前缀的远处单元格.xlsx", edit_sheet(good, "封面", lambda x: x.replace(
        "</row>", '<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="XFD1048576">'
                  '<x:v>1</x:v></x:c></row>', 1)), Case(2, far_reason("封面", 1048576, 16384)))
    add("没有位置的单元格.xlsx", edit_sheet(good, "封面", lambda x: x.replace(
        "</sheetData>", '<row r="1500">' + "<c><v>1</v></c>" * 2000 + "</row></sheetData>")),
        Case(2, far_reason("封面", 1500, 2000)))
    add("注释里的单元格.xlsx", edit_sheet(good, "封面", lambda x: x.replace(
        "</sheetData>", '<!-- <row r="1"> --><row r="1500"><c r="XFD1500"><v>1</v></c></row></sheetData>')),
        Case(2, far_reason("封面", 1500, 16384)))
    upper = [(n.upper() if n == cover else n, b.replace(b"</row>", far_cell.encode(), 1) if n == cover else b)
             for n, b in entries_of(good)]
    add("大写部件名.xlsx", package(upper), Case(2, far_reason("封面", 1048576, 16384)))
    moved = []
    for name, body in entries_of(good):
        if name == project:
            name, body = "xl/worksheets/别处/p.xml", body.replace(b"</row>", far_cell.encode(), 1)
        elif name == "xl/_rels/workbook.xml.rels":
            body = body.replace(f'Target="/{project}"'.encode(), b'Target="/xl/worksheets/\xe5\x88\xab\xe5\xa4\x84/p.xml"')
            body = body.replace(f'Target="{project[3:]}"'.encode(), b'Target="/xl/worksheets/\xe5\x88\xab\xe5\xa4\x84/p.xml"')
        moved.append((name, body))
    add("别处的工作表.xlsx", package(moved), Case(2, far_reason("项目1", 1048576, 16384)))
    add("重复条目.xlsx", package(entries_of(good) + [(cover, b"<worksheet/>")]),
        Case(2, f"压缩包中部件 {cover} 出现了两次（重复的压缩包条目），不像正常保存的工作簿，可能是恶意构造的，拒绝读取"))
    add("大小写不同的重复条目.xlsx", package(entries_of(good) + [(cover.upper(), b"<worksheet/>")]),
        Case(2, f"压缩包中部件 {cover.upper()} 出现了两次（重复的压缩包条目），不像正常保存的工作簿，可能是恶意构造的，拒绝读取"))
    def on_workbook(edit):
        return rezip(good, lambda n, b: edit(b.decode("utf-8")).encode("utf-8") if n == "xl/workbook.xml" else b)

    declaration = re.compile(r'<sheet [^>]*name="项目1"[^>]*/>')
    add("声明两次的工作表.xlsx", on_workbook(lambda x: declaration.sub(lambda m: m[0] * 2, x)),
        Case(2, "工作簿中工作表“项目1”声明了两次，不像正常保存的工作簿，可能是恶意构造的，拒绝读取"))
    second_name = on_workbook(lambda x: declaration.sub(
        lambda m: m[0] + re.sub(r'sheetId="\d+"', 'sheetId="99"', m[0].replace("项目1", "项目2")), x))
    add("一表两名.xlsx", second_name, Case(2, f"工作表“项目1”与“项目2”指向同一个部件 {project}（一张表有两个名称），"
                                            f"同一内容会被计入两次，拒绝读取"))
    add("伪造的数据区域.xlsx", edit_sheet(good, "封面", lambda x: re.sub(
        r"<dimension ref=\"[^\"]*\"\s*/>", '<dimension ref="A1:XFD1048576"/>', x)),
        Case(1, findings={("S102", "项目1", "H6"), ("T103", "项目1", "G6")}))  # calamine only reserves below 100 000 cells
    add("另一种写法.xlsx", respell_workbook(good), Case(1, findings={("S102", "项目1", "H6"), ("T103", "项目1", "G6")}))
    for name, (data, _) in cases.items():
        (folder / name).write_bytes(data)
    return {name: case for name, (_, case) in cases.items()}

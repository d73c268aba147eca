"""Build the Windows ribbon add-in ``perfeval_xl_addin.xlam`` the xlwings way, and (on Windows)
install it with xlwings' own command.

The add-in is xlwings' quickstart ribbon add-in (``xlwings quickstart NAME --addin --ribbon``
copies the same file) with
* its ribbon (``customUI/customUI.xml``) replaced by the 绩效自评 tab;
* its ribbon callback module rewritten to pass the button's id to Python
  (``perfeval_xl.excel.buttons.on_ribbon``), or to import the worksheet functions;
* its config sheet enabled as ``xlwings.conf``: ``UDF Modules`` = ``perfeval_xl.excel.udfs`` and,
  when given, ``Interpreter_Win`` = the Python that has perfeval-xl installed.
Everything in it is ASCII except the ribbon labels.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from .ovba import compress_exact, decompress

ADDIN_NAME = "perfeval_xl_addin.xlam"
UDF_MODULE = "perfeval_xl.excel.udfs"
CALLBACK_MODULE = "RibbonMyAddin"
CALLBACK_SOURCE = (
    b'Attribute VB_Name = "RibbonMyAddin"\r\n'
    b"Sub RunMain(control As IRibbonControl)\r\n"
    b'If control.ID = "pe_udfs" Then ImportPythonUDFsToAddin Else RunPython '
    b"\"import perfeval_xl.excel.buttons as b;b.on_ribbon('\" & control.ID & \"')\"\r\n"
    b"End Sub\r\n"
)
BUTTONS = (  # (group label, [(id, label, icon)])
    ("自评工作簿", [("pe_validate", "校验", "AcceptInvitation"), ("pe_fill_scores", "填入建议得分", "AutoSum"),
                ("pe_new_project", "新增项目表", "SheetInsert")]),
    ("区财政局", [("pe_rollup", "汇总", "Consolidate")]),
    ("设置", [("pe_udfs", "导入函数", "FunctionWizard")]),
)


class AddinError(Exception):
    """Why the add-in cannot be built or installed (Chinese)."""


def ribbon_xml() -> str:
    groups = []
    for i, (label, buttons) in enumerate(BUTTONS):
        items = "".join(
            f'<button id="{bid}" label="{escape(text)}" size="large" onAction="{CALLBACK_MODULE}.RunMain" '
            f'imageMso="{icon}" />' for bid, text, icon in buttons)
        groups.append(f'<group id="peGroup{i}" label="{escape(label)}">{items}</group>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"><ribbon><tabs>'
            f'<tab id="perfevalTab" label="绩效自评">{"".join(groups)}</tab></tabs></ribbon></customUI>')


def _template() -> Path:
    import xlwings

    path = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    if not path.exists():
        raise AddinError(f"找不到 xlwings 的加载项模板 {path}（请安装 xlwings ≥ 0.30）")
    return path


def _source_offset(stream: bytes, module: str) -> int:
    marker = f'Attribute VB_Name = "{module}"'.encode()
    for off in range(len(stream)):
        if stream[off] == 1:
            try:
                if decompress(stream[off:]).startswith(marker):
                    return off
            except (IndexError, ValueError, Exception):  # noqa: BLE001 - not the container: keep looking
                continue
    raise AddinError(f"加载项模板中没有 VBA 模块 {module}")


def _patch_vba(data: bytes) -> bytes:
    import olefile

    buffer = io.BytesIO(data)
    ole = olefile.OleFileIO(buffer, write_mode=True)
    try:
        if ole.openstream("VBA/_VBA_PROJECT").read()[2:4] != b"\xff\xff":
            raise AddinError("加载项模板的 VBA 工程带有编译缓存，不能改写")
        name = f"VBA/{CALLBACK_MODULE}"
        stream = ole.openstream(name).read()
        off = _source_offset(stream, CALLBACK_MODULE)
        ole.write_stream(name, stream[:off] + compress_exact(CALLBACK_SOURCE, len(stream) - off))
    finally:
        ole.close()
    return buffer.getvalue()


def _conf_sheet(xml: str, interpreter: str) -> str:
    """Fill the B column of the xlwings.conf sheet (keys are in column A, shared strings)."""
    values = {6: UDF_MODULE}  # row 6: UDF Modules (see the template's sharedStrings)
    if interpreter:
        values[1] = interpreter  # row 1: Interpreter_Win
    for row, value in values.items():
        cell = f'<c r="B{row}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
        xml, n = re.subn(rf'(<row r="{row}"[^>]*>\s*<c r="A{row}"[^>]*>.*?</c>)', lambda m: m[1] + cell, xml, count=1)
        xml = re.sub(rf'(<row r="{row}" spans=")1:1"', r'\g<1>1:2"', xml, count=1)
        if not n:
            raise AddinError("加载项模板的 xlwings.conf 表与预期不同")
    return xml


def build(outdir: str | Path, interpreter: str = "") -> Path:
    """Write ``perfeval_xl_addin.xlam`` into ``outdir``; returns its path."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / ADDIN_NAME
    src = zipfile.ZipFile(_template())
    names = src.namelist()
    parts = {n: src.read(n) for n in names}
    strings = parts["xl/sharedStrings.xml"].decode("utf-8")
    if "UDF Modules" not in strings or "Interpreter_Win" not in strings:
        raise AddinError("加载项模板的 xlwings.conf 表与预期不同")
    parts["customUI/customUI.xml"] = ribbon_xml().encode("utf-8")
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'name="_myaddin.conf"', b'name="xlwings.conf"')
    parts["xl/worksheets/sheet1.xml"] = _conf_sheet(parts["xl/worksheets/sheet1.xml"].decode("utf-8"),
                                                    interpreter).encode("utf-8")
    parts["xl/vbaProject.bin"] = _patch_vba(parts["xl/vbaProject.bin"])
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for n in names:
            out.writestr(src.getinfo(n), parts[n])
    tmp.replace(target)
    return target


WINDOWS_STEPS = (
    "在 Windows 上安装功能区加载项：\n"
    "  1. 安装 Python 3.11 及以上版本，在 perfeval-xl 文件夹中执行 pip install .\n"
    "  2. perfeval-xl addin build -o 加载项文件夹 --interpreter 本机python.exe的完整路径\n"
    "  3. xlwings addin install -f 加载项文件夹\\perfeval_xl_addin.xlam\n"
    "  4. 重新打开 Excel，功能区出现“绩效自评”选项卡；先点“导入函数”一次。\n"
    "  卸载：xlwings addin remove -f perfeval_xl_addin.xlam"
)


def install(path: str | Path) -> str:
    if not sys.platform.startswith("win"):
        raise AddinError("本机不是 Windows，无法把加载项装入 Excel。" + "\n" + WINDOWS_STEPS)
    path = Path(path)
    if not path.exists():
        raise AddinError(f"找不到加载项 {path}，请先执行 perfeval-xl addin build")
    subprocess.run([sys.executable, "-m", "xlwings", "addin", "install", "-f", str(path)], check=True)
    return f"已安装 {path.name}；请重新打开 Excel。"


def uninstall(name: str = ADDIN_NAME) -> str:
    if not sys.platform.startswith("win"):
        raise AddinError("本机不是 Windows，没有 Excel 加载项可卸载。" + "\n" + WINDOWS_STEPS)
    subprocess.run([sys.executable, "-m", "xlwings", "addin", "remove", "-f", name], check=True)
    return f"已卸载 {name}。"


def copy_to(path: Path, target: Path) -> None:  # pragma: no cover - convenience for scripts
    shutil.copyfile(path, target)

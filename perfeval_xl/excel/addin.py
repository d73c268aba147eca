"""Build the Windows ribbon add-in ``perfeval_xl.xlam`` the xlwings way, and (on Windows)
install it with xlwings' own command.

The add-in is xlwings' quickstart ribbon add-in (``xlwings quickstart NAME --addin --ribbon``
copies the same file) made into this project's own, the way xlwings' VBA will read it:

* the VBA project, its ``PROJECT_NAME`` constant, the ribbon module and its callback are named
  after this project (``perfeval_xl``), so the callback cannot resolve into another add-in;
* the config sheet is ``perfeval_xl.conf`` — xlwings' ``GetConfig`` looks for a sheet named
  ``PROJECT_NAME & ".conf"`` in the active workbook, then in the add-in — with ``UDF Modules`` =
  ``perfeval_xl.excel.udfs`` and ``Interpreter_Win`` = the Python that has perfeval-xl;
* the ribbon (``customUI/customUI.xml``) is the 绩效自评 tab;
* the VBA project is written anew from source only (``vba_project``): no compiled code.

Everything in it is ASCII except the ribbon labels. The xlwings version of the template (its DLL
name ``xlwings64-<version>.dll``), of the installed package and of the interpreter must agree.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from . import vba_project

PROJECT = "perfeval_xl"  # VBA project name, PROJECT_NAME, config sheet and file names
ADDIN_NAME = f"{PROJECT}.xlam"
CONF_SHEET = f"{PROJECT}.conf"
UDF_MODULE = "perfeval_xl.excel.udfs"
TEMPLATE_PROJECT = "myaddin"
CALLBACK_MODULE = f"{PROJECT}_ribbon"
CALLBACK = f"{PROJECT}_on_action"
RENAMED_MODULES = {"RibbonMyAddin": CALLBACK_MODULE}
CALLBACK_SOURCE = (
    f'Attribute VB_Name = "{CALLBACK_MODULE}"\r\n'
    "' The ribbon of perfeval-xl: every button calls this sub with its id (customUI/customUI.xml).\r\n"
    f"Sub {CALLBACK}(control As IRibbonControl)\r\n"
    '    If control.ID = "pe_udfs" Then\r\n'
    "        ImportPythonUDFsToAddin\r\n"
    "    Else\r\n"
    "        RunPython \"import perfeval_xl.excel.buttons as b;b.on_ribbon('\" & control.ID & \"')\"\r\n"
    "    End If\r\n"
    "End Sub\r\n"
).encode("ascii")
BUTTONS = (  # (group label, [(id, label, icon)])
    ("自评工作簿", [("pe_validate", "校验", "AcceptInvitation"), ("pe_fill_scores", "填入建议得分", "AutoSum"),
                ("pe_new_project", "新增项目表", "SheetInsert")]),
    ("区财政局", [("pe_rollup", "汇总", "Consolidate")]),
    ("设置", [("pe_udfs", "导入函数", "FunctionWizard")]),
)
CONF_ROWS = {"Interpreter_Win": 1, "UDF Modules": 6}  # rows of the template's config sheet (column A)


class AddinError(Exception):
    """Why the add-in cannot be built or installed (Chinese)."""


def ribbon_xml() -> str:
    groups = []
    for i, (label, buttons) in enumerate(BUTTONS):
        items = "".join(
            f'<button id="{bid}" label="{escape(text)}" size="large" onAction="{CALLBACK}" '
            f'imageMso="{icon}" />' for bid, text, icon in buttons)
        groups.append(f'<group id="peGroup{i}" label="{escape(label)}">{items}</group>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"><ribbon><tabs>'
            f'<tab id="perfevalTab" label="绩效自评">{"".join(groups)}</tab></tabs></ribbon></customUI>')


def _template() -> Path:
    import xlwings

    path = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    if not path.exists():
        raise AddinError(f"找不到 xlwings 的加载项模板 {path}（请按 setup.cfg 安装 xlwings）")
    return path


# ---------------------------------------------------------------- one xlwings version


def template_xlwings_version(source: bytes) -> str:
    """The version the xlwings VBA module was made for: its constant and its DLL names agree."""
    text = source.decode("latin-1")
    const = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', text)
    dlls = set(re.findall(r'"xlwings(?:32|64)-([^"]+)\.dll"', text))
    if not const or dlls != {const[1]}:
        raise AddinError(f"加载项模板的 xlwings 版本不一致：常量 {const[1] if const else '无'}，DLL {sorted(dlls)}")
    return const[1]


def required_xlwings() -> str:
    """perfeval-xl's own xlwings requirement (setup.cfg), e.g. "xlwings~=0.37.8"; "" if unknown."""
    from importlib import metadata

    try:
        requires = metadata.requires("perfeval-xl") or []
    except metadata.PackageNotFoundError:
        return ""
    return next((r.split(";")[0].strip() for r in requires if re.match(r"xlwings\b", r)), "")


def interpreter_xlwings(interpreter: str) -> str | None:
    """The xlwings version of ``interpreter`` if it runs on this machine (None: not here)."""
    if not interpreter or not os.path.isfile(interpreter):
        return None
    try:
        done = subprocess.run([interpreter, "-c", "import xlwings;print(xlwings.__version__)"],
                              capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else ""


def check_versions(template_version: str, interpreter: str = "") -> None:
    """Refuse an add-in whose DLL name, installed xlwings and interpreter disagree."""
    import xlwings

    installed = xlwings.__version__
    if template_version != installed:
        raise AddinError(f"xlwings 版本不一致：加载项模板为 {template_version}（xlwings64-{template_version}.dll），"
                         f"本机安装的是 {installed}。请重新安装 xlwings 后再生成。")
    requirement = required_xlwings()
    if requirement:
        try:
            from packaging.requirements import Requirement

            if not Requirement(requirement).specifier.contains(installed, prereleases=True):
                raise AddinError(f"xlwings 版本不一致：perfeval-xl 要求 {requirement}，本机安装的是 {installed}。"
                                 "请执行 pip install . 按 setup.cfg 安装。")
        except ImportError:  # packaging not installed: the template check above still holds
            pass
    theirs = interpreter_xlwings(interpreter)
    if theirs is not None and theirs != installed:
        shown = theirs or "未安装"
        raise AddinError(f"xlwings 版本不一致：{interpreter} 中的 xlwings 为 {shown}，加载项需要 {installed}"
                         f"（xlwings64-{installed}.dll）。请在该 Python 中执行 pip install . 后再生成。")


# ---------------------------------------------------------------- the parts


def _vba(data: bytes, interpreter: str) -> bytes:
    project = vba_project.read(data)
    xlwings_module = project.module("xlwings")
    check_versions(template_xlwings_version(xlwings_module.source), interpreter)
    constant = f'PROJECT_NAME As String = "{TEMPLATE_PROJECT}"'.encode()
    if xlwings_module.source.count(constant) != 1:
        raise AddinError("加载项模板的 xlwings 模块中没有 PROJECT_NAME 常量")
    xlwings_module.source = xlwings_module.source.replace(constant, f'PROJECT_NAME As String = "{PROJECT}"'.encode())
    vba_project.rename(project, PROJECT, RENAMED_MODULES)
    project.module(CALLBACK_MODULE).source = CALLBACK_SOURCE
    return vba_project.write(project)


def _conf_sheet(xml: str, interpreter: str) -> str:
    """Fill the B column of the config sheet (keys are in column A, shared strings)."""
    values = {CONF_ROWS["UDF Modules"]: UDF_MODULE}
    if interpreter:
        values[CONF_ROWS["Interpreter_Win"]] = interpreter
    for row, value in values.items():
        cell = f'<c r="B{row}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
        xml, n = re.subn(rf'(<row r="{row}"[^>]*>\s*<c r="A{row}"[^>]*>.*?</c>)', lambda m: m[1] + cell, xml, count=1)
        xml = re.sub(rf'(<row r="{row}" spans=")1:1"', r'\g<1>1:2"', xml, count=1)
        if not n:
            raise AddinError("加载项模板的配置表与预期不同")
    return xml


def default_interpreter() -> str:
    """This Python, when the add-in is built on the Windows PC that will run it."""
    if not sys.platform.startswith("win"):
        return ""
    exe = Path(sys.executable)
    python = exe.with_name("python.exe") if exe.name.lower() == "pythonw.exe" else exe
    return str(python)


def build(outdir: str | Path, interpreter: str = "") -> Path:
    """Write ``perfeval_xl.xlam`` into ``outdir``; returns its path. ``interpreter``: the
    python.exe (on the clerk's Windows PC) that has perfeval-xl installed; on Windows it defaults
    to the Python running this build, elsewhere to none (xlwings then runs ``python`` from PATH)."""
    interpreter = interpreter or default_interpreter()
    if interpreter and not interpreter.isascii():
        raise AddinError(f"Python 路径中含有非英文字符，xlwings 在中文 Windows 上无法使用：{interpreter}")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / ADDIN_NAME
    src = zipfile.ZipFile(_template())
    names = src.namelist()
    parts = {n: src.read(n) for n in names}
    strings = parts["xl/sharedStrings.xml"].decode("utf-8")
    if any(key not in strings for key in CONF_ROWS):
        raise AddinError("加载项模板的配置表与预期不同")
    template_sheet = f'name="_{TEMPLATE_PROJECT}.conf"'.encode()
    if template_sheet not in parts["xl/workbook.xml"]:
        raise AddinError("加载项模板中没有配置表 _myaddin.conf")
    parts["customUI/customUI.xml"] = ribbon_xml().encode("utf-8")
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(template_sheet, f'name="{CONF_SHEET}"'.encode())
    parts["xl/worksheets/sheet1.xml"] = _conf_sheet(parts["xl/worksheets/sheet1.xml"].decode("utf-8"),
                                                    interpreter).encode("utf-8")
    try:
        parts["xl/vbaProject.bin"] = _vba(parts["xl/vbaProject.bin"], interpreter)
    except vba_project.VbaError as exc:
        raise AddinError(str(exc)) from None
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
    "  3. xlwings addin install -f 加载项文件夹\\perfeval_xl.xlam\n"
    "  4. 重新打开 Excel，功能区出现“绩效自评”选项卡；先点“导入函数”一次。\n"
    "  卸载：xlwings addin remove -f perfeval_xl.xlam"
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

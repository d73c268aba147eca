"""`perfeval-xl addin build`: the add-in as xlwings' VBA and Excel will read it.

The built .xlam is read back with independent readers — openpyxl for its sheets, oletools'
VBA_Project (strict mode) for its VBA — and xlwings' own config lookup (``GetConfig`` in the
``xlwings_custom_addin.bas`` that xlwings ships) is replayed on it. olevba then checks it the
way a mail gateway would. What Excel itself does with the file is for the Windows smoke test in
docs/excel-guide.md.
"""

import io
import json
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import olefile
import pytest
import xlwings
from openpyxl import load_workbook
from oletools.olevba import VBA_Project, decompress_stream

from perfeval_xl import cli
from perfeval_xl.excel import addin, cfb, vba_project
from perfeval_xl.excel.addin import ADDIN_NAME, CALLBACK, CALLBACK_SOURCE, ribbon_xml
from perfeval_xl.excel.ovba import compress

PYTHON = r"C:\Python311\python.exe"
XLWINGS_DIR = Path(xlwings.__file__).parent
TEMPLATE = XLWINGS_DIR / "quickstart_addin_ribbon.xlam"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("addin")
    assert cli.main(["addin", "build", "-o", str(out), "--interpreter", PYTHON]) == 0
    return out / ADDIN_NAME


def vba_of(xlam: Path):
    """(project name, {module: source}, {module: MODULEOFFSET}) read by oletools, strictly."""
    data = zipfile.ZipFile(xlam).read("xl/vbaProject.bin")
    ole = olefile.OleFileIO(io.BytesIO(data))
    project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
    project.parse_project_stream()
    sources = {}
    for _path, filename, code in project.parse_modules():
        sources[filename.rsplit(".", 1)[0]] = code
    offsets = {m.name: m.textoffset for m in project.modules}
    return project.projectname, sources, offsets, ole


# ---------------------------------------------------------------- xlwings' GetConfig, replayed


def xlwings_vba() -> str:
    return (XLWINGS_DIR / "xlwings_custom_addin.bas").read_text(encoding="latin-1")


def conf_sheet(book, project_name: str) -> dict[str, object] | None:
    """GetConfigFromSheet: keys UCase(A1..A1.End(xlDown)), values from column B."""
    name = project_name + ".conf"
    if name not in book.sheetnames:
        return None
    ws = book[name]
    if ws["A2"].value in (None, ""):
        last = 1
    else:
        last = 1
        while ws.cell(last + 1, 1).value not in (None, ""):
            last += 1
    return {str(ws.cell(r, 1).value).upper(): ws.cell(r, 2).value for r in range(1, last + 1)}


def open_addin(xlam: Path):
    """openpyxl reads workbooks, not add-ins: the same parts with the workbook's content type."""
    src, buf = zipfile.ZipFile(xlam), io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(b"application/vnd.ms-excel.addin.macroEnabled.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            out.writestr(name, data)
    return load_workbook(buf)


def get_config(project_name, active_book, this_book, key, default=""):
    """GetConfig(key, default): the active workbook's sheet, then the add-in's sheet, then the
    directory and user files (absent here), then the default."""
    for book in (active_book, this_book):
        conf = conf_sheet(book, project_name)
        if conf is not None and key in conf:
            return "" if conf[key] is None else conf[key]
    return default


def test_the_replayed_lookup_matches_the_vba_xlwings_ships():
    vba = xlwings_vba()
    # the layers and keys this replay assumes, as they stand in xlwings' own VBA
    assert 'Set sht = wb.Sheets(PROJECT_NAME & ".conf")' in vba
    assert "d.Add UCase(cell.Value), cell.Offset(0, 1).Value" in vba
    assert "If SheetExists(ActiveWorkbook, PROJECT_NAME & \".conf\") = True Then" in vba
    assert "If SheetExists(ThisWorkbook, PROJECT_NAME & \".conf\") = True Then" in vba
    assert 'interpreter = GetConfig("INTERPRETER_WIN", "")' in vba
    assert 'PYTHON_WIN = GetConfig("INTERPRETER", "pythonw")' in vba
    assert 'GetUdfModules = GetConfig("UDF MODULES")' in vba
    assert "ImportPythonUDFsBase addin:=True" in vba


def test_the_built_addin_reads_its_own_settings(built):
    name, sources, _, _ = vba_of(built)
    project_name = re.search(r'Public Const PROJECT_NAME As String = "([^"]+)"', sources["xlwings"])[1]
    assert (name, project_name) == ("perfeval_xl", "perfeval_xl")
    this_book = open_addin(built)
    assert this_book.sheetnames == ["perfeval_xl.conf"]
    clerk_book = load_workbook(sorted((Path(__file__).parent.parent / "examples").rglob("*.xlsx"))[0])

    def lookup(key, default=""):
        return get_config(project_name, clerk_book, this_book, key, default)

    # RunPython (the buttons) and XLPyCommand (the function server) both find the interpreter
    assert (lookup("INTERPRETER_WIN") or lookup("INTERPRETER", "python")) == PYTHON
    assert (lookup("INTERPRETER_WIN") or lookup("INTERPRETER", "pythonw")) == PYTHON
    # 导入函数 (ImportPythonUDFsToAddin → GetUdfModules(ThisWorkbook))
    assert lookup("UDF MODULES").rstrip(";") == "perfeval_xl.excel.udfs"
    assert lookup("SHOW CONSOLE", False) is False


def test_without_an_interpreter_xlwings_falls_back_to_python_from_path(tmp_path, capsys):
    assert cli.main(["addin", "build", "-o", str(tmp_path)]) == 0
    assert "注意：未指定 --interpreter，加载项将使用 Windows 电脑 PATH 中的 python" in capsys.readouterr().out
    this_book = open_addin(tmp_path / ADDIN_NAME)
    clerk_book = load_workbook(sorted((Path(__file__).parent.parent / "examples").rglob("*.xlsx"))[0])
    lookup = lambda key, default="": get_config("perfeval_xl", clerk_book, this_book, key, default)  # noqa: E731
    assert (lookup("INTERPRETER_WIN") or lookup("INTERPRETER", "python")) == "python"
    assert lookup("UDF MODULES") == "perfeval_xl.excel.udfs"


def test_a_conf_sheet_in_the_clerks_workbook_overrides_the_addin(built):
    """GetConfig's first layer: the active workbook's own perfeval_xl.conf sheet."""
    from openpyxl import Workbook

    clerk_book = Workbook()
    conf = clerk_book.create_sheet("perfeval_xl.conf")
    conf["A1"], conf["B1"] = "Interpreter_Win", r"D:\Py\python.exe"
    lookup = lambda key, default="": get_config("perfeval_xl", clerk_book, open_addin(built), key, default)  # noqa: E731
    assert lookup("INTERPRETER_WIN") == r"D:\Py\python.exe"
    assert lookup("UDF MODULES") == "perfeval_xl.excel.udfs"  # not on the clerk's sheet: the add-in's


def test_the_template_as_shipped_would_not_read_these_settings(built):
    """The fault this build fixes: a sheet that is not named after PROJECT_NAME is never read."""
    this_book = open_addin(built)
    assert get_config("myaddin", this_book, this_book, "UDF MODULES") == ""


def test_ribbon_callbacks_resolve_in_the_addin_and_nothing_is_named_after_the_template(built):
    _, sources, _, _ = vba_of(built)
    z = zipfile.ZipFile(built)
    ribbon = z.read("customUI/customUI.xml").decode("utf-8")
    assert ribbon == ribbon_xml()
    actions = set(re.findall(r'onAction="([^"]+)"', ribbon))
    assert actions == {CALLBACK}
    subs = {m[1]: module for module, code in sources.items()
            for m in re.finditer(r"^Sub (\w+)\(control As IRibbonControl\)", code, re.M)}
    assert subs == {"perfeval_xl_on_action": "perfeval_xl_ribbon"}
    assert sources["perfeval_xl_ribbon"].encode("ascii") == CALLBACK_SOURCE
    for button in ("pe_validate", "pe_fill_scores", "pe_new_project", "pe_rollup", "pe_udfs"):
        assert f'<button id="{button}"' in ribbon
    project_stream = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin"))).openstream("PROJECT").read()
    everything = "".join(sources.values()) + project_stream.decode("latin-1") + z.read("xl/workbook.xml").decode()
    assert not re.search("myaddin", everything, re.I)
    assert 'Name="perfeval_xl"' in project_stream.decode("latin-1")
    # the rest of the template is as xlwings ships it
    original = zipfile.ZipFile(TEMPLATE)
    assert z.namelist() == original.namelist()
    assert z.read("xl/styles.xml") == original.read("xl/styles.xml")


def test_every_module_is_source_only_and_the_project_has_no_performance_cache(built):
    _, sources, offsets, ole = vba_of(built)
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")
    assert not [e for e in ole.listdir() if e[-1].startswith("__SRP_")]
    assert set(offsets.values()) == {0}
    template = vba_project.read(zipfile.ZipFile(TEMPLATE).read("xl/vbaProject.bin"))
    assert sorted(sources) == sorted(["ThisWorkbook", "Dictionary", "perfeval_xl_ribbon", "Sheet2", "xlwings"])
    for module in template.modules:
        if module.name in ("ThisWorkbook", "Dictionary", "Sheet2"):  # unchanged, recompressed
            stream = ole.openstream(f"VBA/{module.name}").read()
            assert decompress_stream(bytearray(stream)) == module.source
    changed = decompress_stream(bytearray(ole.openstream("VBA/xlwings").read()))
    original = template.module("xlwings").source
    assert changed == original.replace(b'PROJECT_NAME As String = "myaddin"', b'PROJECT_NAME As String = "perfeval_xl"')
    # The template compiled three modules (p-code before their source) and ships its xlwings module
    # source-only, as every module is here: Excel compiles a source-only module.
    assert {name: struct.unpack("<I", p)[0] > 0 for p, name in _module_offsets(template)} == {
        "ThisWorkbook": True, "Dictionary": True, "RibbonMyAddin": True, "Sheet2": True, "xlwings": False}


# ---------------------------------------------------------------- olevba, as a mail gateway would run it


def olevba(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "oletools.olevba", "-a", "-j", str(path)],
                          capture_output=True, text=True, timeout=300)
    reports = [r for r in json.loads(done.stdout) if r.get("type") not in ("MetaInformation",)]
    analysis = [a for r in reports for a in (r.get("analysis") or [])]
    return {"indicators": {(a["type"], a["keyword"]) for a in analysis}, "reports": reports}


def _extracted(xlam: Path, to: Path) -> Path:
    to.write_bytes(zipfile.ZipFile(xlam).read("xl/vbaProject.bin"))
    return to


def test_olevba_finds_no_stomping_and_nothing_the_xlwings_template_lacks(built, tmp_path):
    # olevba analyses p-code only for a file on disk, so the bare vbaProject.bin is checked too
    ours = olevba(_extracted(built, tmp_path / "ours.bin"))
    theirs = olevba(_extracted(TEMPLATE, tmp_path / "template.bin"))
    assert ("Suspicious", "VBA Stomping") not in ours["indicators"]
    assert ours["indicators"] <= theirs["indicators"]
    assert olevba(built)["indicators"] <= olevba(TEMPLATE)["indicators"]


def test_olevba_does_flag_a_stomped_project(tmp_path):
    """The control: the template's p-code kept before a changed source is reported. (The template has
    no identifier table, so olevba compares the string literals: ".main()" is in its p-code.)"""
    data = zipfile.ZipFile(TEMPLATE).read("xl/vbaProject.bin")
    project = vba_project.read(data)
    ole = olefile.OleFileIO(io.BytesIO(data))
    offsets = dict((name, struct.unpack("<I", payload)[0]) for payload, name in _module_offsets(project))
    modules = {}
    for m in project.modules:
        source = m.source.replace(b".main()", b".start()") if m.name == "RibbonMyAddin" else m.source
        modules[m.name] = ole.openstream(f"VBA/{m.name}").read()[:offsets[m.name]] + compress(source)
    streams = [cfb.Node("_VBA_PROJECT", ole.openstream("VBA/_VBA_PROJECT").read()),
               cfb.Node("dir", ole.openstream("VBA/dir").read())]
    streams += [cfb.Node(name, body) for name, body in modules.items()]
    stomped = tmp_path / "stomped.bin"
    stomped.write_bytes(cfb.write([cfb.Node("PROJECT", ole.openstream("PROJECT").read()),
                                   cfb.Node("PROJECTwm", ole.openstream("PROJECTwm").read()),
                                   cfb.Node("VBA", None, streams)]))
    assert ("Suspicious", "VBA Stomping") in olevba(stomped)["indicators"]
    assert ("Suspicious", "VBA Stomping") not in olevba(_extracted(TEMPLATE, tmp_path / "t.bin"))["indicators"]


def _module_offsets(project):
    """(MODULEOFFSET payload, module name) per module of the dir stream."""
    name = None
    for rid, payload in project.records:
        if rid == vba_project.MODULENAME:
            name = payload.decode("latin-1")
        elif rid == vba_project.MODULEOFFSET:
            yield payload, name


# ---------------------------------------------------------------- the writer's parts


@pytest.mark.parametrize("size", [0, 1, 100, 4095, 4096, 4097, 30000, 70000])
def test_compression_round_trips_through_oletools(size):
    line = b"    RunPython \"import perfeval_xl.excel.buttons as b;b.on_ribbon('pe_validate')\"\r\n"
    text = (line * (size // len(line) + 1))[:size]
    assert decompress_stream(bytearray(compress(text))) == text


def test_the_compound_file_writer_is_read_back_by_olefile():
    sizes = {"a": 0, "bb": 63, "c": 64, "long_stream_name_x": 4095, "big": 4096, "bigger": 70000}
    nodes = [cfb.Node(n, bytes([i % 251 for i in range(s)])) for n, s in sizes.items()]
    data = cfb.write([cfb.Node("S", None, nodes[:3]), *nodes[3:]])
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    for name, size in sizes.items():
        path = ("S/" if name in ("a", "bb", "c") else "") + name
        assert ole.openstream(path).read() == bytes([i % 251 for i in range(size)])


# ---------------------------------------------------------------- one xlwings version


def test_a_different_xlwings_is_refused_with_a_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(xlwings, "__version__", "0.99.0")
    assert cli.main(["addin", "build", "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    template = addin.template_xlwings_version(vba_project.read(
        zipfile.ZipFile(TEMPLATE).read("xl/vbaProject.bin")).module("xlwings").source)
    assert f"xlwings 版本不一致：加载项模板为 {template}（xlwings64-{template}.dll），本机安装的是 0.99.0" in err
    assert not (tmp_path / ADDIN_NAME).exists()


def test_an_interpreter_with_another_xlwings_is_refused(tmp_path, capsys):
    fake = tmp_path / "python.exe"
    fake.write_text("#!/bin/sh\necho 0.30.0\n")
    fake.chmod(0o755)
    assert cli.main(["addin", "build", "-o", str(tmp_path), "--interpreter", str(fake)]) == 2
    assert f"xlwings 版本不一致：{fake} 中的 xlwings 为 0.30.0，加载项需要 {xlwings.__version__}" in capsys.readouterr().err


def test_the_package_the_addin_and_lite_name_one_xlwings_version():
    from importlib import metadata

    from packaging.requirements import Requirement

    from perfeval_xl.excel.lite import requirements_txt

    requirement = Requirement(addin.required_xlwings())
    assert requirement.name == "xlwings" and requirement.specifier.contains(xlwings.__version__)
    template = addin.template_xlwings_version(vba_project.read(
        zipfile.ZipFile(TEMPLATE).read("xl/vbaProject.bin")).module("xlwings").source)
    assert template == xlwings.__version__
    assert requirements_txt().splitlines()[0] == f"xlwings=={template}"
    assert metadata.version("xlwings") == template


def test_addin_install_on_linux_says_what_to_do_on_windows(tmp_path, capsys):
    assert cli.main(["addin", "install", "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：本机不是 Windows，无法把加载项装入 Excel。\n在 Windows 上安装功能区加载项：")
    assert "xlwings addin install -f 加载项文件夹\\perfeval_xl.xlam" in err
    assert cli.main(["addin", "uninstall"]) == 2
    assert capsys.readouterr().err.startswith("错误：本机不是 Windows，没有 Excel 加载项可卸载。")

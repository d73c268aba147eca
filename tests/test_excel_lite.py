"""`perfeval-xl lite` and `perfeval-xl addin build`: what they write, and that it runs.

The Lite ``main.py`` is imported in a fresh interpreter where python-calamine cannot be imported
(as in Pyodide) and the installed package is hidden, so only the bundled copy can serve it; the
registered functions and scripts are then read through xlwings' Office.js dispatch.
"""

import io
import json
import os
import subprocess
import sys
import zipfile

import olefile

from perfeval_xl import cli
from perfeval_xl.excel.addin import ADDIN_NAME, CALLBACK_SOURCE, ribbon_xml
from perfeval_xl.excel.ovba import decompress

from .conftest import ROOT

PROBE = r'''
import importlib.abc, json, os, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "python_calamine" or name.startswith("python_calamine."):
            raise ImportError("not in Pyodide")
        return None
sys.meta_path.insert(0, Block())
sys.path = [p for p in sys.path if not os.path.isdir(os.path.join(p, "perfeval_xl"))]
os.environ["HOME"] = sys.argv[2]
sys.path.insert(0, sys.argv[1])
import main
import perfeval_xl
from xlwings import server
import asyncio, xlwings
body = {"func_name": "pe_score", "args": [[["≥8亿元"]], [["8.4亿元"]], [[3]]], "caller_address": "Excel[B.xlsx]S!A1",
        "version": xlwings.__version__, "client": "Office.js", "runtime": "1.4", "culture_info_name": "zh-CN",
        "date_format": "yyyy/m/d"}
print(json.dumps({
    "package": perfeval_xl.__file__,
    "functions": [f["name"] for f in server.custom_functions_meta(main)["functions"]],
    "scripts": [(s["function_name"], s["name"]) for s in server.custom_scripts_meta(main)],
    "score": asyncio.run(server.custom_functions_call(body, main)),
}, ensure_ascii=False))
'''


def test_lite_bundle_runs_without_the_installed_package_and_without_calamine(tmp_path):
    out = tmp_path / "lite"
    assert cli.main(["lite", "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["main.py", "requirements.txt"]
    import xlwings
    assert (out / "requirements.txt").read_text() == f"xlwings=={xlwings.__version__}\nopenpyxl\n"
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial", "XLWINGS_ON_SERVER": "true",
           "PYTHONPATH": str(ROOT.parent / "__nothing__")}
    probe = subprocess.run([sys.executable, "-c", PROBE, str(out), str(tmp_path / "home")], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr
    got = json.loads(probe.stdout.strip().splitlines()[-1])
    assert got["package"].startswith(str(tmp_path / "home"))
    assert got["functions"] == ["PE_CHECK", "PE_EXEC_EXPLAIN", "PE_EXEC_RATE", "PE_EXEC_SCORE", "PE_EXPLAIN_VALUE",
                                "PE_GRADE", "PE_RUBRIC", "PE_SCORE", "PE_SCORE_EXPLAIN", "PE_SCORE_TABLE"]
    assert sorted(got["scripts"]) == [["add_project_sheet", "新增项目表"], ["fill_suggested_scores", "填入建议得分"],
                                      ["validate", "校验"]]
    assert got["score"] == [[3.0]]


def test_addin_build_writes_the_ribbon_the_callback_and_the_config(tmp_path, capsys):
    assert cli.main(["addin", "build", "-o", str(tmp_path), "--interpreter", r"C:\Python311\python.exe"]) == 0
    path = tmp_path / ADDIN_NAME
    assert capsys.readouterr().out.splitlines() == [f"已生成 {path}", f"在 Windows 上安装：xlwings addin install -f {path}"]
    z = zipfile.ZipFile(path)
    assert z.read("customUI/customUI.xml").decode("utf-8") == ribbon_xml()
    ribbon = ribbon_xml()
    for button, label in (("pe_validate", "校验"), ("pe_fill_scores", "填入建议得分"), ("pe_new_project", "新增项目表"),
                          ("pe_rollup", "汇总"), ("pe_udfs", "导入函数")):
        assert f'<button id="{button}" label="{label}" size="large" onAction="RibbonMyAddin.RunMain"' in ribbon
    assert b'<sheet name="xlwings.conf"' in z.read("xl/workbook.xml")
    sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert '<c r="B6" t="inlineStr"><is><t>perfeval_xl.excel.udfs</t></is></c>' in sheet
    assert r'<c r="B1" t="inlineStr"><is><t>C:\Python311\python.exe</t></is></c>' in sheet
    ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    stream = ole.openstream("VBA/RibbonMyAddin").read()
    sources = [decompress(stream[i:]) for i in range(len(stream)) if stream[i] == 1 and _container(stream[i:])]
    assert any(s.startswith(CALLBACK_SOURCE) and set(s[len(CALLBACK_SOURCE):]) <= {13, 10} for s in sources)
    # the rest of the template is as xlwings ships it
    import xlwings
    original = zipfile.ZipFile(os.path.join(os.path.dirname(xlwings.__file__), "quickstart_addin_ribbon.xlam"))
    assert z.namelist() == original.namelist()
    assert z.read("xl/styles.xml") == original.read("xl/styles.xml")


def _container(data):
    try:
        return decompress(data).startswith(b'Attribute VB_Name = "RibbonMyAddin"')
    except Exception:
        return False


def test_addin_install_on_linux_says_what_to_do_on_windows(tmp_path, capsys):
    assert cli.main(["addin", "install", "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：本机不是 Windows，无法把加载项装入 Excel。\n在 Windows 上安装功能区加载项：")
    assert "xlwings addin install -f 加载项文件夹\\perfeval_xl_addin.xlam" in err
    assert cli.main(["addin", "uninstall"]) == 2
    assert capsys.readouterr().err.startswith("错误：本机不是 Windows，没有 Excel 加载项可卸载。")

"""`perfeval-xl lite` and `perfeval-xl addin build`: what they write, and that it runs.

The Lite ``main.py`` is imported in a fresh interpreter where python-calamine cannot be imported
(as in Pyodide) and the installed package is hidden, so only the bundled copy can serve it; the
registered functions and scripts are then read through xlwings' Office.js dispatch.
"""

import json
import os
import subprocess
import sys

from perfeval_xl import cli

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

"""The xlwings Lite bundle in real Pyodide (the npm package ``pyodide``, pinned in
tests/pyodide/package.json) under node — the runtime xlwings Lite runs it in.

The pure wheels of the bundle's requirements.txt are downloaded at test time (pip download) and
unpacked inside Pyodide; tests/pyodide/probe.py imports main.py as Lite does, lists what it
registers, calls some functions and runs the 校验 script on an example book. The actions must be
those CPython produces on the same book. Skipped only where node is missing outside CI.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from perfeval_xl import cli
from perfeval_xl.excel import scripts

from .conftest import ROOT
from .xlwings_harness import book_payload, computed_values, run_script

NODE_PROJECT = ROOT / "tests" / "pyodide"
WANGJIAHE = ROOT / "examples/报送/岳阳楼区/王家河街道2023年度部门整体支出绩效自评.xlsx"
PYODIDE_PYTHON = "3.13"  # the Python of the pinned pyodide 0.29


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is required in CI (see .ci/run)")
        pytest.skip("node is not installed: the Pyodide run needs node ≥ 18 and `npm ci` in tests/pyodide")
    if not (NODE_PROJECT / "node_modules" / "pyodide").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: run `npm ci` in tests/pyodide")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=NODE_PROJECT, check=True, capture_output=True,
                       timeout=600)
    return node


@pytest.fixture(scope="module")
def pyodide_run(tmp_path_factory):
    node = _node()
    tmp = tmp_path_factory.mktemp("pyodide")
    assert cli.main(["lite", "-o", str(tmp / "lite")]) == 0
    wheels = tmp / "wheels"
    done = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                           "--only-binary=:all:", "--platform", "any", "--python-version", PYODIDE_PYTHON,
                           "--implementation", "py", "-r", str(tmp / "lite" / "requirements.txt"), "-d", str(wheels)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    payload = book_payload(WANGJIAHE, computed_values(WANGJIAHE))
    (tmp / "payload.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([node, str(NODE_PROJECT / "run.mjs"), str(wheels), str(tmp / "lite"), str(tmp / "payload.json")],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1]), payload, sorted(p.name for p in wheels.iterdir())


def test_the_wheels_are_pure_and_the_bundle_runs_from_its_own_copy(pyodide_run):
    got, _, wheels = pyodide_run
    assert all(w.endswith("-none-any.whl") for w in wheels)
    assert [w.split("-")[0] for w in wheels] == ["et_xmlfile", "openpyxl", "xlwings"]
    assert got["platform"] == "emscripten"
    assert got["package"].startswith("/home/pyodide/perfeval_xl_")


def test_every_function_and_script_registers_in_pyodide(pyodide_run):
    got, _, _ = pyodide_run
    assert got["functions"] == ["PE_CHECK", "PE_EXEC_EXPLAIN", "PE_EXEC_RATE", "PE_EXEC_SCORE", "PE_EXPLAIN_VALUE",
                                "PE_GRADE", "PE_RUBRIC", "PE_SCORE", "PE_SCORE_EXPLAIN", "PE_SCORE_TABLE"]
    assert got["scripts"] == [["add_project_sheet", "新增项目表"], ["fill_suggested_scores", "填入建议得分"],
                              ["validate", "校验"]]


def test_errors_are_real_excel_errors_in_pyodide(pyodide_run):
    got, _, _ = pyodide_run
    assert got["calls"] == [
        [[3.0]],                                           # PE_SCORE("≥8亿元", "8.4亿元", 3)
        [[{"type": "Error", "errorType": "Value"}]],       # PE_EXEC_SCORE(50, 100, -10)
        [[{"type": "Error", "errorType": "Div0"}]],        # PE_EXEC_RATE(#DIV/0!, 5): the input's error
        [[{"type": "Error", "errorType": "Value"}]],       # PE_GRADE(150)
    ]


def test_validate_in_pyodide_does_what_it_does_on_cpython(pyodide_run):
    got, payload, _ = pyodide_run
    expected = run_script(scripts, "validate", payload)
    assert got["actions"] == expected
    assert got["actions"][1]["values"][0][0] == "校验结果：2 个错误，7 个提示"

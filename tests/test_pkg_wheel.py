"""The wheel as users install it built from this checkout, installed non-editable with
its real dependencies into a fresh venv, run from a folder that has nothing to do with the checkout.

Runs when PERFEVAL_PACKAGING=1 (.ci/run's packaging step): it builds and installs (~30 s).
"""

from __future__ import annotations

import json
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from perfeval_xl.exitcodes import FINDINGS, OK, UNUSABLE_INPUT
from tests.conftest import ROOT
from tests.pkg_install import build_wheel, folder_megabytes, make_venv, packaging, run, tool

pytestmark = packaging

YANGHU = ROOT / "examples/报送/岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx"
WANGJIAHE = ROOT / "examples/报送/岳阳楼区/王家河街道2023年度部门整体支出绩效自评.xlsx"
BASE_VENV_LIMIT_MB = 80  # the base install, without pandas/numpy


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(wheel, venv folder, its perfeval-xl, a user's folder holding two submissions)."""
    base = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(base)
    bin_dir = make_venv(base / "venv")
    done = run([tool(bin_dir, "python"), "-m", "pip", "install", "-q", wheel], cwd=base)
    assert done.returncode == 0, done.stderr
    user = base / "用户文件夹"
    (user / "报送").mkdir(parents=True)
    shutil.copyfile(YANGHU, user / "报送" / "洋湖.xlsx")
    shutil.copyfile(WANGJIAHE, user / "报送" / "王家河.xlsx")
    return wheel, base / "venv", tool(bin_dir, "perfeval-xl"), user


def test_the_wheel_holds_every_module_the_example_district_and_the_licence(installed):
    wheel = installed[0]
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {p.relative_to(ROOT).as_posix() for p in (ROOT / "perfeval_xl").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    examples = {"perfeval_xl/" + p.relative_to(ROOT).as_posix() for p in (ROOT / "examples").rglob("*") if p.is_file()}
    assert sources - names == set()
    assert examples - names == set()
    assert "perfeval_xl/layout/__init__.py" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") or n.endswith(".dist-info/LICENSE") for n in names)
    assert not any(n.startswith(("tests/", "benchmarks/", "scripts/", "workbook_templates/")) for n in names)


def test_the_base_install_is_lean(installed):
    _, venv_dir, _, user = installed
    python = tool(venv_dir / ("Scripts" if sys.platform == "win32" else "bin"), "python")
    listed = run([python, "-m", "pip", "list", "--format", "json"], cwd=user)
    packages = {p["name"].lower() for p in json.loads(listed.stdout)}
    assert packages & {"pandas", "numpy", "scipy", "formulas", "matplotlib", "dask"} == set()
    assert {"openpyxl", "python-calamine", "python-docx", "xlwings", "perfeval-xl"} <= packages
    size = folder_megabytes(venv_dir)
    print(f"base venv: {size:.0f} MB")
    assert size <= BASE_VENV_LIMIT_MB


def _cli(installed, *argv, cwd=None):
    _, _, exe, user = installed
    done = run([exe, *argv], cwd=cwd or user)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_validate_score_export_new_report_as_the_checkout_does(installed):
    user = installed[3]
    done = _cli(installed, "validate", "报送/洋湖.xlsx", "--format", "json")
    assert done.returncode == FINDINGS
    checkout = run([sys.executable, "-m", "perfeval_xl", "validate", YANGHU, "--format", "json"], cwd=ROOT)
    mine, theirs = json.loads(done.stdout), json.loads(checkout.stdout)
    assert mine["findings"] == theirs["findings"] and mine["summary"] == theirs["summary"]
    assert len(mine["findings"]) > 0

    done = _cli(installed, "score", "报送/王家河.xlsx")
    assert done.returncode == OK
    assert done.stdout == run([sys.executable, "-m", "perfeval_xl", "score", WANGJIAHE], cwd=ROOT).stdout

    done = _cli(installed, "export", "报送/洋湖.xlsx")
    assert done.returncode == OK
    assert json.loads(done.stdout)["format"] == "perfeval-xl/submission"

    assert _cli(installed, "new", "--unit", "洋湖街道", "--year", "2022", "-o", "新.xlsx").returncode == OK
    assert (user / "新.xlsx").stat().st_size > 0

    assert _cli(installed, "report", "报送/洋湖.xlsx", "-o", "报告.docx").returncode == OK
    assert _cli(installed, "validate", "报送/洋湖.xlsx", "--report", "报告.docx").returncode == FINDINGS


def test_bad_input_is_one_chinese_line(installed):
    done = _cli(installed, "validate", "不存在.xlsx")
    assert done.returncode == UNUSABLE_INPUT
    assert done.stderr.startswith("错误：") and len(done.stderr.strip().splitlines()) == 1


def test_rollup_of_a_users_folder(installed):
    user = installed[3]
    done = _cli(installed, "rollup", "报送", "-o", "区汇总.xlsx", "--json", "区汇总.json", "--jobs", "1")
    assert done.returncode == FINDINGS  # 洋湖 has 错误
    report = json.loads((user / "区汇总.json").read_text(encoding="utf-8"))
    assert sorted(f["path"] for f in report["submissions"] if f["status"] == "ok") == ["洋湖.xlsx", "王家河.xlsx"]


def test_demo_runs_on_the_packaged_example_district(installed, tmp_path):
    done = _cli(installed, "demo", "-o", "示例输出", cwd=tmp_path)
    assert done.returncode == OK, done.stderr
    assert '（图表需要 matplotlib：pip install "perfeval-xl[charts]"）' in done.stdout  # the base install has none
    check = run([sys.executable, ROOT / "scripts" / "check_demo.py", tmp_path / "示例输出", "--no-charts"], cwd=ROOT)
    assert check.returncode == 0, check.stdout + check.stderr


def test_templates_go_to_the_current_folder_never_into_the_installation(installed, tmp_path):
    venv_dir = installed[1]
    assert _cli(installed, "templates", cwd=tmp_path).returncode == OK
    assert sorted(p.name for p in tmp_path.iterdir()) == ["单位自评工作簿.xlsx", "项目支出绩效自评表.xlsx"]
    assert [p.name for p in venv_dir.rglob("*.xlsx") if "examples" not in p.parts] == []
    assert _cli(installed, "templates", "--outdir", "模板", cwd=tmp_path).returncode == OK
    assert len(list((tmp_path / "模板").glob("*.xlsx"))) == 2


def test_lite_and_addin_build(installed, tmp_path):
    assert _cli(installed, "lite", "-o", "lite", cwd=tmp_path).returncode == OK
    assert (tmp_path / "lite" / "main.py").is_file()
    assert _cli(installed, "addin", "build", "-o", "加载项", cwd=tmp_path).returncode == OK
    assert (tmp_path / "加载项" / "perfeval_xl.xlam").is_file()


def test_help(installed):
    done = _cli(installed, "--help")
    assert done.returncode == OK and "perfeval-xl" in done.stdout

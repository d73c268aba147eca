"""The offline kit built by an installed wheel (as district IT would), installed with
its own install.sh into a fresh venv with no package index reachable, then used from another folder.

Runs when PERFEVAL_PACKAGING=1 (.ci/run's packaging step): it downloads and installs (~1 min).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import perfeval_xl
from perfeval_xl.exitcodes import FINDINGS, OK, UNUSABLE_INPUT
from perfeval_xl.kit import TARGETS, missing_requirements
from tests.conftest import ROOT
from tests.pkg_install import build_wheel, clean_env, make_venv, packaging, run, tool

pytestmark = packaging

YANGHU = ROOT / "examples/报送/岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx"
# pip with no index and no configuration: whatever it installs must come from the kit.
OFFLINE_PIP = {"PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_FIND_LINKS": "",
               "PIP_RETRIES": "0", "PIP_TIMEOUT": "2"}


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    """(the wheel built from the checkout, the kit folder an installed perfeval-xl made, that perfeval-xl)."""
    base = tmp_path_factory.mktemp("kit")
    wheel = build_wheel(base)
    bin_dir = make_venv(base / "it-venv")
    assert run([tool(bin_dir, "python"), "-m", "pip", "install", "-q", wheel], cwd=base).returncode == 0
    done = run([tool(bin_dir, "perfeval-xl"), "kit", "-o", base / "安装包"], cwd=base)
    assert done.returncode == OK, done.stderr
    assert "Traceback" not in done.stderr
    return wheel, base / "安装包", tool(bin_dir, "perfeval-xl")


def test_the_kit_holds_every_wheel_the_scripts_and_the_bundles(kit):
    wheel, folder, _ = kit
    names = {p.name.split("-")[0].lower() for p in (folder / "wheelhouse").glob("*.whl")}
    assert {"perfeval_xl", "openpyxl", "python_calamine", "python_docx", "xlwings", "defusedxml", "tqdm", "olefile",
            "lxml", "pandas", "numpy"} <= names
    assert sorted(p.name for p in folder.iterdir()) == ["Lite", "install.sh", "wheelhouse", "安装说明.txt", "模板"]
    assert (folder / "安装说明.txt").read_text(encoding="utf-8-sig").startswith(
        f"perfeval-xl {perfeval_xl.__version__} 离线安装包（linux_x86_64，Python 3.11）")
    assert sorted(p.name for p in (folder / "模板").iterdir()) == ["单位自评工作簿.xlsx", "项目支出绩效自评表.xlsx"]
    assert (folder / "Lite" / "main.py").is_file()


def test_the_wheel_packed_from_the_installation_is_the_built_one(kit):
    wheel, folder, _ = kit
    (packed,) = (folder / "wheelhouse").glob("perfeval_xl-*.whl")

    def contents(path):
        with zipfile.ZipFile(path) as z:
            return {n: z.read(n) for n in z.namelist() if not n.endswith("dist-info/RECORD")}

    assert contents(packed) == contents(wheel)


def test_install_sh_installs_with_no_index_and_validate_runs_elsewhere(kit, tmp_path):
    _, folder, _ = kit
    home = tmp_path / "程序"
    env = clean_env(PERFEVAL_XL_HOME=str(home), PYTHON=sys._base_executable, **OFFLINE_PIP)
    done = subprocess.run(["sh", str(folder / "install.sh")], capture_output=True, text=True, encoding="utf-8",
                          env=env, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"perfeval-xl {perfeval_xl.__version__}" in done.stdout
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    shutil.copyfile(YANGHU, elsewhere / "洋湖.xlsx")
    exe = home / "venv" / "bin" / "perfeval-xl"
    done = run([exe, "validate", "洋湖.xlsx", "--format", "json"], cwd=elsewhere)
    assert done.returncode == FINDINGS and "Traceback" not in done.stderr
    assert json.loads(done.stdout)["summary"] == json.loads(
        run([sys.executable, "-m", "perfeval_xl", "validate", YANGHU, "--format", "json"], cwd=ROOT).stdout)["summary"]
    python = home / "venv" / "bin" / "python"
    done = run([python, "-c", "from perfeval_xl.analysis import units; print(len(units('.')))"], cwd=elsewhere)
    assert done.returncode == 0 and done.stdout.strip() == "1", done.stderr


def test_markers_for_another_platform_are_read_from_the_wheels(kit):
    _, folder, _ = kit
    wheelhouse = folder / "wheelhouse"
    extras = {"perfeval-xl": {"analysis"}}
    assert missing_requirements(wheelhouse, TARGETS["linux_x86_64"], "3.11", extras) == []
    # pip evaluates markers for the machine it runs on: these are what a Windows kit must add
    assert missing_requirements(wheelhouse, TARGETS["win_amd64"], "3.11", extras) == ["colorama", "pywin32>=224"]


def test_bad_input_is_one_chinese_line_and_exit_2(kit, tmp_path):
    exe = kit[2]
    done = run([exe, "kit", "-o", tmp_path / "a", "--platform", "win_arm"], cwd=tmp_path)
    assert (done.returncode, done.stderr) == (UNUSABLE_INPUT, "错误：未知的目标平台 win_arm；可选：" + "、".join(TARGETS) + "。\n")
    offline = subprocess.run([str(exe), "kit", "-o", str(tmp_path / "b")], capture_output=True, text=True,
                             encoding="utf-8", env=clean_env(**OFFLINE_PIP), cwd=tmp_path, timeout=600)
    assert offline.returncode == UNUSABLE_INPUT
    assert offline.stderr.startswith("错误：无法下载依赖包（请确认本机能访问软件包索引）：")
    assert len(offline.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "b").exists()

"""`lite` and `addin build` refuse to hand out what does not import (a wheel without
perfeval_xl/layout built a Lite bundle without it and still exited 0)."""

import sys

import pytest

from perfeval_xl.excel.addin import ADDIN_NAME

from perfeval_xl.cli import main
from perfeval_xl.exitcodes import OK, UNUSABLE_INPUT
from perfeval_xl.excel import lite


def test_lite_bundle_is_run_before_it_is_handed_out(tmp_path, capsys):
    assert main(["lite", "-o", str(tmp_path / "lite")]) == OK
    assert sorted(p.name for p in (tmp_path / "lite").iterdir()) == ["main.py", "requirements.txt"]


def test_lite_bundle_missing_a_subpackage_is_an_error_and_not_left_behind(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(lite, "PACKAGES", tuple(p for p in lite.PACKAGES if p != "layout"))
    assert main(["lite", "-o", str(tmp_path / "lite")]) == UNUSABLE_INPUT
    err = capsys.readouterr().err
    assert err.startswith("错误：main.py 中的程序包不完整，无法导入：")
    assert "No module named 'perfeval_xl.layout'" in err
    assert "Traceback" not in err
    assert list((tmp_path / "lite").iterdir()) == []


def test_addin_for_a_python_without_perfeval_xl_is_an_error(tmp_path, capsys):
    bare_python = sys._base_executable  # the interpreter this venv was made from: no perfeval_xl
    assert main(["addin", "build", "-o", str(tmp_path), "--interpreter", bare_python]) == UNUSABLE_INPUT
    err = capsys.readouterr().err
    assert f"加载项要用的 Python（{bare_python}）不能导入 perfeval-xl" in err
    assert "No module named 'perfeval_xl'" in err


def test_addin_for_this_python_builds(tmp_path, capsys):
    assert main(["addin", "build", "-o", str(tmp_path), "--interpreter", sys.executable]) == OK
    assert (tmp_path / ADDIN_NAME).is_file() and ADDIN_NAME == "perfeval_xl.xlam"


@pytest.mark.skipif(sys.platform == "win32", reason="a Windows path is a real path there")
def test_addin_for_another_machines_python_is_checked_with_this_one(tmp_path, capsys):
    assert main(["addin", "build", "-o", str(tmp_path), "--interpreter", r"C:\perfeval-xl\venv\Scripts\python.exe"]) == OK

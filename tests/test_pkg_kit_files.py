"""The offline kit's scripts and add-in for Windows, checked without downloading anything
(tests/test_pkg_kit.py builds and installs a whole kit for this platform in CI)."""

import zipfile

import pytest

import perfeval_xl
from perfeval_xl.excel.addin import build
from perfeval_xl.kit import TARGETS, WINDOWS_INTERPRETER, KitError, _write_scripts, resolve_target


def test_windows_scripts_are_gbk_with_crlf_and_install_offline(tmp_path):
    (tmp_path / "wheelhouse").mkdir()
    (tmp_path / "wheelhouse" / "a-1-py3-none-any.whl").write_bytes(b"")
    _write_scripts(tmp_path, TARGETS["win_amd64"], "3.11", f"perfeval-xl[analysis]=={perfeval_xl.__version__}")
    raw = (tmp_path / "install.bat").read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    bat = raw.decode("gbk")  # cmd.exe on a Chinese Windows; chcp 936 on the second line makes sure
    assert bat.splitlines()[:2] == ["@echo off", "chcp 936 >nul"]
    assert "py -3.11" in bat and "sys.version_info[:2] != (3, 11)" in bat
    assert (f'-m pip install --no-index --find-links "%KIT%wheelhouse" '
            f'"perfeval-xl[analysis]=={perfeval_xl.__version__}"') in bat
    assert 'addin build -o "%PERFEVAL_XL_HOME%\\加载项" --interpreter "%VENV%\\Scripts\\python.exe"' in bat
    assert "addin uninstall" in (tmp_path / "uninstall.bat").read_bytes().decode("gbk")
    howto = (tmp_path / "安装说明.txt").read_bytes()
    assert howto.startswith("\ufeff".encode()) and b"\r\n" in howto  # Notepad shows it right
    text = howto.decode("utf-8-sig")
    assert text.startswith(f"perfeval-xl {perfeval_xl.__version__} 离线安装包（win_amd64，Python 3.11）")
    assert all(step in text for step in ("install.bat", "--version", "uninstall.bat", "共 1 个"))


def test_the_kits_addin_names_the_venv_by_environment_variable(tmp_path):
    path = build(tmp_path, interpreter=WINDOWS_INTERPRETER)
    with zipfile.ZipFile(path) as z:
        sheets = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert r"%LOCALAPPDATA%\perfeval-xl\venv\Scripts\python.exe" in sheets  # xlwings expands %VAR% there


@pytest.mark.parametrize("platform, python, message", [
    ("win_arm", "3.11", "未知的目标平台 win_arm；可选："),
    ("win_amd64", "2.7", "Python 版本 2.7 不可用"),
    ("win_amd64", "3.1x", "Python 版本 3.1x 不可用"),
])
def test_bad_targets(platform, python, message):
    with pytest.raises(KitError, match=message):
        resolve_target(platform, python)
    assert resolve_target("linux_x86_64", "3.12")[0].pip_platforms[0] == "manylinux_2_28_x86_64"

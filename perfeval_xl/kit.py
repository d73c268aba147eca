"""`perfeval-xl kit`: a folder for PCs with no internet (政务内网), built where packages can be had.

    perfeval-xl kit -o 安装包 [--platform win_amd64] [--python 3.11] [--no-analysis]

The folder holds
* ``wheelhouse/``: this package's wheel and every dependency, for the target platform and Python;
* ``install.bat`` / ``install.sh``: make a venv (``%LOCALAPPDATA%\\perfeval-xl\\venv``, or
  ``~/.local/share/perfeval-xl/venv``) and install with ``pip --no-index`` from the wheelhouse;
  on Windows also put the add-in into Excel; ``uninstall.bat`` undoes both;
* ``加载项/``: the ribbon add-in, its interpreter set to that venv's python.exe (Windows kits);
* ``Lite/``: the xlwings Lite bundle; ``模板/``: the blank template workbooks;
* ``安装说明.txt``: one page in Chinese for whoever carries the USB stick.

pip downloads for another platform but evaluates environment markers (``pywin32; sys_platform ==
"win32"``) for the machine it runs on, so the wheels' own requirements are read back and whatever
the target needs and is missing is downloaded too, until nothing is missing.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import perfeval_xl

from .resources import in_checkout

DIST_NAME = "perfeval-xl"
WINDOWS_HOME = r"%LOCALAPPDATA%\perfeval-xl"
WINDOWS_INTERPRETER = WINDOWS_HOME + r"\venv\Scripts\python.exe"  # xlwings expands %VAR% in its config sheet
POSIX_HOME = "$HOME/.local/share/perfeval-xl"


@dataclass(frozen=True)
class Target:
    """A platform the kit can be built for: pip's --platform tags and the markers pip would see there."""

    name: str
    pip_platforms: tuple[str, ...]
    sys_platform: str
    platform_system: str
    platform_machine: str

    @property
    def windows(self) -> bool:
        return self.sys_platform == "win32"


TARGETS = {t.name: t for t in (
    Target("win_amd64", ("win_amd64",), "win32", "Windows", "AMD64"),
    Target("win32", ("win32",), "win32", "Windows", "x86"),
    Target("linux_x86_64", ("manylinux_2_28_x86_64", "manylinux2014_x86_64"), "linux", "Linux", "x86_64"),
    Target("linux_aarch64", ("manylinux_2_28_aarch64", "manylinux2014_aarch64"), "linux", "Linux", "aarch64"),
    Target("macosx_x86_64", ("macosx_11_0_x86_64",), "darwin", "Darwin", "x86_64"),
    Target("macosx_arm64", ("macosx_11_0_arm64",), "darwin", "Darwin", "arm64"),
)}


class KitError(Exception):
    """The kit cannot be built; ``str(err)`` is a one-line Chinese message."""


def this_platform() -> str:
    machine = platform.machine().lower()
    if sys.platform == "win32":
        return "win_amd64" if machine in ("amd64", "x86_64") else "win32"
    if sys.platform == "darwin":
        return "macosx_arm64" if machine == "arm64" else "macosx_x86_64"
    return "linux_aarch64" if machine in ("aarch64", "arm64") else "linux_x86_64"


def resolve_target(name: str | None, python: str | None) -> tuple[Target, str]:
    name = name or this_platform()
    if name not in TARGETS:
        raise KitError(f"未知的目标平台 {name}；可选：{'、'.join(TARGETS)}。")
    python = python or f"{sys.version_info[0]}.{sys.version_info[1]}"
    match = re.fullmatch(r"3\.(\d{1,2})", python)
    if not match or int(match[1]) < 11:
        raise KitError(f"Python 版本 {python} 不可用；请写成 3.11、3.12 这样的形式（至少 3.11）。")
    return TARGETS[name], python


# ---------------------------------------------------------------- this package's wheel


def own_wheel(folder: Path) -> Path:
    """This package as a wheel in ``folder``: built from the checkout, or packed from the installation."""
    if in_checkout():
        root = Path(perfeval_xl.__file__).resolve().parent.parent
        done = _pip(["wheel", "--no-deps", "-q", "-w", str(folder), str(root)])
        if done.returncode != 0:
            raise KitError(f"无法由源代码生成 perfeval-xl 的安装包（构建需要从软件包索引取得 setuptools，"
                           f"请确认本机能访问）：{_last_line(done.stderr)}")
        return next(folder.glob("perfeval_xl-*.whl"))
    return repack_installed(folder)


def repack_installed(folder: Path) -> Path:
    """The installed wheel, rebuilt from the files its RECORD lists (byte for byte what pip unpacked)."""
    dist = importlib.metadata.distribution(DIST_NAME)
    skip = {"INSTALLER", "RECORD", "REQUESTED", "direct_url.json"}
    files = [f for f in dist.files or [] if not str(f).startswith("..") and "__pycache__" not in f.parts
             and not (f.parts[0].endswith(".dist-info") and f.name in skip)]
    info_dir = next(f.parts[0] for f in files if f.parts[0].endswith(".dist-info"))
    wheel = folder / f"perfeval_xl-{dist.version}-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(files, key=str):
            data = Path(f.locate()).read_bytes()
            name = "/".join(f.parts)
            z.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={digest},{len(data)}")
        record.append(f"{info_dir}/RECORD,,")
        z.writestr(f"{info_dir}/RECORD", "\n".join(record) + "\n")
    return wheel


# ---------------------------------------------------------------- dependencies


def _pip(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, encoding="utf-8", errors="replace")


def _last_line(text: str) -> str:
    """pip's reason: its first ERROR line (the rest is hints), else its last line."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("WARNING:")]
    errors = [line for line in lines if line.lower().startswith("error:") and "subprocess-exited" not in line]
    return (errors or lines or ["（pip 无输出）"])[0 if errors else -1][:300]


def download(requirements: list[str], wheelhouse: Path, target: Target, python: str) -> None:
    args = ["download", "-q", "-d", str(wheelhouse), "--find-links", str(wheelhouse), "--only-binary=:all:",
            "--python-version", python, "--implementation", "cp"]
    for tag in target.pip_platforms:
        args += ["--platform", tag]
    done = _pip(args + requirements)
    if done.returncode != 0:
        raise KitError(f"无法下载依赖包（请确认本机能访问软件包索引）：{_last_line(done.stderr)}")


def _packaging():
    try:
        from packaging.markers import Marker
        from packaging.requirements import Requirement
        from packaging.utils import canonicalize_name
    except ImportError:  # not a dependency of ours; pip (which the kit runs anyway) carries a copy
        from pip._vendor.packaging.markers import Marker  # type: ignore[no-redef]
        from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
        from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[no-redef]
    return Marker, Requirement, canonicalize_name


def marker_environment(target: Target, python: str) -> dict[str, str]:
    return {"sys_platform": target.sys_platform, "platform_system": target.platform_system,
            "platform_machine": target.platform_machine, "os_name": "nt" if target.windows else "posix",
            "python_version": python, "python_full_version": python + ".0", "implementation_name": "cpython",
            "platform_python_implementation": "CPython", "platform_release": "", "platform_version": "",
            "implementation_version": python + ".0"}


def missing_requirements(wheelhouse: Path, target: Target, python: str, extras: dict[str, set[str]]) -> list[str]:
    """Requirements of the wheels in ``wheelhouse`` that apply on the target and are not there.

    ``extras`` maps a distribution to the extras the kit installs it with (``perfeval-xl`` →
    ``{"analysis"}``)."""
    _, Requirement, canonicalize_name = _packaging()
    env = marker_environment(target, python)
    wheels = {}
    for wheel in wheelhouse.glob("*.whl"):
        wheels[canonicalize_name(wheel.name.split("-")[0])] = wheel
    missing = []
    for name, wheel in sorted(wheels.items()):
        for line in _requires_dist(wheel):
            req = Requirement(line)
            wanted = req.marker is None or any(req.marker.evaluate(dict(env, extra=e))
                                                for e in extras.get(name, set()) | {""})
            if wanted and canonicalize_name(req.name) not in wheels:
                missing.append(str(req).split(";")[0].strip())
    return sorted(set(missing))


def _requires_dist(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as z:
        metadata = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        text = z.read(metadata).decode("utf-8")
    return [line.split(":", 1)[1].strip() for line in text.split("\n\n", 1)[0].splitlines()
            if line.startswith("Requires-Dist:")]


# ---------------------------------------------------------------- the folder


def build_kit(outdir: str | Path, platform_name: str | None = None, python: str | None = None,
              analysis: bool = True, progress=print) -> Path:
    target, python = resolve_target(platform_name, python)
    outdir = Path(outdir)
    if outdir.exists() and any(outdir.iterdir()):
        raise KitError(f"输出文件夹 {outdir} 已存在且不为空；请另选一个新文件夹。")
    try:
        _fill_kit(outdir, target, python, analysis, progress)
    except BaseException:
        shutil.rmtree(outdir, ignore_errors=True)  # half a kit must not reach a USB stick
        raise
    return outdir


def _fill_kit(outdir: Path, target: Target, python: str, analysis: bool, progress) -> None:
    from .bundle_check import check_addin_interpreter, check_lite_bundle
    from .excel.addin import build as build_addin
    from .excel.lite import write_bundle
    from .io.templates import build_templates

    wheelhouse = outdir / "wheelhouse"
    wheelhouse.mkdir(parents=True, exist_ok=True)
    version = perfeval_xl.__version__
    requirement = f"{DIST_NAME}[analysis]=={version}" if analysis else f"{DIST_NAME}=={version}"

    progress(f"准备 perfeval-xl {version} 的安装包……")
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy2(own_wheel(Path(tmp)), wheelhouse)
    progress(f"下载依赖包（{target.name}，Python {python}）……")
    download([requirement], wheelhouse, target, python)
    extras = {"perfeval-xl": {"analysis"} if analysis else set()}
    for _ in range(10):  # each round adds what the last one's wheels require on the target
        missing = missing_requirements(wheelhouse, target, python, extras)
        if not missing:
            break
        progress(f"补充目标平台需要的依赖：{'、'.join(missing)}")
        download(missing, wheelhouse, target, python)

    progress("生成 Lite 文件、模板与加载项……")
    lite = write_bundle(outdir / "Lite")
    check_lite_bundle(lite[0])
    build_templates(outdir / "模板")
    if target.windows:
        build_addin(outdir / "加载项", interpreter=WINDOWS_INTERPRETER)
        check_addin_interpreter(WINDOWS_INTERPRETER)
    _write_scripts(outdir, target, python, requirement)


def _write_scripts(outdir: Path, target: Target, python: str, requirement: str) -> None:
    version = perfeval_xl.__version__
    wheels = sorted(p.name for p in (outdir / "wheelhouse").glob("*.whl"))
    fields = {"python": python, "python_tuple": python.replace(".", ", "), "requirement": requirement}
    install_sh = outdir / "install.sh"
    install_sh.write_text(INSTALL_SH.format(**fields), encoding="utf-8", newline="\n")
    install_sh.chmod(install_sh.stat().st_mode | 0o111)
    if target.windows:
        # cmd.exe reads a .bat in the console's code page: GBK on a Chinese Windows (chcp 936 makes sure)
        (outdir / "install.bat").write_text(INSTALL_BAT.format(**fields), encoding="gbk", newline="\r\n")
        (outdir / "uninstall.bat").write_text(UNINSTALL_BAT, encoding="gbk", newline="\r\n")
    howto = HOWTO_WINDOWS if target.windows else HOWTO_POSIX
    (outdir / "安装说明.txt").write_text(howto.format(version=version, python=python, platform=target.name,
                                                   count=len(wheels)),
                                      encoding="utf-8-sig", newline="\r\n" if target.windows else "\n")


INSTALL_BAT = r"""@echo off
chcp 936 >nul
setlocal
rem perfeval-xl offline installation: a venv under %LOCALAPPDATA%\perfeval-xl, packages from wheelhouse\ only.
set "KIT=%~dp0"
if "%PERFEVAL_XL_HOME%"=="" set "PERFEVAL_XL_HOME=%LOCALAPPDATA%\perfeval-xl"
set "VENV=%PERFEVAL_XL_HOME%\venv"
set "PY="
py -{python} -c "pass" >nul 2>nul && set "PY=py -{python}"
if not defined PY python -c "import sys; sys.exit(sys.version_info[:2] != ({python_tuple}))" >nul 2>nul && set "PY=python"
if not defined PY (
  echo 未找到 Python {python}。请先安装 Python {python}（64 位，安装时勾选 Add python.exe to PATH），再双击本文件。
  pause
  exit /b 2
)
echo 正在安装 perfeval-xl 到 %VENV% ……
%PY% -m venv "%VENV%" || goto failed
"%VENV%\Scripts\python.exe" -m pip install --no-index --find-links "%KIT%wheelhouse" "{requirement}" || goto failed
rem The add-in is built again for this venv's python.exe (the kit's copy assumes the default folder).
"%VENV%\Scripts\perfeval-xl.exe" addin build -o "%PERFEVAL_XL_HOME%\加载项" --interpreter "%VENV%\Scripts\python.exe" || goto failed
"%VENV%\Scripts\perfeval-xl.exe" addin install -o "%PERFEVAL_XL_HOME%\加载项" || goto failed
"%VENV%\Scripts\perfeval-xl.exe" --version || goto failed
echo.
echo 安装完成。重新打开 Excel 后应能看到“绩效自评”选项卡。
pause
exit /b 0
:failed
echo.
echo 安装失败：请把上面的信息拍照或复制，发给区财政局信息化联系人。
pause
exit /b 1
"""

UNINSTALL_BAT = r"""@echo off
chcp 936 >nul
setlocal
if "%PERFEVAL_XL_HOME%"=="" set "PERFEVAL_XL_HOME=%LOCALAPPDATA%\perfeval-xl"
if exist "%PERFEVAL_XL_HOME%\venv\Scripts\perfeval-xl.exe" "%PERFEVAL_XL_HOME%\venv\Scripts\perfeval-xl.exe" addin uninstall
rmdir /s /q "%PERFEVAL_XL_HOME%"
echo 已卸载 perfeval-xl。
pause
"""

INSTALL_SH = """#!/bin/sh
# perfeval-xl offline installation: a venv under ~/.local/share/perfeval-xl (or $PERFEVAL_XL_HOME),
# packages from wheelhouse/ only (pip --no-index).
set -eu
KIT=$(cd "$(dirname "$0")" && pwd)
HOME_DIR=${{PERFEVAL_XL_HOME:-$HOME/.local/share/perfeval-xl}}
PY=${{PYTHON:-python{python}}}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if ! "$PY" -c 'import sys; sys.exit(sys.version_info[:2] != ({python_tuple}))' 2>/dev/null; then
  echo "未找到 Python {python}：请先安装 Python {python}，或用 PYTHON=/路径/python{python} sh install.sh 指定。" >&2
  exit 2
fi
echo "正在安装 perfeval-xl 到 $HOME_DIR/venv ……"
"$PY" -m venv "$HOME_DIR/venv"
"$HOME_DIR/venv/bin/python" -m pip install --disable-pip-version-check --no-index --find-links "$KIT/wheelhouse" "{requirement}"
"$HOME_DIR/venv/bin/perfeval-xl" --version
echo "安装完成：$HOME_DIR/venv/bin/perfeval-xl"
"""

HOWTO_WINDOWS = """perfeval-xl {version} 离线安装包（{platform}，Python {python}）

本文件夹可整个复制到 U 盘，在不能上网的电脑（政务内网）上安装，不需要联网。

一、安装前
  电脑上需要有 Python {python}（64 位）。如没有，请信息化人员先安装（安装时勾选“Add python.exe to PATH”）。

二、安装（每台电脑一次）
  1. 关闭 Excel。
  2. 双击本文件夹中的 install.bat，等待窗口显示“安装完成”，按任意键关闭。
     程序装在 %LOCALAPPDATA%\\perfeval-xl 中，不需要管理员权限；依赖包全部取自 wheelhouse 文件夹（共 {count} 个）。
  3. 打开 Excel：功能区出现“绩效自评”选项卡（校验、填入建议得分、新增项目表、汇总）。

三、检查是否装好
  1. 按 Win+R，输入 cmd 回车，在黑色窗口中输入：
       %LOCALAPPDATA%\\perfeval-xl\\venv\\Scripts\\perfeval-xl.exe --version
     应显示 perfeval-xl {version}。
  2. 再输入：
       %LOCALAPPDATA%\\perfeval-xl\\venv\\Scripts\\perfeval-xl.exe demo -o %USERPROFILE%\\Desktop\\示例输出
     桌面上出现“示例输出”文件夹，内有区汇总.xlsx，即为正常。
  3. 用“模板”文件夹中的单位自评工作簿填报，点“绩效自评”选项卡中的“校验”。

四、卸载
  双击 uninstall.bat：先从 Excel 中移除加载项，再删除 %LOCALAPPDATA%\\perfeval-xl。

其他
  Lite 文件夹：Excel 网页版 / Mac / 365 使用的 xlwings Lite 文件（main.py、requirements.txt）。
  加载项 文件夹：功能区加载项（按默认安装位置生成）；install.bat 会按本机的安装位置重新生成并装入 Excel。
  模板 文件夹：空白的单位自评工作簿与项目支出绩效自评表。
  遇到问题：把窗口中的文字拍照或复制，发给区财政局信息化联系人。
"""

HOWTO_POSIX = """perfeval-xl {version} 离线安装包（{platform}，Python {python}）

本文件夹可整个复制到 U 盘，在不能上网的电脑上安装，不需要联网。

一、安装前
  电脑上需要有 Python {python}。

二、安装
  在终端中执行：sh install.sh
  程序装在 ~/.local/share/perfeval-xl 中（可用环境变量 PERFEVAL_XL_HOME 改变）；
  依赖包全部取自 wheelhouse 文件夹（共 {count} 个）。

三、检查是否装好
  ~/.local/share/perfeval-xl/venv/bin/perfeval-xl --version       应显示 perfeval-xl {version}
  ~/.local/share/perfeval-xl/venv/bin/perfeval-xl demo -o 示例输出   生成示例区的区汇总

四、卸载
  删除 ~/.local/share/perfeval-xl 文件夹即可。

其他
  模板文件夹：空白的单位自评工作簿；Lite 文件夹：xlwings Lite 使用的文件。
  Excel 功能区加载项只用于 Windows，请用 --platform win_amd64 另行生成 Windows 安装包。
"""

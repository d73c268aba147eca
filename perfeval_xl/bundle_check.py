"""Before `lite` and `addin build` report success: check that what they hand over imports.

A Lite ``main.py`` carries the package source as a zip; an add-in names modules that the
Windows Python must import. A module left out (a sub-package missing from an installation, a
file skipped by the bundler) shows only when a clerk clicks a button. Each check here runs a
fresh interpreter, as Excel does, and turns a failed import into a Chinese message.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

# What the ribbon's buttons and 导入函数 import in the add-in's Python (see excel/addin.py).
ADDIN_MODULES = ("perfeval_xl.excel.udfs", "perfeval_xl.excel.buttons")
TIMEOUT_SECONDS = 120

# Runs main.py as xlwings Lite does (it unpacks itself under the home folder), then says where
# perfeval_xl came from: the bundle, not the installation that wrote it.
# An editable install's import hook would supply modules the bundle lacks: it is removed first.
_LITE_PROBE = """
import runpy, sys
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
runpy.run_path(sys.argv[1], run_name="main")
import perfeval_xl
print(perfeval_xl.__file__)
"""


class BundleError(Exception):
    """What was bundled does not import; ``str(err)`` is the Chinese message."""


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "（无输出）"


def _run(argv: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", errors="replace",
                          timeout=TIMEOUT_SECONDS, env=env)


def check_lite_bundle(main_py: str | Path) -> None:
    """Run the generated ``main.py`` in a fresh Python with an empty home folder."""
    main_py = Path(main_py)
    with tempfile.TemporaryDirectory(prefix="perfeval-lite-check-") as home:
        env = dict(os.environ, HOME=home, USERPROFILE=home, PYTHONDONTWRITEBYTECODE="1")
        env.pop("PYTHONPATH", None)
        try:
            done = _run([sys.executable, "-I", "-c", _LITE_PROBE, str(main_py)], env)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BundleError(f"无法检查 {main_py.name}：{exc}") from None
        if done.returncode != 0:
            raise BundleError(f"{main_py.name} 中的程序包不完整，无法导入：{_last_line(done.stderr)}")
        origin = Path(_last_line(done.stdout))
        if Path(home).resolve() not in origin.resolve().parents:
            raise BundleError(f"{main_py.name} 没有使用自带的程序包（导入的是 {origin}）")


def check_addin_interpreter(interpreter: str = "") -> str:
    """Import the add-in's modules in the Python it names (this one when it names none or one of
    another machine, e.g. a Windows path in an offline kit built on Linux). Returns that Python."""
    python = interpreter if interpreter and Path(interpreter).is_file() and os.access(interpreter, os.X_OK) \
        else sys.executable
    code = "import " + ", ".join(ADDIN_MODULES)
    try:
        done = _run([python, "-I", "-c", code])
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BundleError(f"无法运行 {python}：{exc}") from None
    if done.returncode != 0:
        raise BundleError(f"加载项要用的 Python（{python}）不能导入 perfeval-xl：{_last_line(done.stderr)}"
                          "；请在该 Python 中安装 perfeval-xl 后再生成加载项。")
    return python

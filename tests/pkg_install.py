"""Helpers of the packaging tests: a wheel of this checkout installed into a fresh venv.

The packaging tests (tests/test_pkg_wheel.py, tests/test_pkg_kit.py) build and install, which
takes a minute; they run when PERFEVAL_PACKAGING=1 (.ci/run sets it in its own step).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT

packaging = pytest.mark.skipif(os.environ.get("PERFEVAL_PACKAGING") != "1",
                               reason="packaging test: set PERFEVAL_PACKAGING=1 (.ci/run does)")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: nothing pointing into this checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_REQUIRE", "VIRTUAL_ENV"))}
    env.update(extra)
    return env


def run(argv: list, cwd: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", env=clean_env(), timeout=600, **kw)


def build_wheel(outdir: Path) -> Path:
    """``pip wheel .``: the same build a user's ``pip install .`` makes (isolated, from the sources)."""
    done = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", outdir, ROOT], cwd=outdir)
    assert done.returncode == 0, done.stderr
    (wheel,) = outdir.glob("perfeval_xl-*.whl")
    return wheel


def make_venv(path: Path) -> Path:
    """A fresh venv with pip; returns its bin (Scripts) folder."""
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / ("Scripts" if sys.platform == "win32" else "bin")


def tool(bin_dir: Path, name: str) -> Path:
    return bin_dir / (name + (".exe" if sys.platform == "win32" else ""))


def folder_megabytes(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6

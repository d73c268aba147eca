"""Every data file the package reads at run time is in setup.cfg's package_data (a wheel ships it)."""

import configparser
from fnmatch import fnmatch
from pathlib import Path

from tests.conftest import ROOT


def test_every_data_file_of_the_package_is_declared():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    declared = [(package.replace(".", "/"), pattern.strip())
                for package, patterns in cfg["options.package_data"].items()
                for pattern in patterns.split(",") if pattern.strip()]
    package = ROOT / "perfeval_xl"
    data_files = [f.relative_to(ROOT).as_posix() for f in package.rglob("*")
                  if f.is_file() and f.suffix not in (".py", ".pyc") and "__pycache__" not in f.parts]
    assert data_files, "the package has data files (rules, report templates)"
    missing = [f for f in data_files
               if not any(f.startswith(pkg + "/") and fnmatch(f[len(pkg) + 1:], pat) for pkg, pat in declared)]
    assert missing == []

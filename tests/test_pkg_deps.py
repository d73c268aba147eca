"""install_requires is what the runtime imports; everything else the package imports is an extra."""

import ast
import configparser
import re
import sys
from importlib.metadata import packages_distributions

from tests.conftest import ROOT

# Modules imported only where an extra is installed (each import guarded or in an extra's module).
EXTRA_OF_MODULE = {"pandas": "analysis", "matplotlib": "charts", "dask": "cluster", "distributed": "cluster"}
# `kit` runs pip and reads markers with packaging, else with the copy pip carries (kit.py _packaging)
WITH_PIP = {"pip", "packaging"}


def _requirement_names(block: str) -> set[str]:
    return {re.split(r"[\s\[<>=!~;]", line.strip(), maxsplit=1)[0].lower()
            for line in block.splitlines() if line.strip() and not line.strip().startswith("#")}


def _imported_top_level_modules() -> set[str]:
    found = set()
    for path in (ROOT / "perfeval_xl").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"perfeval_xl", "__future__"}


def test_install_requires_is_exactly_what_the_runtime_imports():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    required = _requirement_names(cfg["options"]["install_requires"])
    extras = {name: _requirement_names(block) for name, block in cfg["options.extras_require"].items()}
    dists = packages_distributions()
    imported = _imported_top_level_modules()
    runtime = {dists[m][0].lower() for m in imported - set(EXTRA_OF_MODULE) - WITH_PIP}
    assert runtime == required
    for module in imported & set(EXTRA_OF_MODULE):
        assert dists[module][0].lower() in extras[EXTRA_OF_MODULE[module]], module
    assert not required & {"pandas", "numpy", "formulas", "scipy"}

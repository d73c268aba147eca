"""The package list lives here only because setup.cfg cannot combine ``find:`` with a mapped folder.

The example district stays in ``examples/`` at the repository root (README, scripts and tests
point there) and is stored once in git; the wheel carries it as ``perfeval_xl/examples`` so the
installed ``perfeval-xl demo`` finds it through importlib.resources (perfeval_xl/resources.py).
Everything else is in setup.cfg.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["perfeval_xl", "perfeval_xl.*"]) + ["perfeval_xl.examples"],
    package_dir={"perfeval_xl.examples": "examples"},
)

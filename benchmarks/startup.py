"""Benchmark: start-up cost of `perfeval-xl validate` on a 5-project workbook, and of `--help`.

    python benchmarks/startup.py [RUNS]

On Windows every button click starts Python again, so start-up is felt. Each command runs in a
fresh interpreter RUNS times (median wall time). Baselines measured in the same run:

* ``python (empty)``: the interpreter alone, the floor;
* ``eager openpyxl``: validate with openpyxl imported first — what the reader's
  ``from openpyxl.utils import get_column_letter`` used to cost;
* ``eager package``: validate after importing every module of perfeval_xl (roll-up, report,
  Excel layer with their libraries) — what a CLI with top-level imports everywhere would cost.

Then the ten costliest imports of `validate` from ``python -X importtime``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import resource
except ImportError:  # Windows
    resource = None

ROOT = Path(__file__).resolve().parent.parent
YANGHU = ROOT / "examples" / "报送" / "岳麓区" / "洋湖街道2022年度项目支出绩效自评表.xlsx"  # 5 project tables

EAGER_PACKAGE = """
import pkgutil, importlib, perfeval_xl
for m in pkgutil.walk_packages(perfeval_xl.__path__, "perfeval_xl."):
    if not m.name.endswith(("__main__", ".examples")):
        try:
            importlib.import_module(m.name)
        except ImportError:
            pass  # an extra that is not installed
"""


def make_workbook(folder: Path) -> Path:
    """The unit workbook (every sheet of the template) holding 洋湖街道's five project tables."""
    export = folder / "洋湖.json"
    book = folder / "五个项目.xlsx"
    with export.open("w", encoding="utf-8") as fh:
        subprocess.run([sys.executable, "-m", "perfeval_xl", "export", str(YANGHU)], stdout=fh, check=True)
    subprocess.run([sys.executable, "-m", "perfeval_xl", "new", "--from-json", str(export), "-o", str(book)],
                   check=True, stdout=subprocess.DEVNULL)
    return book


def _cpu_of_children() -> float:
    if resource is None:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wall(argv: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system; less sensitive to a busy machine)."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu, start = _cpu_of_children(), time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu_of_children() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _validate_after(preamble: str, book: Path) -> list[str]:
    code = f"{preamble}\nimport sys\nfrom perfeval_xl.cli import main\nsys.exit(main(['validate', {str(book)!r}]))"
    return [sys.executable, "-c", code]


def import_costs(book: Path, top: int = 10) -> list[tuple[int, str]]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "perfeval_xl", "validate", str(book)],
                          capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = (p.strip() for p in line[len("import time:"):].split("|"))
            if cumulative.isdigit() and not name.startswith(" "):
                rows.append((int(cumulative), name.strip()))
    top_level = [(us, name) for us, name in rows if "." not in name or name.startswith("perfeval_xl.")]
    return sorted(top_level, reverse=True)[:top]


def main(runs: int = 9) -> None:
    os.environ.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory() as tmp:
        book = make_workbook(Path(tmp))
        cases = [
            ("python (empty)", [sys.executable, "-c", "pass"]),
            ("perfeval-xl --help", [sys.executable, "-m", "perfeval_xl", "--help"]),
            ("validate (as shipped)", [sys.executable, "-m", "perfeval_xl", "validate", str(book)]),
            ("validate, eager openpyxl", _validate_after("import openpyxl", book)),
            ("validate, eager package", _validate_after(EAGER_PACKAGE, book)),
        ]
        _wall(cases[2][1], 2)  # warm the file cache and the .pyc files
        results = {name: _wall(argv, runs) for name, argv in cases}
        shipped = results["validate (as shipped)"][0]
        print(f"median of {runs} runs, each in a fresh interpreter ({sys.platform}, Python {sys.version.split()[0]}, "
              f"load average {os.getloadavg()[0] if hasattr(os, 'getloadavg') else 0:.1f}):")
        print(f"  {'':<26} {'wall':>7}      {'CPU':>7}      wall ratio")
        for name, (wall, cpu) in results.items():
            print(f"  {name:<26} {wall * 1000:7.0f} ms   {cpu * 1000:7.0f} ms   {wall / shipped:5.2f}× validate")
        print("\nvalidate: costliest imports (cumulative, python -X importtime):")
        for us, name in import_costs(book):
            print(f"  {us / 1000:7.1f} ms  {name}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)

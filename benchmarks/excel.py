"""Benchmark: the Excel layer through xlwings' own Office.js dispatch (no Excel).

    python benchmarks/excel.py [--rows 100] [--projects 30] [--no-recalc]

1. PE_SCORE_TABLE on ``--rows`` indicator rows (the seed's indicator rows, repeated) in one call,
   against the naive way measured in the same run: one call per output cell that has a function
   of its own (PE_SCORE and PE_SCORE_EXPLAIN for every row).
2. The 校验 script on a unit workbook with ``--projects`` project sheets (the seeds' projects,
   repeated, written with the template writer; formulas computed with the ``formulas`` package
   unless --no-recalc): ms, and the number of actions (round trips Excel applies in one batch) it
   returns, against the actions of a naive writer (one write per results cell, one colour per
   highlighted cell).

3. The button path's import time (``--imports``; ``--only-imports`` for just this): the ribbon's
   RunPython runs ``import xlwings.utils`` (xlwings' own VBA) and then
   ``import perfeval_xl.excel.buttons``, in a fresh ``python -X importtime`` each time. Our part
   is measured against xlwings' part in the same runs and must stay ≤ 0.5 s.

Numbers are wall-clock on this machine; xlwings 0.37.8 also spends ~0.2 ms per input cell
looking for Pyodide's JsNull on CPython (see ../shared/XLWINGS.md).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import xlwings_harness as h  # noqa: E402  (sets the xlwings environment first)

from perfeval_xl.core.serialize import submission_from_json  # noqa: E402
from perfeval_xl.excel import scripts, udfs  # noqa: E402
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic  # noqa: E402
from perfeval_xl.layout.project import INDICATOR_HEADERS  # noqa: E402
from perfeval_xl.layout.sheets import UNIT_SHEETS  # noqa: E402

SEEDS = sorted((ROOT / "tests" / "data").glob("seed*.json"))
FIELDS = ("level1", "level2", "name", "target", "actual", "points", "score", "deviation_reason", "qualitative_grade")
assert len(FIELDS) == len(INDICATOR_HEADERS)


def _subs():
    return [submission_from_json(p.read_text(encoding="utf-8")) for p in SEEDS]


def indicator_rows(n: int) -> list[list]:
    rows = []
    for sub in _subs():
        for table in sub.projects + ([sub.department] if sub.department else []):
            for ind in table.indicators:
                if not ind.is_placeholder():
                    rows.append([getattr(ind, f) if getattr(ind, f) != "" else None for f in FIELDS])
    return [rows[i % len(rows)] for i in range(n)]


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times) * 1000, statistics.median(times) * 1000


def bench_table(n: int, repeat: int) -> None:
    rows = indicator_rows(n)
    table = lambda: h.call_udf(udfs, "pe_score_table", rows)  # noqa: E731
    result = table()
    assert len(result) == n

    def naive():
        for r in rows:
            args = [[[r[3]]], [[r[4]]], [[r[5]]], [[r[2]]], [[r[8]]]]
            h.call_udf(udfs, "pe_score", *args)
            h.call_udf(udfs, "pe_score_explain", *args)

    one, one_med = _best(table, repeat)
    many, many_med = _best(naive, repeat)
    print(f"PE_SCORE_TABLE, {n} rows: 1 call, best {one:.1f} ms (median {one_med:.1f})")
    print(f"naive, one call per cell: {2 * n} calls, best {many:.1f} ms (median {many_med:.1f}) "
          f"-> {many / one:.1f}x slower (and {2 * n} round trips to Excel instead of 1)")


def workbook_with_projects(n: int, path: Path) -> Path:
    subs = _subs()
    base = next(s for s in subs if s.department and s.basic_data) or subs[0]
    sub = copy.deepcopy(base)
    pool = [p for s in subs for p in s.projects]
    sub.projects = []
    for i in range(n):
        p = copy.deepcopy(pool[i % len(pool)])
        p.name = f"{p.name}（{i + 1}）"
        sub.projects.append(p)
    save_atomic(build_workbook(sub, UNIT_SHEETS), path)
    return path


def bench_validate(projects: int, recalc: bool, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = workbook_with_projects(projects, Path(tmp) / "bench.xlsx")
        t = time.perf_counter()
        computed = h.computed_values(path) if recalc else {}
        prep = time.perf_counter() - t
        payload = h.book_payload(path, computed)
        actions = h.run_script(scripts, "validate", payload)
        best, med = _best(lambda: h.run_script(scripts, "validate", payload), repeat)
        cells = sum(len(r) for a in actions if a["func"] == "setValues" for r in a["values"])
        colours = sum(1 for a in actions if a["func"] == "setRangeColors" for r in a["args"][0] for c in r
                      if c != "keep")
        rows = next(len(a["values"]) for a in actions if a["func"] == "setValues")
        print(f"校验 on a workbook with {projects} project sheets ({len(payload['sheets'])} sheets; formulas "
              f"{'computed in ' + format(prep, '.1f') + ' s' if recalc else 'not computed: the reader recomputes'}):")
        print(f"  best {best:.1f} ms (median {med:.1f}), {len(actions)} actions "
              f"({rows - 3} findings); a naive writer: {cells + colours} actions "
              f"({cells} cell writes + {colours} cell colours)")


BUTTON_IMPORT_BUDGET = 0.5  # seconds: what a ribbon click may spend importing our code


def import_times(repeat: int) -> tuple[float, float, list[tuple[float, str]]]:
    """Best cumulative import time (s) of xlwings and of the button module after it, and the
    heaviest of our own modules, over ``repeat`` fresh interpreters."""
    import subprocess

    best_x, best_ours, heaviest = float("inf"), float("inf"), []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-X", "importtime", "-c",
                               "import xlwings.utils; import perfeval_xl.excel.buttons"],
                              capture_output=True, text=True, cwd=ROOT, check=True)
        rows = []
        for line in done.stderr.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[1].strip().isdigit():
                rows.append((int(parts[1]) / 1e6, parts[2][1:].rstrip()))  # nested modules: indented
        top = {name: t for t, name in rows if not name.startswith(" ")}
        ours = sum(t for name, t in top.items() if name.startswith("perfeval_xl"))
        if ours < best_ours:
            best_ours = ours
            heaviest = sorted(((t, n.strip()) for t, n in rows if "perfeval_xl" in n or "openpyxl" == n.strip()),
                              reverse=True)[:6]
        best_x = min(best_x, top.get("xlwings.utils", 0.0))
    return best_x, best_ours, heaviest


def bench_imports(repeat: int) -> None:
    xlwings_s, ours_s, heaviest = import_times(repeat)
    verdict = "within" if ours_s <= BUTTON_IMPORT_BUDGET else "OVER"
    print(f"button path imports (best of {repeat} fresh interpreters): xlwings {xlwings_s:.3f} s (its own VBA "
          f"imports it), perfeval_xl.excel.buttons after it {ours_s:.3f} s = {ours_s / xlwings_s:.2f}x xlwings; "
          f"{verdict} the {BUTTON_IMPORT_BUDGET} s budget")
    for t, name in heaviest:
        print(f"  {t:.3f} s  {name}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--projects", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-recalc", action="store_true")
    parser.add_argument("--imports", action="store_true", help="also measure the button path's import time")
    parser.add_argument("--only-imports", action="store_true", help="only measure the button path's import time")
    args = parser.parse_args()
    if args.imports or args.only_imports:
        bench_imports(args.repeat)
    if args.only_imports:
        return
    bench_table(args.rows, args.repeat)
    bench_validate(args.projects, not args.no_recalc, args.repeat)


if __name__ == "__main__":
    main()

"""Benchmark: what the archive saves — the roll-up's cost grows with what changed, not with N.

    python benchmarks/archive.py [N] [--changed K] [--jobs J]

Generates N varied unit workbooks (benchmarks/rollup.py's generator), then times, in the same
run and on the same files (after a warm-up run, best of two for each):

  plain     the roll-up without an archive (the baseline: every file read and checked);
  first     the first roll-up with --archive (every file read, then stored);
  unchanged the same roll-up again (no file read: every record comes from the archive);
  changed   again after K files (default 3) were replaced by other content.

It prints seconds per run and each run's ratio to the plain roll-up. Defaults (N=40, jobs=1)
keep it under a minute; the ratios, not the seconds, are the result.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfeval_xl.rollup import rollup  # noqa: E402

_spec = importlib.util.spec_from_file_location("rollup_bench", ROOT / "benchmarks" / "rollup.py")
rollup_bench = importlib.util.module_from_spec(_spec)
sys.modules["rollup_bench"] = rollup_bench  # its generator's workers find it by name
_spec.loader.exec_module(rollup_bench)


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=40)
    parser.add_argument("--changed", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = work / "报送"
        files = rollup_bench.generate(args.n, folder)
        out = work / "区汇总.xlsx"

        def plain() -> None:
            rollup(folder, out, jobs=args.jobs)

        def archived(db: Path) -> None:
            rollup(folder, out, jobs=args.jobs, archive=db)

        plain()  # warm-up: imports and the parser's caches, so that the first timed run is not penalised
        t_plain = min(timed(plain) for _ in range(2))
        firsts = []
        for k in range(2):  # a fresh archive each time: the first run stores everything
            firsts.append(timed(lambda: archived(work / f"first{k}.sqlite")))
        db = work / "first0.sqlite"
        t_unchanged = min(timed(lambda: archived(db)) for _ in range(2))
        bases = rollup_bench._base_workbooks()
        changed_runs = []
        for round_ in range(2):
            for i, path in enumerate(files[: args.changed]):  # other content at the same paths
                _, data = rollup_bench._vary(bases[i % len(bases)], 100_000 + round_ * 1000 + i)
                path.write_bytes(data)
            changed_runs.append(timed(lambda: archived(db)))
        t_changed = min(changed_runs)
        shutil.rmtree(folder)

    print(f"{args.n} workbooks, jobs={args.jobs}, {args.changed} changed")
    rows = [("plain (no archive)", t_plain), ("first run with archive", min(firsts)),
            ("re-run, nothing changed", t_unchanged), (f"re-run, {args.changed} of {args.n} changed", t_changed)]
    for label, seconds in rows:
        print(f"  {label:<28} {seconds:7.2f} s   ×{seconds / t_plain:.2f} of plain")


if __name__ == "__main__":
    main()

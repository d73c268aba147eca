"""10^5 workbooks: time and peak memory of one roll-up on this machine, and what 16 cores would take.

    nice -n 19 python benchmarks/huge.py [N] [--jobs J] [--keep DIR]

Generates N distinct unit workbooks (default 100,000; benchmarks/generate.py, zip-level
templating), then runs ONE roll-up with J worker processes (default: the CPUs available) in a
fresh interpreter and reports its wall time, the parent's and the whole process tree's peak RSS,
and the CPU seconds of the parent and of the workers. It is heavy (tens of minutes of CPU on two
cores): run it rarely, niced.

The 16-core figure is an extrapolation, not a measurement: the workers' CPU seconds divide over 16
processes, but the parent (which files every record as it comes, then writes the workbook) is one
process, so   T(16) ≈ max(parent CPU while reading, workers' CPU / 16) + the writing measured here,
assuming the disk keeps up and the parent's work does not grow per file on a faster machine.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generate import generate  # noqa: E402
from rollup import calamine_floor, mb, measured, timed  # noqa: E402

from perfeval_xl.rollup.engine import available_cpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=100_000)
    parser.add_argument("--jobs", type=int, default=available_cpus())
    parser.add_argument("--keep", help="generate into this folder and keep it")
    parser.add_argument("--floor-sample", type=int, default=5000, metavar="K",
                        help="time bare calamine over K of the files (0: not at all)")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="perfeval-huge-"))
    folder = work / "报送"
    try:
        started = time.perf_counter()
        if not folder.exists():
            folder.mkdir(parents=True)
            generate(args.n, folder)
        size = sum(f.stat().st_size for f in folder.rglob("*.xlsx"))
        print(f"{args.n} workbooks, {size / 2**30:.2f} GB, ready in {time.perf_counter() - started:.0f} s")
        m = measured(folder, work / "区汇总.xlsx", args.jobs, echo=True)
        n = m["files"]
        print(f"roll-up, jobs={args.jobs}: {m['seconds']:.0f} s ({m['seconds'] / n * 1000:.2f} ms/workbook), "
              f"{m['units']} units, exit {m['exit_code']}; 区汇总 {m['output_bytes'] / 2**20:.0f} MB")
        print(f"peak memory: parent RSS {mb(m['parent_rss'])}; process tree PSS {mb(m.get('tree_pss'))} "
              f"(RSS summed {mb(m['tree_rss'])}, counting the pages workers share with the parent once per process); "
              f"largest worker PSS {mb(m.get('worker_pss'))} (RSS {mb(m['worker_rss'])})")
        print(f"CPU: parent {m['parent_cpu']:.0f} s ({m['parent_cpu'] / n * 1000:.2f} ms/workbook), "
              f"workers {m['workers_cpu']:.0f} s ({m['workers_cpu'] / n * 1000:.2f} ms/workbook); "
              f"the memory sampler's {m['sampler_cpu']:.0f} s taken off the parent's")
        if args.floor_sample:
            # the floor for ANY reader on this machine: bare calamine in as many processes, over a
            # sample of the same files, scaled to N (timing all N would take as long again)
            sample = random.Random(0).sample(sorted(folder.rglob("*.xlsx")), min(args.floor_sample, n))
            seconds, _ = timed(calamine_floor, sample, args.jobs)
            floor = seconds / len(sample) * n
            print(f"calamine floor ({args.jobs} proc.), over {len(sample)} of the files, scaled to {n}: ≈ {floor:.0f} s "
                  f"({floor / n * 1000:.2f} ms/workbook); roll-up / floor = {m['seconds'] / floor:.2f}×")
        # While files are read the parent files each record as the workers send it; then it writes the
        # 区汇总 alone. On 16 cores the reading takes the longer of the parent's share and the
        # workers' CPU spread over 16; the writing takes what it took here (one process either way).
        writing = m["seconds"] - m["read_seconds"]
        reading16 = max(m["read_parent_cpu"], m["workers_cpu"] / 16)
        bound = "the parent" if m["read_parent_cpu"] >= m["workers_cpu"] / 16 else "the workers"
        print(f"phases here: reading {m['read_seconds']:.0f} s (parent CPU {m['read_parent_cpu']:.0f} s), "
              f"writing the 区汇总 {writing:.0f} s")
        print(f"extrapolated to 16 cores (jobs=16): ≈ {reading16 + writing:.0f} s = reading {reading16:.0f} s "
              f"(bound by {bound}) + writing {writing:.0f} s (measured here with {args.jobs} cores: {m['seconds']:.0f} s)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark: what the archive saves — the roll-up's cost grows with what changed, not with N.

    python benchmarks/archive.py [N] [--changed K] [--jobs J] [--repeat R]

Generates N distinct unit workbooks (benchmarks/generate.py), then times, in the same run and on
the same files (best of R runs for each, default 2):

  plain     the roll-up without an archive (the baseline: every file read and checked);
  first     the first roll-up with --archive (every file read, then stored; a fresh archive each time);
  unchanged the same roll-up again (no file read: every record comes from the archive);
  changed   again after K files (default 3) were resubmitted: the same units, other figures
            (全年执行数), written over the old files, as a clerk's corrected workbook would be.

It prints seconds per run and each run's ratio to the plain roll-up and to the first archived
run, then the parent's peak RSS of a first archived run and of a re-run, each in a fresh
interpreter (a re-run must not load every reused file's rows at once). Defaults (N=40, jobs=1) keep it under a minute; the ratios, not the seconds, are the result;
the README's figures are from ``python benchmarks/archive.py 2000 --jobs 2``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import WorkbookTemplate, base_workbooks, generate, unit  # noqa: E402

from perfeval_xl.rollup import rollup  # noqa: E402


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


_PEAK = """
import resource, sys
from pathlib import Path
from perfeval_xl.rollup import rollup
rollup(Path(sys.argv[1]), Path(sys.argv[2]), jobs=int(sys.argv[3]), archive=Path(sys.argv[4]), force=True)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def peak_rss(folder: Path, out: Path, jobs: int, db: Path) -> int:
    """The parent's peak RSS (bytes) of one archived roll-up in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", _PEAK, str(folder), str(out), str(jobs), str(db)], check=True,
                          stdout=subprocess.PIPE, text=True, cwd=ROOT)
    return int(done.stdout.split()[-1])


def resubmit(folder: Path, bases: list[bytes], units: range, round_: int) -> None:
    """Units ``units`` send corrected workbooks: the same cover, 全年执行数 scaled, at the same paths."""
    for i in units:
        rel, values, factor = unit(i)
        template = WorkbookTemplate(bases[i % len(bases)])  # as generate() picks it
        for slot, base in template.figures.items():
            values[slot] = f"{round(base * factor * (0.9 - 0.05 * round_), 2):g}"
        path = folder / rel
        assert path.exists(), path
        path.write_bytes(template.render(values))


def incremental(folder: Path, bases: list[bytes], n: int, changed: int, jobs: int, repeat: int,
                out: Path) -> list[tuple[str, float, str]]:
    """(label, best seconds, note) of the plain, first archived, unchanged and changed runs over
    ``folder`` (N generated workbooks; ``changed`` of them are resubmitted, in place)."""
    reused: list[int] = []

    def plain() -> None:
        rollup(folder, out, jobs=jobs)

    def archived(db: Path) -> float:
        started = time.perf_counter()
        result = rollup(folder, out, jobs=jobs, archive=db)
        seconds = time.perf_counter() - started
        reused.append(result.reused)
        return seconds

    work = out.parent
    t_plain = min(timed(plain) for _ in range(repeat))  # the first doubles as the warm-up
    t_first = min(archived(work / f"first{k}.sqlite") for k in range(repeat))
    db = work / "first0.sqlite"
    t_unchanged = min(archived(db) for _ in range(repeat))
    unchanged_reused = reused[-1]
    changed_runs = []
    for round_ in range(repeat):  # other content each round: every round reads K files again
        resubmit(folder, bases, range(changed), round_)
        changed_runs.append(archived(db))
    fresh = work / "fresh.sqlite"
    first_peak, rerun_peak = peak_rss(folder, out, jobs, fresh), peak_rss(folder, out, jobs, fresh)
    return [("plain (no archive)", t_plain, ""),
            ("first run with archive", t_first, f"parent peak RSS {first_peak / 2**20:.0f} MB (fresh interpreter)"),
            ("re-run, nothing changed", t_unchanged,
             f"{unchanged_reused} reused; parent peak RSS {rerun_peak / 2**20:.0f} MB (fresh interpreter)"),
            (f"re-run, {changed} of {n} resubmitted", min(changed_runs), f"{reused[-1]} reused")]


def print_incremental(rows: list[tuple[str, float, str]]) -> None:
    t_plain, t_first = rows[0][1], rows[1][1]
    for label, seconds, note in rows:
        print(f"  {label:<32} {seconds:7.2f} s   ×{seconds / t_plain:.2f} of plain, "
              f"×{seconds / t_first:.2f} of the first archived run  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=40)
    parser.add_argument("--changed", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each kind (best counts)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="perfeval-archive-") as tmp:
        work = Path(tmp)
        folder = work / "报送"
        folder.mkdir()
        bases = base_workbooks()
        generate(args.n, folder, None, bases)
        rows = incremental(folder, bases, args.n, args.changed, args.jobs, args.repeat, work / "区汇总.xlsx")
        shutil.rmtree(folder)
    print(f"{args.n} workbooks, jobs={args.jobs}, {args.changed} resubmitted; best of {args.repeat}")
    print_incremental(rows)


if __name__ == "__main__":
    main()

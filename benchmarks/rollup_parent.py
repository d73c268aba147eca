"""Benchmark: the roll-up's PARENT process alone — what it keeps per file and its CPU per file.

    python benchmarks/rollup_parent.py [N] [--scale S] [--baseline SRC] [--keep DIR] [--jobs J]

At province scale the parent is the bottleneck: the workers divide over the cores, the parent
(which receives every record, checks across submissions, renders the 区汇总 rows and writes the
workbook) does not. This benchmark takes the workers out of the picture:

  1. generate N distinct unit workbooks (benchmarks/generate.py) and read them ONCE with the
     roll-up's worker pool, keeping each file's record as the pickled bytes a worker sends;
  2. replay them, in a fresh interpreter per run, into ``rollup()`` in place of the workers, at N
     and at S·N files (the same records under other paths, unit names and codes: S·N distinct
     units), and measure the parent's CPU seconds, wall time and the growth of its peak RSS
     over the replayed bytes it starts with;
  3. with ``--baseline SRC`` (a source tree of another version, e.g. ``git archive HEAD~3 | tar -x
     -C /tmp/base``), replay the same records into that version too, in the same run, print the
     ratios, and check that both wrote the same 区汇总 (every part of the package but the
     creation time).

Unpickling each record is counted: the parent does it for every record a worker sends; what a
worker would do (copying a record for another unit, rendering its rows where the version's
workers render them, pickling it) is timed apart and left out.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# a replay imports the perfeval-xl of the tree it was given (PERFEVAL_TREE), this one's otherwise
sys.path.insert(0, os.environ.get("PERFEVAL_TREE") or str(HERE.parent))
sys.path.insert(0, str(HERE))


def capture(folder: Path, jobs: int, blobs_path: Path) -> int:
    """Read every workbook with the roll-up's pool once; keep the records as a worker sends them."""
    from perfeval_xl.core.settings import Settings
    from perfeval_xl.rollup.engine import run_local_pool

    paths = sorted(str(p) for p in folder.rglob("*.xlsx"))
    blobs = [pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL)
             for r in run_local_pool(paths, str(folder), Settings.default(), jobs)]
    blobs_path.write_bytes(pickle.dumps(blobs, protocol=pickle.HIGHEST_PROTOCOL))
    return len(blobs)


def _rss_now() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def replay(blobs_path: str, scale: int, folder: str, out: str) -> dict:
    """In a child interpreter (--replay): one roll-up fed from the captured records, measured."""
    import gc

    from perfeval_xl.rollup import engine

    assert Path(engine.__file__).resolve().is_relative_to(Path(sys.path[1]).resolve()), engine.__file__
    blobs = pickle.loads(Path(blobs_path).read_bytes())

    worker_cpu = [0.0]  # what a worker would do (its copy of the record, its rendering): not the parent's

    def records(paths, root, settings, jobs, batch=None, renderer=None, findings=False):
        for copy in range(scale):
            for blob in blobs:
                started = time.process_time()
                record = pickle.loads(blob)
                if copy:  # another unit: its own path, name and code
                    record.path = f"副本{copy:03d}/{record.path}"
                    record.unit = f"{record.unit}{copy:03d}"
                    record.code = f"{record.code}-{copy:03d}" if record.code else ""
                if renderer is not None and record.details is not None:  # a version whose workers render
                    details = record.details
                    record.details = engine.RenderedDetails(renderer.render(record, details),
                                                            details.findings if findings else None)
                sent = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
                worker_cpu[0] += time.process_time() - started
                yield pickle.loads(sent)  # the parent's own unpickling counts

    engine.run_local_pool = records
    gc.collect()
    base_rss = _rss_now()
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    result = engine.rollup(folder, out, jobs=2)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {"files": result.files, "units": result.units, "exit_code": result.exit_code, "seconds": seconds,
            "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime) - worker_cpu[0],
            "peak_growth": max(0, after.ru_maxrss * 1024 - base_rss), "digest": digest(out)}


def digest(path: str) -> str:
    """The 区汇总's parts (the creation time in docProps/core.xml left out)."""
    h = hashlib.sha256()
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if name != "docProps/core.xml":
                h.update(name.encode() + b"\0" + z.read(name))
    return h.hexdigest()[:16]


def replayed(tree: Path, blobs: Path, scale: int, folder: Path, out: Path) -> dict:
    env = {**os.environ, "PERFEVAL_TREE": str(tree)}
    cmd = [sys.executable, str(HERE / "rollup_parent.py"), "--replay", str(blobs), str(scale), str(folder), str(out)]
    done = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, env=env, cwd=str(tree))
    return json.loads(done.stdout.splitlines()[-1])


def _links(source: Path, folder: Path, count: int) -> None:
    """``count`` names for the roll-up to discover (the replay, not these files, supplies the records)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        os.link(source, folder / f"{i:07d}.xlsx")


def line(label: str, m: dict) -> str:
    n = m["files"]
    return (f"  {label:<34} {n:>7} files: parent CPU {m['cpu']:7.2f} s ({m['cpu'] / n * 1000:5.2f} ms/file), "
            f"wall {m['seconds']:6.2f} s, peak RSS growth {m['peak_growth'] / 2**20:6.1f} MB "
            f"({m['peak_growth'] / n / 1024:5.2f} KB/file); 区汇总 {m['digest']}")


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--replay":
        print(json.dumps(replay(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=200)
    parser.add_argument("--scale", type=int, default=10, help="the larger run replays S·N files (default 10)")
    parser.add_argument("--baseline", help="source tree of another perfeval-xl version to compare with")
    parser.add_argument("--keep", help="work in this folder and keep it (captured records are reused)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the one capture read")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="perfeval-parent-"))
    try:
        folder, blobs = work / "报送", work / f"records-{args.n}.pickle"
        if not blobs.exists():
            from generate import generate

            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            generate(args.n, folder)
            started = time.perf_counter()
            count = capture(folder, args.jobs, blobs)
            print(f"{count} workbooks read once by {args.jobs} workers in {time.perf_counter() - started:.1f} s "
                  f"({blobs.stat().st_size / count / 1024:.1f} KB pickled per record)")
        sizes = {}
        for scale in (1, args.scale):
            names = work / f"names-{args.n * scale}"
            if not names.exists():
                _links(next(folder.rglob("*.xlsx")), names, args.n * scale)
            sizes[scale] = names
        trees = [("this version", HERE.parent)] + ([("baseline", Path(args.baseline).resolve())] if args.baseline else [])
        results: dict[tuple[str, int], dict] = {}
        print("parent replay (fresh interpreter per run):")
        # interleaved: this version and the baseline back to back at each size (a shared machine drifts)
        for scale, names in sizes.items():
            for label, tree in trees:
                m = replayed(tree, blobs, scale, names, work / f"out-{label[:4]}-{scale}.xlsx")
                results[label, scale] = m
                print(line(f"{label}, {'N' if scale == 1 else f'{scale}·N'}", m))
        for label, _ in trees:
            small, big = results[label, 1], results[label, args.scale]
            grow = (big["peak_growth"] - small["peak_growth"]) / (big["files"] - small["files"])
            print(f"  {label}: kept per extra file {grow / 1024:.2f} KB; CPU per file {args.scale}·N / N "
                  f"{(big['cpu'] / big['files']) / (small['cpu'] / small['files']):.2f}×")
        if args.baseline:
            for scale in sizes:
                new, old = results["this version", scale], results["baseline", scale]
                print(f"  ratio this/baseline at {'N' if scale == 1 else f'{scale}·N'}: parent CPU "
                      f"{new['cpu'] / old['cpu']:.2f}×, peak RSS growth {new['peak_growth'] / max(old['peak_growth'], 1):.2f}×, "
                      f"same 区汇总: {'yes' if new['digest'] == old['digest'] else 'NO'}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

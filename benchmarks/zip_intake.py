"""Benchmark: rolling up submissions that arrive in a .zip against the same files in a folder.

    python benchmarks/zip_intake.py [N] [--repeat R]

Generates N unit workbooks (benchmarks/rollup.py's generator, default 60), zips them into one
archive (deflate, as a chat client or mail program does), and times in the same run, R times
interleaved (best run counts), ``rollup`` with jobs=1 over

  folder   the N files on disk;
  zip      a folder holding only the archive (each member inflated in memory by a worker).

It prints ms per workbook for each and the ratio zip/folder: the cost of reading from the
archive (listing its directory, inflating each member) on top of the roll-up itself.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rollup import generate  # noqa: E402  (benchmarks/rollup.py)

from perfeval_xl.rollup import rollup as roll_up  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="perfeval-zipbench-"))
    try:
        folder = work / "folder"
        files = generate(args.n, folder)
        zipped = work / "zipped"
        zipped.mkdir()
        with zipfile.ZipFile(zipped / "报送.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                archive.write(path, path.relative_to(folder).as_posix())
        best = {"folder": float("inf"), "zip": float("inf")}
        for _ in range(args.repeat):
            for label, source in (("folder", folder), ("zip", zipped)):
                started = time.perf_counter()
                result = roll_up(source, work / f"{label}.xlsx", jobs=1, force=True)
                best[label] = min(best[label], time.perf_counter() - started)
                assert result.files == args.n and not result.unreadable, (label, result.unreadable[:3])
        per = {k: v / args.n * 1000 for k, v in best.items()}
        print(f"N = {args.n}, jobs = 1, best of {args.repeat}")
        print(f"folder: {per['folder']:.2f} ms/workbook")
        print(f"zip:    {per['zip']:.2f} ms/workbook  ({best['zip'] / best['folder']:.2f}× the folder)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark: what the sandbox and the round-two guard cost, and the worst-case memory (issue #14).

    python benchmarks/hostile.py [--files N] [--repeat R] [--skip-memory]

Measured in one run, on copies of the example district's workbooks (examples/报送):

  single   read_submission() of one workbook, best of R, with the sandbox (a forked child with
           RLIMIT_AS and a timer per parse) and without (parsed in this process): ms and ratio;
  rollup   the roll-up of N workbooks with jobs=1 (one sandbox child per file) and with jobs=2
           (workers confined once, reused for every file), each against the same run with the
           sandbox switched off: ratios;
  memory   peak resident memory of a whole `perfeval-xl validate` process tree (the command and
           its sandbox child: getrusage of the children) on the worst files we can build —
           a forged far cell that the guard refuses, and the same file with the guard switched
           off so that calamine really tries to allocate ~512 GB and the sandbox stops it at
           [limits] memory_mb (1 GB by default) — next to a normal workbook.

No thresholds: it prints numbers and ratios measured against a baseline of the same run.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfeval_xl.core.settings import Settings  # noqa: E402
from perfeval_xl.io import guard, sandbox  # noqa: E402
from perfeval_xl.io.read import read_submission  # noqa: E402
from perfeval_xl.rollup import rollup  # noqa: E402

EXAMPLES = ROOT / "examples" / "报送"
UNGUARDED = """
import sys
from perfeval_xl.io import guard
guard._fit_sheet = lambda sheet, text, limits: text  # the cell-area check switched off: calamine gets the far cell
from perfeval_xl.cli import main
sys.exit(main(sys.argv[1:]))
"""


class unsandboxed:
    """The parse in this process, as before issue #14 (for the baseline only)."""

    def __enter__(self):
        self.saved = sandbox._CONFINED
        sandbox._CONFINED = True

    def __exit__(self, *exc):
        sandbox._CONFINED = self.saved


def readable_examples() -> list[Path]:
    found = []
    for path in sorted(EXAMPLES.rglob("*.xlsx")):
        try:
            read_submission(path)
            found.append(path)
        except Exception:
            continue
    return found


def best(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def single(paths: list[Path], repeat: int) -> None:
    def read_all():
        for p in paths:
            read_submission(p)

    with_box = best(read_all, repeat)
    with unsandboxed():
        without = best(read_all, repeat)
    n = len(paths)
    print(f"single file  sandbox {with_box / n * 1000:7.1f} ms   in-process {without / n * 1000:7.1f} ms   "
          f"ratio {with_box / without:.2f}")


def rollups(paths: list[Path], files: int, repeat: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="perfeval-hostile-bench-"))
    try:
        inbox = work / "报送"
        inbox.mkdir()
        for i in range(files):
            shutil.copyfile(paths[i % len(paths)], inbox / f"{i:04d}_{paths[i % len(paths)].name}")
        for jobs in (1, 2):
            def run():
                rollup(inbox, work / "区汇总.xlsx", jobs=jobs, settings=Settings.default())

            with_box = best(run, repeat)
            with unsandboxed():
                without = best(run, repeat)
            print(f"rollup N={files} jobs={jobs}  sandbox {with_box / files * 1000:7.1f} ms/file   "
                  f"unconfined {without / files * 1000:7.1f} ms/file   ratio {with_box / without:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def forged_far_cell(good: bytes) -> bytes:
    """The cover sheet with one cell at XFD1048576 in the first row, in lower case and single quotes."""
    src = zipfile.ZipFile(io.BytesIO(good))
    _, parts = guard._sheets(src.read("xl/workbook.xml"), src.read("xl/_rels/workbook.xml.rels"))
    part = next(p for p, owners in parts.items() if owners[0].name == "封面")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == part:
                body = body.replace(b"</row>", b"<c r='xfd1048576'><v>1</v></c></row>", 1)
            dst.writestr(item.filename, body)
    return out.getvalue()


def peak_of(argv: list[str]) -> tuple[int, float]:
    """Exit code and peak resident MB of the largest process of the command's tree."""
    probe = ("import resource, subprocess, sys\n"
             "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
             "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, cwd=ROOT)
    code, kb = done.stdout.split()
    return int(code), int(kb) / 1024


def memory(paths: list[Path]) -> None:
    work = Path(tempfile.mkdtemp(prefix="perfeval-hostile-mem-"))
    try:
        good = work / "正常.xlsx"
        shutil.copyfile(paths[0], good)
        forged = work / "远处单元格.xlsx"
        forged.write_bytes(forged_far_cell(good.read_bytes()))
        cases = [
            ("normal workbook", [sys.executable, "-m", "perfeval_xl", "validate", str(good)]),
            ("forged far cell (guard refuses)", [sys.executable, "-m", "perfeval_xl", "validate", str(forged)]),
            ("forged far cell, guard off (sandbox stops calamine)",
             [sys.executable, "-c", UNGUARDED, "validate", str(forged)]),
        ]
        for label, argv in cases:
            started = time.perf_counter()
            code, mb = peak_of(argv)
            print(f"memory  {label:<52} exit {code}  peak {mb:7.0f} MB  {time.perf_counter() - started:5.1f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=40, help="workbooks in the roll-up (default 40)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement, best counts (default 3)")
    parser.add_argument("--skip-memory", action="store_true", help="leave out the worst-case memory runs")
    args = parser.parse_args()
    if not sandbox.available():
        print("no address-space limits on this platform: the sandbox only isolates crashes here")
    paths = readable_examples()
    print(f"{len(paths)} example workbooks; {args.repeat} runs each, best counts")
    single(paths, args.repeat)
    rollups(paths, args.files, args.repeat)
    if not args.skip_memory:
        memory(paths)


if __name__ == "__main__":
    main()

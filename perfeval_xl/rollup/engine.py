"""Run the roll-up: find the files, process them in workers, check across them, write the results."""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import math
import multiprocessing
import os
import pickle
import signal
import struct
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from .. import __version__, exitcodes
from ..core.findings import Finding, Severity
from ..core.scoring import grade_of
from ..core.settings import Settings
from ..io import xlsx_read  # noqa: F401  (imported before the workers fork, not once in each)
from ..io import sandbox
from ..io.guard import Limits
from ..io.xlsx_write import save_atomic, umask_mode
from ..layout.workbook import TEMPLATE_VERSION
from .discover import discover_paths, is_one_of, real_paths, same_file, unsafe_reason
from .errors import RollupError
from .extract import own_output_title, process_batch, process_file
from .progress import announce
from .roster import Roster, RosterEntry, roster_entries, status_counts, unit_status
from .compare import Comparison, compare, comparison_json, run_files
from .record import IGNORED, OK, UNREADABLE, Details, FileRecord, FindingRow, RenderedDetails, Shared, UnitRow
from .report_json import FileReports, Rows, write_report
from .feedback import FEEDBACK_TITLE, feedback_name, write_feedback
from . import zipintake
from ..excel.annotate import ANNOTATED_TITLE
from .rules import cross_check, duplicate_groups, rollup_rules
from .sheets import ROLLUP_TITLE, DetailRenderer, RollupData, RollupWriter
from .staging import Staging, clean_leftovers, temp_prefix
from .stats import district_stats


# Files per task: the local pool balances better with small batches; Dask's per-task overhead
# (~2 ms against ~5–20 ms a file) wants 20–50 files per task.
LOCAL_BATCH = 2
DASK_BATCH = 32

Progress = Callable[[int, int, str], None]
REPORT_FORMAT = "perfeval-xl/rollup-report"
# 2: ``files`` holds each file's own report (as ``validate --format json``), the roll-up's view of
# each file moved to ``submissions`` and its X5xx findings to ``cross_findings``
REPORT_VERSION = 2


@dataclass
class RollupResult:
    exit_code: int
    output: Path | None  # None when nothing was written (NOTHING_TO_DO)
    files: int  # candidate files found
    read: int  # files read and rolled up or superseded
    units: int  # units in 汇总
    errors: int  # 错误 over the units in 汇总
    warnings: int
    unreadable: list[tuple[str, str]]  # (file, reason)
    superseded: dict[str, str]  # file → the newer file of the same unit and year
    ignored: list[str] = field(default_factory=list)  # roll-up/feedback workbooks of this tool found in the folder
    feedback_files: list[Path] = field(default_factory=list)
    annotated_files: list[Path] = field(default_factory=list)  # 标注副本 beside the 退回意见
    json_report: Path | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    report: dict[str, Any] = field(default_factory=dict)  # the JSON report (also when none is written)
    roster: list[RosterEntry] | None = None  # 报送情况, when a roster was given
    archive: Path | None = None  # the archive the run was recorded in
    reused: int = 0  # files whose record came from the archive (not read again)

    def summary_zh(self) -> str:
        if self.exit_code == exitcodes.NOTHING_TO_DO:
            return "没有可汇总的报送：文件夹中没有找到 .xlsx / .xlsm 自评工作簿。"
        parts = [f"汇总 {self.units} 个单位（共 {self.files} 个文件"]
        if self.unreadable:
            parts.append(f"，未能读取 {len(self.unreadable)} 个")
        if self.superseded:
            parts.append(f"，重复报送未计入 {len(self.superseded)} 个")
        parts.append(f"）；错误 {self.errors} 个，提示 {self.warnings} 个。")
        if self.output is not None:
            parts.append(f"已写入 {self.output}")
        if self.feedback_files:
            parts.append(f"；退回意见 {len(self.feedback_files)} 份")
        if self.archive is not None:
            parts.append(f"。已记入档案 {self.archive}（{self.reused} 个文件未改动，未重读）")
        if self.roster is not None:
            counts = status_counts(self.roster)
            parts.append("。名单：" + "，".join(f"{s} {n}" for s, n in counts.items() if n))
        return "".join(parts)


# ---------------------------------------------------------------- executors


def available_cpus() -> int:
    """CPUs this process may use (a container or ``taskset`` may allow fewer than os.cpu_count())."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _failed(path: str, root: str, reason: str, follow: bool = True) -> FileRecord:
    """The record of a file not read; ``follow=False`` for one never to be looked through (a link
    out of the folder, a FIFO): its own entry's size and time, never its target's."""
    p = Path(path)
    try:
        rel = p.relative_to(root).as_posix()
    except ValueError:
        rel = str(p)
    try:
        info = p.stat() if follow else p.lstat()
        size, mtime = (info.st_size, info.st_mtime_ns) if follow else (None, info.st_mtime_ns)
    except OSError:
        size, mtime = None, 0
    return FileRecord(path=rel, name=p.name, size=size, mtime_ns=mtime, status=UNREADABLE, reason=f"{p.name}：{reason}")


_WORKER: dict[str, Any] = {}


def _init_worker(root: str, settings: Settings, renderer: DetailRenderer | None = None,
                 findings: bool = False) -> None:
    """A worker is the sandbox of the files it reads (sandbox.py): bounded address space, dies
    with the parent, leaves Ctrl-C to the parent. With ``renderer`` it also renders its files'
    区汇总 detail rows (and keeps their finding rows with ``findings``): see ``_rendered``."""
    # A forked worker shares the parent's heap until a page is written; the collector writes to
    # every object it scans, so without this each worker soon holds a private copy of the parent's
    # heap (tens of MB). The inherited objects are the parent's, never this worker's garbage.
    gc.freeze()
    _WORKER["root"], _WORKER["settings"] = root, settings
    _WORKER["renderer"], _WORKER["findings"] = renderer, findings
    _WORKER["seconds"] = Limits.from_settings(settings).parse_seconds
    if not _HAS_ITIMER and not sandbox.confined():
        # started before the address-space limit: a thread's stack could not be mapped under it
        # (a sandbox child is timed by its parent instead)
        _WORKER["watchdog"] = _Watchdog()
        _WORKER["watchdog"].start()
    sandbox.confine(Limits.from_settings(settings).memory_mb)


def _work(paths: list[str]) -> list[FileRecord]:
    """Each file within its time limit: past it the worker ends (``_time_limit``), and the parent
    retries the batch's files one by one in the sandbox, which names the culprit."""
    results: list[FileRecord] = []
    for path in paths:
        with _time_limit(max(_WORKER["seconds"], 0.001)):
            results += process_batch([path], _WORKER["root"], _WORKER["settings"])
    return _rendered(results) if _WORKER.get("renderer") is not None else results


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Ends this worker process when the block runs past ``seconds``: by SIGALRM's default action
    where there is ``setitimer`` (it kills even inside native code), else (Windows) by the worker's
    watchdog thread, which acts as soon as the reader lets go of the interpreter."""
    if _HAS_ITIMER:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return
    watchdog = _WORKER.get("watchdog")
    if watchdog is None:  # a sandbox child: its parent keeps the time
        yield
        return
    watchdog.arm(seconds)
    try:
        yield
    finally:
        watchdog.arm(None)


class _Watchdog(threading.Thread):
    """One thread for the worker's life that ends the process once an armed deadline passes
    (no thread started per file: starting one costs, and may fail under the memory limit)."""

    def __init__(self) -> None:
        super().__init__(name="perfeval-watchdog", daemon=True)
        self.deadline: float | None = None
        self.changed = threading.Condition()

    def arm(self, seconds: float | None) -> None:
        with self.changed:
            self.deadline = None if seconds is None else time.monotonic() + seconds
            self.changed.notify()

    def run(self) -> None:
        with self.changed:
            while True:
                if self.deadline is None:
                    self.changed.wait()
                    continue
                left = self.deadline - time.monotonic()
                if left <= 0:
                    os._exit(70)
                self.changed.wait(left)


_HAS_ITIMER = hasattr(signal, "setitimer")
# How the pool starts its workers: None is the platform's default (fork on Linux, spawn on Windows
# and macOS); the tests set "spawn" to run the pool on Linux as it runs on Windows.
POOL_START_METHOD: str | None = None


def _rendered(records: list[FileRecord]) -> list[FileRecord]:
    """Each record's detail rows rendered here, in the worker, with the parent's renderer: the
    parent, one process for all the files, then only numbers and writes them (and the rendered
    rows cross the pipe as a few long strings, not hundreds of value tuples; the file's report as
    its pickle, which the parent files as it is)."""
    renderer, findings = _WORKER["renderer"], _WORKER["findings"]
    for record in records:
        if isinstance(record.details, Details):
            details = record.details
            record.details = RenderedDetails(renderer.render(record, details), details.findings if findings else None,
                                             pickle.dumps(details.report, protocol=pickle.HIGHEST_PROTOCOL))
    return records


def run_in_process(paths: list[str], root: str, settings: Settings) -> Iterator[FileRecord]:
    for p in paths:
        yield process_file(p, root, settings)


def run_local_pool(paths: list[str], root: str, settings: Settings, jobs: int,
                   batch: int = LOCAL_BATCH, renderer: DetailRenderer | None = None,
                   findings: bool = False) -> Iterator[FileRecord]:
    """Worker processes, a bounded number of tasks in flight (memory stays flat), results as they come.

    If a worker dies (a file that crashes or exhausts the reader), the files that were in flight
    are retried one by one in a fresh single-worker pool, so only the culprit is reported.
    ``renderer``/``findings``: the workers render the detail rows (``_init_worker``).
    """
    todo = deque(_chunks(paths, batch))
    del paths  # each path is let go once its file is read (~0.2 KB a file for the rest of the run)
    while todo:
        suspects = yield from _pool_pass(todo, root, settings, jobs, renderer, findings)
        for path in suspects:
            yield _isolated(path, root, settings)


def _pool_pass(todo: deque, root: str, settings: Settings, jobs: int, renderer: DetailRenderer | None = None,
               findings: bool = False):
    window = max(2, jobs * 4)
    pending: dict[Any, list[str]] = {}
    with _pool(jobs, root, settings, renderer, findings) as pool:
        try:
            while todo or pending:
                while todo and len(pending) < window:
                    chunk = todo.popleft()
                    pending[pool.submit(_work, chunk)] = chunk
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    chunk = pending.pop(fut)
                    try:
                        results = fut.result()
                    except BrokenProcessPool:
                        pending[fut] = chunk
                        raise
                    except Exception as exc:  # e.g. a result that cannot be pickled
                        results = [_failed(p, root, f"处理时出错（{type(exc).__name__}: {exc}）") for p in chunk]
                    yield from results
        except BrokenProcessPool:
            return [p for chunk in pending.values() for p in chunk]
    return []


def _work_alone(path: str, root: str, settings: Settings) -> FileRecord:
    _init_worker(root, settings)
    return _work([path])[0]


class _pool:
    """A ProcessPoolExecutor whose workers are killed, not awaited, when the run is interrupted
    (Ctrl-C, SIGTERM) or fails: none is left reading a file after the parent stops."""

    def __init__(self, jobs: int, root: str, settings: Settings, renderer: DetailRenderer | None = None,
                 findings: bool = False) -> None:
        context = multiprocessing.get_context(POOL_START_METHOD) if POOL_START_METHOD else None
        self.executor = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, mp_context=context,
                                            initargs=(root, settings, renderer, findings))
        # Nor does this process's collector write to the objects its forked workers share with it
        # (the workers freeze theirs: _init_worker; they are forked at the first task, after this).
        # The objects rejoin the collected ones when the pool ends (__exit__).
        gc.freeze()

    def __enter__(self) -> ProcessPoolExecutor:
        return self.executor

    def __exit__(self, kind, exc, tb) -> None:
        try:
            if kind is None or kind is BrokenProcessPool:
                self.executor.shutdown(wait=True)
                return
            for process in list((getattr(self.executor, "_processes", None) or {}).values()):
                if process.is_alive():
                    process.kill()
            self.executor.shutdown(wait=False, cancel_futures=True)
        finally:
            gc.unfreeze()


def _isolated(path: str, root: str, settings: Settings) -> FileRecord:
    """One suspect file in a fresh sandbox child, which says why it died (memory, time, crash)."""
    limits = Limits.from_settings(settings)
    try:
        return sandbox.run(_work_alone, (path, root, settings), memory_mb=limits.memory_mb,
                           seconds=limits.parse_seconds)
    except sandbox.ChildDied as exc:
        return _failed(path, root, str(exc))
    except Exception as exc:
        return _failed(path, root, f"处理时出错（{type(exc).__name__}: {exc}）")


# A cluster with no worker for this long fails the run as a whole: a worker restarted by its nanny
# or by the province's service manager is back within seconds, while a cluster that lost every
# worker would otherwise wait for ever.
DASK_NO_WORKER_SECONDS = 60.0
DASK_POLL_SECONDS = 0.02  # how often the client looks for finished tasks while none is ready
DASK_CHECK_SECONDS = 1.0  # how often it asks the scheduler whether any worker is left
DASK_RESUBMITS = 3  # a batch whose result is lost (its worker died after finishing it) is sent again


def _dask_batch(paths: list[str], root: str, settings: Settings, version: str) -> list[dict[str, Any]]:
    """One Dask task. Settings travel with every task (~2 KB pickled), so a task retried on another
    worker, or on a worker that joined late, has all it needs; the client's version travels too,
    because a worker with another perfeval-xl could read the same cell with other rules."""
    if version != __version__:
        raise RollupError(f"工作节点的 perfeval-xl 版本为 {__version__}，与发起汇总的本机（{version}）不同")
    return process_batch(paths, root, settings)


def _dask_worker_check(root: str) -> tuple[str, bool]:
    """Run on every worker before the tasks: its perfeval-xl version and whether it sees the folder."""
    return __version__, os.path.isdir(root)


def run_dask(paths: list[str], root: str, settings: Settings, scheduler: Any,
             batch: int = DASK_BATCH) -> Iterator[FileRecord]:
    """Batches of files per Dask task on a ``dask.distributed`` cluster (address or Client).

    The workers must have the same perfeval-xl installed and see the files under the same absolute
    paths (shared storage). Paths are made absolute here, before they leave the client (a worker's
    working folder is not ours). A task whose worker dies is run again on another worker by Dask
    (up to ``distributed.scheduler.allowed-failures`` times); a batch that keeps killing workers is
    split so that only the file that does it is reported unreadable. If no worker is left for
    ``DASK_NO_WORKER_SECONDS``, or a task fails for another reason (another version, a broken
    worker), the run stops with RollupError: nothing is written rather than a partial 区汇总.
    Results stream back as tasks finish and are released at once.
    """
    try:
        from dask.distributed import Client, as_completed
        from distributed.scheduler import KilledWorker
    except ImportError:
        raise RollupError("使用 --scheduler 需要安装 Dask：pip install \"perfeval-xl[cluster]\"") from None
    root = os.path.abspath(root)
    paths = [os.path.abspath(p) for p in paths]
    own = not hasattr(scheduler, "submit")
    try:
        client = Client(scheduler) if own else scheduler
    except Exception as exc:
        raise RollupError(f"无法连接 Dask 调度器 {scheduler}：{type(exc).__name__}: {exc}") from None
    try:
        _dask_preflight(client, root)
        chunk_of: dict[str, tuple[list[str], int]] = {}  # task → its files, and how often it was sent
        finished = as_completed()

        def submit(chunks: list[list[str]], sent: int = 1) -> None:
            futures = client.map(_dask_batch, chunks, root=root, settings=settings, version=__version__, pure=False)
            for fut, chunk in zip(futures, chunks):
                chunk_of[fut.key] = (chunk, sent)
                finished.add(fut)

        submit(_chunks(paths, batch))
        done, total = 0, len(paths)
        checked, workerless_since = time.monotonic(), None
        while not finished.is_empty():
            if not finished.has_ready():
                now = time.monotonic()
                if now - checked >= DASK_CHECK_SECONDS:
                    checked = now
                    if _dask_workers(client):
                        workerless_since = None
                    elif workerless_since is None:
                        workerless_since = now
                    elif now - workerless_since >= DASK_NO_WORKER_SECONDS:
                        raise RollupError(
                            f"Dask 集群已没有可用的工作进程（{DASK_NO_WORKER_SECONDS:.0f} 秒内没有工作节点连接调度器），"
                            f"汇总已中止，未写出区汇总（已处理 {done}/{total} 个文件）。"
                            "请检查各工作节点（dask worker）是否在运行后重新汇总。")
                time.sleep(DASK_POLL_SECONDS)
                continue
            for fut in finished.next_batch(block=False):
                chunk, sent = chunk_of.pop(fut.key)
                results, error = _dask_outcome(fut)
                fut.release()
                if results is not None:
                    done += len(results)
                    yield from results
                elif error is None and sent <= DASK_RESUBMITS:
                    submit([chunk], sent + 1)  # lost with its worker: the watch above ends a cluster that is gone
                elif isinstance(error, KilledWorker) and len(chunk) > 1:
                    submit([[p] for p in chunk])  # one file of the batch kills workers: find which
                elif isinstance(error, KilledWorker):
                    done += 1
                    yield _failed(chunk[0], root, "读取该文件时工作进程多次意外退出（文件可能已损坏或过大）")
                else:
                    error = error or RuntimeError(f"任务结果丢失 {sent} 次")
                    raise RollupError(
                        f"Dask 集群任务失败（{type(error).__name__}: {error}），汇总已中止，未写出区汇总。"
                        f"请确认各工作节点安装了与本机相同版本的 perfeval-xl（{__version__}），"
                        "并能以相同的绝对路径访问报送文件夹。")
    finally:
        if own:
            client.close()


def _dask_preflight(client: Any, root: str) -> None:
    """Refuse at once when a connected worker runs another version or cannot see the folder."""
    try:
        answers = client.run(_dask_worker_check, root, on_error="return")
    except Exception:  # a worker leaving just now: the tasks' own checks still apply
        return
    for address, answer in sorted(answers.items()):
        if not isinstance(answer, tuple):
            continue
        version, sees_folder = answer
        if version != __version__:
            raise RollupError(f"Dask 工作节点 {address} 的 perfeval-xl 版本为 {version}，与本机的 {__version__} 不同；"
                              "请在各节点安装相同版本后重新汇总。")
        if not sees_folder:
            raise RollupError(f"Dask 工作节点 {address} 上找不到文件夹 {root}；各节点须以相同的绝对路径访问报送文件夹"
                              "（共享存储，如 NFS 或 SMB 挂载到同一路径）。")


def _dask_workers(client: Any) -> int:
    try:
        return len(client.scheduler_info().get("workers", {}))
    except Exception:  # the scheduler itself is unreachable: no worker either
        return 0


def _dask_outcome(fut: Any) -> tuple[list[dict[str, Any]] | None, BaseException | None]:
    """(results, None) for a finished task; (None, the error) for a task that raised; (None, None)
    when the result is gone (status "lost" or "cancelled": its worker died, or the scheduler
    restarted), which the caller sends again. The timeouts only bound a wait on a vanished cluster."""
    if fut.status == "error":
        try:
            return None, fut.exception(timeout=DASK_CHECK_SECONDS * 10)
        except Exception as exc:
            return None, exc
    if fut.status == "finished":
        try:
            return fut.result(timeout=DASK_NO_WORKER_SECONDS), None
        except Exception:  # lost between "finished" and the transfer
            return None, None
    return None, None


# ---------------------------------------------------------------- spill


class _Spill:
    """Each file's rendered 区汇总 rows on disk until the workbook is written (memory stays flat),
    and, apart, its finding rows when 退回意见 are written, so each reader loads only what it uses.

    The rendered rows are UTF-8 blocks, one per detail sheet, written and read back as they are
    (no pickling); the index keeps each file's offsets packed in one bytes object (~90 B, where a
    tuple of ints costs ~250 B: 25 MB at 10^5 files). Each file's own report goes to
    ``reports`` (the JSON report's ``files``, on disk as well)."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(prefix="perfeval-rollup-")
        self.index: dict[str, bytes] = {}
        self.reports = FileReports()  # outlives the spill: the result's report reads it

    def put(self, path: str, rendered: tuple[bytes, ...] | None, findings: list | None = None,
            report: dict | bytes | None = None) -> None:
        self.file.seek(0, os.SEEK_END)
        at = self.file.tell()
        blocks = rendered or ()
        for block in blocks:
            self.file.write(block)
        ends = tuple(itertools.accumulate((len(b) for b in blocks), initial=at))
        if findings:
            pickle.dump(findings, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.index[path] = _pack(*ends, len(blocks), bool(findings))
        if report is not None:
            self.reports.add(path, report)

    def rendered(self, path: str) -> tuple[bytes, ...] | None:
        entry = _unpack(self.index.get(path))
        if entry is None or not entry[-2]:
            return None
        ends = entry[:-2]
        self.file.seek(ends[0])
        data = self.file.read(ends[-1] - ends[0])
        return tuple(data[a - ends[0]:b - ends[0]] for a, b in zip(ends, ends[1:]))

    def findings(self, path: str) -> list:
        entry = _unpack(self.index.get(path))
        if entry is None or not entry[-1]:
            return []
        self.file.seek(entry[-3])
        return pickle.load(self.file)

    def close(self) -> None:
        self.file.close()


def _pack(*numbers: int) -> bytes:
    return struct.pack(f"<{len(numbers)}q", *numbers)


def _unpack(entry: bytes | None) -> tuple[int, ...] | None:
    return None if entry is None else struct.unpack(f"<{len(entry) // 8}q", entry)


def _with_details(store: Any, reused: deque) -> Iterator[FileRecord]:
    """Each record the archive gave (None: a file to read), with its detail rows read from the
    archive when its turn comes, and let go once it is filed."""
    while reused:
        record = reused.popleft()
        if record is not None:
            record.details = store.details_of(record)
            yield record


class _Held:
    """The run's records while its files are read, on disk (pickled, in a temporary file): the
    workers forked from this process share its pages while they read, so whatever it holds then
    counts twice, and 10^5 records are ~110 MB even with their recurring values shared. They come
    back, their recurring values shared, once the workers are gone."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(prefix="perfeval-records-")
        self.count = 0

    def append(self, record: FileRecord) -> None:
        pickle.dump(record, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def records(self) -> list[FileRecord]:
        """The records, sorted by path; the file is closed."""
        shared = Shared()  # what recurs from record to record is kept once (parent memory per file)
        with self.file:
            self.file.seek(0)
            records = [shared.record(pickle.load(self.file)) for _ in range(self.count)]
        records.sort(key=lambda r: r.path)
        return records

    def close(self) -> None:
        self.file.close()


# ---------------------------------------------------------------- the run


def rollup(folder: str | Path, output: str | Path, *, jobs: int | None = None, json_report: str | Path | None = None,
           feedback_dir: str | Path | None = None, settings: Settings | None = None,
           progress: Progress | None = None, scheduler: Any = None, batch_size: int | None = None,
           force: bool = False, roster: Roster | None = None, archive: str | Path | None = None) -> RollupResult:
    """Roll up every submission under ``folder`` into the 区汇总 workbook ``output``.

    See the package docstring (``perfeval_xl.rollup``) for what is written and the exit codes.
    ``jobs``: worker processes (default: the CPUs available to this process; a single file is read in this process).
    ``scheduler``: a ``dask.distributed`` scheduler address or Client (optional extra
    ``perfeval-xl[cluster]``); ``batch_size``: files per task.
    ``progress(done, total, path)`` is called after each file.
    An existing output, report or feedback file that this tool did not write is only replaced with
    ``force=True``; an input is never replaced.
    ``roster``: the units that must report (``roster.read_roster``); adds the 报送情况 sheet, the
    counts per status on 统计 and ``roster`` in the JSON report.
    ``archive``: an SQLite file (``perfeval_xl.archive``) that records the run; files archived
    under the same rules are not read again; 汇总 compares each unit with its previous year and
    a resubmission with its previous version.
    Raises RollupError (Chinese message) when the folder or the output cannot be used.
    """
    started = time.perf_counter()
    settings = settings or Settings.default()
    folder, output = Path(folder), Path(output)
    json_path = Path(json_report) if json_report is not None else None
    fb_dir = Path(feedback_dir) if feedback_dir is not None else None
    _check_paths(folder, output, json_path, fb_dir)
    clean_leftovers([output.parent, json_path.parent if json_path is not None else None, fb_dir])
    candidates = discover_paths(folder, exclude=[fb_dir] if fb_dir is not None else [])
    paths = _guard_inputs(candidates, output, json_path)
    if not force:
        _refuse_foreign(output, json_path)
    root = str(folder)
    # what 退回意见 and 标注副本 must never be written over (looked up per file written: a set)
    inputs = real_paths(paths) if fb_dir is not None else frozenset()
    refused = {p: reason for p in paths if (reason := unsafe_reason(p, folder)) is not None}
    paths = [p for p in paths if p not in refused]
    empty = RollupResult(exitcodes.NOTHING_TO_DO, None, 0, 0, 0, 0, 0, [], {}, json_report=json_path)
    _nobody_reported(empty, roster)
    if not paths and not refused:
        empty.report = _json_doc(folder, None, empty, [], {}, {}, settings)
        if json_path is not None:
            _write_json(json_path, empty.report)
        empty.seconds = time.perf_counter() - started
        return empty

    jobs = max(1, jobs if jobs is not None else available_cpus())
    total = len(paths) + len(refused)
    del candidates  # _guard_inputs gave its own list
    spill = _Spill()
    held = _Held()  # the records, on disk while the workers read
    history = archive is not None
    compared: dict[str, Comparison] = {}
    writer: RollupWriter | None = None  # rows are rendered as records arrive, while workers read on
    store = None
    try:
        store = _open_archive(archive, settings)
        # records of files archived under the same rules come back; only the others are read
        reused = deque(store.cached(p, root) for p in paths) if store is not None else deque()
        if store is not None:
            paths = [p for p, r in zip(paths, reused) if r is None]
        results: Iterator[FileRecord]
        if not paths:
            results = iter(())
        elif scheduler is not None:
            results = run_dask(paths, root, settings, scheduler, batch_size or DASK_BATCH)
        elif len(paths) == 1:
            results = run_in_process(paths, root, settings)
        else:
            # Even jobs = 1 reads in a (one-worker) pool: a pool worker is confined once, where
            # reading here forks a confined child for every file. The workers render the detail
            # rows with the writer's styles, unless an archive's comparison (对比, made here) goes
            # into them; with one worker this process renders them (the reference the pool's
            # rendering is tested against).
            writer = RollupWriter(settings, roster=roster is not None, history=history)
            results = run_local_pool(paths, root, settings, min(jobs, len(paths)), batch_size or LOCAL_BATCH,
                                     renderer=writer.renderer() if store is None and jobs > 1 else None,
                                     findings=fb_dir is not None and jobs > 1)
        del paths  # the workers' queue holds the paths not read yet, and only those
        listed = (_failed(str(p), root, reason, follow=False) for p, reason in refused.items())
        results = itertools.chain(listed, _with_details(store, reused), results)
        announce(progress, "读取", total)

        for done, record in enumerate(results, start=1):
            if writer is None:  # set up once the workers are busy with the first files
                writer = RollupWriter(settings, roster=roster is not None, history=history)
            details, record.details = record.details, None
            if isinstance(details, RenderedDetails):
                spill.put(record.path, details.rows, details.findings if fb_dir is not None else None, details.report)
            elif details is not None:
                marks = None
                if store is not None:
                    store.remember(record, details)
                    compared[record.path] = comparison = compare(store, record, details)
                    marks = comparison.marks
                spill.put(record.path, writer.render(record, details, marks),
                          details.findings if fb_dir is not None else None, details.report)
            held.append(record)
            if progress is not None:
                progress(done, total, record.path)
        records = held.records()
        writer = writer or RollupWriter(settings, roster=roster is not None, history=history)
        return _finish(records, spill, writer, folder, output, json_path, fb_dir, inputs, settings, started,
                       force, progress, roster, store, compared)
    finally:
        spill.close()
        held.close()
        if store is not None:
            store.close()
        if writer is not None:
            writer.book.close()


def _finish(records, spill: _Spill, writer: RollupWriter, folder: Path, output: Path, json_path: Path | None,
            fb_dir: Path | None, inputs: frozenset[str], settings: Settings, started: float, force: bool,
            progress: Progress | None = None, roster: Roster | None = None, store: Any = None,
            compared: dict[str, Comparison] | None = None) -> RollupResult:
    readable = [r for r in records if r.status == OK]
    unreadable = [r for r in records if r.status == UNREADABLE]
    ignored = [r for r in records if r.status == IGNORED]
    if not readable and not unreadable:
        result = RollupResult(exitcodes.NOTHING_TO_DO, None, len(records), 0, 0, 0, 0, [], {},
                              ignored=[r.path for r in ignored], json_report=json_path)
        _nobody_reported(result, roster)
        result.report = _json_doc(folder, None, result, records, {}, {}, settings)
        if json_path is not None:
            _write_json(json_path, result.report)
        result.seconds = time.perf_counter() - started
        return result

    found, superseded = cross_check(readable, settings)
    units = [unit_row(r, found[r.path], settings) for r in readable if r.path not in superseded]
    for u in units:
        if compared and u.path in compared:
            c = compared[u.path]
            u.previous_year, u.previous_version, u.resolved, u.new = c.previous_year, c.previous_version, c.resolved, c.new
    stats = district_stats(units, settings)
    entries = roster_entries(roster, units, unreadable) if roster is not None else None
    if entries is not None:
        stats["statuses"] = status_counts(entries)
    data = RollupData(roster=entries, history=store is not None, units=units, listed=readable, rollup_findings=found,
                      details=lambda path: Details(findings=spill.findings(path)), unreadable=unreadable, stats=stats,
                      settings=settings, folder=str(folder.resolve()), superseded=superseded, ignored=ignored,
                      rendered=spill.rendered)
    announce(progress, "写入区汇总")
    staging = Staging()  # the output set moves into place only when all of it is written
    try:
        try:
            save_atomic(writer.finish(data), staging.path_for(output))
        except OSError as exc:
            raise RollupError(_cannot_write(output, exc)) from None
        feedback_files: list[Path] = []
        annotated_files: list[Path] = []
        if fb_dir is not None:
            feedback_files, annotated_files = _write_feedback(fb_dir, units, found, spill, inputs, force, staging,
                                                              progress, folder=folder,
                                                              limits=Limits.from_settings(settings))
        result = _result(records, readable, unreadable, ignored, units, superseded, output, json_path, stats,
                         feedback_files, started, entries, store)
        result.annotated_files = annotated_files
        result.report = _json_doc(folder, output, result, records, found, {u.path: u for u in units}, settings,
                                  spill.reports)
        if json_path is not None:
            _write_json(staging.path_for(json_path), result.report, shown=json_path)
        try:
            staging.commit(last=output, stale=lambda: _own_feedback(fb_dir) if fb_dir is not None else ())
        except OSError as exc:
            raise RollupError(_cannot_write(output, exc)) from None
    finally:
        staging.discard()
    if store is not None:  # the archive records the run once its outputs are in place
        store.finish_run(str(folder.resolve()), run_files(records, units, superseded, stats), result.exit_code)
    return result


def _own_feedback(fb_dir: Path) -> list[Path]:
    """退回意见 workbooks and 标注副本 of this tool in the feedback folder (earlier runs' included).

    A 标注副本 counts only under the name the roll-up gives it (…标注副本.xlsx): one that a user
    wrote there with ``validate --annotate`` under another name carries the same title and stays."""
    try:
        return [p for p in fb_dir.iterdir() if p.suffix.lower() == ".xlsx" and not p.name.startswith(".")
                and p.is_file() and not p.is_symlink() and _own_title(p)]
    except OSError:
        return []


def _own_title(path: Path) -> bool:
    title = own_output_title(path)
    return title == FEEDBACK_TITLE or title == ANNOTATED_TITLE and path.name.endswith(f"{ANNOTATED_TITLE}.xlsx")


def _result(records, readable, unreadable, ignored, units, superseded, output, json_path, stats, feedback_files,
            started, entries=None, store=None) -> RollupResult:
    if unreadable:
        code = exitcodes.PARTIAL
    elif any(u.errors for u in units):
        code = exitcodes.FINDINGS
    else:
        code = exitcodes.OK
    result = RollupResult(
        code, output, len(records), len(readable), len(units), sum(u.errors for u in units),
        sum(u.warnings for u in units), [(r.path, r.reason) for r in unreadable], superseded,
        ignored=[r.path for r in ignored], feedback_files=feedback_files, json_report=json_path, stats=stats,
        roster=entries)
    if store is not None:
        result.archive, result.reused = store.path, len(store.reused)
    result.seconds = time.perf_counter() - started
    return result


def unit_row(record: FileRecord, extra: list[Finding], settings: Settings) -> UnitRow:
    """The 汇总 row of a unit: the worker's record plus roll-up findings, 汇总得分 and 等级."""
    s = record.figures
    if s.dept_score is not None:
        score, basis, source = s.dept_score, s.dept_score_basis, s.dept_score_cell
    elif s.project_avg is not None:
        score, basis, source = s.project_avg, _average_basis(s.project_avg_count), "见项目明细 总分单元格"
    else:
        score, basis, source = None, "", ""
    errors = record.errors + sum(1 for f in extra if f.severity is Severity.ERROR)
    warnings = record.warnings + sum(1 for f in extra if f.severity is Severity.WARNING)
    note = _recomputed_note(record.recomputed) if record.recomputed else ""
    return UnitRow(record, score=score, score_basis=basis, score_source=source, grade=grade_of(score, settings),
                   errors=errors, warnings=warnings, note=note)


# The same few texts recur on most of a province's rows: one string each, not one per unit.
@functools.lru_cache(maxsize=256)
def _average_basis(projects: int) -> str:
    return f"项目平均分（{projects} 个项目）"


@functools.lru_cache(maxsize=256)
def _recomputed_note(cells: int) -> str:
    return f"{cells} 个公式单元格没有保存计算结果（文件未在 Excel 中打开保存过），已按本工具的计算读取"


def _write_feedback(fb_dir: Path, units, found, spill: _Spill, inputs: frozenset[str], force: bool,
                    staging: Staging, progress: Progress | None = None, folder: Path | None = None,
                    limits: Limits | None = None) -> tuple[list[Path], list[Path]]:
    """Each unit with 错误: its 退回意见 and, with ``folder``, beside it the 标注副本 of its own
    workbook (problem cells coloured, with comments: excel/annotate.py), all staged."""
    try:
        fb_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RollupError(f"无法创建退回意见文件夹 {fb_dir}：{exc.strerror or exc}") from None
    written: list[Path] = []
    copies: list[Path] = []
    used: set[str] = set()
    used_copies: set[str] = set()  # asked in the same order as ``used``: the same stems
    to_write = sum(1 for u in units if u.errors)
    staged = announce(progress, "写入退回意见", to_write)
    for u in units:
        if not u.errors:
            continue
        name = feedback_name(u, used)
        path = fb_dir / name
        _check_feedback_target(path, inputs, force, FEEDBACK_TITLE)
        rows = [FindingRow.of(f.to_dict(), u.path) for f in found[u.path]] + list(spill.findings(u.path))
        try:
            write_feedback(staging.path_for(path), u, rows)
        except OSError as exc:
            raise RollupError(_cannot_write(path, exc)) from None
        written.append(path)
        copy = fb_dir / feedback_name(u, used_copies, ANNOTATED_TITLE)
        if folder is not None and _annotate_unit(Path(folder) / u.path, u, copy, rows, inputs, force, staging,
                                                 limits or Limits()):
            copies.append(copy)
        if staged:
            progress(len(written), to_write, name)
    return written, copies


def _check_feedback_target(path: Path, inputs: frozenset[str], force: bool, title: str) -> None:
    """Refuse to write over a submission (``inputs``: their ``real_paths``), or (without ``force``)
    over a file this tool did not write."""
    if is_one_of(path, inputs):
        raise RollupError(f"{title}文件 {path} 与一份报送同名；为保护原始数据，请另选 --feedback 文件夹。")
    if not force and path.exists() and own_output_title(path) != title:
        raise RollupError(f"{path} 已存在，且不是本工具生成的{title}；如确需覆盖，请加 --force。")


def _annotate_unit(source: Path, unit: UnitRow, copy: Path, rows: list[FindingRow], inputs: frozenset[str],
                   force: bool, staging: Staging, limits: Limits) -> bool:
    """Stage the unit's 标注副本 (its submission with ``rows`` marked); whether one was written.

    Skipped (the 退回意见 stands alone) for a member of a .zip, a file that is not .xlsx/.xlsm,
    a file changed since it was read (its marks would point at other cells), or one openpyxl
    cannot open; the submission is opened in a bounded child process and never written."""
    from ..excel.annotate import AnnotateError, annotate_rows
    from .extract import sha256_of

    if source.suffix.lower() not in (".xlsx", ".xlsm") or zipintake.locate(source) is not None:
        return False
    try:
        if not source.is_file() or sha256_of(source) != unit.record.sha256:
            return False
    except OSError:
        return False
    _check_feedback_target(copy, inputs, force, ANNOTATED_TITLE)
    try:
        annotate_rows(source, staging.path_for(copy), rows, limits)
    except AnnotateError:
        staging.forget(copy)
        return False
    return True


def _nobody_reported(result: RollupResult, roster: Roster | None) -> None:
    """Nothing to roll up: with a roster, every unit on it is 未报送 (the JSON report says so)."""
    if roster is not None:
        result.roster = roster_entries(roster, [], [])
        result.stats["statuses"] = status_counts(result.roster)


def _open_archive(archive: str | Path | None, settings: Settings):
    if archive is None:
        return None
    from ..archive.store import Archive  # its ArchiveError is a RollupError

    return Archive(archive, settings)


# ---------------------------------------------------------------- paths


def _check_paths(folder: Path, output: Path, json_path: Path | None, fb_dir: Path | None) -> None:
    if not folder.exists():
        raise RollupError(f"文件夹 {folder} 不存在。")
    if not folder.is_dir():
        raise RollupError(f"{folder} 不是文件夹；请给出存放各街道报送工作簿的文件夹。")
    if output.suffix.lower() != ".xlsx":
        raise RollupError("区汇总输出文件应以 .xlsx 结尾。")
    if output.is_dir():
        raise RollupError(f"{output} 是文件夹；请给出区汇总工作簿的文件名，如 区汇总.xlsx。")
    if not output.parent.is_dir():
        raise RollupError(f"输出文件夹 {output.parent} 不存在。")
    if json_path is not None and same_file(json_path, output):
        raise RollupError("JSON 报告与区汇总工作簿不能是同一个文件。")
    if fb_dir is not None and fb_dir.exists() and not fb_dir.is_dir():
        raise RollupError(f"{fb_dir} 不是文件夹；--feedback 应给出存放退回意见的文件夹。")


def _refuse_foreign(output: Path, json_path: Path | None) -> None:
    """Replacing our own earlier 区汇总 / report is the normal re-run; anything else needs force."""
    if output.exists() and own_output_title(output) != ROLLUP_TITLE:
        raise RollupError(f"{output} 已存在，且不是本工具生成的区汇总；如确需覆盖，请加 --force。")
    if json_path is not None and json_path.exists():
        try:
            head = json_path.read_bytes()[:300].decode("utf-8", "replace")
        except OSError:
            head = ""
        if REPORT_FORMAT not in head:
            raise RollupError(f"{json_path} 已存在，且不是本工具生成的汇总报告；如确需覆盖，请加 --force。")


def _cannot_write(path: Path, exc: OSError) -> str:
    hint = "（文件是否正在 Excel 或 WPS 中打开？请关闭后重试）" if isinstance(exc, PermissionError) else ""
    return f"无法写入 {path}：{exc.strerror or exc}{hint}"


def _guard_inputs(candidates: list[str], output: Path, json_path: Path | None) -> list[str]:
    """Never overwrite an input. A previous roll-up at the output path is ours to replace, not an input."""
    paths = list(candidates)
    the_output = real_paths([output])
    the_json = real_paths([json_path] if json_path is not None else [])
    for p in candidates:
        if is_one_of(p, the_output):
            if own_output_title(p) == ROLLUP_TITLE:
                paths.remove(p)
                continue
            raise RollupError(f"输出文件 {output} 是待汇总的报送之一；为保护原始数据，请另选输出文件名。")
        if is_one_of(p, the_json):
            raise RollupError(f"JSON 报告 {json_path} 是待汇总的报送之一；为保护原始数据，请另选文件名。")
    return paths


# ---------------------------------------------------------------- JSON


def _write_json(path: Path, doc: dict[str, Any], shown: Path | None = None) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix(), suffix=".json", dir=path.parent if str(path.parent) else ".")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                write_report(doc, fh)
            os.chmod(tmp, umask_mode())  # mkstemp's 0600 would keep colleagues out
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise RollupError(_cannot_write(shown or path, exc)) from None


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _json_doc(folder: Path, output: Path | None, result: RollupResult, records, found, units_by_path,
              settings: Settings, reports: FileReports | None = None) -> dict[str, Any]:
    """The roll-up report (``REPORT_VERSION``): ``files`` lists each readable file's own report,
    exactly as ``validate --format json`` prints it (``reports``, kept on disk: report_json.py);
    ``cross_findings`` the roll-up's findings across files (X5xx), each with its ``file``;
    ``submissions`` what the roll-up made of every file found (status, unit, figures, 汇总得分,
    等级, counts with the cross findings), beside the batch's duplicates, statistics and roster.
    The per-file lists are ``Rows``: made from the records when read (written), not held."""

    def submission(r: FileRecord) -> dict[str, Any]:
        entry: dict[str, Any] = {"path": r.path, "sha256": r.sha256, "size": r.size, "status": r.status,
                                 "seconds": r.seconds}
        if r.status != OK:
            entry["valid"] = False
            entry["error"] = r.reason
            return entry
        unit = units_by_path.get(r.path)
        extra = found.get(r.path, [])
        if unit is None:
            entry["status"] = "superseded"
            entry["superseded_by"] = result.superseded.get(r.path, "")
            errors = r.errors + sum(1 for f in extra if f.severity is Severity.ERROR)
            warnings = r.warnings + sum(1 for f in extra if f.severity is Severity.WARNING)
        else:
            errors, warnings = unit.errors, unit.warnings
        by_rule = {k: dict(v) for k, v in r.by_rule.items()}
        for f in extra:
            by_rule.setdefault(f.rule, {})
            by_rule[f.rule][f.severity.code] = by_rule[f.rule].get(f.severity.code, 0) + 1
        s = r.figures
        entry.update({
            "valid": errors == 0,
            "unit": r.unit, "budget_code": r.code, "year": r.year, "template_version": r.version,
            "table_type": r.table_type, "recomputed_cells": r.recomputed,
            "counts": {"errors": errors, "warnings": warnings, "by_rule": dict(sorted(by_rule.items()))},
            "figures": {k: _clean(getattr(s, k)) for k in ("projects", "budget", "executed", "rate", "dept_score",
                                                            "project_avg")},
            "score": unit.score if unit else None, "grade": unit.grade if unit else "",
            "review_status": unit_status(unit) if unit else "", "awaiting_explanation": r.awaiting_explanation,
            **(comparison_json(unit) if unit is not None and (unit.previous_year or unit.previous_version) else {}),
        })
        return entry

    readable = [r.path for r in records if r.status == OK]
    cross = Rows([(path, f) for path in readable for f in found.get(path, ())],
                 lambda pair: {"file": pair[0], **pair[1].to_dict()})
    submissions = Rows(records, submission)
    years = []
    for y in result.stats.get("years", []):
        years.append({
            **{k: _clean(y[k]) for k in ("year", "units", "projects", "budget", "executed", "rate", "scored", "mean",
                                         "median", "errors", "warnings")},
            "grades": y["grades"],
            "ranking_by_score": Rows(y["by_score"], lambda u: {"rank": u["rank"], "unit": u["unit"], "budget_code": u["code"],
                                                               "score": u["score"], "grade": u["grade"], "path": u["path"]}),
            "ranking_by_rate": Rows(y["by_rate"], lambda u: {"rank": u["rank"], "unit": u["unit"], "budget_code": u["code"],
                                                             "rate": u["rate"], "path": u["path"]}),
            "low_execution": Rows(y["low_execution"], lambda u: {"unit": u["unit"], "budget_code": u["code"],
                                                                 "rate": u["rate"], "path": u["path"]}),
        })
    return {
        "format": REPORT_FORMAT, "format_version": REPORT_VERSION,
        "tool": f"perfeval-xl {__version__}", "template_version": TEMPLATE_VERSION,
        "folder": str(folder.resolve()), "output": str(output) if output is not None else None,
        "exit_code": result.exit_code, "summary": result.summary_zh(),
        "totals": {"files": result.files, "read": result.read, "units": result.units,
                   "unreadable": len(result.unreadable), "superseded": len(result.superseded),
                   "ignored": len(result.ignored), "errors": result.errors, "warnings": result.warnings},
        "stats": {"low_execution_rate": result.stats.get("low_execution_rate"), "years": years},
        "feedback_files": [str(p) for p in result.feedback_files],
        # every X501 group once, with all its files (the 问题清单 messages name only the newest few)
        "duplicates": duplicate_groups([r for r in records if r.status == OK], result.superseded),
        "rules": [r.to_dict() for r in rollup_rules()],
        "seconds": round(result.seconds, 3),
        "files": reports.in_order(readable) if reports is not None else [],
        "cross_findings": cross,
        "submissions": submissions,
        **({"roster": [e.to_dict() for e in result.roster], "roster_counts": result.stats["statuses"]}
           if result.roster is not None else {}),
        **({"archive": {"path": str(result.archive), "reused": result.reused}} if result.archive is not None else {}),
    }

"""Dask that survives, against a real local cluster: `dask scheduler` and
`dask worker` processes started here (loopback, random ports, a scheduler file) and stopped by PID.

A relative folder works (paths are made absolute before they leave the client; the workers run in
another folder); a worker killed mid-run costs nothing (its batch runs again elsewhere and the
区汇总 equals the local run's); when every worker is lost the run fails as a whole with a Chinese
message and writes nothing.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from python_calamine import CalamineWorkbook  # noqa: E402

from perfeval_xl import cli, exitcodes  # noqa: E402
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic  # noqa: E402
from perfeval_xl.layout.sheets import UNIT_SHEETS  # noqa: E402
from perfeval_xl.rollup import RollupError, engine, rollup  # noqa: E402

from .conftest import load_seed  # noqa: E402

DASK = [sys.executable, "-m", "dask"]
T0 = 1_680_000_000 * 10**9


def _wait(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.1)


@contextlib.contextmanager
def local_cluster(tmp: Path, workers: int):
    """A scheduler and ``workers`` single-threaded workers without nanny (one PID per worker);
    yields the address, a client and the worker processes by worker address."""
    tmp.mkdir(parents=True, exist_ok=True)
    elsewhere = tmp / "worker-cwd"  # the workers' working folder is not the client's
    elsewhere.mkdir(exist_ok=True)
    info = tmp / "scheduler.json"
    procs: list[subprocess.Popen] = []
    log = open(tmp / "cluster.log", "wb")

    def start(args: list[str]) -> subprocess.Popen:
        procs.append(subprocess.Popen(DASK + args, cwd=elsewhere, stdout=log, stderr=subprocess.STDOUT))
        return procs[-1]

    try:
        start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(info)])
        _wait(lambda: info.exists() and info.stat().st_size > 0, 60, "the scheduler did not start")
        address = json.loads(info.read_text())["address"]
        worker_procs = [start(["worker", "--scheduler-file", str(info), "--nthreads", "1", "--no-nanny",
                               "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{i}",
                               "--local-directory", str(tmp / f"w{i}")]) for i in range(workers)]
        with distributed.Client(address, timeout=30) as client:
            _wait(lambda: len(client.scheduler_info()["workers"]) == workers, 90, "the workers did not connect")
            by_pid = {proc.pid: proc for proc in worker_procs}
            yield address, client, {addr: by_pid[pid] for addr, pid in client.run(os.getpid).items()}
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    """Eight units (three seeds under other names) and one broken file, in sub-folders."""
    root = tmp_path_factory.mktemp("dask") / "报送"
    seeds = ["seed000_yanghu_2022.json", "seed003_wangjiahe_2023.json", "seed004_shazitang_2020.json"]
    for i in range(8):
        sub = copy.deepcopy(load_seed(seeds[i % 3]))
        sub.unit.unit_name = f"第{i + 1}街道办事处"
        sub.unit.budget_code = f"{300000 + i}"
        path = root / f"片区{i % 2}" / f"第{i + 1}街道.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        save_atomic(build_workbook(sub, UNIT_SHEETS), path)
        os.utime(path, ns=(T0, T0))
    (root / "坏文件.xlsx").write_bytes(b"not a zip")
    return root


@pytest.fixture(scope="module")
def local(inbox, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "区汇总.xlsx"
    return rollup(inbox, out, jobs=1), out


def sheets(path: Path) -> dict[str, list]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def same_as_local(local, result, out: Path) -> None:
    expected, expected_out = local
    assert (result.exit_code, result.units, result.errors, result.warnings, result.unreadable) == (
        expected.exit_code, expected.units, expected.errors, expected.warnings, expected.unreadable)
    assert sheets(out) == sheets(expected_out)


def kill_the_first_busy_worker(client, workers: dict, killed: list, stop: threading.Event) -> threading.Thread:
    """A thread that SIGKILLs the first worker the scheduler shows with tasks in processing."""

    def watch():
        while not stop.is_set() and not killed:
            busy = {addr: keys for addr, keys in client.processing().items() if keys}
            if busy:
                addr, keys = sorted(busy.items())[0]
                os.kill(workers[addr].pid, signal.SIGKILL)
                killed.append((addr, list(keys)))
            time.sleep(0.005)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_worker_killed_mid_run_and_a_relative_folder(inbox, local, tmp_path, monkeypatch):
    monkeypatch.chdir(inbox.parent)
    with local_cluster(tmp_path / "cluster", workers=2) as (address, client, workers):
        # the workers are cold (their first task imports the reader): the watcher catches one busy
        killed: list[tuple[int, list]] = []
        stop = threading.Event()
        watcher = kill_the_first_busy_worker(client, workers, killed, stop)
        try:
            survived = rollup(Path(inbox.name), tmp_path / "survived.xlsx", scheduler=address, batch_size=1)
        finally:
            stop.set()
            watcher.join()
        addr, in_flight = killed[0]
        assert in_flight  # the killed worker held work, which had to run again on the other one
        assert workers[addr].wait(timeout=10) == -signal.SIGKILL
        assert len(client.scheduler_info()["workers"]) == 1
        same_as_local(local, survived, tmp_path / "survived.xlsx")

        # a relative folder: the workers run in another folder, so only absolute paths can work
        relative = rollup(Path(inbox.name), tmp_path / "relative.xlsx", scheduler=address, batch_size=3)
        same_as_local(local, relative, tmp_path / "relative.xlsx")


def test_every_worker_lost_fails_the_run_with_no_output(inbox, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "DASK_NO_WORKER_SECONDS", 3.0)
    out, report = tmp_path / "区汇总.xlsx", tmp_path / "r.json"
    with local_cluster(tmp_path / "cluster", workers=1) as (address, client, workers):

        def kill_the_only_worker(done, total, path):
            (only,) = workers.values()
            if only.poll() is None:
                os.kill(only.pid, signal.SIGKILL)
                only.wait()

        with pytest.raises(RollupError) as caught:
            rollup(inbox, out, scheduler=address, batch_size=1, json_report=report, progress=kill_the_only_worker)
        assert str(caught.value).startswith("Dask 集群已没有可用的工作进程（3 秒内没有工作节点连接调度器），"
                                            "汇总已中止，未写出区汇总（已处理 1/9 个文件）。")
        assert not out.exists() and not report.exists()

        # the same through the command line: a clear message on stderr, the unusable-input exit code
        code = cli.main(["rollup", str(inbox), "-o", str(out), "--scheduler", address])
        assert code == exitcodes.UNUSABLE_INPUT and not out.exists()


def test_a_worker_of_another_version_or_without_the_folder_is_named_before_any_work(tmp_path, monkeypatch):
    folder = tmp_path / "只在本机"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes(b"x")
    with local_cluster(tmp_path / "cluster", workers=1) as (address, client, workers):
        with monkeypatch.context() as patch:
            patch.setattr(engine, "__version__", "0.0.9")  # this client only; the worker has the real one
            with pytest.raises(RollupError, match=r"^Dask 工作节点 tcp://127\.0\.0\.1:\d+ 的 perfeval-xl 版本为 "
                                                  r"\S+，与本机的 0\.0\.9 不同；请在各节点安装相同版本后重新汇总。$"):
                engine.run_dask([str(folder / "a.xlsx")], str(folder), None, address).__next__()
        os.rename(folder, str(folder) + "-hidden")  # as if the client's folder were not on shared storage
        try:
            with pytest.raises(RollupError, match=r"Dask 工作节点 tcp://127\.0\.0\.1:\d+ 上找不到文件夹 .*只在本机；"):
                engine.run_dask([str(folder / "a.xlsx")], str(folder), None, address).__next__()
        finally:
            os.rename(str(folder) + "-hidden", folder)

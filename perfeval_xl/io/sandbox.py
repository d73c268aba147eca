"""Parse untrusted files in a child process that cannot hurt the user (issue #14).

The guard (``guard.py``) refuses what it can recognise; this module is the second line for what
no check foresees: a bug in a parser written in another language (calamine allocating hundreds
of GB and aborting, looping, crashing). The parse runs in a child process whose address space is
limited (``RLIMIT_AS``, ``[limits] memory_mb``) and which is killed after ``[limits]
parse_seconds``; if it dies, the caller gets ``ChildDied`` with a Chinese reason and the user's
process goes on (exit 2, or the file is listed under 未能读取).

A process that is itself confined (a roll-up worker, after ``confine()`` in its initializer)
runs the parse directly: the worker is the sandbox, reused for many files.

Children never outlive their parent: on Linux they ask the kernel for SIGKILL when the parent
dies (``prctl(PR_SET_PDEATHSIG)``); they ignore Ctrl-C (the parent stops them).
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import sys
import time
from typing import Any, Callable

MB = 1024 * 1024
_CONFINED = False  # this process is already a sandbox (a child of run(), or a roll-up worker)


class ChildDied(Exception):
    """The child process died or ran out of time; ``str(err)`` is the Chinese reason (no file name)."""


def available() -> bool:
    """Whether address-space limits can be set here (Linux and macOS; not Windows)."""
    try:
        import resource  # noqa: F401
    except ImportError:
        return False
    return True


def confined() -> bool:
    return _CONFINED


def die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (Linux); elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = _libc()
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request was made
        os._exit(1)


_LIBC: list = []


def _libc():
    """The C library, loaded once in the parent (not again in every child)."""
    if not _LIBC:
        import ctypes

        _LIBC.append(ctypes.CDLL(None, use_errno=True))
    return _LIBC[0]


def confine(memory_mb: float | None) -> None:
    """Make this process a sandbox: bounded address space, dies with its parent, ignores Ctrl-C."""
    global _CONFINED
    _CONFINED = True
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_mb and available():
        import resource  # noqa: F401

        # what the parse may add to what the process already maps: a worker forked from a large
        # parent (a province's roll-up late in its run, a test session) starts above any absolute cap
        limit = _mapped_bytes() + int(memory_mb * MB)
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _mapped_bytes() -> int:
    """The process's address space now (Linux); 0 where it cannot be read cheaply."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _outcome(func: Callable, args: tuple, memory_mb: float | None) -> tuple[bool, Any]:
    try:
        _silence_native_errors()
        confine(memory_mb)
        return True, func(*args)
    except MemoryError:
        return False, ChildDied(_out_of_memory(memory_mb))
    except BaseException as exc:  # the caller's own exceptions (ReadError, Refused) travel back
        return False, exc


def _pickled(result: tuple[bool, Any]) -> bytes:
    try:
        return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an exception or result that cannot be pickled
        return pickle.dumps((False, ChildDied(f"处理结果无法传回（{type(exc).__name__}）")))


def _child(out: Any, func: Callable, args: tuple, memory_mb: float | None) -> None:
    out.write(_pickled(_outcome(func, args, memory_mb)))


def _child_conn(conn: Any, func: Callable, args: tuple, memory_mb: float | None) -> None:
    try:
        conn.send_bytes(_pickled(_outcome(func, args, memory_mb)))
    finally:
        conn.close()


def _silence_native_errors() -> None:
    """A native parser that aborts prints its own (English) message and backtrace to stderr:
    the user gets the Chinese reason from the parent instead."""
    try:
        import faulthandler

        faulthandler.disable()  # a host (pytest) may have enabled it on its own copy of stderr
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


def _out_of_memory(memory_mb: float | None) -> str:
    return f"读取时所需内存超过上限（{memory_mb or 0:g} MB），文件可能是恶意构造的，拒绝读取"


def run(func: Callable, args: tuple, *, memory_mb: float | None, seconds: float | None) -> Any:
    """``func(*args)`` in a confined child process; its result, or its exception re-raised here.

    Raises ChildDied when the child is killed (out of memory, a crash in native code) or takes
    longer than ``seconds``. In a process that is already confined, runs ``func`` directly.
    Where there is no fork (Windows) the child is spawned, so ``func`` and ``args`` must pickle.
    """
    if _CONFINED:
        return func(*args)
    if hasattr(os, "fork"):
        return _run_forked(func, args, memory_mb, seconds)
    return _run_spawned(func, args, memory_mb, seconds)


def _timed_out(seconds: float | None) -> ChildDied:
    return ChildDied(f"读取超过时间上限（{seconds or 0:g} 秒），文件可能是恶意构造的，已停止读取")


def _run_forked(func: Callable, args: tuple, memory_mb: float | None, seconds: float | None) -> Any:
    """A bare fork (also allowed in daemonic processes such as Dask workers): no re-import, the
    file's bytes are shared, the result comes back pickled through a pipe."""
    if sys.platform.startswith("linux"):
        _libc()
    readable, writable = os.pipe()
    gc.freeze()  # the child's collector leaves the parent's objects alone: no copy-on-write of the heap
    pid = os.fork()
    if pid == 0:  # the child: never returns
        gc.disable()
        code = 0
        try:
            os.close(readable)
            with os.fdopen(writable, "wb") as out:
                _child(out, func, args, memory_mb)
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    gc.unfreeze()
    os.close(writable)
    reaped = False
    try:
        chunks = []
        deadline = None if seconds is None else time.monotonic() + seconds
        with os.fdopen(readable, "rb", buffering=0) as pipe:
            while True:
                wait = None if deadline is None else deadline - time.monotonic()
                if wait is not None and wait <= 0 or not select.select([pipe], [], [], wait)[0]:
                    raise _timed_out(seconds)
                chunk = pipe.read(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        reaped = True
        payload = b"".join(chunks)
        if not payload:
            raise ChildDied(_death_reason(os.waitstatus_to_exitcode(status), memory_mb))
        ok, value = pickle.loads(payload)
    finally:
        if not reaped:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
    if ok:
        return value
    raise value


def _run_spawned(func: Callable, args: tuple, memory_mb: float | None, seconds: float | None) -> Any:
    import multiprocessing  # only where fork is missing: its import costs every command start-up

    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_conn, args=(sender, func, args, memory_mb), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise _timed_out(seconds)
        try:
            ok, value = pickle.loads(receiver.recv_bytes())
        except (EOFError, OSError):
            child.join(5)
            raise ChildDied(_death_reason(child.exitcode, memory_mb)) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if ok:
        return value
    raise value


def _death_reason(code: int | None, memory_mb: float | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        if -code in (signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV, signal.SIGBUS):
            return (f"读取时处理进程异常终止（{name}），通常是内存超过上限（{memory_mb or 0:g} MB）"
                    f"或文件被恶意构造，拒绝读取")
        return f"读取时处理进程被终止（{name}），拒绝读取"
    return f"读取时处理进程意外退出（退出码 {code}），文件可能已损坏，拒绝读取"

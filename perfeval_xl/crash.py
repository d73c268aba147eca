"""What the user sees when a command is interrupted or hits a bug (issue #14).

Ctrl-C and SIGTERM stop the command with a Chinese message and exit 130 (``exitcodes``); the
roll-up's workers are killed on the way out, and outputs stay as they were. A bug exits 4 with a
Chinese message naming a log file; the traceback goes to that file, never to the terminal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import tempfile
import traceback
from pathlib import Path
from typing import Iterator, Sequence

from . import __version__

INTERRUPTED_ZH = "已中断：收到停止信号（Ctrl-C 或终止），已停止全部处理进程；原有输出文件保持不变。"
LOG_DIR_ENV = "PERFEVAL_XL_LOG_DIR"


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C."""


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM raises Terminated (a KeyboardInterrupt) in the main thread while the command runs."""
    def handler(signum, frame):
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (e.g. called from a thread of a host application)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def log_dir() -> Path:
    configured = os.environ.get(LOG_DIR_ENV)
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "perfeval-xl-logs"


def report(exc: BaseException, argv: Sequence[str]) -> str:
    """Write the traceback to a log file; the Chinese message that names it."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (f"perfeval-xl {__version__}  {dt.datetime.now().isoformat(timespec='seconds')}\n"
            f"命令：perfeval-xl {' '.join(argv)}\n\n" + "".join(traceback.format_exception(exc)))
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f"perfeval-xl-{stamp}-", suffix=".log", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        where = f"详细信息已写入日志文件：{name}"
    except OSError as err:
        where = f"日志文件无法写入（{err.strerror or err}）"
    return (f"错误：程序内部错误（{type(exc).__name__}），这不是您的数据的问题。{where}\n"
            f"请把该日志文件发给维护人员。")

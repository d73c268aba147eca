"""A progress display for the CLI: a tqdm bar per stage on a terminal, nothing when output is redirected.

The roll-up calls ``progress(done, total, path)`` after each file it reads, and, when the
progress object has a ``stage`` method, announces each later stage (``stage("写入区汇总")``,
``stage("写入退回意见", total)``) and counts it the same way. A stage without a total
(writing one large workbook) shows its elapsed time, refreshed twice a second, so that the
screen never sits still while work goes on.
"""

from __future__ import annotations

import sys
import threading
from typing import IO

from ..terminal import truncate

TICK_SECONDS = 0.5


class terminal_progress:  # noqa: N801 - used like a function: ``with terminal_progress() as progress:``
    """``progress(done, total, path)`` and ``progress.stage(name, total)``; tqdm when installed and
    ``stream`` is a terminal, else a plain one-line counter on a terminal, else silent (logs and
    pipes stay clean). ``enabled=False`` (``--quiet``) is silent everywhere."""

    def __init__(self, stream: IO[str] | None = None, enabled: bool = True, first_stage: str = "读取") -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = enabled and bool(getattr(self.stream, "isatty", lambda: False)())
        self.bar = None
        self.plain = False
        self._line = False  # plain mode: a counter line is open
        self.name = first_stage
        self.total: int | None = None
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def __enter__(self) -> terminal_progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def stage(self, name: str, total: int | None = None) -> None:
        """End the current stage's line and start ``name`` (``total`` steps, or a clock when None)."""
        self.close()
        self.name, self.total = name, total
        if self.tty:
            self._open(total)
            if total is None:
                self._stop.clear()
                self._ticker = threading.Thread(target=self._tick, name="perfeval-progress", daemon=True)
                self._ticker.start()

    def __call__(self, done: int, total: int, path: str) -> None:
        if not self.tty:
            return
        with self._lock:
            if self.bar is None and not self.plain:
                self._open(total)
            name = truncate(path.rsplit("/", 1)[-1], 32)
            if self.bar is not None:
                self.bar.update(done - self.bar.n)
                self.bar.set_postfix_str(name, refresh=False)
            else:
                self.stream.write(f"\r{self.name}：{done}/{total}")
                self.stream.flush()
                self._line = True

    def _open(self, total: int | None) -> None:
        if self.plain:
            self.stream.write(f"\r{self.name}……" if total is None else f"\r{self.name}：0/{total}")
            self.stream.flush()
            self._line = True
            return
        try:
            from tqdm import tqdm
        except ImportError:
            self.plain = True
            self._open(total)
            return
        self.bar = tqdm(total=total, desc=self.name, unit="个文件" if total else "", file=self.stream,
                        dynamic_ncols=True, leave=True,
                        bar_format=None if total else "{desc}：已用 {elapsed}")

    def _tick(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            with self._lock:
                if self.bar is not None:
                    self.bar.refresh()
                elif self.plain:
                    self.stream.write(".")
                    self.stream.flush()

    def close(self) -> None:
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join()
            self._ticker = None
        with self._lock:
            if self.bar is not None:
                self.bar.close()
                self.bar = None
            elif self._line:
                self.stream.write("\n")
                self.stream.flush()
                self._line = False


def announce(progress, name: str, total: int | None = None) -> bool:
    """Start stage ``name`` on ``progress`` when it shows stages; whether it does. A plain
    ``progress(done, total, path)`` callable is told of the files read only."""
    stage = getattr(progress, "stage", None)
    if stage is not None:
        stage(name, total)
    return stage is not None

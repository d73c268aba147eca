"""A progress display for the CLI: a tqdm bar on a terminal, nothing when output is redirected."""

from __future__ import annotations

import sys
from typing import IO


class terminal_progress:  # noqa: N801 - used like a function: ``with terminal_progress() as progress:``
    """``progress(done, total, path)`` for ``rollup``; tqdm when installed and ``stream`` is a terminal,
    else a plain one-line counter on a terminal, else silent (logs and pipes stay clean)."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.bar = None
        self.plain = False

    def __enter__(self) -> terminal_progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __call__(self, done: int, total: int, path: str) -> None:
        if not self.tty:
            return
        if self.bar is None and not self.plain:
            try:
                from tqdm import tqdm
            except ImportError:
                self.plain = True
            else:
                self.bar = tqdm(total=total, desc="汇总", unit="个文件", file=self.stream, dynamic_ncols=True, leave=True)
        if self.bar is not None:
            self.bar.update(done - self.bar.n)
            name = path.rsplit("/", 1)[-1]
            self.bar.set_postfix_str(name if len(name) <= 24 else name[:23] + "…", refresh=False)
        else:
            self.stream.write(f"\r汇总：{done}/{total} 个文件")
            self.stream.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        elif self.plain and self.tty:
            self.stream.write("\n")
            self.stream.flush()

"""Can the outputs be written? Asked before the long work starts, answered with the likely cause.

A roll-up of 1,500 files takes a while; finding out only at the end that 区汇总.xlsx is open in
Excel, that the folder is read-only or that the disk is full wastes that time. ``check_output``
and ``check_folder`` look, without writing anything that stays:

- an Office lock file beside the output (``~$name`` of Excel and WPS, ``.~lock.name#`` of
  LibreOffice): the workbook is open, and on Windows saving over it would fail at the end;
- the existing output opened for writing without changing it (Windows refuses a file that
  Excel holds open; a read-only file is refused too);
- a temporary file created and removed in the folder the output goes to (read-only folder,
  no permission, read-only disk, disk full);
- the free space of that disk against what the output will need.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

MB = 1024 * 1024
MIN_FREE_BYTES = 20 * MB  # room for a 区汇总 workbook and its temporary copy
PROBE_PREFIX = ".~perfeval-"  # the roll-up's discovery skips such names (rollup/discover.py TEMP_PREFIX)

OPEN_IN_OFFICE = "文件正在 Excel 或 WPS 中打开，请关闭后重试"
LOCKED = "文件被其他程序占用或设为只读（是否正在 Excel 或 WPS 中打开？请关闭后重试）"


class OutputError(Exception):
    """An output that cannot be written; ``str(err)`` is the Chinese message with the likely cause."""


def lock_files(path: Path) -> list[Path]:
    """Office lock files present beside ``path``: Excel/WPS write ``~$`` + the name (the name's
    first two characters dropped when it is long), LibreOffice ``.~lock.`` + name + ``#``."""
    names = {"~$" + path.name, "~$" + path.name[2:], f".~lock.{path.name}#"}
    return [path.with_name(n) for n in sorted(names) if (path.parent / n).is_file()]


def check_output(path: str | Path, need_bytes: int = MIN_FREE_BYTES) -> None:
    """Raise OutputError when the file ``path`` could not be written (or replaced) now."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"无法写入 {path}：这是一个文件夹，请给出文件名")
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"无法写入 {path}：文件夹 {folder} 不存在")
    locks = lock_files(path)
    if locks:
        raise OutputError(f"无法写入 {path}：{OPEN_IN_OFFICE}（发现锁定文件 {locks[0].name}；"
                          f"如果 Excel、WPS 已经关闭，删除该锁定文件即可）")
    if path.exists():
        try:
            with open(path, "r+b"):  # opened for writing, nothing written
                pass
        except PermissionError:
            raise OutputError(f"无法写入 {path}：{LOCKED}") from None
        except OSError as exc:
            raise OutputError(f"无法写入 {path}：{_cause(exc, folder)}") from None
    _probe(folder, path, need_bytes)


def check_folder(folder: str | Path, need_bytes: int = MIN_FREE_BYTES) -> None:
    """Raise OutputError when files could not be written into ``folder`` (created if missing:
    the nearest existing parent is checked)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"无法写入 {folder}：已有同名文件，不是文件夹")
    existing = folder
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"无法创建文件夹 {folder}：{existing} 不是文件夹")
    _probe(existing, folder, need_bytes)


def _probe(folder: Path, target: Path, need_bytes: int) -> None:
    try:
        fd, probe = tempfile.mkstemp(prefix=PROBE_PREFIX, suffix=".probe", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"无法写入 {target}：{_cause(exc, folder)}") from None
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < need_bytes:
        raise OutputError(f"无法写入 {target}：{_no_space(folder, free, need_bytes)}")


def write_failed(target: str | Path, exc: OSError) -> str:
    """The message for a write that failed after all (the output changed since the check)."""
    target = Path(target)
    folder = target if target.is_dir() else target.parent
    if isinstance(exc, PermissionError) and target.exists() and not target.is_dir():
        return f"无法写入 {target}：{LOCKED}"
    return f"无法写入 {target}：{_cause(exc, folder)}"


def _no_space(folder: Path, free: int, need: int) -> str:
    return f"磁盘空间不足（{folder} 所在磁盘剩余 {free / MB:.1f} MB，至少需要 {need / MB:.0f} MB），请清理后重试"


def _cause(exc: OSError, folder: Path) -> str:
    if exc.errno == errno.ENOSPC or getattr(exc, "winerror", None) == 112:
        return _no_space(folder, 0, MIN_FREE_BYTES)
    if exc.errno == errno.EROFS:
        return "所在磁盘是只读的（如光盘、写保护的 U 盘），请换一个文件夹"
    if isinstance(exc, PermissionError):
        return f"文件夹 {folder} 只读或没有写入权限，请换一个文件夹（如“文档”或桌面）"
    return f"无法在文件夹 {folder} 中创建文件（{exc.strerror or exc}）"

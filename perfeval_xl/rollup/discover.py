"""Which files of a folder are submissions: recursive .xlsx/.xlsm (also inside .zip archives),
sorted, never our own files."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable

from .filetypes import OTHER_SPREADSHEETS, SUFFIXES, skipped_name
from .zipintake import ZIP_SUFFIX, is_zip, locate, zip_candidates


def _skipped_dir(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"


def discover(folder: str | Path, exclude: Iterable[str | Path] = ()) -> list[Path]:
    """Every .xlsx/.xlsm (and .xls/.xlsb/.et/.ods, to report them) under ``folder``, recursively,
    sorted by path relative to the folder.

    ``exclude`` holds files and folders to leave out (the output, the feedback folder).
    Symbolic links to folders are not followed (no loops); file names may be any Unicode.
    """
    return [Path(p) for p in discover_paths(folder, exclude)]


def discover_paths(folder: str | Path, exclude: Iterable[str | Path] = ()) -> list[str]:
    """``discover`` as path strings (``str`` of each Path it gives). The roll-up lists a province
    this way: a string costs ~0.2 KB a file where a Path object costs ~0.8 KB, and the roll-up's
    workers are forked with whatever the parent's heap then holds, garbage included."""
    top = str(Path(folder))
    excluded = {_real(p) for p in exclude}
    # a file is looked up only when a file is excluded (folders are pruned below): realpath costs
    # a system call per path component, for every file of a province
    excluded_files = {p for p in excluded if os.path.exists(p) and not os.path.isdir(p)}
    found: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not _skipped_dir(d)
                             and _real(os.path.join(dirpath, d)) not in excluded)
        here = Path(dirpath)
        prefix = here.relative_to(top).as_posix() + "/" if dirpath != top else ""
        here_text = str(here)  # str(here / name), without making the Path
        for name in filenames:
            if skipped_name(name) or not name.lower().endswith(SUFFIXES + OTHER_SPREADSHEETS + (ZIP_SUFFIX,)):
                continue
            path = name if here_text == "." else os.path.join(here_text, name)
            if excluded_files and _real(path) in excluded_files or os.path.isdir(path):
                continue  # links, pipes and devices stay: unsafe_reason() lists them under 未能读取
            if is_zip(name) and unsafe_reason(path, top) is None:  # a .zip is read as a folder
                found += [(p.relative_to(top).as_posix(), str(p)) for p in zip_candidates(Path(path))]
            else:
                found.append((prefix + name, path))
    found.sort(key=lambda item: item[0])
    return [p for _, p in found]


def _real(path: str | Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def same_file(a: str | Path, b: str | Path) -> bool:
    return _real(a) == _real(b)


def real_paths(paths: Iterable[str | Path]) -> frozenset[str]:
    """The files ``paths`` name, for ``is_one_of``: one look-up per question, not one per file."""
    return frozenset(_real(p) for p in paths)


def is_one_of(path: str | Path, reals: frozenset[str]) -> bool:
    """``same_file(path, p)`` for any ``p`` of the ``real_paths`` ``reals``."""
    return _real(path) in reals


def unsafe_reason(path: str | Path, folder: str | Path) -> str | None:
    """Why ``path`` must not be opened, or None for a regular file inside ``folder``.

    A symbolic link is followed only to a regular file inside the folder: a link out of it
    would put another file's size and hash into the report; a FIFO would block the reader
    forever; a device would be read without end. Only ``lstat``/``stat`` are called, nothing is opened.
    """
    member = locate(Path(path))
    if member is not None:  # a member of a .zip (read in memory): the archive is what gets opened
        path = member[0]
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            try:
                target = os.path.realpath(path, strict=True)
            except OSError as exc:
                return "符号链接形成循环，未读取" if exc.errno == 40 else "符号链接指向的文件不存在，未读取"
            root = os.path.realpath(folder)
            if os.path.commonpath([root, target]) != root:
                return "是指向文件夹以外的符号链接，为保护其他文件未读取（请把报送文件本身放入文件夹）"
            info = os.stat(path)
    except OSError as exc:
        return f"无法读取（{exc.strerror or exc}）"
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "是命名管道（FIFO），不是文件，未读取"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "是设备文件，不是普通文件，未读取"
    if stat.S_ISSOCK(mode):
        return "是套接字，不是普通文件，未读取"
    return "不是普通文件，未读取"

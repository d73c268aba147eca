"""Which files of a folder are submissions: recursive .xlsx/.xlsm (also inside .zip archives),
sorted, never our own files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from .filetypes import OTHER_SPREADSHEETS, SUFFIXES, TEMP_PREFIX, skipped_name
from .zipintake import ZIP_SUFFIX, is_zip, zip_candidates


def _skipped_dir(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"


def discover(folder: str | Path, exclude: Iterable[str | Path] = ()) -> list[Path]:
    """Every .xlsx/.xlsm (and .xls/.xlsb/.et/.ods, to report them) under ``folder``, recursively,
    sorted by path relative to the folder.

    ``exclude`` holds files and folders to leave out (the output, the feedback folder).
    Symbolic links to folders are not followed (no loops); file names may be any Unicode.
    """
    folder = Path(folder)
    excluded = {_real(p) for p in exclude}
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not _skipped_dir(d) and _real(here / d) not in excluded)
        for name in filenames:
            if skipped_name(name) or not name.lower().endswith(SUFFIXES + OTHER_SPREADSHEETS + (ZIP_SUFFIX,)):
                continue
            path = here / name
            if _real(path) in excluded or not path.is_file():
                continue
            for p in zip_candidates(path) if is_zip(name) else [path]:  # a .zip is read as a folder
                found.append((p.relative_to(folder).as_posix(), p))
    found.sort(key=lambda item: item[0])
    return [p for _, p in found]


def _real(path: str | Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def same_file(a: str | Path, b: str | Path) -> bool:
    return _real(a) == _real(b)

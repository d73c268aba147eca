"""The roll-up's output set, all or nothing (issue #14).

区汇总.xlsx, the JSON report and the 退回意见 are written into hidden staging folders beside
their targets (``.~perfeval-<pid>-…``, same file system, so a move is a rename) and moved into
place only when all of them are written. A run that fails or is interrupted before that leaves
every earlier output as it was. Earlier 退回意见 and 标注副本 of this tool in the feedback folder that
the new run does not write again are removed, so the folder never mixes runs. Leftovers of a killed run
(staging folders, temporary files of ``save_atomic``) carry the dead process's id and are removed
at the next start.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable

TEMP_PREFIX = ".~perfeval-"
OLD_TEMP_SECONDS = 3600  # a temporary name without a process id (older versions): removed after an hour


def temp_prefix() -> str:
    """The prefix of this process's temporary files and folders: ``.~perfeval-<pid>-``."""
    return f"{TEMP_PREFIX}{os.getpid()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clean_leftovers(folders: Iterable[Path | None]) -> list[Path]:
    """Remove temporary files and staging folders of runs that are no longer alive; what was removed."""
    removed: list[Path] = []
    for folder in {Path(f) for f in folders if f is not None}:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if not entry.name.startswith(TEMP_PREFIX):
                continue
            owner = entry.name[len(TEMP_PREFIX):].split("-", 1)[0]
            if owner.isdigit():
                if _alive(int(owner)):
                    continue
            else:
                try:
                    if time.time() - entry.stat(follow_symlinks=False).st_mtime < OLD_TEMP_SECONDS:
                        continue
                except OSError:
                    continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


class Staging:
    """Staged paths for final targets; ``commit()`` moves them into place, ``discard()`` forgets them."""

    def __init__(self) -> None:
        self.folders: dict[Path, Path] = {}  # target folder -> its staging folder
        self.moves: list[tuple[Path, Path]] = []  # (staged, final), in the order they were asked for

    def path_for(self, final: Path) -> Path:
        parent = final.parent if str(final.parent) else Path(".")
        if parent not in self.folders:
            parent.mkdir(parents=True, exist_ok=True)
            self.folders[parent] = Path(tempfile.mkdtemp(prefix=temp_prefix() + "staging-", dir=parent))
        staged = self.folders[parent] / final.name
        self.moves.append((staged, final))
        return staged

    def forget(self, final: Path) -> None:
        """Do not move anything to ``final`` (its file was not written after all): an earlier one is stale."""
        self.moves = [move for move in self.moves if move[1] != final]

    def commit(self, last: Path | None = None, stale: Callable[[], Iterable[Path]] = tuple) -> None:
        """Move everything into place, ``last`` (the 区汇总) at the very end; then remove ``stale()``."""
        moves = sorted(self.moves, key=lambda move: move[1] == last)
        keep = {final for _, final in moves}
        for staged, final in moves:
            if staged.exists():
                os.replace(staged, final)
        for path in stale():
            if path not in keep:
                path.unlink(missing_ok=True)

    def discard(self) -> None:
        for folder in self.folders.values():
            shutil.rmtree(folder, ignore_errors=True)
        self.folders.clear()

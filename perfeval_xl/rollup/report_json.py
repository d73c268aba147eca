"""The roll-up report's ``files`` kept on disk, and the report written as JSON one file report at a time.

Each file's own report (what ``validate --format json`` prints) is some 55 KiB as Python objects:
held in memory for a province's 100 000 files that would be gigabytes. ``FileReports`` keeps them
pickled in a temporary file and loads one when it is read; ``write_report`` writes the whole
document with them, the same text ``json.dumps(doc, indent=2)`` gives, never holding more than one.
"""

from __future__ import annotations

import json
import os
import pickle
import tempfile
from collections.abc import Sequence
from typing import Any, Iterator, TextIO

# Stands for the ``files`` list while the rest of the document is encoded: JSON text from this
# tool never holds a NUL (XML, where submission text comes from, cannot carry one; nor can paths).
_PLACE = "\x00files\x00"


class FileReports(Sequence):
    """Each readable file's own report, by path, on disk; read as a sequence in the report's order."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(prefix="perfeval-reports-")
        self.offsets: dict[str, int] = {}
        self.paths: list[str] = []

    def add(self, path: str, report: dict[str, Any] | bytes) -> None:
        """``report``, or its pickle as a roll-up worker made it (written as it is)."""
        self.file.seek(0, os.SEEK_END)
        self.offsets[path] = self.file.tell()
        if isinstance(report, bytes):
            self.file.write(report)
        else:
            pickle.dump(report, self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def in_order(self, paths: list[str]) -> FileReports:
        """These reports listed in the order of ``paths`` (a path without a report is left out)."""
        self.paths = [p for p in paths if p in self.offsets]
        return self

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        self.file.seek(self.offsets[self.paths[index]])
        return pickle.load(self.file)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(len(self)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by content


def write_report(doc: dict[str, Any], out: TextIO) -> None:
    """``doc`` as JSON text (indent 2, non-ASCII as is), its ``files`` encoded one report at a time."""
    files = doc.get("files")
    if not files:
        out.write(_dumps(doc))
        return
    before, after = _dumps({**doc, "files": [_PLACE]}).split(json.dumps(_PLACE), 1)
    out.write(before)
    for i, report in enumerate(files):
        if i:
            out.write(",\n    ")
        out.write(_dumps(report).replace("\n", "\n    "))  # nested two levels deep, as json.dumps indents
    out.write(after)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)

"""The roll-up report's long lists kept out of memory, and the report written as JSON one entry at a time.

Each file's own report (what ``validate --format json`` prints) is some 55 KiB as Python objects:
held in memory for a province's 100 000 files that would be gigabytes. ``FileReports`` keeps them
pickled in a temporary file and loads one when it is read. The other per-file lists (``submissions``,
``cross_findings``, the rankings; ~4.5 KB a file as dicts) are ``Rows``: each entry is made from the
roll-up's own records when it is read. ``write_report`` writes the whole document with them, the
same text ``json.dumps(doc, indent=2)`` gives, never holding more than one entry of a list.
"""

from __future__ import annotations

import json
import os
import re
import pickle
import tempfile
from collections.abc import Sequence
from typing import Any, Callable, Iterator, TextIO

# Stands for a streamed list while the rest of the document is encoded: JSON text from this tool
# never holds a NUL (XML, where submission text comes from, cannot carry one; nor can paths).
_PLACE = re.compile(r'"\\u0000(\d+)\\u0000"')


class Streamed(Sequence):
    """A list of the report whose entries are not held in memory; compares equal to the list it reads as."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and not isinstance(other, (str, bytes)) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # compared by content

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self)}>"


class Rows(Streamed):
    """``[make(item) for item in items]``, each entry made when it is read."""

    def __init__(self, items: Sequence[Any], make: Callable[[Any], Any]) -> None:
        self.items, self.make = items, make

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self.make(item) for item in self.items[index]]
        return self.make(self.items[index])

    def __iter__(self) -> Iterator[Any]:
        return map(self.make, self.items)


def materialize(value: Any) -> Any:
    """``value`` with every streamed list read into a list (for a caller that needs plain data)."""
    if isinstance(value, Streamed):
        return [materialize(v) for v in value]
    if isinstance(value, dict):
        return {k: materialize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [materialize(v) for v in value]
    return value


class FileReports(Streamed):
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


def write_report(doc: dict[str, Any], out: TextIO) -> None:
    """``doc`` as JSON text (indent 2, non-ASCII as is), each streamed list encoded one entry at a time."""
    streamed: list[Streamed] = []

    def mark(value: Any) -> Any:  # each streamed list → a list holding only its placeholder
        if isinstance(value, Streamed):
            if not len(value):
                return []  # json.dumps writes an empty list on one line
            streamed.append(value)
            return [f"\x00{len(streamed) - 1}\x00"]
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v) for v in value]
        return value

    text = _dumps(mark(doc))
    at = 0
    for m in _PLACE.finditer(text):
        indent = "\n" + " " * (m.start() - text.rindex("\n", 0, m.start()) - 1)  # the placeholder's own
        out.write(text[at:m.start()])
        for i, entry in enumerate(streamed[int(m[1])]):
            if i:
                out.write("," + indent)
            out.write(_dumps(entry).replace("\n", indent))  # nested as deep as json.dumps indents it there
        at = m.end()
    out.write(text[at:])


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)

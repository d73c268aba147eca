"""Text for a terminal: widths as the terminal shows them, so that Chinese text lines up.

A CJK character takes two columns, a combining mark none; ``str.ljust`` and ``%-20s`` count
characters and so drift. Widths come from the standard library's Unicode database (East Asian
Width: W and F take two columns; combining marks, format and control characters none), not from a
hand-written range check, and cost no import time (wcwidth, which does the same, took ~36 ms to import).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Iterable, Sequence

ELLIPSIS = "…"
NO_LINE_START = set("，。、；：？！）」』”’》〉】…")


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Columns one character takes: 2 for East Asian wide/fullwidth, 0 for combining marks,
    format and control characters, else 1."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf", "Cc"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal (a control character counts as none)."""
    return text.isascii() and text.isprintable() and len(text) or sum(char_width(c) for c in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``columns`` display columns (left-aligned unless ``right``)."""
    gap = " " * max(columns - width(text), 0)
    return gap + text if right else text + gap


def truncate(text: str, columns: int) -> str:
    """``text`` cut to at most ``columns`` display columns, ending in … when cut."""
    if width(text) <= columns:
        return text
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > columns - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def wrap(text: str, columns: int) -> list[str]:
    """Lines of at most ``columns`` display columns: breaks between CJK characters or at spaces,
    never inside a Latin word or number (one longer than a line stands alone)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line: list[str] = []
        for token in _tokens(paragraph):
            if token == " ":
                if line and width("".join(line)) < columns:
                    line.append(" ")
                continue
            if width("".join(line) + token) > columns and "".join(line).strip():
                carried = []
                if token in NO_LINE_START and len(line) > 1:  # 禁则: 。，）」 never start a line
                    carried = [line.pop()]
                lines.append("".join(line).rstrip())
                line = carried
            line.append(token)
        lines.append("".join(line).rstrip())
    return lines


def _tokens(text: str) -> Iterable[str]:
    """Spaces, runs of narrow non-space characters (a word, a number, an option), and wide characters."""
    word = ""
    for ch in text:
        if ch == " " or char_width(ch) == 2:
            if word:
                yield word
                word = ""
            yield ch
        else:
            word += ch
    if word:
        yield word


def table(header: Sequence[str], rows: Iterable[Sequence[object]], *, right: Sequence[int] = (),
          max_widths: dict[int, int] | None = None, gap: str = "  ") -> str:
    """Rows under a header, each column as wide as its widest cell in display columns.

    ``right``: the indexes of columns aligned right (numbers); ``max_widths``: column index → the
    most columns it may take, longer cells end in … (a long file name does not widen the table).
    None is shown as an empty cell; floats without trailing zeros.
    """
    limits = max_widths or {}
    cells = [list(header)] + [[truncate(_cell(v), limits[i]) if i in limits else _cell(v)
                               for i, v in enumerate(r)] for r in rows]
    widths = [max(width(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for r in cells:
        lines.append(gap.join(pad(c, w, i in right) for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    return "\n".join(lines)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)

"""Names built from submitted text (unit and project names) that every file system and Office accept.

A unit name is data: it may be 77 CJK characters (231 bytes of UTF-8, past the 255-byte name
limit of ext4 once a suffix is added), hold characters Windows forbids (``\\ / : * ? " < > |``),
end in a dot or a space (which Windows drops), or be a reserved device name (``CON``, ``NUL``,
``COM1`` …). Every file name, sheet name and document title the tool builds from such text goes
through this module, so that a long or odd name never stops a run.
"""

from __future__ import annotations

import re

# Leaves room in a 255-byte name for the temporary prefix (".~perfeval-<pid>-<random>") and a
# "（12）" that makes a name unique.
FILE_NAME_BYTES = 200
SHEET_NAME_CHARS = 31  # Excel's limit
DOCX_TITLE_CHARS = 255  # docProps/core.xml dc:title, as python-docx enforces it
_FORBIDDEN_IN_FILES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_FORBIDDEN_IN_SHEETS = re.compile(r"[\\/:*?\[\]\x00-\x1f\x7f]")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
UNNAMED = "未命名"


def cut_bytes(text: str, limit: int) -> str:
    """The longest prefix of ``text`` whose UTF-8 encoding fits in ``limit`` bytes (whole characters)."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore")


def cut_chars(text: str, limit: int, mark: str = "…") -> str:
    """``text`` in at most ``limit`` characters, the cut marked."""
    return text if len(text) <= limit else text[: max(limit - len(mark), 0)] + mark


def file_stem(text: str, limit: int = FILE_NAME_BYTES) -> str:
    """A file-name stem from ``text``: no forbidden characters, no trailing dot or space, not a
    reserved device name, at most ``limit`` bytes; never empty."""
    stem = _FORBIDDEN_IN_FILES.sub("_", text)
    stem = " ".join(stem.split())
    stem = cut_bytes(stem, limit).rstrip(" .").lstrip(" ")
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return stem or UNNAMED


def file_name(stem: str, suffix: str, taken: set[str] | None = None, limit: int = FILE_NAME_BYTES) -> str:
    """``stem`` + ``suffix`` (e.g. "退回意见.xlsx") within ``limit`` bytes, made safe; unique among
    ``taken`` (compared case-insensitively, as Windows and macOS do), which it is added to."""
    room = max(limit - len(suffix.encode("utf-8")), 16)
    base = file_stem(stem, room)
    name = base + suffix
    n = 2
    while taken is not None and name.lower() in taken:
        mark = f"（{n}）"
        name = file_stem(base, room - len(mark.encode("utf-8"))) + mark + suffix
        n += 1
    if taken is not None:
        taken.add(name.lower())
    return name


def sheet_name(text: str, taken: set[str] | None = None) -> str:
    """A worksheet name: at most 31 characters, none of ``\\ / : * ? [ ]``, not starting or ending
    with an apostrophe; unique among ``taken`` (case-insensitively), which it is added to."""
    base = _FORBIDDEN_IN_SHEETS.sub("_", text).strip("'") or "Sheet"
    name = base[:SHEET_NAME_CHARS].strip("'") or "Sheet"
    n = 2
    while taken is not None and name.lower() in taken:
        mark = f"({n})"
        name = base[: SHEET_NAME_CHARS - len(mark)].strip("'") + mark
        n += 1
    if taken is not None:
        taken.add(name.lower())
    return name


def docx_title(text: str) -> str:
    """A document title Word and python-docx accept (at most 255 characters, no control characters)."""
    return cut_chars(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text), DOCX_TITLE_CHARS)

"""Paper: how a sheet's rows fall onto A4 pages (pure arithmetic, no openpyxl).

The writer knows every row's height (it sets them from the text, see ``text_height``), so it can
place the page breaks itself instead of leaving them to Excel, WPS or LibreOffice, which break
wherever a page is full: inside a merged 一级 block, or leaving a last page with nothing but the
blank rows under a table and its 总分.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# A4 less the writer's margins (0.5 in left/right, 0.6 in top/bottom), in points (1 in = 72 pt).
PORTRAIT = ((8.27 - 1.0) * 72, (11.69 - 1.2) * 72)
LANDSCAPE = ((11.69 - 1.0) * 72, (8.27 - 1.2) * 72)
# A form a little taller than a page is shrunk onto it by up to this factor beyond its
# one-page-wide scale, rather than printing a second page with its last rows.
MAX_EXTRA_SHRINK = 0.8
# Our column-width arithmetic is an estimate of each program's: keep a margin so that a sheet
# scaled to one page wide never spills a column onto a second page.
WIDTH_SAFETY = 0.97


# LibreOffice without Carlito (Calibri's metric twin) measures column widths in DejaVu Sans and
# draws the writer's columns about 1.28 times as wide as Excel's 7-pixel character (measured with
# LibreOffice 7.4: the 评分表 fits one page wide at 74 %, not at 78 %; a project table at 59 %, not
# 62 %). Scaling for the widest keeps every program one page wide; Excel then prints a little small.
LIBREOFFICE_WIDTH = 1.3


def column_points(width: float) -> float:
    """An Excel column width (characters of the default font) in points, as the widest program draws it."""
    return int(width * 7 + 5) * 0.75 * LIBREOFFICE_WIDTH


@dataclass
class Pagination:
    fit_one_page: bool  # fit to one page (scale chosen by the program)
    scale: int  # percent, when not fit_one_page
    breaks: list[int]  # rows after which a page ends (openpyxl's Break id)


def paginate(heights: dict[int, float], last_row: int, widths: list[float], landscape: bool,
             keep: list[tuple[int, int]] = (), title_rows: tuple[int, int] | None = None,
             last_content_row: int = 0) -> Pagination:
    """Where the pages of rows 1..last_row end.

    ``keep``: row ranges (first, last) that never break (merged cells, 一级 blocks);
    ``title_rows``: rows repeated at the top of every page after the first;
    ``last_content_row``: the last row holding data; the last page is never only rows after it.
    """
    page_width, page_height = LANDSCAPE if landscape else PORTRAIT
    width_scale = min(1.0, page_width / sum(column_points(w) for w in widths))
    height = lambda r: heights.get(r, 15.0)  # noqa: E731 - Excel's default row height
    total = sum(height(r) for r in range(1, last_row + 1))
    if total * width_scale <= page_height / MAX_EXTRA_SHRINK:
        return Pagination(True, 100, [])
    scale = math.floor(width_scale * WIDTH_SAFETY * 100)
    room = page_height * 100 / scale - 2  # points of sheet per page, less a rounding margin
    titles = sum(height(r) for r in range(title_rows[0], title_rows[1] + 1)) if title_rows else 0.0
    starts = _keep_starts(keep)
    breaks: list[int] = []
    used, first = 0.0, 1
    for r in range(1, last_row + 1):
        if used + height(r) > room and r > first:
            cut = starts.get(r, r)  # a kept block moves whole to the next page
            if cut <= first:
                cut = r  # a block taller than a page breaks where it must
            breaks.append(cut - 1)
            first = cut
            used = titles + sum(height(x) for x in range(cut, r))
        used += height(r)
    if breaks and last_content_row and breaks[-1] >= last_content_row:
        # the last page would hold only blank rows and totals: take the last data rows along
        earlier = breaks[-2] if len(breaks) > 1 else 0
        cut = starts.get(last_content_row - 1, last_content_row - 1)
        if cut - 1 > earlier:
            breaks[-1] = cut - 1
    return Pagination(False, scale, breaks)


def _keep_starts(keep: list[tuple[int, int]]) -> dict[int, int]:
    """For each row inside a kept range (not its first), the range's first row."""
    starts: dict[int, int] = {}
    for first, last in sorted(keep, key=lambda k: k[1] - k[0]):  # the widest range wins
        for r in range(first + 1, last + 1):
            starts[r] = min(starts.get(r, first), first)
    return starts


# ---------------------------------------------------------------- text height (no clipping)

# Wrapped text at the body font (宋体 10 pt; Noto Sans CJK where 宋体 is missing, as in LibreOffice
# on Linux). Widths in pixels at 96 dpi, heights in points. The column is taken at Excel's width
# (7 px a character plus 5): the narrowest of the programs, so the most lines.
CJK_PX = 13.4  # a CJK character or full-width punctuation: 1 em of 10 pt
NARROW_PX = 7.0  # a digit, Latin letter or half-width punctuation (about 0.5 em)
LINE_PT = 14.5  # one line of Noto Sans CJK at 10 pt (its line gap is 1.45 em; 宋体's 1.3)
PADDING_PT = 5.0  # cell margins above and below
CELL_PADDING_PX = 6.0  # cell margins left and right
WORD_WRAP_SLACK = 1.08  # breaks at spaces and before closing punctuation lose part of a line


def char_px(ch: str) -> float:
    return CJK_PX if ord(ch) >= 0x2E80 or ch in "（）：，。；、“”‘’！？—…①②③④⑤⑥⑦⑧⑨⑩" else NARROW_PX


def text_lines(text: str, width: float) -> int:
    """Lines that ``text`` wraps to in a column (or merged columns) ``width`` characters wide."""
    room = max(int(width * 7 + 5) - CELL_PADDING_PX, 1.0)
    lines = 0
    for paragraph in str(text).split("\n"):
        px = sum(char_px(ch) for ch in paragraph) * WORD_WRAP_SLACK
        lines += max(1, math.ceil(px / room))
    return lines


def text_height(text: str, width: float) -> float:
    """Points of row height that show ``text`` whole, wrapped at ``width`` characters."""
    return text_lines(text, width) * LINE_PT + PADDING_PT

"""Lay the composed blocks out as an official document (GB/T 9704 style) with python-docx.

A4; margins top 3.7 cm, bottom 3.5 cm, left 2.8 cm, right 2.6 cm; title 二号 (22 pt) centred;
一级 headings 黑体 三号, 二级 楷体 三号, body 仿宋 三号 (16 pt), first-line indent of two
characters, fixed 28 pt line spacing; page numbers “— 1 —” at the foot. East Asian font names
are set on ``w:eastAsia`` (python-docx's ``font.name`` only sets the Latin slots). Clerk
placeholders 【请填写：……】 are highlighted so nobody prints a draft with them unnoticed.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, Twips

from ..io.safe_names import docx_title
from ..layout.merges import nested_runs
from ..layout.paper import CJK_PX, char_px

from .compose import Block

SIZE_2HAO, SIZE_3HAO, SIZE_4HAO = Pt(22), Pt(16), Pt(14)
PLACEHOLDER = re.compile(r"(【请填写：[^】]*】)")


def _set_fonts(rpr_owner, east_asian: str, latin: str) -> None:
    """Set the Latin and the East Asian font of a style or run (w:rFonts/@w:eastAsia)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _style(doc, name: str, east_asian: str, latin: str, size, *, outline: int | None = None,
           align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True):
    style = doc.styles.add_style(name, 1)  # WD_STYLE_TYPE.PARAGRAPH
    style.base_style = doc.styles["Normal"]
    style.font.size = size
    style.font.bold = False
    _set_fonts(style.element, east_asian, latin)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Pt(32) if indent else Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.widow_control = True
    if outline is not None:
        ppr = style.element.get_or_add_pPr()
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(outline))
        ppr.append(level)
        fmt.keep_with_next = True
    return style


def _page_number_footer(section, fonts: dict[str, str]) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("— ", None), (None, "PAGE"), (" —", None)):
        run = paragraph.add_run()
        run.font.size = SIZE_4HAO
        _set_fonts(run._r, "宋体", fonts["latin"])
        if field is None:
            run.text = text
            continue
        for tag, attrs in (("w:fldChar", {"w:fldCharType": "begin"}), ("w:instrText", {}),
                           ("w:fldChar", {"w:fldCharType": "separate"}), ("w:t", {}),
                           ("w:fldChar", {"w:fldCharType": "end"})):
            el = OxmlElement(tag)
            for k, v in attrs.items():
                el.set(qn(k), v)
            if tag == "w:instrText":
                el.set(qn("xml:space"), "preserve")
                el.text = f" {field} "
            if tag == "w:t":
                el.text = "1"
            run._r.append(el)


SIZE_5HAO = Pt(10.5)


def _table(doc, block: Block, fonts: dict[str, str]) -> None:
    """A caption (黑体 小四, centred) and a bordered table in 宋体 五号, its header row repeated."""
    caption = doc.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.first_line_indent = Pt(0)
    run = caption.add_run(block.text)
    run.font.size = Pt(12)
    _set_fonts(run._r, fonts["heading1"], fonts["latin"])
    figure = block.table
    table = doc.add_table(rows=1 + len(figure.rows), cols=len(figure.headers))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    widths = column_widths(figure.headers, figure.rows)
    for c, width in enumerate(widths):
        table.columns[c].width = Cm(width)
    runs = nested_runs([[row[c] for row in figure.rows] for c in range(figure.merged)])
    covered = {(i + 1, c) for c, spans in enumerate(runs) for first, last in spans for i in range(first + 1, last + 1)}
    for r, values in enumerate((figure.headers, *figure.rows)):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = Cm(widths[c])  # Word reads the cells' widths, LibreOffice the grid's
            if (r, c) in covered:
                continue  # shown once by the merged cell above
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 or len(value) < 12 else WD_ALIGN_PARAGRAPH.LEFT
            run = paragraph.add_run(value)
            run.font.size = SIZE_5HAO
            run.font.bold = r == 0
            _set_fonts(run._r, "宋体", fonts["latin"])
    for c, spans in enumerate(runs):
        for first, last in spans:
            table.cell(first + 1, c).merge(table.cell(last + 1, c))
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    doc.add_paragraph()  # a line between the table and the text that follows


# A4 less the left and right margins of build_document, in characters of the tables' 五号 (10.5 pt)
TEXT_WIDTH_CM = 21.0 - 2.8 - 2.6
TEXT_WIDTH_EMS = TEXT_WIDTH_CM / (10.5 / 72 * 2.54)
WIDEST_COLUMN_EMS = 8.0  # longer text wraps rather than squeezing the other columns
SHORT_HEAD_EMS = 2.0  # a head this short stays on one line; a longer one may wrap onto two
CELL_PADDING_EMS = 1.5  # Word's default cell margins (0.19 cm each side) and the rounding of LibreOffice's wrap


def column_widths(headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> list[float]:
    """Column widths (cm) from what the columns hold. Each column gets at least its head (on one line
    when short, else half) and its short values; the rest of the line goes to the columns of long
    text, by the length most of their cells keep within (up to ``WIDEST_COLUMN_EMS``), shrunk
    alike when the line is short."""
    def ems(text: str) -> float:
        return sum(char_px(ch) for ch in text) / CJK_PX

    least, wanted = [], []
    for c, head in enumerate(headers):
        lengths = sorted(ems(row[c]) for row in rows) or [0.0]
        typical = lengths[int(0.8 * (len(lengths) - 1))]  # a few long cells wrap rather than widen the column
        head_ems = ems(head) if ems(head) <= SHORT_HEAD_EMS else math.ceil(ems(head) / 2)
        least.append(max(head_ems, min(lengths[-1], SHORT_HEAD_EMS)) + CELL_PADDING_EMS)
        wanted.append(max(least[-1], min(typical, WIDEST_COLUMN_EMS) + CELL_PADDING_EMS))
    if sum(wanted) <= TEXT_WIDTH_EMS:
        widths = [w * TEXT_WIDTH_EMS / sum(wanted) for w in wanted]
    else:
        room = max(TEXT_WIDTH_EMS - sum(least), 0.0) / max(sum(wanted) - sum(least), 1e-9)
        widths = [lo + (w - lo) * room for lo, w in zip(least, wanted)]
    return [TEXT_WIDTH_CM * w / sum(widths) for w in widths]


def build_document(blocks: list[Block], fonts: dict[str, str], title_core: str = ""):
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Twips(11906), Twips(16838)  # A4 exactly as Word stores it
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.4)

    normal = doc.styles["Normal"]
    normal.font.size = SIZE_3HAO
    _set_fonts(normal.element, fonts["body"], fonts["latin"])
    styles = {
        "title": _style(doc, "公文标题", fonts["title"], fonts["latin"], SIZE_2HAO, outline=None,
                        align=WD_ALIGN_PARAGRAPH.CENTER, indent=False),
        "heading1": _style(doc, "一级标题", fonts["heading1"], fonts["latin"], SIZE_3HAO, outline=0),
        "heading2": _style(doc, "二级标题", fonts["heading2"], fonts["latin"], SIZE_3HAO, outline=1),
        "body": _style(doc, "公文正文", fonts["body"], fonts["latin"], SIZE_3HAO),
    }
    title = styles["title"].paragraph_format
    title.line_spacing = Pt(36)
    title.space_after = Pt(28)
    _page_number_footer(section, fonts)
    doc.core_properties.title = docx_title(title_core)  # a 240-character unit name must not stop the report
    doc.core_properties.author = "perfeval-xl"

    for block in blocks:
        if block.table is not None:
            _table(doc, block, fonts)
            continue
        paragraph = doc.add_paragraph(style=styles[block.kind])
        for piece in PLACEHOLDER.split(block.text):
            if not piece:
                continue
            run = paragraph.add_run(piece)
            if PLACEHOLDER.fullmatch(piece):
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return doc


def write_docx(blocks: list[Block], fonts: dict[str, str], path: str | Path, title: str = "") -> None:
    from ..io.xlsx_write import save_atomic  # temp file beside the target, then rename

    save_atomic(build_document(blocks, fonts, title), path)

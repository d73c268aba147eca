"""The text of an existing 自评报告 (.docx), paragraph by paragraph, in document order.

Paragraphs are numbered as a reader counts them (non-empty ones, from 1); a table row is one
entry ("表 2 第 3 行", merged cells once, cells joined by "：" so a label cell names the figure
in the next one). The file is only read.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path


class ReportReadError(ValueError):
    """A report file that cannot be read; the message is in Chinese."""


@dataclass(frozen=True)
class Paragraph:
    where: str  # 第 12 段 / 表 1 第 3 行
    text: str


def paragraphs_from_texts(texts: list[str]) -> list[Paragraph]:
    """Plain paragraphs (tests, text already extracted), numbered as read_paragraphs numbers them."""
    out, n = [], 0
    for text in texts:
        if text.strip():
            n += 1
            out.append(Paragraph(f"第 {n} 段", text))
    return out


MAX_XML_PART_BYTES = 64 * 1024 * 1024  # a 自评报告's document.xml is well under 1 MB


def screen_xml_parts(path: Path) -> None:
    """Parse every XML part with defusedxml before python-docx sees the file.

    A submitted .docx is untrusted: a DTD with nested entities ("billion laughs") or an external
    entity has no place in a Word document, and defusedxml refuses both. The parse is cheap next
    to python-docx's own.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if not info.filename.endswith((".xml", ".rels")):
                    continue
                if info.file_size > MAX_XML_PART_BYTES:
                    raise ReportReadError(f"无法读取报告 {path.name}：其中的 {info.filename} 解压后过大，不像 Word 文档。")
                fromstring(z.read(info), forbid_dtd=True)
    except ReportReadError:
        raise
    except DefusedXmlException:
        raise ReportReadError(f"无法读取报告 {path.name}：文件中含有 DTD 或实体声明（正常的 Word 文档没有），"
                              "已拒绝读取；请在 Word 中另存为 .docx 后再核对。") from None
    except (zipfile.BadZipFile, ParseError, KeyError, ValueError, OSError):
        raise ReportReadError(f"无法读取报告 {path.name}：不是有效的 .docx 文件（Word 中另存为 .docx 后再试）。") from None


def read_paragraphs(path: str | Path) -> list[Paragraph]:
    path = Path(path)
    if path.suffix.lower() == ".doc":
        raise ReportReadError(f"{path.name} 是旧版 Word 格式（.doc），请在 Word 中另存为 .docx 后再核对。")
    if not path.is_file():
        raise ReportReadError(f"找不到报告文件 {path}。")
    screen_xml_parts(path)
    try:
        from docx import Document
        from docx.table import Table
        from docx.text.paragraph import Paragraph as DocxParagraph

        from docx.opc.exceptions import PackageNotFoundError

        doc = Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, OSError):
        raise ReportReadError(f"无法读取报告 {path.name}：不是有效的 .docx 文件（Word 中另存为 .docx 后再试）。") from None
    except Exception as exc:  # python-docx raises its own PackageNotFoundError and friends
        raise ReportReadError(f"无法读取报告 {path.name}：{type(exc).__name__}: {exc}") from None
    out: list[Paragraph] = []
    n_par = n_table = 0
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = DocxParagraph(child, doc).text
            if text.strip():
                n_par += 1
                out.append(Paragraph(f"第 {n_par} 段", text))
        elif tag == "tbl":
            n_table += 1
            for r, row in enumerate(Table(child, doc).rows, 1):
                cells: list[str] = []
                for cell in row.cells:
                    text = cell.text.strip()
                    if text and (not cells or cells[-1] != text):
                        cells.append(text)
                if cells:
                    out.append(Paragraph(f"表 {n_table} 第 {r} 行", "：".join(cells)))
    return out

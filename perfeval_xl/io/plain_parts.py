"""The package parts the guard reads for their structure (xl/workbook.xml, its .rels), read
without a Python call per element when they are spelled plainly.

Every writer we know writes these parts the same way: an optional UTF-8 XML declaration, no DTD,
comment, CDATA or processing instruction, no namespace prefix on the elements looked for, one
root element. Such a part is checked for well-formedness by expat with no handlers (all in C),
then its elements are found with one regex scan: with no comment, CDATA or processing instruction,
and no "<" allowed inside attribute values or text, every "<sheet" in a well-formed part is a
``sheet`` start tag. Anything else — another encoding, a prefix, a comment, a malformed part —
answers None, and the guard reads the part with its exact expat path, which also gives the
refusal message (tests/test_fastpath_guard.py runs both over many spellings).
"""

from __future__ import annotations

import re
import xml.parsers.expat as expat
from functools import lru_cache

# Attributes of a start tag as written (decoded): name, then the value in double or single quotes;
# ASCII: \s is XML's whitespace, as in the bytes patterns
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.ASCII)
# A start tag's attribute list and its end, as group 1 (after the element name)
START_TAG_REST = rb"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*/?>"""
# An XML declaration expat reads as UTF-8 (none at all is UTF-8 too)
_DECLARATION = re.compile(rb"""(?:\xef\xbb\xbf)?(?:<\?xml\s+version\s*=\s*(?:"1\.0"|'1\.0')"""
                          rb"""(?:\s+encoding\s*=\s*(?:"(?i:utf-8)"|'(?i:utf-8)'))?"""
                          rb"""(?:\s+standalone\s*=\s*(?:"(?:yes|no)"|'(?:yes|no)'))?\s*\?>)?""")
_REFERENCE = re.compile(r"&(?:#([0-9]+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));")
_PREDEFINED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_WHITESPACE = str.maketrans("\t\n\r", "   ")


def raw_attributes(text: bytes, start: int, end: int) -> dict[str, str]:
    """The attributes written in ``text[start:end]`` (a start tag's attribute list), not unescaped."""
    written = text[start:end].decode("utf-8", "replace")  # once per tag: names and values split at ASCII
    return {m[1]: m[2] if m[2] is not None else m[3] for m in _ATTRIBUTE.finditer(written)}


def attribute_value(raw: str) -> str:
    """An attribute value as expat reports it, from the value as written in a well-formed part:
    line ends normalised, each literal tab/newline a space, then character and predefined entity
    references replaced (a reference to a newline stays a newline)."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n")
    raw = raw.translate(_WHITESPACE)
    if "&" not in raw:
        return raw
    return _REFERENCE.sub(_replace, raw)


def _replace(m: re.Match) -> str:
    if m[1] is not None:
        return chr(int(m[1]))
    if m[2] is not None:
        return chr(int(m[2], 16))
    return _PREDEFINED[m[3]]


@lru_cache(maxsize=None)
def _patterns(element: bytes, root: bytes) -> tuple[re.Pattern, ...]:
    return (re.compile(b"<" + element + START_TAG_REST),
            re.compile(b"<" + element + rb"(?=[\s/>])"),
            re.compile(b"<" + root + rb"(?=[\s/>])"),
            re.compile(b"</" + root + rb"\s*>"),
            re.compile(b":(?:" + element + b"|" + root + b")"))  # one pass for "x:sheet" or "x:workbook" anywhere


_MARKUP = re.compile(rb"<[!?]")  # one pass: "<!" (DTD, comment, CDATA) or "<?" (past the declaration)


def plain_elements(text: bytes, element: str, root: str) -> list[dict[str, str]] | None:
    """The attributes, as written, of every ``element`` before the end of ``root``, in order;
    None when the part is not plainly spelled or not well-formed up to there (read it exactly)."""
    if text[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None  # UTF-16: the exact path refuses it
    name, root_name = element.encode(), root.encode()
    tag, tag_start, root_start, root_end, prefixed = _patterns(name, root_name)
    prolog = _DECLARATION.match(text).end()
    if _MARKUP.search(text, prolog) is not None or prefixed.search(text) is not None:
        return None  # a processing instruction, another declaration, DTD/comment/CDATA, or a prefix
    if len(root_start.findall(text)) != 1:
        return None
    ends = root_end.search(text)
    if ends is None or root_end.search(text, ends.end()) is not None:
        return None
    end = ends.end()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(text[:end], True)  # a complete document: its one root ends here
    except expat.ExpatError:
        return None
    found = []
    for m in tag_start.finditer(text, 0, end):
        attributes = tag.match(text, m.start())
        if attributes is None:
            return None
        found.append(raw_attributes(text, attributes.start(1), attributes.end(1)))
    return found

"""Read a vbaProject.bin into its modules' source, and write a new one from source only.

The written project carries no compiled code at all, the way LibreOffice's VBA export writes
one (oox/source/ole/vbaexport.cxx): ``_VBA_PROJECT`` is the 7-byte header with version 0xFFFF
and no PerformanceCache (MS-OVBA §2.3.4.1: "MUST NOT be present on write"), every module stream
is just its compressed source (MODULEOFFSET 0), there are no ``__SRP_`` streams. Office then
compiles every module from its source, so no p-code can disagree with it ("VBA stomping").

The ``dir`` stream keeps the template's records (references, code page, compatibility version)
with the project and module names and the module offsets rewritten.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

from . import cfb
from .ovba import compress, decompress

# dir stream record ids (MS-OVBA §2.3.4.2)
PROJECTNAME, PROJECTVERSION, PROJECTCODEPAGE = 0x0004, 0x0009, 0x0003
MODULENAME, MODULENAMEUNICODE, MODULESTREAMNAME, MODULESTREAMNAMEUNICODE = 0x0019, 0x0047, 0x001A, 0x0032
MODULEOFFSET, MODULETYPE_PROCEDURAL, MODULETYPE_OTHER, MODULE_END = 0x0031, 0x0021, 0x0022, 0x002B
VBA_PROJECT_HEADER = bytes.fromhex("CC61FFFF000100")  # Reserved1, Version 0xFFFF, Reserved2, Reserved3


class VbaError(Exception):
    """The template's VBA project is not what this module can read (Chinese)."""


@dataclass
class Module:
    name: str
    source: bytes  # as stored: the code page's bytes, CRLF lines, Attribute lines first
    procedural: bool


@dataclass
class Project:
    name: str
    codepage: int
    records: list[tuple[int, bytes]]  # the dir stream's records, module records included
    modules: list[Module]
    project_text: bytes  # the PROJECT stream

    def module(self, name: str) -> Module:
        for m in self.modules:
            if m.name == name:
                return m
        raise VbaError(f"VBA 工程中没有模块 {name}")


def parse_dir(data: bytes) -> list[tuple[int, bytes]]:
    """The decompressed dir stream as (id, payload) records. PROJECTVERSION is the one record
    whose size field (4) does not count its payload (6 bytes)."""
    records, pos = [], 0
    while pos + 6 <= len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        pos += 6
        if rid == PROJECTVERSION:
            size = 6
        records.append((rid, data[pos:pos + size]))
        pos += size
    return records


def dump_dir(records: list[tuple[int, bytes]]) -> bytes:
    out = bytearray()
    for rid, payload in records:
        out += struct.pack("<HI", rid, 4 if rid == PROJECTVERSION else len(payload)) + payload
    return bytes(out)


def read(data: bytes) -> Project:
    import olefile

    ole = olefile.OleFileIO(io.BytesIO(data))
    try:
        records = parse_dir(decompress(ole.openstream("VBA/dir").read()))
        codepage = next(struct.unpack("<H", p)[0] for r, p in records if r == PROJECTCODEPAGE)
        encoding = f"cp{codepage}"
        name = next(p for r, p in records if r == PROJECTNAME).decode(encoding)
        modules = []
        current: dict[int, bytes] = {}
        for rid, payload in records:
            if rid in (MODULENAME, MODULESTREAMNAME, MODULEOFFSET, MODULETYPE_PROCEDURAL, MODULETYPE_OTHER):
                current[rid] = payload
            elif rid == MODULE_END:
                stream = ole.openstream("VBA/" + current[MODULESTREAMNAME].decode(encoding)).read()
                offset = struct.unpack("<I", current[MODULEOFFSET])[0]
                modules.append(Module(current[MODULENAME].decode(encoding), decompress(stream[offset:]),
                                      MODULETYPE_PROCEDURAL in current))
                current = {}
        project_text = ole.openstream("PROJECT").read()
    except (OSError, StopIteration, KeyError, ValueError, struct.error) as exc:
        raise VbaError(f"无法读取加载项模板的 VBA 工程：{exc}") from exc
    finally:
        ole.close()
    return Project(name, codepage, records, modules, project_text)


def rename(project: Project, name: str, modules: dict[str, str]) -> None:
    """Rename the project and modules (old → new) everywhere they are recorded: the dir stream,
    the PROJECT stream (Module=, [Workspace]) and each module's ``Attribute VB_Name``."""
    encoding = f"cp{project.codepage}"
    for value in [name, *modules.values()]:
        if not value.isascii() or not value.replace("_", "a").isalnum() or not value[0].isalpha():
            raise VbaError(f"VBA 名称只能用英文字母、数字和下划线，且以字母开头：{value}")
    renamed = []
    for rid, payload in project.records:
        if rid == PROJECTNAME:
            payload = name.encode(encoding)
        elif rid in (MODULENAME, MODULESTREAMNAME) and payload.decode(encoding) in modules:
            payload = modules[payload.decode(encoding)].encode(encoding)
        elif rid in (MODULENAMEUNICODE, MODULESTREAMNAMEUNICODE) and payload.decode("utf-16-le") in modules:
            payload = modules[payload.decode("utf-16-le")].encode("utf-16-le")
        renamed.append((rid, payload))
    project.records = renamed
    lines = []
    for line in project.project_text.split(b"\r\n"):
        key, sep, value = line.partition(b"=")
        if key == b"Name":
            line = b'Name="' + name.encode(encoding) + b'"'
        elif key in (b"Module", b"Class", b"BaseClass") and value.decode(encoding) in modules:
            line = key + b"=" + modules[value.decode(encoding)].encode(encoding)
        elif sep and key.decode(encoding) in modules:  # [Workspace] lines: Name=x, y, w, h, state
            line = modules[key.decode(encoding)].encode(encoding) + b"=" + value
        lines.append(line)
    project.project_text = b"\r\n".join(lines)
    project.name = name
    for module in project.modules:
        if module.name in modules:
            old, module.name = module.name, modules[module.name]
            module.source = module.source.replace(f'Attribute VB_Name = "{old}"'.encode(encoding),
                                                  f'Attribute VB_Name = "{module.name}"'.encode(encoding), 1)


def write(project: Project) -> bytes:
    """The whole vbaProject.bin, from the modules' source only (see the module docstring)."""
    encoding = f"cp{project.codepage}"
    records = [(rid, struct.pack("<I", 0) if rid == MODULEOFFSET else payload) for rid, payload in project.records]
    streams = [cfb.Node("_VBA_PROJECT", VBA_PROJECT_HEADER), cfb.Node("dir", compress(dump_dir(records)))]
    streams += [cfb.Node(m.name, compress(m.source)) for m in project.modules]
    wm = b"".join(m.name.encode(encoding) + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in project.modules)
    return cfb.write([cfb.Node("PROJECT", project.project_text), cfb.Node("PROJECTwm", wm + b"\0\0"),
                      cfb.Node("VBA", None, streams)])

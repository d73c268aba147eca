"""Submissions that arrive as a .zip (from a chat group or by mail): read as a folder, never unpacked.

Discovery (``zip_candidates``, in the parent) reads only the archive's central directory and
names one *virtual path* per member that a folder would have offered — ``收件/群文件.zip/洋湖.xlsx``
— so that every later step (sorting, 未能读取, the JSON report, X501 duplicates) treats it as a
file like any other. A worker (``read_member``) opens the archive again and inflates that one
member in memory, bounded, then reads it with the same guard and limits as a workbook on disk.

Each member is checked before a byte of it is inflated: its declared size against
``limits.file_mb``, its compression ratio against ``limits.compression_ratio`` (a zip bomb),
encryption, the compression method, and its name (``..`` or an absolute path: refused, never
followed). Inflating never yields more than the declared size (a header that lies is caught).
Nesting is limited to one level: a .zip inside a .zip is listed under 未能读取, not opened (no
zip-of-zips bombs, no quines). An archive that cannot be read, or holds no workbook, is listed
under 未能读取 by the archive's own path.
"""

from __future__ import annotations

import functools
import re
import struct
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any

from ..io.guard import MB, Limits
from ..io.read import Loaded, ReadError, read_submission_data
from .filetypes import OTHER_SPREADSHEETS, SUFFIXES, skipped_name

ZIP_SUFFIX = ".zip"
MAX_MEMBERS = 10_000  # a district's submissions are hundreds; a zip listing more is refused
UNSAFE_PART = "‥"  # shown in place of a ".." name part (the virtual path never climbs out of the archive)
_DRIVE = re.compile(r"^[A-Za-z]:")
# Characters a member name may hold but a Windows path may not: shown full-width (the virtual path
# is a path on the district's machine too).
_NOT_IN_WINDOWS_NAMES = str.maketrans({":": "：", "*": "＊", "?": "？", "\"": "＂", "<": "＜", ">": "＞", "|": "｜"})

BROKEN = "压缩包已损坏或不完整（可能在下载时被截断），无法读取；请重新获取后再放入文件夹"
NESTED = "是压缩包中的压缩包，不展开读取；请先解压外层压缩包，再把其中的压缩包放入文件夹"
UNSAFE_NAME = "压缩包中的文件名不安全（含“..”或绝对路径），疑似恶意构造，未读取"
BROKEN_MEMBER = "在压缩包中已损坏，无法解压；请重新获取压缩包，或解压后提交"
ENCRYPTED = "压缩包设置了密码，无法读取；请解压后把工作簿放入文件夹"


def is_zip(name: str) -> bool:
    return name.lower().endswith(ZIP_SUFFIX)


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as the sender saw it: names without the UTF-8 flag are usually GBK
    (Windows zip tools in China) or UTF-8 (macOS); zipfile decoded them as cp437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437")
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return name.replace("\\", "/")


def _display(name: str) -> tuple[str, bool]:
    """(the name as a safe relative path, whether the original was unsafe)."""
    parts = [p for p in name.split("/") if p not in ("", ".")]
    unsafe = name.startswith("/") or bool(_DRIVE.match(name)) or ".." in parts
    parts = [UNSAFE_PART if p == ".." else p.translate(_NOT_IN_WINDOWS_NAMES) for p in parts]
    return "/".join(parts), unsafe


def _offered(display: str) -> bool:
    """Would a folder with this path offer it as a submission (discover.py's rules)?"""
    parts = display.split("/")
    if any(skipped_name(p) or p == "__MACOSX" for p in parts):
        return False
    return parts[-1].lower().endswith(SUFFIXES + OTHER_SPREADSHEETS + (ZIP_SUFFIX,))


@functools.lru_cache(maxsize=2)
def _entries(path: str, size: int, mtime_ns: int) -> dict[str, zipfile.ZipInfo | None]:
    """Offered members by display name (None: an unsafe name). Raises zipfile.BadZipFile/OSError."""
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _TooMany(len(infos))
    entries: dict[str, zipfile.ZipInfo | None] = {}
    for info in infos:
        if info.is_dir():
            continue
        display, unsafe = _display(member_name(info))
        if display and _offered(display):
            entries.setdefault(display, None if unsafe else info)
    return entries


class _TooMany(Exception):
    pass


def _entries_of(zip_path: Path) -> dict[str, zipfile.ZipInfo | None]:
    st = zip_path.stat()
    return _entries(str(zip_path), st.st_size, st.st_mtime_ns)


def zip_candidates(zip_path: Path) -> list[Path]:
    """A virtual path per member to roll up; ``[zip_path]`` itself when the archive cannot be
    read or offers nothing (the worker then says why, under 未能读取)."""
    try:
        entries = _entries_of(zip_path)
    except Exception:  # noqa: BLE001 - any failure to list the archive is reported by the worker
        return [zip_path]
    return [zip_path / name for name in sorted(entries)] or [zip_path]


def locate(path: Path) -> tuple[Path, str] | None:
    """(archive, member display name) when ``path`` is a virtual path inside a .zip, else None."""
    for parent in path.parents:
        if is_zip(parent.name) and parent.is_file():
            return parent, path.relative_to(parent).as_posix()
    return None


def archive_problem(zip_path: Path) -> str:
    """Why an archive is listed itself under 未能读取 (``zip_candidates`` gave no member)."""
    try:
        entries = _entries_of(zip_path)
    except _TooMany as exc:
        return f"{zip_path.name}：压缩包中的文件过多（{exc.args[0]} 个，上限 {MAX_MEMBERS}），拒绝读取"
    except NotImplementedError:
        return f"{zip_path.name}：{ENCRYPTED}"
    except Exception:  # noqa: BLE001
        return f"{zip_path.name}：{BROKEN}"
    if not entries:
        return f"{zip_path.name}：压缩包中没有找到 .xlsx / .xlsm 工作簿"
    return f"{zip_path.name}：压缩包在汇总过程中被改动，请重新汇总"


def member_stat(zip_path: Path, name: str) -> tuple[int, int]:
    """(size, modification time in ns) of a member, as a file on disk would give them."""
    info = _entries_of(zip_path).get(name)
    if info is None:
        return 0, zip_path.stat().st_mtime_ns
    try:
        mtime = int(time.mktime(info.date_time + (0, 0, -1)) * 1e9)
    except (OverflowError, ValueError):
        mtime = zip_path.stat().st_mtime_ns
    return info.file_size, mtime


def read_member(zip_path: Path, name: str, limits: Limits, settings: Any = None) -> Loaded:
    """The submission in one member (with the sha256 of its bytes). Raises ReadError (Chinese
    reason naming the member) exactly as read_submission does for a file (``settings`` as there)."""
    label = f"{zip_path.name}/{name}"  # the archive named too: 未能读取 says where to look
    entries = _entries_of(zip_path)
    if name not in entries:
        raise ReadError(f"{label}：在压缩包 {zip_path.name} 中找不到（压缩包可能在汇总过程中被改动）")
    info = entries[name]
    if info is None:
        raise ReadError(f"{label}：{UNSAFE_NAME}")
    if is_zip(name):
        raise ReadError(f"{label}：{NESTED}")
    if info.flag_bits & 0x1:
        raise ReadError(f"{label}：{ENCRYPTED}")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ReadError(f"{label}：压缩方式不受支持（{info.compress_type}）；请用常见的 zip 方式重新压缩，或解压后提交")
    if info.file_size > limits.file_bytes:
        raise ReadError(f"{label}：文件过大（解压后 {info.file_size / MB:.1f} MB，上限 {limits.file_mb:g} MB），拒绝读取")
    if info.compress_size > limits.file_bytes:
        raise ReadError(f"{label}：文件过大（压缩后 {info.compress_size / MB:.1f} MB，上限 {limits.file_mb:g} MB），拒绝读取")
    if info.file_size > MB and info.file_size > limits.compression_ratio * max(info.compress_size, 1):
        raise ReadError(f"{label}：解压后过大，疑似“压缩炸弹”，未解压即拒绝读取（压缩比 "
                        f"{info.file_size / max(info.compress_size, 1):.0f}:1，上限 {limits.compression_ratio:g}:1）")
    data = _inflate(zip_path, info, label)
    return read_submission_data(label, data, limits, settings)


def _inflate(zip_path: Path, info: zipfile.ZipInfo, label: str) -> bytes:
    """The member's bytes, read at its offset (the archive's directory is not parsed again for each
    member) and inflated never past its declared size; size and CRC must match the directory."""
    try:
        with open(zip_path, "rb") as fh:
            fh.seek(info.header_offset)
            head = fh.read(30)
            if len(head) < 30 or head[:4] != b"PK\x03\x04":
                raise ReadError(f"{label}：{BROKEN_MEMBER}")
            name_len, extra_len = struct.unpack("<HH", head[26:30])
            fh.seek(info.header_offset + 30 + name_len + extra_len)
            raw = fh.read(info.compress_size)
    except OSError as exc:
        raise ReadError(f"{label}：无法读取压缩包（{exc.strerror or exc}）") from None
    if len(raw) < info.compress_size:
        raise ReadError(f"{label}：{BROKEN_MEMBER}")
    if info.compress_type == zipfile.ZIP_STORED:
        data = raw
    else:
        try:
            data = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)  # +1: a lying header shows
        except zlib.error:
            raise ReadError(f"{label}：{BROKEN_MEMBER}") from None
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise ReadError(f"{label}：解压后的内容与压缩包的记录不符（大小或校验和），文件已损坏或被恶意构造，拒绝读取")
    return data

"""Write a small MS-CFB (compound file, version 3) from a tree of streams: what vbaProject.bin is.

olefile reads compound files but can only overwrite a stream with one of the same size; the
add-in's VBA project is rewritten whole, so it is laid out here: 512-byte sectors, streams under
4096 bytes in the mini stream (64-byte sectors), one FAT (up to 109 sectors: 6.9 MB, plenty),
directory entries as a red-black tree per storage (MS-CFB §2.6.4). Tests read the result back
with olefile and oletools.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR, MINI_SECTOR, MINI_CUTOFF = 512, 64, 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
RED, BLACK = 0, 1


@dataclass
class Node:
    """A storage (``children``) or a stream (``data``)."""

    name: str
    data: bytes | None = None
    children: list["Node"] = field(default_factory=list)
    entry: int = 0  # index in the directory, assigned when written

    @property
    def is_storage(self) -> bool:
        return self.data is None


def _key(name: str) -> tuple[int, str]:
    """MS-CFB's sibling order: shorter names first, then by upper-case code point."""
    return len(name), name.upper()


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i + 1 < count else ENDOFCHAIN


def write(root_children: list[Node]) -> bytes:
    root = Node("Root Entry", None, root_children)
    entries: list[Node] = []

    def number(node: Node) -> None:
        node.entry = len(entries)
        entries.append(node)
        for child in node.children:
            number(child)

    number(root)
    names = [n.name for n in entries]
    if any(len(n) > 31 for n in names):
        raise ValueError("compound file names have at most 31 characters")

    # Streams: big ones in sectors of their own, small ones in the mini stream.
    streams = [n for n in entries if not n.is_storage]
    mini = bytearray()
    minifat: list[int] = []
    start: dict[int, int] = {}
    for node in streams:
        if len(node.data) < MINI_CUTOFF and node.data:
            first = len(mini) // MINI_SECTOR
            count = -(-len(node.data) // MINI_SECTOR)
            minifat += [0] * count
            _chain(minifat, first, count)
            start[node.entry] = first
            mini += node.data + b"\0" * (count * MINI_SECTOR - len(node.data))
    sectors: list[bytes] = []
    fat_chains: list[tuple[int, int]] = []

    def place(data: bytes) -> int:
        first = len(sectors)
        count = -(-len(data) // SECTOR)
        padded = data + b"\0" * (count * SECTOR - len(data))
        sectors.extend(padded[i:i + SECTOR] for i in range(0, len(padded), SECTOR))
        fat_chains.append((first, count))
        return first

    for node in streams:
        if len(node.data) >= MINI_CUTOFF:
            start[node.entry] = place(node.data)
    mini_start = place(bytes(mini)) if mini else ENDOFCHAIN
    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    minifat_bytes += struct.pack("<I", FREESECT) * ((-len(minifat)) % (SECTOR // 4))
    minifat_start = place(minifat_bytes) if minifat else ENDOFCHAIN
    minifat_count = -(-len(minifat_bytes) // SECTOR) if minifat else 0

    directory = bytearray()
    links = _tree_links(root, entries)
    for node in entries:
        directory += _dir_entry(node, links[node.entry], start, mini_start, len(mini))
    directory += _empty_entry() * ((-len(entries)) % (SECTOR // 128))
    dir_start = place(bytes(directory))

    data_sectors = len(sectors)
    fat_count = 1
    while fat_count * (SECTOR // 4) < data_sectors + fat_count:
        fat_count += 1
    if fat_count > 109:
        raise ValueError("compound file too large for a header-only FAT")
    fat = [FREESECT] * (fat_count * (SECTOR // 4))
    for first, count in fat_chains:
        _chain(fat, first, count)
    for i in range(fat_count):
        fat[data_sectors + i] = FATSECT
    difat = list(range(data_sectors, data_sectors + fat_count)) + [FREESECT] * (109 - fat_count)

    header = SIGNATURE + b"\0" * 16 + struct.pack(
        "<HHHHH6sIIIIIIIII", 0x003E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, fat_count, dir_start, 0, MINI_CUTOFF,
        minifat_start, minifat_count, ENDOFCHAIN, 0) + struct.pack("<109I", *difat)
    assert len(header) == SECTOR
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    return header + b"".join(sectors) + fat_bytes


def _tree_links(root: Node, entries: list[Node]) -> dict[int, tuple[int, int, int, int]]:
    """(left, right, child, colour) per entry: each storage's children as a balanced binary
    search tree, the deepest level red when the tree is not perfect (a valid red-black tree)."""
    links = {n.entry: [NOSTREAM, NOSTREAM, NOSTREAM, BLACK] for n in entries}

    def build(nodes: list[Node], depth: int, depths: dict[int, int]) -> int:
        if not nodes:
            return NOSTREAM
        mid = len(nodes) // 2
        node = nodes[mid]
        depths[node.entry] = depth
        links[node.entry][0] = build(nodes[:mid], depth + 1, depths)
        links[node.entry][1] = build(nodes[mid + 1:], depth + 1, depths)
        return node.entry

    for storage in (n for n in entries if n.is_storage):
        ordered = sorted(storage.children, key=lambda n: _key(n.name))
        if len({_key(n.name) for n in ordered}) != len(ordered):
            raise ValueError(f"duplicate names in storage {storage.name}")
        depths: dict[int, int] = {}
        links[storage.entry][2] = build(ordered, 0, depths)
        if depths:
            deepest = max(depths.values())
            perfect = len(ordered) == 2 ** (deepest + 1) - 1
            for entry, depth in depths.items():
                if depth == deepest and not perfect:
                    links[entry][3] = RED
    return {k: tuple(v) for k, v in links.items()}


def _dir_entry(node: Node, link: tuple[int, int, int, int], start: dict[int, int], mini_start: int,
               mini_size: int) -> bytes:
    name = node.name.encode("utf-16-le") + b"\0\0"
    left, right, child, colour = link
    if node.entry == 0:
        kind, first, size = 5, mini_start, mini_size
    elif node.is_storage:
        kind, first, size = 1, 0, 0
    else:
        kind, first, size = 2, start.get(node.entry, ENDOFCHAIN), len(node.data)
    return (name.ljust(64, b"\0") + struct.pack("<HBBIII", len(name), kind, colour, left, right, child)
            + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", first, size))


def _empty_entry() -> bytes:
    return b"\0" * 64 + struct.pack("<HBBIII", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM) + b"\0" * 48

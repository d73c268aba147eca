"""MS-OVBA run-length compression (the format of VBA source in vbaProject.bin), both directions.

The ribbon add-in is xlwings' own quickstart add-in (``quickstart_addin_ribbon.xlam``) with its
ribbon callback module rewritten: that project carries no compiled p-code (``_VBA_PROJECT``
version 0xFFFF), so Excel compiles the module from the source stored here. The new source is
written into the same number of bytes as the old one, so the compound file keeps its layout.
"""

from __future__ import annotations

import struct


def decompress(data: bytes) -> bytes:
    """A CompressedContainer (MS-OVBA 2.4.1) → the bytes it holds."""
    if not data or data[0] != 1:
        raise ValueError("not an MS-OVBA compressed container")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack("<H", data[pos:pos + 2])[0]
        pos += 2
        size = (header & 0x0FFF) + 3
        end = min(pos + size - 2, len(data))
        start = len(out)
        if not header & 0x8000:
            out += data[pos:pos + 4096]
            pos += 4096
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags & (1 << bit):
                    out.append(data[pos])
                    pos += 1
                else:
                    token = struct.unpack("<H", data[pos:pos + 2])[0]
                    pos += 2
                    length_bits = 16 - max((len(out) - start - 1).bit_length(), 4)
                    length = (token & (0xFFFF >> (16 - length_bits))) + 3
                    offset = (token >> length_bits) + 1
                    for _ in range(length):
                        out.append(out[-offset])
    return bytes(out)


def _tokens(text: bytes, literal_tail: int) -> list[tuple[int, int] | int]:
    """Greedy LZ77 tokens of one chunk: a byte, or (offset, length); the last ``literal_tail``
    bytes are always literals (padding whose cost is one byte each)."""
    tokens: list[tuple[int, int] | int] = []
    i, stop = 0, len(text) - literal_tail
    while i < len(text):
        best_len, best_off = 0, 0
        if i < stop and i > 0:
            bit_count = max((i - 1).bit_length(), 4)
            max_len = (0xFFFF >> bit_count) + 3
            for j in range(max(0, i - (1 << bit_count)), i):
                n = 0
                while n < max_len and i + n < stop and text[j + n] == text[i + n]:
                    n += 1
                if n > best_len:
                    best_len, best_off = n, i - j
        if best_len >= 3:
            tokens.append((best_off, best_len))
            i += best_len
        else:
            tokens.append(text[i])
            i += 1
    return tokens


def _encode(tokens: list[tuple[int, int] | int]) -> bytes:
    body = bytearray()
    pos = 0  # decompressed position
    for k in range(0, len(tokens), 8):
        group = tokens[k:k + 8]
        flags, payload = 0, bytearray()
        for bit, tok in enumerate(group):
            if isinstance(tok, int):
                payload.append(tok)
                pos += 1
            else:
                offset, length = tok
                bit_count = max((pos - 1).bit_length(), 4)
                length_bits = 16 - bit_count
                payload += struct.pack("<H", ((offset - 1) << length_bits) | (length - 3))
                flags |= 1 << bit
                pos += length
        body.append(flags)
        body += payload
    return bytes(body)


def compress_exact(text: bytes, size: int) -> bytes:
    """A container of exactly ``size`` bytes holding ``text`` (which ends with CRLF) followed by
    blank lines: each blank-line run is one copy token (2 bytes) or two literal bytes, so the
    padding reaches any size from a little above the compressed text."""
    if not text.endswith(b"\r\n"):
        raise ValueError("text must end with CRLF")
    core = _tokens(text, 0)
    for literal_pairs in range(0, 8):
        for copies in range(0, 64):
            tokens = list(core) + [13, 10] * literal_pairs + [(2, 4)] * copies  # CRLF CRLF per copy
            if len(text) + 2 * literal_pairs + 4 * copies > 4096:
                break
            chunk = _encode(tokens)
            total = 1 + 2 + len(chunk)
            if total == size:
                return bytes([1]) + struct.pack("<H", 0xB000 | (len(chunk) + 2 - 3)) + chunk
            if total > size:
                break
    raise ValueError(f"source does not fit in {size} bytes")

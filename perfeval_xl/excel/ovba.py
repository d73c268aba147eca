"""MS-OVBA run-length compression (the format of VBA source and of the ``dir`` stream in
vbaProject.bin), both directions, for any length (one 4096-byte chunk after another).

Tests check ``compress`` against oletools' independent ``decompress_stream``.
"""

from __future__ import annotations

import struct

CHUNK = 4096


def decompress(data: bytes) -> bytes:
    """A CompressedContainer (MS-OVBA 2.4.1) → the bytes it holds."""
    if not data or data[0] != 1:
        raise ValueError("not an MS-OVBA compressed container")
    out = bytearray()
    pos = 1
    while pos + 2 <= len(data):
        header = struct.unpack("<H", data[pos:pos + 2])[0]
        pos += 2
        size = (header & 0x0FFF) + 3
        end = min(pos + size - 2, len(data))
        start = len(out)
        if not header & 0x8000:
            out += data[pos:pos + CHUNK]
            pos += CHUNK
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
                    length_bits = 16 - _offset_bits(len(out) - start)
                    length = (token & (0xFFFF >> (16 - length_bits))) + 3
                    offset = (token >> length_bits) + 1
                    if offset > len(out) - start:
                        raise ValueError("copy token reaches before its chunk")
                    for _ in range(length):
                        out.append(out[-offset])
    return bytes(out)


def _offset_bits(position: int) -> int:
    """Bits of a copy token's offset at ``position`` bytes into the decompressed chunk (§2.4.1.3.19.1)."""
    return max((position - 1).bit_length(), 4)


def _compress_chunk(chunk: bytes) -> bytes:
    """One chunk's token sequence (flag byte + up to 8 tokens, repeated), longest matches first.

    Candidate matches come from an index of 3-byte prefixes, so a whole xlwings module (~60 kB)
    compresses in well under a second.
    """
    out = bytearray()
    index: dict[bytes, list[int]] = {}
    pos, n = 0, len(chunk)
    while pos < n:
        flags, flag_at = 0, len(out)
        out.append(0)
        for bit in range(8):
            if pos >= n:
                break
            best_len, best_off = 0, 0
            if pos >= 1 and pos + 3 <= n:
                bits = _offset_bits(pos)
                max_len = min((0xFFFF >> bits) + 3, n - pos)
                for j in reversed(index.get(chunk[pos:pos + 3], ())):
                    length = 3
                    while length < max_len and chunk[j + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - j
                        if length == max_len:
                            break
            step = best_len if best_len >= 3 else 1
            if best_len >= 3:
                bits = _offset_bits(pos)
                out += struct.pack("<H", ((best_off - 1) << (16 - bits)) | (best_len - 3))
                flags |= 1 << bit
            else:
                out.append(chunk[pos])
            for k in range(pos, pos + step):
                if k + 3 <= n:
                    index.setdefault(chunk[k:k + 3], []).append(k)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """``data`` as a CompressedContainer (MS-OVBA 2.4.1.3.1)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        chunk = data[start:start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) > CHUNK - 2 and len(chunk) == CHUNK:  # does not pay: a raw chunk (§2.4.1.3.10)
            out += struct.pack("<H", 0x3000 | (CHUNK + 2 - 3)) + chunk
        elif len(body) <= CHUNK:
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
        else:  # a short last chunk of noise: a raw chunk would pad it with zeros (never VBA text)
            raise ValueError("the last chunk does not compress")
    return bytes(out)

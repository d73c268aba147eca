"""Text files people hand us (rules files, rosters, prefill lists), in whatever encoding they were saved."""

from __future__ import annotations


def decode_user_text(raw: bytes) -> str | None:
    """UTF-8 (with or without the BOM Notepad writes), else GBK via GB18030, its superset (Notepad's
    “ANSI” and Excel's CSV on Chinese Windows); None when neither decodes."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None

"""Which files in a submissions folder (or inside a .zip of one) are submissions, and which are skipped."""

from __future__ import annotations

SUFFIXES = (".xlsx", ".xlsm")
# Other spreadsheet formats a street may send: found so that 未能读取 lists them (另存为 .xlsx),
# never silently left out as a "combine files" query would.
OTHER_SPREADSHEETS = (".xls", ".xlsb", ".et", ".ods")
# Temporary files of save_atomic and of the roll-up writer (".~perfeval-…").
TEMP_PREFIX = ".~perfeval-"


def skipped_name(name: str) -> bool:
    """Office lock files (~$…), our temporary files, hidden and macOS resource-fork files (._…)."""
    return name.startswith("~$") or name.startswith(".")

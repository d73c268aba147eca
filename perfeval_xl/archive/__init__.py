"""The district's archive of roll-ups: an SQLite file (standard library ``sqlite3``).

``perfeval-xl rollup … --archive 绩效档案.sqlite`` records each run, each submission with its
projects, indicators, findings and 情况说明 (docs/archive.md has the schema). The roll-up reuses
the record of a file whose bytes were archived under the same rules, compares a unit with its
previous year (上年得分, 变化, 上年排名, 连续出现) and a resubmission with the version before it.

Reads for analysts are plain functions returning lists of dicts (``archive.read``).
"""

from __future__ import annotations

from .read import explanations, findings, history, indicators, projects, runs, submissions
from .schema import SCHEMA_VERSION
from .store import Archive, ArchiveError, rules_fingerprint

__all__ = ["Archive", "ArchiveError", "SCHEMA_VERSION", "explanations", "findings", "history", "indicators",
           "projects", "rules_fingerprint", "runs", "submissions"]

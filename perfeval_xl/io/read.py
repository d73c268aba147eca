"""Open a submission file read-only and map it into the model.

Every failure becomes a ReadError with a Chinese message naming the file; callers
(CLI, roll-up) never see a traceback for bad input.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import NamedTuple

from ..core.model import Submission
from ..core.serialize import ModelError, submission_from_json

# Larger files are refused before reading: real submissions are well under 1 MB.
MAX_JSON_BYTES = 50 * 1024 * 1024


class ReadError(Exception):
    """A file that cannot be used; ``str(err)`` is the message for the person."""


class Loaded(NamedTuple):
    submission: Submission
    sha256: str
    recomputed: list[str]  # formula cells without a cached value, read as the core computes them


def read_submission(path: str | Path) -> Loaded:
    """The submission in ``path`` and the sha256 of its bytes. The file is only read."""
    path = Path(path)
    data = _read_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ReadError(f"{path.name}：不是 UTF-8 编码的文本文件") from None
        try:
            return Loaded(submission_from_json(text), digest, [])
        except ModelError as exc:
            raise ReadError(f"{path.name}：{exc}") from None
    if suffix in (".xlsx", ".xlsm"):
        result = _read_xlsx(path)
        return Loaded(result.submission, digest, result.recomputed)
    if suffix == ".xls":
        raise ReadError(f"{path.name}：是旧版 .xls 格式，请在 Excel 或 WPS 中“另存为” .xlsx 后再提交。")
    raise ReadError(f"{path.name}：无法识别的文件类型（应为 .json、.xlsx 或 .xlsm）")


def _read_xlsx(path: Path):
    from .xlsx_read import read_workbook  # the Excel adapter is only imported when needed

    if not zipfile.is_zipfile(path):
        raise ReadError(f"{path.name}：不是有效的 Excel 工作簿（文件已损坏，或并非 .xlsx 格式）")
    try:
        return read_workbook(path)
    except Exception as exc:  # calamine/zip errors on broken files: the message, never a traceback
        raise ReadError(f"{path.name}：无法读取工作簿（{type(exc).__name__}: {exc}）") from None


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise ReadError(f"{path.name}：文件过大（{size // (1024 * 1024)} MB），拒绝读取")
        return path.read_bytes()
    except FileNotFoundError:
        raise ReadError(f"{path}：文件不存在") from None
    except IsADirectoryError:
        raise ReadError(f"{path}：是文件夹，不是文件") from None
    except PermissionError:
        raise ReadError(f"{path}：没有读取权限") from None
    except OSError as exc:
        raise ReadError(f"{path}：无法读取（{exc.strerror or exc}）") from None

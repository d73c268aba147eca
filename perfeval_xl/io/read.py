"""Open a submission file read-only and map it into the model.

Every failure becomes a ReadError with a Chinese message naming the file; callers
(CLI, roll-up) never see a traceback for bad input.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any, NamedTuple

from ..core.model import Submission
from ..core.serialize import ModelError, submission_from_doc
from . import json_input, sandbox
from .guard import OLD_XLS, Limits, Refused

NO_TEMPLATE = ("工作簿中没有找到自评表（没有“单位信息”封面，也没有项目支出绩效自评表），"
               "可能不是用本工具的模板填写的")


ZIP_GIVEN = "是压缩包；请解压后逐份校验其中的工作簿（区汇总 rollup 可直接读取文件夹中的压缩包）"


class ReadError(Exception):
    """A file that cannot be used; ``str(err)`` is the message for the person."""


class NoTemplateContent(ReadError):
    """A readable workbook with nothing of the template in it (another template, sheets missing)."""


class Loaded(NamedTuple):
    submission: Submission
    sha256: str
    recomputed: list[str]  # formula cells without a cached value, read as the core computes them


def read_submission(path: str | Path, limits: Limits | None = None, settings: Any = None) -> Loaded:
    """The submission in ``path`` and the sha256 of its bytes. The file is only read, once.

    ``limits`` (default: the rules file's [limits]) bound what a file may cost; a workbook with
    nothing of the template in it raises NoTemplateContent.
    """
    path = Path(path)
    limits = limits or Limits()
    data = _read_bytes(path, limits.file_bytes, limits.file_mb)
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ReadError(f"{path.name}：不是 UTF-8 编码的文本文件") from None
        try:
            return Loaded(submission_from_doc(json_input.loads(text, limits)), digest, [])
        except json.JSONDecodeError as exc:
            raise ReadError(f"{path.name}：JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列（{exc.msg}）") from None
        except (ModelError, json_input.JsonRefused) as exc:
            raise ReadError(f"{path.name}：{exc}") from None
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _workbook(path.name, data, digest, limits, settings)
    if suffix == ".zip":
        raise ReadError(f"{path.name}：{ZIP_GIVEN}")
    raise ReadError(f"{path.name}：无法识别的文件类型（应为 .json、.xlsx 或 .xlsm）")


def read_submission_data(name: str, data: bytes, limits: Limits | None = None, settings: Any = None) -> Loaded:
    """A workbook already in memory (a member of a .zip, rollup/zipintake.py), named ``name``:
    the same guard, limits, sandbox and messages as ``read_submission`` for a file on disk."""
    limits = limits or Limits()
    if len(data) > limits.file_bytes:
        raise ReadError(f"{name}：文件过大（{len(data) / (1024 * 1024):.1f} MB，上限 {limits.file_mb:g} MB），拒绝读取")
    if Path(name).suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        return _workbook(name, data, hashlib.sha256(data).hexdigest(), limits, settings)
    raise ReadError(f"{name}：无法识别的文件类型（应为 .xlsx 或 .xlsm）")


def _workbook(name: str, data: bytes, digest: str, limits: Limits, settings: Any) -> Loaded:
    """An .xlsx/.xlsm read in the sandbox (an .xls refused with the 另存为 advice), whether it came
    from a file or from a .zip."""
    if name.lower().endswith(".xls"):
        raise ReadError(f"{name}：{OLD_XLS}")
    result = _read_xlsx(name, data, limits, settings)
    if not has_template_content(result.submission):
        raise NoTemplateContent(f"{name}：{NO_TEMPLATE}")
    return Loaded(result.submission, digest, result.recomputed)


def has_template_content(sub: Submission) -> bool:
    return bool(sub.unit.sources or sub.projects or sub.department is not None
                or sub.basic_data is not None or sub.rubric is not None)


class _Parsed(NamedTuple):
    submission: Submission
    recomputed: list[str]


def _parse_xlsx(data: bytes, limits: Limits, settings: Any = None) -> _Parsed:
    """The guard and calamine, in the sandbox; only the model travels back."""
    from .xlsx_read import read_workbook  # the Excel adapter is only imported when needed

    try:
        result = read_workbook(data, limits=limits, settings=settings)
    except Refused:
        raise
    except Exception as exc:  # calamine errors on broken files: the message, never a traceback
        raise ReadError(f"无法读取工作簿（{type(exc).__name__}: {exc}）") from None
    return _Parsed(result.submission, result.recomputed)


@functools.cache
def _prepare_parent() -> None:
    """Import the reader and build the layouts once here, from trusted code only: each sandbox
    child inherits them instead of building them again (a roll-up with jobs=1 forks per file)."""
    from ..core.settings import Settings
    from ..layout.sheets import UNIT_SHEETS
    from .xlsx_read import rows_needed

    rows_needed(UNIT_SHEETS)
    for kind in UNIT_SHEETS:
        kind.layout()
    Settings.default()


def _read_xlsx(name: str, data: bytes, limits: Limits, settings: Any = None) -> _Parsed:
    """Parse in a child process with bounded memory and time (sandbox.py), unless already in one."""
    _prepare_parent()
    try:
        return sandbox.run(_parse_xlsx, (data, limits, settings), memory_mb=limits.memory_mb,
                           seconds=limits.parse_seconds)
    except (Refused, ReadError, sandbox.ChildDied) as exc:
        raise ReadError(f"{name}：{exc}") from None
    except Exception as exc:  # e.g. the child failed in Python itself, short of memory
        raise ReadError(f"{name}：无法读取工作簿（{type(exc).__name__}: {exc}）") from None


def _read_bytes(path: Path, limit: int, limit_mb: float) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise ReadError(f"{path.name}：文件过大（{size / (1024 * 1024):.1f} MB，上限 {limit_mb:g} MB），拒绝读取")
        # O_NONBLOCK: a FIFO put in place of the file cannot block the open; only a regular file is read
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise ReadError(f"{path.name}：不是普通文件（可能是命名管道或设备），未读取")
        with os.fdopen(fd, "rb") as fh:  # one read; never more than the limit, even if the file grows meanwhile
            data = fh.read(size + 1)
            if len(data) > size:
                data += fh.read(limit + 1 - len(data))
        if len(data) > limit:
            raise ReadError(f"{path.name}：文件过大（上限 {limit_mb:g} MB），拒绝读取")
        return data
    except FileNotFoundError:
        raise ReadError(f"{path}：文件不存在") from None
    except IsADirectoryError:
        raise ReadError(f"{path}：是文件夹，不是文件") from None
    except PermissionError:
        raise ReadError(f"{path}：没有读取权限，或文件正被其他程序（如 Excel、WPS）占用") from None
    except OSError as exc:
        raise ReadError(f"{path}：无法读取（{exc.strerror or exc}）") from None

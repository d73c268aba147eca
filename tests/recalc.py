"""Test helpers: evaluate generated workbooks the way other programs will.

* ``libreoffice_recalculate`` / ``libreoffice_pdf``: headless LibreOffice (``soffice``), in a
  private profile so parallel runs and CI never share (or wait on) a user profile.
* ``formulas_values``: the ``formulas`` package's own evaluation of every formula.
* ``calamine_values``: the cached values a workbook carries (what ``read_workbook`` sees).

Every reader returns ``{(sheet, "A1"): value}`` with plain Python scalars: numbers as float,
text as str, booleans as bool, errors as their Excel text ("#DIV/0!"), and an empty cell or a
formula that yields "" as None, so the three can be compared with each other and with the core.

Printing, found on LibreOffice 7.4.7: PDF export prints every sheet that has a print range, hidden
or not (a hidden sheet without one is skipped); to print one sheet, hide the others *and* clear
their print ranges.

Recalculation on load, found on LibreOffice 7.4.7 (headless): the shipped default of
``/org.openoffice.Office.Calc/Formula/Load/OOXMLRecalcMode`` is 1, "never recalculate". Formula
cells *without* a cached value (everything openpyxl writes) are still computed on load, but a
formula *with* a cached value keeps that value even when it is stale. The private profile sets
the mode to 0 ("always"), so every formula is recomputed whatever the file carries.
"""

from __future__ import annotations

import atexit
import datetime as dt
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterable

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFINFO = shutil.which("pdfinfo")
TIMEOUT = 180  # seconds for one soffice call (a fresh profile costs a few seconds on first start)

Values = dict[tuple[str, str], Any]

_RECALC_ALWAYS_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""

_profile_dir: Path | None = None


class LibreOfficeError(RuntimeError):
    pass


def _profile() -> Path:
    """One private LibreOffice profile per test process, with recalculation on load forced on."""
    global _profile_dir
    if _profile_dir is None or not _profile_dir.exists():
        _profile_dir = Path(tempfile.mkdtemp(prefix="lo-profile-"))
        user = _profile_dir / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_RECALC_ALWAYS_XCU, encoding="utf-8")
        atexit.register(shutil.rmtree, _profile_dir, True)
    return _profile_dir


def _soffice(args: list[str], timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    if SOFFICE is None:
        raise LibreOfficeError("soffice is not on PATH (apt-get install libreoffice-calc-nogui)")
    cmd = [SOFFICE, f"-env:UserInstallation={_profile().as_uri()}", "--headless", "--norestore",
           "--nologo", "--nodefault", "--nolockcheck", *args]
    env = {**os.environ, "SAL_USE_VCLPLUGIN": "svp"}
    # own process group: on timeout, kill soffice.bin too, not only the oosplash wrapper
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise LibreOfficeError(f"soffice timed out after {timeout} s: {' '.join(cmd)}") from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _convert(paths: Iterable[str | Path], outdir: str | Path, target: str, suffix: str) -> list[Path]:
    paths = [Path(p).resolve() for p in paths]
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    for p in paths:
        if p.parent == outdir and p.suffix == suffix:
            raise ValueError(f"{p}: converting into its own directory would overwrite it")
    outputs = [outdir / (p.stem + suffix) for p in paths]
    if len(set(outputs)) != len(outputs):
        raise ValueError(f"two inputs share a file name; outputs would collide: {paths}")
    for o in outputs:
        o.unlink(missing_ok=True)
    done = _soffice(["--calc", "--convert-to", target, "--outdir", str(outdir), *map(str, paths)])
    # soffice exits 0 even when a file fails to load; it then prints "Error: source file could not be
    # loaded" and writes nothing. (stderr also carries noise such as "failed to launch javaldx".)
    missing = [str(o) for o in outputs if not o.exists() or o.stat().st_size == 0]
    if done.returncode != 0 or missing or re.search(r"^Error\b", done.stdout + done.stderr, re.M):
        raise LibreOfficeError(f"soffice --convert-to {target} failed (rc={done.returncode}); "
                               f"missing: {missing}\n{done.stdout}\n{done.stderr}")
    return outputs


def libreoffice_recalculate(path: str | Path, outdir: str | Path) -> Path:
    """Open ``path`` in LibreOffice, recalculate every formula, save as xlsx in ``outdir``."""
    return _convert([path], outdir, "xlsx:Calc MS Excel 2007 XML", ".xlsx")[0]


def libreoffice_recalculate_many(paths: Iterable[str | Path], outdir: str | Path) -> list[Path]:
    """Several workbooks in one soffice start (startup dominates the cost)."""
    return _convert(paths, outdir, "xlsx:Calc MS Excel 2007 XML", ".xlsx")


def libreoffice_pdf(path: str | Path, outdir: str | Path) -> Path:
    """Print ``path`` to a PDF in ``outdir``: its visible sheets, and hidden ones that have a print
    range (LibreOffice 7.4), each with its own page setup."""
    return _convert([path], outdir, "pdf:calc_pdf_Export", ".pdf")[0]


def libreoffice_pdf_many(paths: Iterable[str | Path], outdir: str | Path) -> list[Path]:
    return _convert(paths, outdir, "pdf:calc_pdf_Export", ".pdf")


def pdf_page_count(pdf: str | Path) -> int:
    """Pages of a PDF: ``pdfinfo`` (poppler-utils) when installed, else count its page objects."""
    if PDFINFO:
        out = subprocess.run([PDFINFO, str(pdf)], capture_output=True, text=True, timeout=60, check=True).stdout
        m = re.search(r"^Pages:\s+(\d+)", out, re.M)
        if m:
            return int(m[1])
    data = Path(pdf).read_bytes()
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


# ---------------------------------------------------------------- values


def plain(value: Any) -> Any:
    """One cell value as a plain Python scalar; "" and empty → None; numbers → float."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - formulas depends on numpy
        np = None
    if np is not None:
        if isinstance(value, np.ndarray):
            value = value.item() if value.size == 1 else value.tolist()
        if isinstance(value, np.generic):
            value = value.item()
    try:
        import schedula as sh

        if value is sh.EMPTY:
            return None
    except ImportError:  # pragma: no cover
        pass
    try:
        from formulas.tokens.operand import XlError

        if isinstance(value, XlError):
            return str(value)
    except ImportError:  # pragma: no cover
        pass
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return value
    return str(value)


def same(a: Any, b: Any, tol: float = 1e-6) -> bool:
    """Equal as the tests mean it: numbers within ``tol`` (relative to 1), "" ≡ None."""
    a, b = plain(a), plain(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
            and not isinstance(b, bool):
        if math.isnan(a) or math.isnan(b):
            return False
        return abs(a - b) <= tol * max(1.0, abs(b))
    return a == b


def _sheet_names(path: str | Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


_KEY = re.compile(r"^'?\[(?P<book>[^\]]*)\](?P<sheet>.*?)'?!(?P<ref>\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$")


def formulas_values(path: str | Path) -> Values:
    """Every cell the ``formulas`` package knows after computing the workbook.

    Solution keys look like ``'[seed000.xlsx]项目1'!H6`` (1.3.x upper-cases sheet names:
    ``_LISTS``; CJK names pass through unchanged) and ranges like ``…!F13:F32``; they are mapped
    back to the workbook's own sheet names and expanded to single cells. Workbook-level defined
    names (``'[book]'!PE_…``) are left out. Cells no formula refers to may be absent.
    """
    import formulas
    from openpyxl.utils import get_column_letter, range_boundaries

    names = {n.upper(): n for n in _sheet_names(path)}
    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()
    single: Values = {}
    ranged: Values = {}
    for key, value in solution.items():
        m = _KEY.match(str(key))
        if not m or not m["sheet"]:
            continue
        sheet = names.get(m["sheet"].replace("''", "'").upper(), m["sheet"])
        ref = m["ref"].replace("$", "")
        array = getattr(value, "value", value)
        if ":" not in ref:
            single[(sheet, ref)] = plain(_first(array))
            continue
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        rows = _rows(array)
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                try:
                    v = rows[r - min_row][c - min_col]
                except IndexError:
                    v = None
                ranged[(sheet, f"{get_column_letter(c)}{r}")] = plain(v)
    return {**ranged, **single}


def _first(array: Any) -> Any:
    rows = _rows(array)
    return rows[0][0] if rows and rows[0] else None


def _rows(array: Any) -> list[list[Any]]:
    if hasattr(array, "tolist") and not isinstance(array, str):
        array = array.tolist()
    if not isinstance(array, list):
        return [[array]]
    return [r if isinstance(r, list) else [r] for r in array]


def calamine_values(path: str | Path) -> Values:
    """Every non-empty cell's cached value, as python-calamine reads it."""
    from openpyxl.utils import get_column_letter
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    out: Values = {}
    for sheet in book.sheet_names:
        rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        for r, line in enumerate(rows, start=1):
            for c, v in enumerate(line, start=1):
                v = plain(v)
                if v is not None:
                    out[(sheet, f"{get_column_letter(c)}{r}")] = v
    return out

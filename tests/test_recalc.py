"""Generated workbooks compute what the core computes, in the ``formulas`` package and in LibreOffice.

For every computed cell of every layout in UNIT_SHEETS (whatever sheets it holds), the value a
spreadsheet engine computes from the written file equals the layout cell's ``compute(obj)``.
Where the writer kept a stated value because it disagreed with the formula (a slip such as
执行率 0.9174), the cell is a constant, holds the stated value, and really disagrees.

"The core's value" is taken on the model as the workbook shows it: a computed field left blank
gets its formula, and the cells computed from it see that formula's value (``as_shown``).

Cases: the seed-000 unit workbook as digitised (slips kept as constants); the same submission
with every computed field set to the core's value (every computed cell a live formula fed with
real data); rounding and clamping edges (``EDGE``); the empty template. ``half_cent`` is a known
disagreement between the core's rounding and the spreadsheets' (an xfail until the core changes).

Printing: one PDF per sheet (the other sheets hidden, without print ranges) and one per
workbook; the page counts observed are pinned in EXPECTED_PAGES.

The LibreOffice tests are skipped with a reason when ``soffice`` is not on PATH, except under
CI (CI=true), where a missing LibreOffice is a failure: they must run there.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import time
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from perfeval_xl.core.serialize import submission_to_json
from perfeval_xl.core.settings import Settings
from perfeval_xl.io.xlsx_read import read_workbook
from perfeval_xl.io.xlsx_write import build_workbook, plan_layouts, plan_printout, save_atomic
from perfeval_xl.layout.project import ProjectForm
from perfeval_xl.layout.grid import COMPUTED, Cell, Layout, resolve
from perfeval_xl.layout.paths import get_path, set_path
from perfeval_xl.layout.sheets import UNIT_SHEETS

from .conftest import load_seed
from .recalc import (PDFINFO, SOFFICE, calamine_values, formulas_values, libreoffice_pdf_many,
                     libreoffice_recalculate_many, pdf_page_count, same)

SEED = "seed000_yanghu_2022.json"
CASES = ("seed000", "seed000_consistent", "edge", "template")
PRINT_CASES = ("seed000", "template")

# Pages each sheet prints on, as observed with LibreOffice 7.4.7 (A4, one page wide). A layout
# change that moves a page break fails here: look at the PDF, then update the numbers.
# Template 项目1: 15 empty indicator rows of 28 pt, 2 landscape pages.
# Seed 000: 11/11/9/11/5 indicators + 5 spare rows; 项目3 (行政审批办) has long prose: 3 pages.
EXPECTED_PAGES = {
    # the 评分表 breaks only between its 一级 blocks (投入 | 过程 | 产出 | 效果 and the totals)
    "template": {"封面": 1, "填报说明": 2, "基础数据表": 1, "部门整体支出绩效自评表": 1, "评分表": 4, "项目清单": 1,
                 "项目1": 1},
    # a filled workbook prints its filled forms only; a project table on one page unless its text
    # really needs two (项目3's seventeen long indicators)
    "seed000": {"封面": 1, "项目清单": 1, "项目1": 1, "项目2": 1, "项目3": 2, "项目4": 1, "项目5": 1},
}

needs_soffice = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) is not on PATH: apt-get install libreoffice-calc-nogui fonts-wqy-zenhei "
           "poppler-utils")


def _require_soffice() -> None:
    if SOFFICE is None:  # only reached under CI: the skip above covers local runs
        pytest.fail("CI must run the LibreOffice tests, but soffice is not on PATH")


# ---------------------------------------------------------------- the workbooks under test


def _kinds_by_key() -> dict[str, Any]:
    return {kind.key: kind for kind in UNIT_SHEETS}


@dataclass
class Target:
    """One computed cell of a written workbook and the model object it shows."""

    layout: Layout
    cell: Cell
    obj: Any  # the object written (None for the template)
    fresh: Any  # obj, or an empty object of its type: what compute() sees for a template
    row_cells: dict[str, Cell] | None = None  # the cell's table row, for {row.field} placeholders

    @property
    def key(self) -> tuple[str, str]:
        return self.layout.sheet, self.cell.ref

    def expected(self) -> Any:
        return self.cell.compute(self.fresh) if self.cell.compute else None

    def stated(self) -> Any:
        return get_path(self.obj, self.cell.field) if self.obj is not None and self.cell.field else None


def computed_targets(sub, settings: Settings) -> list[Target]:
    """Every computed cell of every layout, table rows included (if a table has computed columns)."""
    kinds = _kinds_by_key()
    out: list[Target] = []
    projects = iter(sub.projects if sub is not None else [])
    for layout, obj in plan_layouts(sub, UNIT_SHEETS, settings):
        kind = kinds.get(layout.key)
        if isinstance(obj, ProjectForm):
            obj = next(projects)  # the form shows the model's table: settle the table itself
        fresh = obj if obj is not None or kind is None else kind.new()
        out.extend(Target(layout, c, obj, fresh) for c in layout.cells if c.role == COMPUTED)
        for table in layout.tables:
            items = (get_path(obj, table.field) or []) if obj is not None else []
            for i in range(table.capacity):
                item = items[i] if i < len(items) else None
                row_cells = {c.field: c for c in table.cells_of_row(i)}
                for c in row_cells.values():
                    if c.role == COMPUTED:
                        out.append(Target(layout, c, item, item if item is not None else table.item_type(),
                                          row_cells))
    return out


def _settle(sub, settings: Settings, blank_only: bool):
    sub = copy.deepcopy(sub)
    previous: set = set()
    for _ in range(6):  # computed fields feed each other (totals → rate → score → grade)
        changed = set()
        for t in computed_targets(sub, settings):
            if t.obj is None or t.cell.stamp or not t.cell.field:
                continue
            if blank_only and t.stated() not in (None, ""):
                continue
            value = t.expected()
            if not same(t.stated(), value):
                set_path(t.obj, t.cell.field, value)
                changed.add(t.key)
        if not changed or changed == previous:  # what keeps changing is not kept by the model
            return sub
        previous = changed
    raise AssertionError("computed fields did not settle")


def make_consistent(sub, settings: Settings):
    """A copy of ``sub`` whose computed fields hold the core's values: the writer writes formulas."""
    return _settle(sub, settings, blank_only=False)


def as_shown(sub, settings: Settings):
    """A copy of ``sub`` as its workbook shows it: computed fields left blank get their formula's value,
    which later computed cells then use (a blank 总分 still yields a 等级)."""
    return None if sub is None else _settle(sub, settings, blank_only=True)


def with_figures(sub, specs, settings: Settings):
    """A copy of ``sub`` whose projects get (全年执行数, 全年预算数, 执行率分值, indicator scores), made consistent."""
    sub = copy.deepcopy(sub)
    sub.projects = sub.projects[:len(specs)]
    for project, (executed, budget, points, scores) in zip(sub.projects, specs):
        project.funding_current_year.executed = executed
        project.funding_current_year.annual_budget = budget
        project.execution_points = points
        for i, indicator in enumerate(project.indicators):
            indicator.score = scores[i] if i < len(scores) else None
    return make_consistent(sub, settings)


# Rounding and clamping edges the three engines agree on.
EDGE = [
    (2.345, 10, 10, [10.125, 20, 30, 20]),  # 得分 2.345 → 2.35; 总分 82.475 → 82.48 (良)
    (0.285, 1, 100, [89.995]),  # 100 × 0.285 = 28.499999999999996 → 28.5
    (120.0, 100.0, 10, [69.995, 10]),  # over-execution counts as 100%; 总分 89.995 → 90 (优)
    (0.0, 0.0, 10, [79.994]),  # no budget: no 执行率, no 得分; 总分 79.99 (中)
    (-5.0, 100.0, 10, [59.995]),  # a negative 执行数 scores 0; 总分 59.995 → 60 (中)
]
# 1 + 88.99 + 0.005: the float sum is 89.99499999999999. Excel and LibreOffice round to 15
# significant digits first (89.995 → 90, 优); the core and the formulas package give 89.99 (良).
HALF_CENT = [(1.0, 1.0, 1, [88.99, 0.005])]


@dataclass
class Built:
    name: str
    sub: Any
    path: Path
    sheet_files: list[tuple[Layout, Path]]  # one file per printable sheet, the others hidden


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Built]:
    settings = Settings.default()
    seed = load_seed(SEED)
    subs = {"seed000": seed, "seed000_consistent": make_consistent(seed, settings),
            "edge": with_figures(seed, EDGE, settings), "template": None,
            "half_cent": with_figures(seed, HALF_CENT, settings)}
    root = tmp_path_factory.mktemp("recalc")
    out: dict[str, Built] = {}
    for name, sub in subs.items():
        path = root / f"{name}.xlsx"
        save_atomic(build_workbook(sub, UNIT_SHEETS, settings), path)
        sheet_files = []
        if name in PRINT_CASES:
            wb = build_workbook(sub, UNIT_SHEETS, settings)
            kept = {ws.title: (ws.sheet_state, ws._print_area, ws._print_rows) for ws in wb.worksheets}
            for i, (layout, _) in enumerate(plan_layouts(sub, UNIT_SHEETS, settings)):
                for ws in wb.worksheets:
                    ws.sheet_view.tabSelected = ws.title == layout.sheet
                    ws.sheet_state, ws._print_area, ws._print_rows = kept[ws.title]
                    if ws.title != layout.sheet:
                        # LibreOffice 7.4 prints a hidden sheet when it has a print range: clear both
                        # (openpyxl has no public way to clear print titles)
                        ws.sheet_state = "hidden"
                        ws.print_area = None
                        ws._print_rows = None
                wb.active = wb.sheetnames.index(layout.sheet)
                sheet_path = root / "sheets" / f"{name}__{i:02d}.xlsx"
                sheet_path.parent.mkdir(exist_ok=True)
                save_atomic(wb, sheet_path)
                sheet_files.append((layout, sheet_path))
        out[name] = Built(name, sub, path, sheet_files)
    return out


def _stale_cache_workbook(path: Path) -> Path:
    """A workbook whose formula carries a wrong cached value (as if its inputs changed elsewhere)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A1"], ws["A2"], ws["A3"] = 2, 3, "=A1*A2"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("<f>A1*A2</f><v></v>", "<f>A1*A2</f><v>999</v>").replace(
        "<f>A1*A2</f><v />", "<f>A1*A2</f><v>999</v>").encode()
    assert b"<v>999</v>" in parts["xl/worksheets/sheet1.xml"], sheet
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


@pytest.fixture(scope="module")
def lo_recalculated(built, tmp_path_factory) -> dict[str, Path]:
    """Every case opened, recalculated and saved by LibreOffice, in one soffice start."""
    _require_soffice()
    outdir = tmp_path_factory.mktemp("lo-xlsx")
    stale = _stale_cache_workbook(tmp_path_factory.mktemp("stale") / "stale_cache.xlsx")
    started = time.monotonic()
    outputs = libreoffice_recalculate_many([b.path for b in built.values()] + [stale], outdir)
    print(f"LibreOffice recalculated {len(outputs)} workbooks in {time.monotonic() - started:.1f} s")
    return dict(zip([*built, "stale_cache"], outputs))


@needs_soffice
def test_libreoffice_recalculates_stale_cached_values(lo_recalculated):
    """The private profile sets OOXMLRecalcMode to "always": 7.4's default ("never") keeps the 999."""
    assert calamine_values(lo_recalculated["stale_cache"])[("表", "A3")] == 6.0


@pytest.fixture(scope="module")
def lo_pdfs(built, tmp_path_factory) -> dict[str, Any]:
    """Whole-workbook PDFs and one PDF per sheet, in one soffice start."""
    _require_soffice()
    outdir = tmp_path_factory.mktemp("lo-pdf")
    inputs = [built[n].path for n in PRINT_CASES]
    inputs += [p for n in PRINT_CASES for _, p in built[n].sheet_files]
    started = time.monotonic()
    pdfs = libreoffice_pdf_many(inputs, outdir)
    print(f"LibreOffice printed {len(pdfs)} PDFs in {time.monotonic() - started:.1f} s")
    by_input = dict(zip(inputs, pdfs))
    return {n: (by_input[built[n].path], [(layout, by_input[p]) for layout, p in built[n].sheet_files])
            for n in PRINT_CASES}


# ---------------------------------------------------------------- values against the core


def _check_cells(case: Built, values: dict, engine: str) -> tuple[list[str], int, int]:
    """Mismatches between ``values`` and the core; also the numbers of formula and constant cells."""
    settings = Settings.default()
    wb = load_workbook(case.path)  # what the writer wrote: formula text, or a constant
    shown = {t.key: t.expected() for t in computed_targets(as_shown(case.sub, settings), settings)}
    problems: list[str] = []
    formulas = constants = 0
    for t in computed_targets(case.sub, settings):
        sheet, ref = t.key
        written = wb[sheet][ref]
        got = values.get(t.key)
        where = f"{sheet}!{ref} ({t.cell.field})"
        if written.data_type == "f":
            formulas += 1
            if t.key not in values and engine == "formulas":
                problems.append(f"{where}: {engine} computed no value")
            elif isinstance(got, str) and got.startswith("#"):
                problems.append(f"{where}: {engine} gives the error {got} [{written.value}]")
            elif t.cell.compute is None:
                continue  # no core value to compare with (a display-only formula)
            elif not same(got, shown[t.key]):
                problems.append(f"{where}: {engine} gives {got!r}, the core {shown[t.key]!r} [{written.value}]")
        else:
            constants += 1
            stated = t.stated()
            if t.obj is None:
                problems.append(f"{where}: the template holds a constant {written.value!r}, not a formula")
            elif not same(written.value, stated):
                problems.append(f"{where}: constant {written.value!r} is not the stated value {stated!r}")
            elif same(stated, t.expected()):
                problems.append(f"{where}: constant {stated!r} although it agrees with the formula")
            elif t.key in values and not same(got, stated):
                problems.append(f"{where}: {engine} shows {got!r}, not the stated constant {stated!r}")
    return problems, formulas, constants


@pytest.mark.parametrize("case", CASES)
def test_formulas_package_computes_what_the_core_computes(built, case):
    problems, n_formulas, _ = _check_cells(built[case], formulas_values(built[case].path), "formulas")
    assert not problems, "\n".join(problems)
    assert n_formulas > 0


@needs_soffice
@pytest.mark.parametrize("case", CASES)
def test_libreoffice_computes_what_the_core_computes(built, lo_recalculated, case):
    problems, n_formulas, _ = _check_cells(built[case], calamine_values(lo_recalculated[case]), "LibreOffice")
    assert not problems, "\n".join(problems)
    assert n_formulas > 0


def test_which_cells_are_formulas(built):
    """The seed's slips are constants; the consistent copy and the template are all formulas."""
    settings = Settings.default()
    for case in built:
        wb = load_workbook(built[case].path)
        constants = [f"{s}!{r}" for s, r in (t.key for t in computed_targets(built[case].sub, settings))
                     if wb[s][r].data_type != "f"]
        if case == "seed000":
            # 执行率 0.9174 against 105.95/115.5 = 0.91732 and the like: the digitised slips
            assert "项目2!H6" in constants
            assert "项目5!H6" not in constants  # 50/50 = 100%: the seed agrees, a live formula
        else:
            assert constants == [], case
    # openpyxl writes no cached values: calamine sees the formula cells empty (the reader recomputes)
    cached = calamine_values(built["template"].path)
    assert cached.get(("封面", "B7")) is None


@needs_soffice
def test_half_cent_total_rounds_as_spreadsheets_do(built, lo_recalculated):
    problems, _, _ = _check_cells(built["half_cent"], calamine_values(lo_recalculated["half_cent"]), "LibreOffice")
    known = ["(total_score): LibreOffice gives 90.0, the core 89.99",
             "(stated_grade): LibreOffice gives '优', the core '良'"]
    if [p.split(" [")[0].split(" ", 1)[1] for p in problems] == known:
        pytest.xfail("core rounding: round_half_up(89.99499999999999) is 89.99 (良), while LibreOffice and "
                     "Excel round the 15-digit 89.995 to 90 (优)")
    assert not problems, "\n".join(problems)


def test_blank_stated_value_keeps_the_formula(built):
    """A computed field left blank on paper (等级 is not printed on seed 000's tables) is not a slip."""
    wb = load_workbook(built["seed000"].path)
    targets = computed_targets(built["seed000"].sub, Settings.default())
    blank = [t for t in targets if t.obj is not None and t.stated() in ("", None)]
    assert blank, "seed 000 leaves 等级 blank"
    assert [f"{s}!{r}" for s, r in (t.key for t in blank) if wb[s][r].data_type != "f"] == []


def test_layout_formulas_use_only_functions_formulas_computes(built):
    import formulas

    known = set(formulas.get_functions())
    used: dict[str, set[str]] = {}
    settings = Settings.default()
    for case in built:
        plan = plan_layouts(built[case].sub, UNIT_SHEETS, settings)
        layouts = {layout.key: layout for layout, _ in plan}
        for t in computed_targets(built[case].sub, settings):
            text = resolve(t.cell.formula, t.layout, layouts, t.row_cells)
            for name in re.findall(r"([A-Z][A-Z0-9._]*)\s*\(", re.sub(r'"[^"]*"', '""', text)):
                used.setdefault(name, set()).add(t.layout.key)
    unknown = {name: sorted(keys) for name, keys in used.items() if name not in known}
    assert not unknown, f"functions the formulas package cannot compute: {unknown}"
    assert {"IF", "SUM", "COUNT", "ROUND"} <= set(used)


# ---------------------------------------------------------------- files LibreOffice and openpyxl accept


@pytest.mark.parametrize("case", CASES)
def test_openpyxl_loads_the_written_file(built, case):
    wb = load_workbook(built[case].path)
    assert wb.sheetnames[-1] == "_lists"
    assert [layout.sheet for layout, _ in plan_layouts(built[case].sub, UNIT_SHEETS, Settings.default())] \
        == wb.sheetnames[:-1]


@needs_soffice
@pytest.mark.parametrize("case", CASES)
def test_libreoffice_round_trip(built, lo_recalculated, case):
    """LibreOffice's re-save loads in openpyxl, keeps sheets and formulas, and reads back the same."""
    original = load_workbook(built[case].path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl drops LibreOffice's x14 extensions, with a warning
        resaved = load_workbook(lo_recalculated[case])
    assert resaved.sheetnames == original.sheetnames
    assert resaved["_lists"].sheet_state == "hidden"
    lost = [f"{ws.title}!{c.coordinate}" for ws in original.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f" and resaved[ws.title][c.coordinate].data_type != "f"]
    assert not lost, f"formulas LibreOffice turned into constants: {lost}"
    for ws in original.worksheets:
        assert {str(r) for r in resaved[ws.title].merged_cells.ranges} == {str(r) for r in ws.merged_cells.ranges}
    before = read_workbook(built[case].path)
    after = read_workbook(lo_recalculated[case])
    # LibreOffice caches 15 significant digits (0.936992906486161, not …1608): compare within 1e-9
    diffs = _differences(json.loads(submission_to_json(before.submission)),
                         json.loads(submission_to_json(after.submission)))
    assert not diffs, "\n".join(diffs)
    # openpyxl writes no cached values, so the reader computed them; LibreOffice's file carries them all
    assert before.recomputed
    assert after.recomputed == []


def _differences(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in _differences(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _differences(x, y, f"{path}[{i}]")]
    return [] if same(a, b, tol=1e-9) else [f"{path}: {a!r} != {b!r}"]


# ---------------------------------------------------------------- printing


def _page_sizes(pdf: Path) -> list[tuple[float, float]]:
    out = subprocess.run([PDFINFO, "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out)]


@needs_soffice
@pytest.mark.parametrize("case", PRINT_CASES)
def test_pdf_pages(lo_pdfs, lo_pdfs_subs, case):
    whole, per_sheet = lo_pdfs[case]
    counts = {layout.sheet: pdf_page_count(pdf) for layout, pdf in per_sheet}
    sub = lo_pdfs_subs[case]
    printed = {layout.sheet for layout, _, prints in plan_printout(sub, UNIT_SHEETS, Settings.default()) if prints}
    print(case, "pages per sheet:", counts, "whole workbook:", pdf_page_count(whole))
    assert pdf_page_count(whole) == sum(n for sheet, n in counts.items() if sheet in printed), counts
    assert printed == set(EXPECTED_PAGES[case]), "the sheets that print"
    for layout, pdf in per_sheet:
        pages = counts[layout.sheet]
        if layout.sheet not in printed:  # in the file, out of the printout: LibreOffice writes one empty page
            assert pages == 1 and _pdf_text(pdf).strip() == "", layout.sheet
            continue
        expected = EXPECTED_PAGES[case][layout.sheet]
        assert pages == expected, f"{layout.sheet}: {pages} pages, observed before: {expected}"
        if PDFINFO:
            sizes = _page_sizes(pdf)
            assert len(sizes) == pages
            for w, h in sizes:  # A4: 595 x 842 pt
                assert sorted((round(w), round(h))) == [595, 842], (layout.sheet, w, h)
                assert (w > h) == layout.landscape, f"{layout.sheet}: {w} x {h}"


@pytest.fixture(scope="module")
def lo_pdfs_subs(built) -> dict[str, Any]:
    return {n: built[n].sub for n in PRINT_CASES}


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          timeout=60, check=True).stdout


@needs_soffice
def test_project_sheet_prints_on_at_most_two_pages(lo_pdfs):
    _, per_sheet = lo_pdfs["template"]
    pages = [pdf_page_count(pdf) for layout, pdf in per_sheet if layout.key == "project"]
    assert pages and max(pages) <= 2, pages

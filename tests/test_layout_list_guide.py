"""项目清单 and 填报说明.

The list's formulas, computed by LibreOffice (and by the ``formulas`` package, which needs no
LibreOffice), show what the core computes: each project sheet's name, unit, budget and executed
amounts, the core's ``execution_rate``, the 总分 and 等级 the project sheet shows, and the 合计
row. The guide is notes only, describes the sheets of the workbook it is in, and takes its
numbers from the rules file.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from perfeval_xl.core.model import Indicator
from perfeval_xl.core.score import round_half_up
from perfeval_xl.core.scoring import execution_rate, grade_of
from perfeval_xl.core.settings import Settings
from perfeval_xl.io.xlsx_read import read_workbook
from perfeval_xl.io.xlsx_write import build_workbook, plan_layouts, save_atomic
from perfeval_xl.layout.grid import HEADER, LABEL, NOTE, TITLE
from perfeval_xl.layout.guide import guide_layout
from perfeval_xl.layout.sheets import GUIDE, PROJECT_GUIDE
from perfeval_xl.layout.project_list import PROJECT_LIST, project_list_cells, project_list_layout
from perfeval_xl.layout.project import project_layout
from perfeval_xl.layout.sheets import COVER, PROJECT

from .conftest import load_seed, values_only

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not on PATH, so the 项目清单 formulas cannot be computed "
                            "by a spreadsheet: apt-get install libreoffice-calc-nogui")

KINDS = [COVER, GUIDE, PROJECT_LIST, PROJECT]


# ---------------------------------------------------------------- the workbooks


def grown_seed():
    """Seed 000 with 项目1 grown past the template's 20 indicator rows and its 总分/等级 not stated,
    so that its 总分 row moves down and is a live formula the list must follow."""
    sub = load_seed("seed000_yanghu_2022.json")
    p = sub.projects[0]
    extra = [Indicator(level1="产出指标", level2="数量指标", name=f"补充指标{i}", target="1次", actual="1次",
                       points=1.0, score=0.5) for i in range(25)]
    p.indicators = p.indicators + extra
    p.total_score, p.stated_grade = None, ""
    return sub


CASES = {"seed000": lambda: load_seed("seed000_yanghu_2022.json"), "grown": grown_seed, "template": lambda: None}


def _list_layout(sub):
    return next(layout for layout, _ in plan_layouts(sub, KINDS, Settings.default()) if layout.key == "project_list")


def _project_layouts(sub):
    return [layout for layout, _ in plan_layouts(sub, KINDS, Settings.default()) if layout.key == "project"]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, tuple[Any, Path]]:
    root = tmp_path_factory.mktemp("list")
    out = {}
    for name, make in CASES.items():
        sub = make()
        path = root / f"{name}.xlsx"
        save_atomic(build_workbook(sub, KINDS), path)
        out[name] = (sub, path)
    return out


def _soffice_recalculate(paths: list[Path], outdir: Path, profile: Path) -> list[Path]:
    """Open each workbook in LibreOffice (a private profile: no clash with another soffice) and save it
    as xlsx: openpyxl writes no cached values, so LibreOffice computes every formula on load."""
    cmd = [SOFFICE, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
           "--nolockcheck", "--calc", "--convert-to", "xlsx", "--outdir", str(outdir), *map(str, paths)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"})
    try:
        out, err = proc.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # soffice.bin too, not only the wrapper
        proc.communicate()
        pytest.fail("soffice did not finish within 240 s")
    results = [outdir / p.name for p in paths]
    missing = [str(p) for p in results if not p.exists()]
    assert proc.returncode == 0 and not missing, f"soffice failed ({proc.returncode}): {missing}\n{out}\n{err}"
    return results


@pytest.fixture(scope="module")
def recalculated(written, tmp_path_factory) -> dict[str, dict[tuple[str, str], Any]]:
    """Cached values of every sheet after LibreOffice, read with python-calamine."""
    from python_calamine import CalamineWorkbook

    root = tmp_path_factory.mktemp("lo")
    names = list(written)
    done = _soffice_recalculate([written[n][1] for n in names], root / "out", root / "profile")
    values = {}
    for name, path in zip(names, done):
        book = CalamineWorkbook.from_path(str(path))
        grid = {}
        for sheet in book.sheet_names:
            for r, line in enumerate(book.get_sheet_by_name(sheet).to_python(skip_empty_area=False), start=1):
                for c, v in enumerate(line, start=1):
                    grid[(sheet, _ref(r, c))] = None if v == "" else v
        values[name] = grid
    return values


@pytest.fixture(scope="module")
def formulas_computed(written) -> dict[str, dict[tuple[str, str], Any]]:
    """Every formula computed by the ``formulas`` package (what the xlwings/Lite path uses)."""
    import formulas

    out = {}
    for name, (_, path) in written.items():
        solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
        grid = {}
        for key, value in solution.items():
            book_sheet, _, ref = str(key).rpartition("!")
            sheet = book_sheet.strip("'").split("]", 1)[-1]
            if ":" not in ref:
                grid[(sheet, ref.replace("$", ""))] = _plain(getattr(value, "value", value))
        out[name] = grid
    return out


def _ref(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def _plain(value: Any) -> Any:
    if hasattr(value, "tolist"):
        value = value.tolist()
    while isinstance(value, list):
        value = value[0] if value else None
    if hasattr(value, "item"):
        value = value.item()
    if value is None or value == "" or type(value).__name__ == "Token" or str(value) == "empty":
        return None
    return value


# ---------------------------------------------------------------- what the core says


def expected_rows(sub) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Per project sheet, what the list must show; and the 合计 row."""
    settings = Settings.default()
    rows = []
    projects = sub.projects if sub is not None else []
    for t, layout in zip(projects, _project_layouts(sub)):
        budget, executed = t.funding_total.annual_budget, t.funding_total.executed
        # 总分 as the project sheet computes it: the stated figure the writer keeps, else its formula's value
        total = t.total_score if t.total_score is not None else layout.cell_of("total_score").compute(t)
        rows.append({"name": t.name, "implementing_unit": t.implementing_unit, "annual_budget": budget,
                     "executed": executed, "execution_rate": execution_rate(executed, budget),
                     "total_score": total, "grade": t.stated_grade or grade_of(total, settings)})
    if not rows:  # the template: the blank 项目1
        return [dict.fromkeys(("name", "implementing_unit", "annual_budget", "executed", "execution_rate",
                               "total_score", "grade"))], dict.fromkeys(("annual_budget", "executed",
                                                                          "execution_rate", "total_score"))
    budgets = sum(r["annual_budget"] for r in rows)
    executed = sum(r["executed"] for r in rows)
    totals = [r["total_score"] for r in rows]
    return rows, {"annual_budget": budgets, "executed": executed, "execution_rate": execution_rate(executed, budgets),
                  "total_score": round_half_up(sum(totals) / len(totals), 2)}


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, float) and isinstance(got, (int, float)):
        return abs(got - want) <= 1e-9 * max(1.0, abs(want))
    return got == want


def _compare(case: str, values: dict, engine: str) -> list[str]:
    sub = CASES[case]()
    layout = _list_layout(sub)
    rows, total_row = project_list_cells(layout)
    want_rows, want_total = expected_rows(sub)
    assert len(rows) == len(want_rows)
    problems = []
    for i, (cells, want) in enumerate(zip(rows, want_rows), start=1):
        assert _same(values.get((layout.sheet, cells["number"].ref)), float(i)) or \
            _same(values.get((layout.sheet, cells["number"].ref)), i)
        for key, value in want.items():
            got = values.get((layout.sheet, cells[key].ref))
            if not _same(got, value if value != "" else None):
                problems.append(f"{engine} {case} row {i} {key} {cells[key].ref}: {got!r}, core {value!r}")
    for key, value in want_total.items():
        got = values.get((layout.sheet, total_row[key].ref))
        if not _same(got, value):
            problems.append(f"{engine} {case} 合计 {key} {total_row[key].ref}: {got!r}, core {value!r}")
    return problems


# ---------------------------------------------------------------- the list


@needs_soffice
@pytest.mark.parametrize("case", list(CASES))
def test_libreoffice_computes_the_list_as_the_core(recalculated, case):
    assert _compare(case, recalculated[case], "LibreOffice") == []


@needs_soffice
@pytest.mark.parametrize("case", ["seed000", "grown"])
def test_list_shows_what_each_project_sheet_shows(recalculated, case):
    values = recalculated[case]
    layout = _list_layout(CASES[case]())
    rows, _ = project_list_cells(layout)
    for cells, project in zip(rows, _project_layouts(CASES[case]())):
        for key, field in (("total_score", "total_score"), ("grade", "stated_grade"),
                           ("annual_budget", "funding_total.annual_budget")):
            assert values[(layout.sheet, cells[key].ref)] == values[(project.sheet, project.cell_of(field).ref)]


@needs_soffice
def test_no_error_values_anywhere(recalculated):
    errors = [(case, k, v) for case, grid in recalculated.items() for k, v in grid.items()
              if isinstance(v, str) and v.startswith("#")]
    assert errors == []


@pytest.mark.parametrize("case", list(CASES))
def test_formulas_package_computes_the_list_as_the_core(formulas_computed, case):
    assert _compare(case, formulas_computed[case], "formulas") == []


def test_list_follows_a_moved_total_row():
    sub = grown_seed()
    grown, normal = _project_layouts(sub)[:2]
    assert grown.cell_of("total_score").row > normal.cell_of("total_score").row
    rows, _ = project_list_cells(_list_layout(sub))
    for cells, project in ((rows[0], grown), (rows[1], normal)):
        ref = project.cell_of("total_score").ref
        col, row = ref.rstrip("0123456789"), ref[len(ref.rstrip("0123456789")):]
        assert f"'{project.sheet}'!${col}${row}" in cells["total_score"].formula


def test_list_uses_only_plain_functions():
    import re

    sub = load_seed("seed000_yanghu_2022.json")
    used = {name for c in _list_layout(sub).cells if c.formula
            for name in re.findall(r"([A-Z][A-Z0-9.]*)\(", c.formula)}
    assert used <= {"IF", "AND", "N", "ISNUMBER", "COUNT", "SUM", "AVERAGE", "ROUND"}, used


def test_list_is_not_model_data(written):
    """No field, no name, nothing read back: a workbook with the list reads as one without it."""
    layout = _list_layout(load_seed("seed000_yanghu_2022.json"))
    assert layout.fields() == [] and layout.tables == []
    sub, path = written["seed000"]
    wb = load_workbook(path)
    assert not wb["项目清单"].defined_names
    assert values_only(read_workbook(path, KINDS).submission) == values_only(read_workbook(path).submission)


def test_the_kind_alone_gives_the_template_list():
    """Asked without the workbook's layouts (reader, docs), the kind lays out the list of the blank 项目1."""
    layout = PROJECT_LIST.layout()
    assert layout.sheet == "项目清单"
    alone = project_list_layout("项目清单", [project_layout()])
    assert [c.formula for c in layout.cells] == [c.formula for c in alone.cells]
    rows, total = project_list_cells(layout)
    assert len(rows) == 1 and set(total) == {"annual_budget", "executed", "execution_rate", "total_score"}


def test_sheet_names_with_an_apostrophe_are_quoted():
    layout = project_list_layout("清单", [project_layout("张三's 项目")])
    rows, _ = project_list_cells(layout)
    assert rows[0]["name"].formula == "=IF('张三''s 项目'!$C$3=\"\",\"\",'张三''s 项目'!$C$3)"


# ---------------------------------------------------------------- the guide


def _text(layout) -> str:
    return "\n".join(c.text for c in layout.cells)


def test_guide_is_notes_only():
    layout = GUIDE.layout()
    assert layout.fields() == [] and layout.tables == []
    assert {c.role for c in layout.cells} <= {TITLE, LABEL, HEADER, NOTE}


def test_guide_describes_every_sheet_of_its_workbook():
    from perfeval_xl.layout.sheets import UNIT_SHEETS

    text = _text(GUIDE.layout())
    for kind in UNIT_SHEETS:
        assert (kind.sheet if not kind.repeated else kind.sheet.rstrip("0123456789") + "1") in text, kind.key
    for words in ("浅黄色", "浅蓝色", "万元", "撤销工作表保护", "没有设置密码", "建立副本", "项目6",
                  "错误", "提示", "情况说明", "定性评级", "模板版本"):
        assert words in text, words


def test_guide_of_the_project_workbook_describes_only_its_sheets():
    layout = PROJECT_GUIDE.layout()
    described = {c.text for c in layout.cells if c.col == 1 and c.role == LABEL}
    assert {"项目1、项目2……", "填报说明"} <= described
    assert not described & {"封面", "项目清单"} and "“封面”" not in _text(layout)


def test_guide_takes_its_numbers_from_the_rules_file():
    settings = Settings.default().override({
        "execution": {"points": 20}, "grades": {"优": 85, "良": 75, "中": 60, "差": 0},
        "indicators": {"qualitative_bands": {"达成": [0.9, 1.0], "部分达成": [0.6, 0.9], "未达成": [0.0, 0.6]},
                       "over_achievement_ratio": 1.3}})
    text = _text(guide_layout("填报说明", settings, [COVER, PROJECT]))
    for words in ("预算执行率分值 20 分", "执行得分 = 20 × 执行率", "合计 80 分", "优 ≥ 85 分", "良 75～85 分",
                  "达成：得分在分值的 90%～100%", "超过年度指标值 130%"):
        assert words in text, words
    default = _text(GUIDE.layout())
    assert "优 ≥ 90 分" in default and "差 < 60 分" in default and "合计 90 分" in default


def test_guide_and_list_have_no_defined_names(written):
    wb = load_workbook(written["template"][1])
    assert not wb["填报说明"].defined_names and not wb["项目清单"].defined_names
    assert not [n for n, d in wb.defined_names.items() if "填报说明" in d.attr_text or "项目清单" in d.attr_text]
    assert wb.sheetnames[:4] == ["封面", "填报说明", "项目清单", "项目1"]

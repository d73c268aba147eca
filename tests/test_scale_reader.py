"""The reader at scale (issue 18): each package inflated once, each fitted layout compiled once,
with exactly the results of the straightforward reading."""

import copy
import io
import math
import random
import zipfile

from python_calamine import CalamineWorkbook

from perfeval_xl.core.model import BasicData, ExpenseRow, Indicator, Source
from perfeval_xl.core.score import round_half_up
from perfeval_xl.io.guard import Limits, inspect_xlsx
from perfeval_xl.io.xlsx_read import read_workbook, rows_needed
from perfeval_xl.layout.basic import BASIC
from perfeval_xl.layout.paths import set_path
from perfeval_xl.layout.rubric_sheet import RUBRIC, RubricForm
from perfeval_xl.layout.sheets import COVER, UNIT_SHEETS

from .conftest import load_seed, values_only
from .hostile import edit_sheet, good_bytes, good_submission, sheet_part, with_openpyxl


def _package(data: bytes):
    plan = rows_needed(UNIT_SHEETS)
    return inspect_xlsx(data, Limits(), lambda name: plan.get(name, -1) != 0)


def test_calamine_parses_the_checked_sheets_as_inflated_by_the_guard():
    data = good_bytes()
    package = _package(data)
    original, handed = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(package.data))
    assert [i.filename for i in handed.infolist()] == [i.filename for i in original.infolist()]
    read = {name: sheet for name, sheet in package.sheets.items() if sheet.xml is not None}
    skipped = [name for name, sheet in package.sheets.items() if sheet.xml is None]
    assert "项目1" in read and "基础数据表" in read and skipped  # the lists sheet is never parsed
    names = {i.filename: i for i in handed.infolist()}
    for info in original.infolist():
        mine = names[info.filename]
        assert handed.read(mine) == original.read(info)  # same content, CRCs valid
        if info.filename.startswith("xl/worksheets/") and info.compress_type == zipfile.ZIP_DEFLATED:
            checked = any(handed.read(mine) == sheet.xml for sheet in read.values())
            # a sheet that is read is stored as checked (calamine does not inflate it again); the others stay packed
            assert mine.compress_type == (zipfile.ZIP_STORED if checked else zipfile.ZIP_DEFLATED)
    before, after = CalamineWorkbook.from_filelike(io.BytesIO(data)), CalamineWorkbook.from_filelike(io.BytesIO(package.data))
    for name in read:
        assert after.get_sheet_by_name(name).to_python(skip_empty_area=False) == \
            before.get_sheet_by_name(name).to_python(skip_empty_area=False)


def test_error_values_are_reported_whichever_quotes_the_file_uses():
    def errors(wb):
        wb["项目1"]["H6"] = "#DIV/0!"
        wb["项目1"]["F7"] = "#NAME?"

    double = with_openpyxl(good_bytes(), errors)
    single = edit_sheet(double, "项目1", lambda xml: xml.replace('t="e"', "t='e'"))
    part = zipfile.ZipFile(io.BytesIO(single)).read(sheet_part(single, "项目1")).decode()
    assert "t='e'" in part and 't="e"' not in part
    found = {}
    for label, data in (("double", double), ("single", single)):
        sub = read_workbook(data).submission
        found[label] = sorted((u.sheet, u.cell, u.text) for u in sub.unreadable)
    assert found["double"] == [("项目1", "F7", "#NAME?"), ("项目1", "H6", "#DIV/0!")]
    assert found["single"] == found["double"]


def test_each_layout_shape_is_compiled_once_and_read_exactly():
    short = good_submission()
    long = copy.deepcopy(short)
    extra = [Indicator(level1="产出指标", level2="数量指标", name=f"指标 {i}：补充{i}", target="≥1", actual="1",
                       points=0.0, score=0.0) for i in range(40)]
    long.projects[0].indicators = long.projects[0].indicators + extra  # past the default rows: another shape
    files = {"short": good_bytes(short), "long": good_bytes(long)}
    plans, read = {}, {}
    for name in ("short", "long", "short", "long"):
        result = read_workbook(files[name])
        layout = result.layouts["项目1"]
        plan = layout.__dict__["_read_plan"]
        assert plans.setdefault(name, plan) is plan  # the second reading of a shape reuses its compiled list
        read.setdefault(name, []).append(result.submission)
    assert plans["short"] is not plans["long"]
    for name in ("short", "long"):
        first, again = read[name]
        assert first == again  # values and sources alike
    assert len(read["long"][0].projects[0].indicators) == len(long.projects[0].indicators)
    for name, written in (("short", short), ("long", long)):
        got = read[name][0].projects[0]
        assert [values_only(i) for i in got.indicators] == [values_only(i) for i in written.projects[0].indicators]
        assert values_only(got.funding_total) == values_only(written.projects[0].funding_total)
    last = read["long"][0].projects[0].indicators[-1]
    assert last.name == "指标 39：补充39"
    assert last.sources["name"].sheet == "项目1"


def test_set_path_creates_the_way_and_names_the_object_that_keeps_the_source():
    basic = BasicData()
    owner, rest = set_path(basic, "expenses.vehicle_purchase.final", 3.5)
    assert isinstance(owner, ExpenseRow) and owner is basic.expenses["vehicle_purchase"] and rest == "final"
    assert owner.final == 3.5
    form = RubricForm()
    owner, rest = set_path(form, "facts.has_carryover", "是")  # facts are plain values: the form keeps them
    assert owner is form and rest == "facts.has_carryover" and form.facts == {"has_carryover": "是"}
    owner, rest = set_path(basic, "staff_actual", 12)
    assert owner is basic and rest == "staff_actual"


def test_sources_of_dotted_fields_are_kept_where_the_reader_looks_for_them():
    seed = load_seed("seed004_shazitang_2020.json")
    sub = read_workbook(good_bytes(seed)).submission
    basic, rubric = BASIC.layout(), RUBRIC.layout()
    row = sub.basic_data.expenses["vehicle_purchase"]
    assert row.final == seed.basic_data.expenses["vehicle_purchase"].final
    assert row.sources["final"] == Source("基础数据表", basic.cell_of("expenses.vehicle_purchase.final").ref)
    fact = next(iter(seed.rubric.facts))
    assert sub.rubric.sources[f"facts.{fact}"] == Source(RUBRIC.sheet, rubric.cell_of(f"facts.{fact}").ref)
    assert sub.unit.sources["unit_name"] == Source(COVER.sheet, COVER.layout().cell_of("unit.unit_name").ref)


def test_half_up_rounding_is_the_same_on_the_first_and_on_later_calls():
    from decimal import ROUND_HALF_UP, Decimal

    rnd = random.Random(18)
    values = [2.345, 89.99499999999999, -2.345, 0.125, 1e-9, -0.0, 0.0, 1e15 + 0.5, math.inf] + \
        [rnd.uniform(-1e6, 1e6) for _ in range(500)] + [rnd.randrange(-10**6, 10**6) / 1000 for _ in range(500)]
    for decimals in (2, 4):
        for value in values:
            expected = value if not math.isfinite(value) or abs(value) >= 1e15 else float(
                Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
            first, again = round_half_up(value, decimals), round_half_up(value, decimals)
            assert first == again == expected
            assert math.copysign(1, first) == math.copysign(1, again)
    assert round_half_up(2.345) == 2.35 and round_half_up(-0.0) == 0.0


def test_layouts_are_built_once_per_shape_and_settings_text():
    # a roll-up reads every file under the run's settings: the layout (and its compiled cell lists)
    # must be shared between files, and must differ where the settings change a formula
    from perfeval_xl.core.settings import Settings
    from perfeval_xl.layout.sheets import PROJECT

    bands = {"execution": {"method": "bands"}}
    first = PROJECT.layout(settings=Settings.default().override(bands))
    assert PROJECT.layout(settings=Settings.default().override(bands)) is first
    assert PROJECT.layout() is PROJECT.layout(settings=Settings.default()) is not first
    formulas = {c.formula for c in first.cells if getattr(c, "formula", None)}
    default_formulas = {c.formula for c in PROJECT.layout().cells if getattr(c, "formula", None)}
    assert formulas and formulas != default_formulas

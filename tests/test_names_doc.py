"""docs/names.md and docs/export-schema.json are generated, current, complete, and true."""

import copy
import json

import pytest

from perfeval_xl.core.model import Submission
from perfeval_xl.core.serialize import ModelError, from_dict, submission_from_json, submission_to_json
from perfeval_xl.core.settings import Settings
from perfeval_xl.io.xlsx_read import read_workbook
from perfeval_xl.io.xlsx_write import build_workbook, defined_name, plan_layouts, save_atomic
from perfeval_xl.io import names_doc
from perfeval_xl.layout.grid import INPUT
from perfeval_xl.layout.sheets import PROJECT_SHEETS, UNIT_SHEETS

from .conftest import DATA, ROOT, load_seed

SEEDS = sorted(p.name for p in DATA.glob("seed*.json"))


@pytest.fixture(scope="module")
def page() -> str:
    return (ROOT / "docs" / "names.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads((ROOT / "docs" / "export-schema.json").read_text(encoding="utf-8"))


def test_names_page_and_schema_are_current():
    stale = [p for p, text in names_doc.targets().items() if p.read_text(encoding="utf-8") != text]
    assert stale == [], f"run: {names_doc.COMMAND}"


@pytest.mark.parametrize("kinds", [UNIT_SHEETS, PROJECT_SHEETS], ids=["unit", "project"])
def test_every_input_cell_and_table_of_every_layout_has_its_name_listed(page, kinds):
    listed = 0
    for layout, _ in plan_layouts(None, kinds, Settings.default()):
        for cell in layout.cells:
            if cell.role == INPUT:
                assert f"| `{defined_name(layout, cell.field)}` |" in page, (layout.sheet, cell.ref, cell.field)
                listed += 1
        for table in layout.tables:
            assert f"| `{names_doc.table_name(layout, table)}` |" in page, (layout.sheet, table.field)
            for column in table.columns:
                assert f".{table.field}[].{column.field}` |" in page, (layout.sheet, table.field, column.field)
    assert listed > 0


def test_every_name_the_writer_creates_is_on_the_page(page):
    names = names_doc.workbook_names(UNIT_SHEETS, Settings.default())
    missing = [name for _, name in names if f"`{name}`" not in page]
    assert names and not missing


def test_a_name_at_another_address_stops_the_generation(monkeypatch):
    real = names_doc.workbook_names

    def moved(kinds, settings):
        names = real(kinds, settings)
        key = next(k for k in names if k[1] == "pe_cover_unit_year")
        names[key] = "'封面'!$B$99"
        return names

    monkeypatch.setattr(names_doc, "workbook_names", moved)
    with pytest.raises(RuntimeError, match="pe_cover_unit_year"):
        names_doc.names_page()


def test_field_labels_come_from_the_model():
    from perfeval_xl.core.model import BasicData, ProjectTable

    assert names_doc.field_label(ProjectTable, "funding_total.executed") == "年度资金总额 · 全年执行数"
    assert names_doc.field_label(BasicData, "expenses.three_public.final") == "经费控制情况 · 三公经费 · 本年决算数"
    assert names_doc.model_prefix(ProjectTable) == "projects[]."
    assert names_doc.model_prefix(BasicData) == "basic_data."


# ---------------------------------------------------------------- the export schema


def test_schema_is_draft_2020_12_with_the_model_labels_as_titles(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    indicator = schema["$defs"]["Indicator"]["properties"]
    assert indicator["deviation_reason"]["title"] == "偏差原因分析及改进措施"
    assert indicator["points"]["type"] == ["number", "null"]
    assert schema["$defs"]["BasicData"]["properties"]["expenses"]["properties"]["three_public"]["title"] == "三公经费"
    assert schema["properties"]["format"]["const"] == "perfeval-xl/submission"


@pytest.mark.parametrize("name", SEEDS)
def test_schema_validates_the_seed_files(schema, name):
    doc = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert names_doc.schema_errors(doc, schema) == []


def test_schema_validates_an_export_read_from_a_workbook(schema, tmp_path):
    path = tmp_path / "s.xlsx"
    save_atomic(build_workbook(load_seed("seed000_yanghu_2022.json"), UNIT_SHEETS), path)
    doc = json.loads(submission_to_json(read_workbook(path).submission))
    assert doc["projects"][0]["_sources"], "the export carries its sources"
    assert names_doc.schema_errors(doc, schema) == []


def _seed_doc() -> dict:
    return json.loads((DATA / "seed000_yanghu_2022.json").read_text(encoding="utf-8"))


def _broken(mutate) -> dict:
    doc = copy.deepcopy(_seed_doc())
    mutate(doc)
    return doc


BROKEN = {
    "text amount": lambda d: d["projects"][0]["funding_total"].__setitem__("executed", "60.63万元"),
    "unknown key": lambda d: d["projects"][0].__setitem__("budget", 1),
    "bool as number": lambda d: d["projects"][0]["indicators"][0].__setitem__("points", True),
    "number as text": lambda d: d["unit"].__setitem__("unit_name", 12),
    "null list": lambda d: d.__setitem__("projects", None),
    "bad source": lambda d: d["unit"].__setitem__("_sources", {"unit_name": "B2"}),
    "wrong format": lambda d: d.__setitem__("format", "other"),
    "year as text": lambda d: d["unit"].__setitem__("year", "2022"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_schema_rejects_what_the_reader_rejects(schema, case):
    doc = _broken(BROKEN[case])
    with pytest.raises(ModelError):
        submission_from_json(json.dumps(doc, ensure_ascii=False))
    assert names_doc.schema_errors(doc, schema), case


def test_schema_accepts_what_the_reader_accepts(schema):
    minimal = {"format": "perfeval-xl/submission", "format_version": 1}
    assert names_doc.schema_errors(minimal, schema) == []
    assert submission_from_json(json.dumps(minimal)) == Submission()
    keyed = _broken(lambda d: d.__setitem__("basic_data", {"expenses": {"new_row": {"final": 1}},
                                                           "_sources": {"expenses.new_row.final": "基础数据表!F9"}}))
    assert names_doc.schema_errors(keyed, schema) == []
    from_dict(Submission, {k: v for k, v in keyed.items() if k not in ("format", "format_version")})


def test_the_validator_refuses_keywords_it_does_not_implement():
    with pytest.raises(ValueError, match="minimum"):
        names_doc.schema_errors(3, {"type": "number", "minimum": 0})

"""Fuzzing beyond the reader (issue #14), with more than one seed.

- The package mutator changes what XML allows and what zips allow — quoting, whitespace,
  comments, part locations and the case of part names, duplicated entries, a sheet declared
  twice — and checks the guard's view against the parser's: a respelled package reads exactly
  as the original; a duplicated one is refused with a reason, never counted twice.
- Hypothesis drives the JSON reader, the CLI commands, the writers and the roll-up.

Default runs are small (a few hundred cases in all); PERFEVAL_FUZZ_CASES=N makes them larger.
"""

from __future__ import annotations

import copy
import io
import json
import os
import random
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings, strategies as st

from perfeval_xl import cli
from perfeval_xl.core.serialize import submission_to_json
from perfeval_xl.exitcodes import FINDINGS, INTERNAL_ERROR, NOTHING_TO_DO, OK, PARTIAL, UNUSABLE_INPUT
from perfeval_xl.io.guard import Limits, Refused
from perfeval_xl.io.json_input import JsonRefused, loads
from perfeval_xl.io.read import ReadError, read_submission
from perfeval_xl.io.xlsx_read import read_workbook
from perfeval_xl.io.xlsx_write import build_workbook, save_atomic
from perfeval_xl.layout.sheets import UNIT_SHEETS
from perfeval_xl.rollup import rollup

from .hostile import good_bytes, good_submission, package, sheet_part

SCALE = int(os.environ.get("PERFEVAL_FUZZ_CASES", "300"))
SEEDS = [11, 23, 37]


def examples(share: int) -> int:
    return max(3, SCALE * share // 300)


def fuzz(seed_value: int, max_examples: int):
    """Hypothesis settings for one seeded run (deterministic, no example database)."""
    def wrap(test):
        return seed(seed_value)(settings(max_examples=max_examples, deadline=None, database=None,
                                         phases=[Phase.explicit, Phase.generate],  # no minutes-long shrinking
                                         suppress_health_check=list(HealthCheck))(test))
    return wrap


# ---------------------------------------------------------------- the package mutator

def respell(rnd: random.Random, text: str) -> str:
    """The same XML, spelled otherwise: attribute quotes, whitespace around "=", comments between elements."""
    def attr(m: re.Match) -> str:
        quote = rnd.choice(['"', "'"]) if '"' not in m[2] and "'" not in m[2] else '"'
        return f"{rnd.choice([' ', '  ', chr(10), chr(9)])}{m[1]}{rnd.choice(['', ' '])}={rnd.choice(['', ' '])}" \
               f"{quote}{m[2]}{quote}"

    text = re.sub(r' ([\w:]+)="([^"]*)"', attr, text)
    if rnd.random() < 0.5:
        text = re.sub(r"(?<=>)(?=<[A-Za-z])", lambda m: "<!-- 注释 <sheet name='x'/> -->" if rnd.random() < 0.1 else "",
                      text)
    return text


def relocate(entries: list[tuple[str, bytes]], rnd: random.Random) -> list[tuple[str, bytes]]:
    """Move one worksheet to another folder (or change the case of its name), following the relationship."""
    sheets = [n for n, _ in entries if n.startswith("xl/worksheets/sheet")]
    old = rnd.choice(sheets)
    new = rnd.choice([old.upper(), old.replace("xl/worksheets/", "xl/worksheets/别处/"),
                      old.replace("xl/worksheets/", "xl/worksheets/a b/")])
    out = []
    for name, body in entries:
        if name == old:
            name = new
        elif name == "xl/_rels/workbook.xml.rels" and not new.isupper():
            body = body.replace(f'"/{old}"'.encode(), f'"/{new}"'.encode())
        out.append((name, body))
    return out


def entries(data: bytes) -> list[tuple[str, bytes]]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return [(i.filename, z.read(i)) for i in z.infolist()]


@pytest.fixture(scope="module")
def original():
    data = good_bytes()
    return data, read_workbook(data).submission


@pytest.mark.parametrize("fuzz_seed", SEEDS)
def test_respelled_and_relocated_packages_read_as_the_original(original, fuzz_seed):
    data, expected = original
    rnd = random.Random(fuzz_seed)
    for _ in range(examples(60) // len(SEEDS) + 1):
        parts = entries(data)
        if rnd.random() < 0.5:
            parts = relocate(parts, rnd)
        structural = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml")
        parts = [(n, respell(rnd, b.decode("utf-8")).encode("utf-8") if n in structural or rnd.random() < 0.3 else b)
                 for n, b in parts]
        mutated = package(parts)
        assert read_workbook(mutated).submission == expected


@pytest.mark.parametrize("fuzz_seed", SEEDS)
def test_duplicated_entries_and_sheets_are_refused_never_counted_twice(original, fuzz_seed):
    data, _ = original
    rnd = random.Random(fuzz_seed)
    for _ in range(examples(30) // len(SEEDS) + 1):
        parts = entries(data)
        kind = rnd.randrange(3)
        if kind == 0:
            name, body = rnd.choice(parts)
            parts.append((rnd.choice([name, name.upper()]), body))
            reason = "出现了两次（重复的压缩包条目）"
        else:
            wb = dict(parts)["xl/workbook.xml"].decode("utf-8")
            sheet = rnd.choice(re.findall(r"<sheet [^>]*/>", wb))
            twin = sheet if kind == 1 else re.sub(r'name="([^"]*)"', r'name="\1（副本）"', sheet)
            parts = [(n, wb.replace(sheet, sheet + twin).encode("utf-8") if n == "xl/workbook.xml" else b)
                     for n, b in parts]
            reason = "声明了两次" if kind == 1 else "指向同一个部件"
        with pytest.raises(Refused, match=reason):
            read_workbook(package(parts))


# ---------------------------------------------------------------- hypothesis: JSON, CLI, writers, roll-up

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30)


@pytest.mark.parametrize("fuzz_seed", SEEDS)
def test_the_json_reader_refuses_or_reads(fuzz_seed):
    @fuzz(fuzz_seed, examples(60) // len(SEEDS))
    @given(doc=json_values, junk=st.text(max_size=20))
    def check(doc, junk):
        for text in (json.dumps(doc), json.dumps(doc)[: len(junk)] + junk):
            try:
                loads(text, Limits(json_depth=5, json_int_digits=8))
            except (JsonRefused, json.JSONDecodeError):
                pass

    check()


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60) | st.sampled_from(
    ["=1+1", "+86", "-财政所", "@SUM(A1)", "\t=2", "\r=3", "街" * 250, "CON", "a/b:c*?", "..", " "])


def submission_with(unit: str, project: str, reason: str):
    sub = copy.deepcopy(good_submission())
    sub.unit.unit_name = unit
    sub.projects[0].name = project
    sub.projects[0].indicators[0].deviation_reason = reason
    return sub


@pytest.mark.parametrize("fuzz_seed", SEEDS)
def test_cli_commands_on_edited_json_exit_with_a_defined_code(tmp_path_factory, fuzz_seed):
    folder = tmp_path_factory.mktemp("json")
    base = json.loads(submission_to_json(good_submission()))

    @fuzz(fuzz_seed, examples(45) // len(SEEDS))
    @given(path=st.sampled_from([("unit", "unit_name"), ("unit", "year"), ("projects",), ("unit",), ("format_version",)]),
           value=json_values, command=st.sampled_from(["validate", "score", "export"]))
    def check(path, value, command):
        doc = copy.deepcopy(base)
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        file = folder / "编辑过.json"
        file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        code = cli.main([command, str(file)])
        assert code in (OK, FINDINGS, UNUSABLE_INPUT), code
        assert code != INTERNAL_ERROR

    check()


@pytest.mark.parametrize("fuzz_seed", SEEDS)
def test_writers_keep_any_name_as_text_and_read_it_back(tmp_path_factory, fuzz_seed):
    folder = tmp_path_factory.mktemp("writers")

    @fuzz(fuzz_seed, examples(15) // len(SEEDS))
    @given(unit=texts, project=texts, reason=texts)
    def check(unit, project, reason):
        path = folder / "写出.xlsx"
        save_atomic(build_workbook(submission_with(unit, project, reason), UNIT_SHEETS), path)
        from openpyxl import load_workbook

        cover = load_workbook(path)["封面"]["B2"]
        if unit.startswith(("=", "+", "-", "@", "\t", "\r")):
            assert cover.data_type == "s" and cover.quotePrefix
        try:
            read_submission(path)
        except ReadError as exc:
            assert "Error" not in str(exc), str(exc)  # a reason, not a Python error

    check()


@pytest.mark.parametrize("fuzz_seed", SEEDS[:2])
def test_the_roll_up_finishes_on_any_names(tmp_path_factory, fuzz_seed):
    @fuzz(fuzz_seed, examples(4) // 2)
    @given(units=st.lists(texts, min_size=1, max_size=3))
    def check(units):
        work = tmp_path_factory.mktemp("rollup")
        inbox = work / "报送"
        inbox.mkdir()
        for i, unit in enumerate(units):
            save_atomic(build_workbook(submission_with(unit, f"项目{i}", "原因"), UNIT_SHEETS), inbox / f"{i}.xlsx")
        result = rollup(inbox, work / "区汇总.xlsx", jobs=1, json_report=work / "r.json", feedback_dir=work / "退回意见")
        assert result.exit_code in (OK, FINDINGS, PARTIAL, NOTHING_TO_DO)
        assert json.loads((work / "r.json").read_text(encoding="utf-8"))["exit_code"] == result.exit_code
        written = sorted(p.name for p in (work / "退回意见").iterdir()) if (work / "退回意见").exists() else []
        assert written == sorted(p.name for p in result.feedback_files + result.annotated_files)
        assert all(len(name.encode()) <= 200 for name in written)

    check()

"""Regenerate the example district (examples/报送/) from examples/district.toml and tests/data/.

    python scripts/make_examples.py [--check]

Each unit is a seed submission (tests/data/*.json), changed only as its entry in district.toml
(examples/报送/) or history.toml (earlier submissions, paths relative to examples/) says, written with the unit-workbook template; the demo's charts are then copied to docs/images/
for the README. ``--check`` writes nothing and exits 1 when a
committed workbook differs from what the definitions give (tests/test_examples.py runs it).
"""

from __future__ import annotations

import argparse
import copy
import io
import re
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfeval_xl.core.model import Submission  # noqa: E402
from perfeval_xl.core.rubric import evaluate_rubric  # noqa: E402
from perfeval_xl.core.score import round_half_up  # noqa: E402
from perfeval_xl.core.scoring import score_table  # noqa: E402
from perfeval_xl.core.serialize import submission_from_json  # noqa: E402
from perfeval_xl.core.settings import Settings  # noqa: E402
from perfeval_xl.io.templates import workbook_digest  # noqa: E402
from perfeval_xl.io.xlsx_write import build_workbook, plan_layouts  # noqa: E402
from perfeval_xl.layout.sheets import COVER, UNIT_SHEETS  # noqa: E402

EXAMPLES = ROOT / "examples"
SUBMISSIONS = EXAMPLES / "报送"
DISTRICT = EXAMPLES / "district.toml"
HISTORY = EXAMPLES / "history.toml"  # earlier submissions (往年报送/, 首次报送/) for the archive examples
SEEDS = ROOT / "tests" / "data"
KNOWN_KEYS = {"file", "seed", "unit_name", "budget_code", "year", "report_date", "projects", "executed_factor",
              "normalise_points", "rescore", "edits", "facts", "template_version", "broken", "zero_budget", "cleared"}


def load_manifest(path: Path = DISTRICT) -> list[dict]:
    units = tomllib.loads(path.read_text(encoding="utf-8"))["unit"]
    for u in units:
        unknown = set(u) - KNOWN_KEYS
        if unknown:
            raise SystemExit(f"{path.name}: {u['file']}: unknown keys {sorted(unknown)}")
    return units


def submission_for(entry: dict, settings: Settings) -> Submission:
    sub = submission_from_json((SEEDS / entry["seed"]).read_text(encoding="utf-8"))
    sub = copy.deepcopy(sub)
    for key in ("unit_name", "budget_code", "year", "report_date"):
        if key in entry:
            setattr(sub.unit, key, entry[key])
    if "projects" in entry:
        sub.projects = [sub.projects[i - 1] for i in entry["projects"]]
    tables = sub.projects + ([sub.department] if sub.department else [])
    factor = entry.get("executed_factor")
    for table in tables:
        if factor is not None:
            _scale_executed(table, factor)
        if entry.get("normalise_points"):
            _normalise_points(table, settings)
    for edit in entry.get("edits", []):
        row = [i for i in sub.projects[edit["project"] - 1].indicators if not i.is_placeholder()][edit["indicator"] - 1]
        row.actual = edit.get("actual", row.actual)
        row.deviation_reason = edit.get("reason", row.deviation_reason)
        if "score" in edit:
            row.score = float(edit["score"])
    for number in entry.get("zero_budget", []):
        _zero_budget(sub.projects[number - 1])
    if "facts" in entry:
        sub.rubric.facts.update(entry["facts"])
    if entry.get("rescore"):
        for table in tables:
            _rescore(table, settings)
        if sub.rubric is not None:
            _rescore_rubric(sub, settings)
    if factor is not None and sub.basic_data is not None:
        _scale_basic(sub, factor)
    return sub


def _zero_budget(table) -> None:
    """全年预算数 typed as 0 (the budget went into 年初预算数 only): the template's sums, rate and scores
    are left to their formulas."""
    table.funding_current_year.annual_budget = 0.0
    table.funding_carryover.annual_budget = table.funding_other.annual_budget = None
    table.funding_total.annual_budget = None
    table.execution_rate = table.execution_score = table.total_score = None
    table.stated_grade = ""


def _scale_executed(table, factor: float) -> None:
    rows = [table.budget] if hasattr(table, "budget") else [
        table.funding_total, table.funding_current_year, table.funding_carryover, table.funding_other]
    for row in rows:
        if row.executed is not None:
            row.executed = round_half_up(row.executed * factor, 2)
            if row.annual_budget:
                table.execution_rate = round_half_up(table.budget_row.executed / table.budget_row.annual_budget, 4) \
                    if table.budget_row.executed is not None and table.budget_row.annual_budget else None


def _normalise_points(table, settings: Settings) -> None:
    points = float(settings["execution.points"])
    rest = float(settings["indicators.table_total_points"]) - points
    real = [i for i in table.indicators if not i.is_placeholder() and i.points]
    total = sum(i.points for i in real)
    table.execution_points = points
    if total:
        for i in real:
            i.points = round_half_up(i.points * rest / total, 1)
            if i.score is not None:
                i.score = min(i.score, i.points)


def _rescore(table, settings: Settings) -> None:
    result = score_table(table, settings)
    table.execution_score = result.execution.value
    for r in result.indicators:
        if r.score.value is not None:
            r.indicator.score = r.score.value
    result = score_table(table, settings)
    table.total_score = result.suggested_total
    table.stated_grade = result.grade


def _rescore_rubric(sub: Submission, settings: Settings) -> None:
    result = evaluate_rubric(sub.basic_data, sub.rubric.facts, settings)
    computed = {item.key: score.value for item, score in result.items}
    for entry in sub.rubric.entries:
        if computed.get(entry.key) is not None:
            entry.score = computed[entry.key]
    sub.rubric.total_score = result.total


def _scale_basic(sub: Submission, factor: float) -> None:
    """Spending figures of the 基础数据表 follow the tables (a synthetic unit is one unit)."""
    for row in sub.basic_data.expenses.values():
        if row.final is not None:
            row.final = round_half_up(row.final * factor, 2)


def workbook_bytes(entry: dict, settings: Settings) -> bytes:
    sub = submission_for(entry, settings)
    wb = build_workbook(sub, UNIT_SHEETS)
    if "cleared" in entry:  # formula cells a clerk emptied: {sheet, field}
        layouts = {layout.sheet: layout for layout, _ in plan_layouts(sub, UNIT_SHEETS, settings)}
        for spot in entry["cleared"]:
            wb[spot["sheet"]][layouts[spot["sheet"]].cell_of(spot["field"]).ref] = None
    if "template_version" in entry:
        wb[COVER.sheet][COVER.layout().cell_of("template_version").ref] = entry["template_version"]
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if entry.get("broken") == "truncated":
        data = _fixed_times(data)  # compared byte for byte: no save time may remain in it
        data = data[: len(data) * 2 // 5]
    return data


def _fixed_times(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            part = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                part = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2023-03-21T00:00:00Z", part)
            dst.writestr(zipfile.ZipInfo(item.filename, date_time=(2023, 3, 21, 0, 0, 0)), part,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def generate(folder: Path = SUBMISSIONS, manifest: Path = DISTRICT) -> list[Path]:
    settings = Settings.default()
    written = []
    for entry in load_manifest(manifest):
        path = folder / entry["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        data = workbook_bytes(entry, settings)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".part") as tmp:
            tmp.write(data)
        Path(tmp.name).replace(path)
        written.append(path)
    return written


def stale(folder: Path = SUBMISSIONS, manifest: Path = DISTRICT) -> list[str]:
    """Committed workbooks that differ from what the definitions give (or are missing/extra)."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        generate(fresh, manifest)
        expected = {p.relative_to(fresh).as_posix() for p in fresh.rglob("*.xlsx")}
        # only the folders this manifest writes (history.toml's share examples/ with 报送/)
        tops = {name.split("/")[0] for name in expected} if manifest != DISTRICT else None
        present = {p.relative_to(folder).as_posix() for p in folder.rglob("*.xlsx")} if folder.exists() else set()
        if tops is not None:
            present = {name for name in present if name.split("/")[0] in tops}
        problems += [f"missing: {name}" for name in sorted(expected - present)]
        problems += [f"not in district.toml: {name}" for name in sorted(present - expected)]
        for name in sorted(expected & present):
            a, b = fresh / name, folder / name
            try:
                same = workbook_digest(a) == workbook_digest(b)
            except Exception:  # the deliberately broken file is not a zip: compare bytes
                same = a.read_bytes() == b.read_bytes()
            if not same:
                problems.append(f"stale: {name}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args()
    if args.check:
        problems = stale() + stale(EXAMPLES, HISTORY)
        print("\n".join(problems) or "examples are current")
        return 1 if problems else 0
    for path in generate() + generate(EXAMPLES, HISTORY):
        print(path.relative_to(ROOT))
    for chart in readme_charts():
        print(chart.relative_to(ROOT))
    return 0


def readme_charts() -> list[Path]:
    """The demo's PNG charts, copied to docs/images/ where the README shows them."""
    from perfeval_xl.demo import run_demo

    images = ROOT / "docs" / "images"
    images.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        done = run_demo(Path(tmp) / "out")
        copied = []
        for chart in done["charts"]:
            target = images / chart.name
            target.write_bytes(chart.read_bytes())
            copied.append(target)
    return copied


if __name__ == "__main__":
    sys.exit(main())

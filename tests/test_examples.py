"""The example district: committed workbooks are current, and `perfeval-xl demo` runs the job on them."""

import importlib.util
import json
import os
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from perfeval_xl import cli
from perfeval_xl.demo import EXAMPLES, real_examples, short_unit

from .conftest import ROOT

spec = importlib.util.spec_from_file_location("make_examples", ROOT / "scripts" / "make_examples.py")
make_examples = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_examples)

SYNTHETIC = "（虚构）"


def test_committed_example_workbooks_are_current():
    assert make_examples.stale() == [], "run: python scripts/make_examples.py"


def test_every_seed_is_an_example_and_synthetic_units_say_so():
    units = make_examples.load_manifest()
    real = [u for u in units if set(u) == {"file", "seed"}]
    assert sorted(u["seed"] for u in real) == sorted(p.name for p in (ROOT / "tests" / "data").glob("seed*.json"))
    for u in units:
        if u not in real:
            assert SYNTHETIC in u["unit_name"] and SYNTHETIC in u["file"], u["file"]
    assert [p.name for p in real_examples()] == [os.path.basename(u["file"]) for u in real]


def test_synthetic_unit_is_its_seed_with_only_the_listed_changes(settings):
    hanpu = next(u for u in make_examples.load_manifest() if u["file"].startswith("岳麓区/含浦街道"))
    sub = make_examples.submission_for(hanpu, settings)
    assert [p.name for p in sub.projects] == ["预留奖金", "党建办综合工作经费", "城管办拆控违"]
    # 全年执行数 × 0.82, rounded half up to 0.01 万元: 105.95 → 86.88, 127.38 → 104.45, 50 → 41
    assert [p.funding_total.executed for p in sub.projects] == [86.88, 104.45, 41.0]
    # 分值 normalised: the 年度资金总额 row gets 10, five 20-point indicators share 90
    assert {p.execution_points for p in sub.projects} == {10.0}
    assert [i.points for i in sub.projects[0].indicators if not i.is_placeholder()] == [18.0] * 5
    # a clerk's full marks kept (capped at the new 分值) where the actual fell short: a real slip
    first = next(i for i in sub.projects[0].indicators if not i.is_placeholder())
    assert (first.target, first.actual, first.score, first.deviation_reason) == ("20 万", "15 万", 18.0, "")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "输出"
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in EXAMPLES.rglob("*") if p.is_file()}
    code = cli.main(["demo", "-o", str(out)])
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in EXAMPLES.rglob("*") if p.is_file()}
    return {"code": code, "out": out, "unchanged": before == after,
            "report": json.loads((out / "区汇总.json").read_text(encoding="utf-8"))}


def test_demo_writes_every_output_and_leaves_the_examples_alone(demo):
    out = demo["out"]
    assert demo["code"] == 0 and demo["unchanged"]
    assert (out / "区汇总.xlsx").is_file() and zipfile.is_zipfile(out / "区汇总.xlsx")
    workbooks = sorted(EXAMPLES.rglob("*.xlsx"))
    assert sorted(p.name for p in (out / "校验").iterdir()) == sorted(p.stem + ".txt" for p in workbooks)
    for chart in ("得分.png", "执行率.png"):
        assert (out / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo_roll_up_contains_every_unit(demo):
    units = {u.get("unit_name") or "" for u in make_examples.load_manifest()}
    book = CalamineWorkbook.from_path(str(demo["out"] / "区汇总.xlsx"))
    summary = book.get_sheet_by_name("汇总").to_python()
    header = summary[0]
    names = {row[header.index("单位")] for row in summary[1:]}
    readable = {u for u in units if u and "梅溪湖" not in u}  # the truncated file is listed, not rolled up
    real = {f["unit"] for f in demo["report"]["submissions"] if f["status"] == "ok"}
    assert readable <= names | real and real <= names
    unread = book.get_sheet_by_name("未能读取").to_python()
    assert any("梅溪湖街道（虚构）2022年度绩效自评.xlsx" in str(cell) for row in unread for cell in row)


def test_demo_figures_for_the_synthetic_streets(demo):
    files = {f["path"]: f for f in demo["report"]["submissions"]}
    hanpu = files["岳麓区/含浦街道（虚构）2022 自评表 终稿.xlsx"]
    assert (hanpu["figures"]["budget"], hanpu["figures"]["executed"]) == (299.5, 232.33)
    assert hanpu["counts"]["errors"] > 0  # full marks typed against a shortfall and a lower execution rate
    first = files["岳麓区/咸嘉湖街道（虚构）2022年度绩效自评（初稿）.xlsx"]
    final = files["岳麓区/咸嘉湖街道（虚构）2022年度绩效自评（终稿）.xlsx"]
    assert (first["status"], final["status"]) == ("superseded", "ok")  # later 填报日期 wins
    old = files["岳麓区/银盆岭街道（虚构）2022（旧模板）.xlsx"]
    assert [f["rule"] for f in demo["report"]["cross_findings"] if f["file"] == old["path"]] == ["X502"]
    assert files["岳麓区/梅溪湖街道（虚构）2022年度绩效自评.xlsx"]["status"] == "unreadable"
    grades = {short_unit(f["unit"]): f["grade"] for f in files.values() if f["status"] == "ok"}
    assert {"优", "良", "中"} <= set(grades.values())


def test_short_unit_names():
    assert short_unit("长沙市岳麓区坪塘街道办事处（虚构）") == "坪塘街道（虚构）"
    assert short_unit("岳阳市岳阳楼区王家河街道办事处") == "王家河街道"
    assert short_unit("洋湖街道") == "洋湖街道"

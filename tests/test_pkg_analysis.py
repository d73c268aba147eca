"""The pandas API for analysts: the roll-up's figures as DataFrames, from a folder or a JSON report."""

import contextlib
import io
import json
import re
import shutil
import sys

import pytest

pd = pytest.importorskip("pandas")

from perfeval_xl import analysis  # noqa: E402
from perfeval_xl.cli import main  # noqa: E402
from perfeval_xl.resources import examples_dir  # noqa: E402
from tests.conftest import ROOT  # noqa: E402

FOLDER = examples_dir() / "报送" / "岳麓区"


def _none(value):
    return None if pd.isna(value) else value


@pytest.fixture(scope="module")
def rolled_up(tmp_path_factory):
    """The 岳麓区 examples copied, rolled up with a JSON report; (folder, report path, report)."""
    base = tmp_path_factory.mktemp("analysis")
    folder = base / "报送"
    shutil.copytree(FOLDER, folder)
    main(["rollup", str(folder), "-o", str(base / "区汇总.xlsx"), "--json", str(base / "区汇总.json"), "--jobs", "1"])
    return folder, base / "区汇总.json", json.loads((base / "区汇总.json").read_text(encoding="utf-8"))


def test_from_folder_gives_the_rollups_figures_per_file(rolled_up):
    folder, _, report = rolled_up
    tables = analysis.from_folder(folder)
    units = tables.units.set_index("file")
    assert list(tables.units.columns) == list(analysis.UNIT_COLUMNS)
    assert len(units) == len(report["submissions"]) == 13  # the 岳麓区 examples
    for entry in report["submissions"]:
        row = units.loc[entry["path"]]
        assert row.status == ("ok" if entry["status"] == "superseded" else entry["status"])
        if entry["status"] == "ok":
            assert (row.unit, row.year, row.grade, row.projects) == (entry["unit"], entry["year"], entry["grade"],
                                                                     entry["figures"]["projects"])
            assert _none(row.score) == entry["score"] and _none(row.budget) == entry["figures"]["budget"]
    yanghu = units.loc["洋湖街道2022年度项目支出绩效自评表.xlsx"]
    assert (yanghu.score, yanghu.grade, yanghu.projects, yanghu.errors, yanghu.warnings) == (98.8, "优", 5, 25, 27)
    assert units.loc["梅溪湖街道（虚构）2022年度绩效自评.xlsx"].status == "unreadable"
    # one row per project and indicator, named as the roll-up's 项目明细 / 指标明细
    assert len(tables.projects) == sum(e["figures"]["projects"] for e in report["submissions"] if e.get("figures"))
    yanghu_projects = tables.projects[tables.projects.file == "洋湖街道2022年度项目支出绩效自评表.xlsx"]
    assert yanghu_projects.budget.sum() == pytest.approx(550.207)
    assert yanghu_projects.executed.sum() == pytest.approx(527.15)
    # every finding once; its count per rule is the report's (the roll-up's own cross-file rules aside)
    found = tables.findings.groupby(["file", "rule"])["count"].sum().to_dict()
    for entry in report["submissions"]:
        for rule, by_severity in (entry.get("counts") or {}).get("by_rule", {}).items():
            if not rule.startswith("X"):
                assert found[(entry["path"], rule)] == sum(by_severity.values())


def test_from_report_reads_details_of_unchanged_files_only(rolled_up, tmp_path):
    folder, report_path, report = rolled_up
    from_folder = analysis.from_folder(folder)
    tables = analysis.from_report(report_path)
    assert tables.skipped == []
    scores = tables.units.score.astype(object).where(tables.units.score.notna(), None).tolist()
    assert scores == [e.get("score") for e in report["submissions"]]
    assert tables.units.status.tolist() == [e["status"] for e in report["submissions"]]
    pd.testing.assert_frame_equal(tables.projects, from_folder.projects)
    pd.testing.assert_frame_equal(tables.indicators, from_folder.indicators)
    assert tables.findings["count"].sum() == sum(sum(n for by_severity in e["counts"]["by_rule"].values()
                                                     for n in by_severity.values())
                                                 for e in report["submissions"] if e.get("counts"))
    # a file changed since the roll-up: its details are not mixed in
    moved = shutil.copytree(folder, tmp_path / "报送")
    doc = dict(report, folder=str(moved))
    (moved / "麓谷街道（虚构）2022年度绩效自评.xlsx").write_bytes(
        (moved / "坪塘街道（虚构）2022年度绩效自评.xlsx").read_bytes())
    (tmp_path / "r.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    changed = analysis.from_report(tmp_path / "r.json")
    assert changed.skipped == [str(moved / "麓谷街道（虚构）2022年度绩效自评.xlsx")]
    assert "麓谷街道（虚构）2022年度绩效自评.xlsx" not in set(changed.projects.file)


def test_bad_sources_and_missing_pandas_get_chinese_messages(tmp_path, monkeypatch):
    (tmp_path / "x.json").write_text('{"format": "perfeval-xl/submission"}', encoding="utf-8")
    with pytest.raises(analysis.AnalysisError, match="^x.json 不是区汇总的 JSON 报告"):
        analysis.load(tmp_path / "x.json")
    with pytest.raises(analysis.AnalysisError, match="^找不到文件夹"):
        analysis.from_folder(tmp_path / "没有")
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(analysis.PandasMissing) as err:
        analysis.from_folder(tmp_path)
    assert str(err.value) == analysis.PANDAS_MISSING


def test_the_readme_example_runs(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 数据分析（pandas）", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)[1]
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    lines = out.getvalue().splitlines()
    units = analysis.from_folder(examples_dir() / "报送").units
    lowest = units[units.status == "ok"].sort_values("score").head(3)
    assert [line.split()[0] for line in lines[1:4]] == lowest.unit.tolist()
    printed = re.search(r"```text\n(.*?)```", section, re.S)[1]
    assert printed.splitlines()[0].split() == lines[0].split() == ["unit", "year", "score", "grade"]

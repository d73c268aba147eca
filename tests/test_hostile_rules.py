"""Strict rules files (issues #14 and #17): unknown sections, keys and rule codes, wrong types and
out-of-range values are refused with exit 2 naming the line and the key; Notepad's encodings read."""

from __future__ import annotations

import pytest

from perfeval_xl import cli
from perfeval_xl.core.settings import Settings, SettingsError
from perfeval_xl.exitcodes import UNUSABLE_INPUT

from .conftest import DATA

SEED = str(DATA / "seed000_yanghu_2022.json")

REFUSED = {
    "[limits]\nmax_rows = 0\n": "第 2 行：“limits.max_rows” 是读取上限，应大于 0，而不是 0",
    "[limits]\nfile_mb = nan\n": "第 2 行：“limits.file_mb” 的值 nan 不是有限的数",
    "[limits]\nunpacked_mb = inf\n": "第 2 行：“limits.unpacked_mb” 的值 inf 不是有限的数",
    "[limits]\nmax_cells = 2.5\n": "第 2 行：“limits.max_cells” 应为整数，而不是 2.5",
    "# 区规则\n[limitz]\nfile_mb = 3\n": "第 2 行：未知设置项 “limitz”",
    "[limits]\n\nfile_mbb = 3\n": "第 3 行：未知设置项 “limits.file_mbb”",
    "[severity]\nT190 = \"提示\"\n": "第 2 行：未知规则代码 “T190”；运行 perfeval-xl rules 查看全部规则",
    "[severity]\nt109 = \"提示\"\n": "第 2 行：未知规则代码 “t109”（是否应为 T109？）；运行 perfeval-xl rules 查看全部规则",
    "[severity]\nT109 = \"警告\"\n": "第 2 行：“severity.T109” 应为 错误 / 提示 / 关闭，而不是 '警告'",
    "[execution]\npoints = -10\n": "第 2 行：“execution.points” 不能为负数（-10）",
    "[execution]\npoints = \"十\"\n": "第 2 行：“execution.points” 的值 '十' 类型不对（默认值为 10）",
    "[execution]\nbands = [\n  { min_rate = 1.0, fraction = inf },\n]\n":
        "第 2 行：“execution.bands[1].fraction” 的值 inf 不是有限的数",
    "[execution]\nbands = [{ min_rat = 1.0, fraction = 1.0 }]\n":
        "第 2 行：“execution.bands” 的第 1 项中有未知设置项 “min_rat”（应为 min_rate / fraction）",
    "[execution.caps]\nenabled = 1\n": "第 2 行：“execution.caps.enabled” 的值 1 类型不对（默认值为 False）",
}


@pytest.mark.parametrize("text", sorted(REFUSED))
def test_a_bad_rules_file_is_exit_2_naming_line_and_key(tmp_path, capsys, text):
    rules = tmp_path / "区规则.toml"
    rules.write_text(text, encoding="utf-8")
    assert cli.main(["validate", SEED, "--rules", str(rules)]) == UNUSABLE_INPUT
    assert capsys.readouterr().err == f"错误：规则文件 {rules} {REFUSED[text]}\n"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "utf-8"])
def test_notepad_encodings_are_read(tmp_path, encoding):
    rules = tmp_path / "区规则.toml"
    rules.write_bytes("# 岳麓区：执行率 20 分\n[execution]\npoints = 20\n[limits]\nmax_rows = 5000\n".encode(encoding))
    settings = Settings.load(rules)
    assert (settings["execution.points"], settings["limits.max_rows"]) == (20, 5000)


def test_keys_added_to_the_defaults_are_checked_without_code_of_their_own():
    base = Settings({"limits": {"new_cap": 10}, "checks": {"new_ratio": 0.5, "bands": [{"upto": 1.0, "points": 2}]}})
    assert base.override({"limits": {"new_cap": 20}})["limits.new_cap"] == 20
    assert base.override({"checks": {"bands": [{"upto": 2.0}]}})["checks.bands"] == [{"upto": 2.0}]
    with pytest.raises(SettingsError, match="“limits.new_cap” 是读取上限，应大于 0"):
        base.override({"limits": {"new_cap": 0}})
    with pytest.raises(SettingsError, match="“checks.new_ratio” 不能为负数"):
        base.override({"checks": {"new_ratio": -1}})
    with pytest.raises(SettingsError, match="未知设置项 “checks.other”"):
        base.override({"checks": {"other": 1}})


def test_counted_limits_are_the_integer_fields_of_the_guard():
    """settings.counted_limit (which [limits] values must be whole numbers) agrees with io.guard.Limits."""
    import dataclasses

    from perfeval_xl.core.settings import Settings, counted_limit
    from perfeval_xl.io.guard import Limits

    typed = {f.name: f.type in ("int", int) for f in dataclasses.fields(Limits)}
    keys = Settings.default()["limits"]
    assert keys and {k: counted_limit(k) for k in keys} == {k: typed[k] for k in keys}

import pytest

from perfeval_xl.core.settings import Settings, SettingsError


def test_defaults_are_the_national_rules(settings):
    assert settings["execution.points"] == 10
    assert settings["indicators.table_total_points"] - settings["execution.points"] == 90
    assert settings["grades"] == {"优": 90, "良": 80, "中": 60, "差": 0}
    assert settings["execution.caps.enabled"] is False


def test_a_district_file_overrides_only_what_it_names(tmp_path):
    path = tmp_path / "区规则.toml"
    path.write_text("[execution]\npoints = 20\n\n[indicators]\nover_achievement_ratio = 1.3\n", encoding="utf-8")
    s = Settings.load(path)
    assert (s["execution.points"], s["indicators.over_achievement_ratio"]) == (20, 1.3)
    assert s["indicators.score_tolerance"] == 0.01


@pytest.mark.parametrize("text, message", [
    ("[executon]\npoints = 20\n", "未知设置项 “executon”"),
    ("[execution]\npoints = \"十\"\n", "“execution.points” 的值 '十' 类型不对"),
    ("[execution\n", "格式错误"),
])
def test_bad_override_is_refused_in_chinese(tmp_path, text, message):
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        Settings.load(path)


def test_missing_rules_file():
    with pytest.raises(SettingsError, match="无法读取规则文件"):
        Settings.load("/nonexistent/规则.toml")


def test_severity_table_accepts_any_rule_code(settings):
    assert settings.override({"severity": {"T109": "提示"}}).severity_override("T109") == "提示"


def test_unknown_severity_word_is_refused(settings):
    with pytest.raises(SettingsError, match="应为 错误 / 提示 / 关闭"):
        settings.override({"severity": {"T109": "警告"}})

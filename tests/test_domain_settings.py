"""Provincial variants as rules-file settings: each changes the score as documented."""

from __future__ import annotations

import pytest

from perfeval_xl.core.model import Indicator
from perfeval_xl.core.scoring import score_indicator
from perfeval_xl.core.settings import Settings, _load_defaults
from perfeval_xl.core.validate import validate
from perfeval_xl.core.variants import VARIANTS, variants_markdown
from perfeval_xl.docs import rules_page

from .test_rules import OUTPUT_ROW, PROJECT, project

DEFAULT = Settings.default()


def _score(target: str, actual: str, settings: Settings = DEFAULT, points: float = 10.0):
    return score_indicator(Indicator(name="指标 1：办公成本", target=target, actual=actual, points=points), settings)


def test_reverse_indicator_linear_to_double_is_the_default():
    # ≤10 万元, actual 12.5: 10 × (1 − 2.5/10) = 7.5; at twice the target 0
    assert _score("≤10 万元", "12.5 万元").value == 7.5
    assert _score("≤10 万元", "20 万元").value == 0.0
    assert _score("≤10 万元", "9 万元").value == 10.0


def test_reverse_indicator_inverse_ratio():
    inverse = DEFAULT.override({"indicators": {"reverse_method": "inverse_ratio"}})
    s = _score("≤10 万元", "12.5 万元", inverse)
    assert s.value == 8.0  # 10 × 10/12.5
    assert "反向指标：得分 = 分值 × 目标 ÷ 实际 = 分值 × 80.00%" in s.explanation
    assert _score("≤10 万元", "20 万元", inverse).value == 5.0  # not 0: no cut-off at twice the target
    assert _score("≤10 万元", "9 万元", inverse).value == 10.0


def test_deviation_deduction_is_off_by_default_and_applies_either_way_when_on():
    assert _score("10 次", "14 次").value == 10.0
    on = DEFAULT.override({"indicators": {"deviation": {"enabled": True}}})
    over = _score("10 次", "14 次", on)
    assert over.value == 9.0
    assert "实际偏离目标 40.00%（达到 30%），按偏离扣 1 分" in over.explanation
    assert _score("10 次", "6 次", on).value == 5.0  # 6 of 10, less 1
    assert _score("10 次", "12 次", on).value == 10.0  # 20 % off: no deduction
    assert _score("10 次", "13 次", on).value == 9.0  # exactly 30 % counts ("≥ 30 %")
    wider = DEFAULT.override({"indicators": {"deviation": {"enabled": True, "ratio": 0.5, "deduction": 0.2}}})
    assert _score("10 次", "14 次", wider).value == 10.0
    assert _score("10 次", "16 次", wider).value == 8.0


def test_deviation_deduction_makes_a_full_score_over_scored():
    on = DEFAULT.override({"indicators": {"deviation": {"enabled": True}}})
    sub = project(out=dict(actual="16 次", deviation_reason="上级追加宣传任务"))  # 133 % of 12 次, stated 30
    [t110] = [f for f in validate(sub, on).findings if f.rule == "T110"]
    assert (t110.location.table, t110.location.row) == (PROJECT, OUTPUT_ROW)
    assert t110.message.startswith(f"{PROJECT}{OUTPUT_ROW}：得分填报为 30 分，高于按规则计算的 27 分。")


def test_over_achievement_threshold_130():
    sub = project(out=dict(actual="15 次"))  # 125 %
    assert [f.rule for f in validate(sub).findings] == ["T116"]
    assert validate(sub, DEFAULT.override({"indicators": {"over_achievement_ratio": 1.3}})).findings == []


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.key for v in VARIANTS])
def test_every_documented_variant_is_in_the_rules_file_with_its_default(variant):
    node = _load_defaults()
    for part in variant.key.split("."):
        node = node[part]
    assert node == variant.default


def test_docs_rules_page_lists_the_variants_with_their_sources():
    page = rules_page()
    assert variants_markdown(DEFAULT) in page
    assert "| `indicators.reverse_method` | `\"linear_to_double\"` |" in page
    assert "| `indicators.over_achievement_ratio` | `1.2` |" in page
    assert "DOMAIN" not in page  # users do not have it: only shipped or public documents are cited


def test_a_misspelt_method_is_refused():
    from perfeval_xl.core.settings import SettingsError

    with pytest.raises(SettingsError) as exc:
        DEFAULT.override({"indicators": {"reverse_method": "inverse"}})
    assert str(exc.value) == ("规则文件 规则文件：“indicators.reverse_method” 应为 linear_to_double / inverse_ratio，"
                              "而不是 'inverse'")

"""The docs are generated from the code and stay true (after sqlite-utils' test_docs)."""

import re

from perfeval_xl import docs
from perfeval_xl.core.registry import all_rules

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rule_docs_are_current():
    assert docs.main(["--check"]) == 0, "run: python -m perfeval_xl.docs"


def test_every_rule_is_in_the_readme_table_and_the_rules_page():
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for r in all_rules():
        assert f"| {r.code} | {r.severity.value} |" in README
        assert f"## {r.code} {r.title}" in page


def test_readme_first_screen_has_exactly_two_commands_and_ci_runs_the_test_command():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1].strip() == commands[1]


def test_every_settings_section_is_documented_in_the_readme():
    for section in ("execution.points", "execution.caps", "indicators.over_achievement_ratio",
                    "indicators.score_tolerance", "indicators.qualitative_bands", "grades", "severity"):
        assert section in README, section

"""The example district's findings, scores, 区汇总 sheets, JSON report and 退回意见 are what
tests/golden/examples.json says (the one golden file).

A refactoring must leave them unchanged; a change that is meant is recorded by running
``python scripts/update_golden.py`` and reviewing the JSON diff.
"""

import importlib.util
import json

from .conftest import ROOT

spec = importlib.util.spec_from_file_location("update_golden", ROOT / "scripts" / "update_golden.py")
update_golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(update_golden)


def _first_difference(old, new, path="$"):
    if type(old) is not type(new) or not isinstance(old, (dict, list)):
        return None if old == new else f"{path}: {old!r} → {new!r}"
    if isinstance(old, dict):
        for key in sorted(set(old) | set(new)):
            if key not in old or key not in new:
                return f"{path}.{key}: {'added' if key in new else 'removed'}"
            found = _first_difference(old[key], new[key], f"{path}.{key}")
            if found:
                return found
        return None
    for i, (a, b) in enumerate(zip(old, new)):
        found = _first_difference(a, b, f"{path}[{i}]")
        if found:
            return found
    return None if len(old) == len(new) else f"{path}: {len(old)} items → {len(new)}"


def test_example_district_outputs_match_the_golden_file():
    golden = json.loads(update_golden.GOLDEN.read_text(encoding="utf-8"))
    fresh = json.loads(update_golden.render(update_golden.snapshot()))
    assert fresh == golden, _first_difference(golden, fresh) + "  (meant? run scripts/update_golden.py)"


def test_golden_file_covers_every_example_and_real_figures():
    golden = json.loads(update_golden.GOLDEN.read_text(encoding="utf-8"))
    books = golden["workbooks"]
    assert len(books) == len(list(update_golden.EXAMPLES.rglob("*.xls*"))) == 16
    assert "unreadable" in books["岳麓区/梅溪湖街道（虚构）2022年度绩效自评.xlsx"]
    header, *rows = golden["区汇总"]["汇总"]
    wangjiahe = next(r for r in rows if r[1] == "岳阳市岳阳楼区王家河街道办事处")
    assert dict(zip(header, wangjiahe))["全年执行（万元）"] == 1577.26

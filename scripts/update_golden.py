"""Write tests/golden/examples.json: what the tool says about the example district today.

    python scripts/update_golden.py [--check]

The one golden file of the project. For every example workbook: the 校验 findings (rule,
severity, sheet, cell, message) and every score `perfeval-xl score` computes; for the district,
from one roll-up (tests/workflow_golden.example_outputs): the values of every 区汇总 sheet, the
JSON report and every 退回意见 workbook (paths, timings and file times masked).
tests/test_arch_golden.py compares a fresh run with the file, so a change of any output fails.
A change that is meant (a new rule, a fixed message) is committed by running this script and
reviewing the diff of the JSON.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfeval_xl.core.settings import Settings  # noqa: E402
from perfeval_xl.core.summary import submission_summary  # noqa: E402
from perfeval_xl.core.validate import validate  # noqa: E402
from perfeval_xl.io.read import ReadError, read_submission  # noqa: E402

from tests.workflow_golden import EXAMPLES, example_outputs  # noqa: E402

GOLDEN = ROOT / "tests" / "golden" / "examples.json"
FINDING_FIELDS = ("rule", "severity", "sheet", "cell", "message")


MTIME = re.compile(r"修改时间 \d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?")


def _plain(value: Any) -> Any:
    """Floats to 9 decimals: a reordered sum may differ in the last bit, never in a printed figure.
    Files' modification times (in the duplicate-submission message) are masked: a checkout sets them."""
    if isinstance(value, str):
        return MTIME.sub("修改时间 …", value)
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def workbook_snapshot(path: Path, settings: Settings) -> dict[str, Any]:
    try:
        loaded = read_submission(path)
    except ReadError as exc:
        return {"unreadable": str(exc)}
    report = validate(loaded.submission, settings)
    return {
        "findings": [[f.to_dict()[k] for k in FINDING_FIELDS] for f in report.findings],
        "scores": _plain(submission_summary(loaded.submission, settings)),
    }


def snapshot() -> dict[str, Any]:
    settings = Settings.default()
    books = {p.relative_to(EXAMPLES).as_posix(): workbook_snapshot(p, settings)
             for p in sorted(EXAMPLES.rglob("*.xls*"))}
    district = _plain(example_outputs())
    return {"workbooks": books, "区汇总": district["sheets"], "json": district["json"], "退回意见": district["feedback"]}


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the golden file is out of date")
    args = parser.parse_args()
    text = render(snapshot())
    if args.check:
        same = GOLDEN.exists() and GOLDEN.read_text(encoding="utf-8") == text
        print("golden file is current" if same else f"golden file differs: run python {Path(__file__).name}")
        return 0 if same else 1
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(text, encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

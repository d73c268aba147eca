"""CI: the demo's outputs exist and the roll-up holds every readable unit of examples/district.toml.

    python scripts/check_demo.py OUTPUT_DIR [--no-charts]

--no-charts: the demo ran without matplotlib (the base install; charts need the `charts` extra).
"""

import json
import sys
import tomllib
from pathlib import Path

from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parent.parent


def main(out: Path, charts: bool = True) -> int:
    outputs = ("区汇总.xlsx", "区汇总.json", "校验", "退回意见") + (("得分.png", "执行率.png") if charts else ())
    missing = [name for name in outputs if not (out / name).exists()]
    report = json.loads((out / "区汇总.json").read_text(encoding="utf-8")) if not missing else {"submissions": []}
    ok_units = {f["unit"] for f in report["submissions"] if f["status"] == "ok"}
    rows = CalamineWorkbook.from_path(str(out / "区汇总.xlsx")).get_sheet_by_name("汇总").to_python() if not missing else [[]]
    in_sheet = {row[rows[0].index("单位")] for row in rows[1:]} if rows[0] else set()
    manifest = tomllib.loads((ROOT / "examples" / "district.toml").read_text(encoding="utf-8"))["unit"]
    expected = {u["unit_name"] for u in manifest if "unit_name" in u and "broken" not in u}
    problems = [f"missing output: {m}" for m in missing]
    problems += [f"unit not in 汇总: {u}" for u in sorted((expected | ok_units) - in_sheet)]
    real = sum(1 for u in manifest if set(u) == {"file", "seed"})
    if len(ok_units) < len(expected) + real:
        problems.append(f"{len(ok_units)} units rolled up, expected {len(expected) + real}")
    print("\n".join(problems) or f"demo ok: {len(in_sheet)} units in 汇总")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), charts="--no-charts" not in sys.argv[2:]))

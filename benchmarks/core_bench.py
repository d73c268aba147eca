"""Benchmark: parsing + scoring + checking a 30-project submission, as a ratio to reading it.

    python benchmarks/core_bench.py [N_PROJECTS]

"Reading" is turning the JSON export into the model (the cheapest way the core gets a
submission); "checking" is validate() (every rule, which parses and scores every value).
Both are measured in the same run, so the ratio is stable across machines.
"""

from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from perfeval_xl.core.serialize import submission_from_json, submission_to_json  # noqa: E402
from perfeval_xl.core.settings import Settings  # noqa: E402
from perfeval_xl.core.scoring import _parse  # noqa: E402
from perfeval_xl.core.summary import submission_summary  # noqa: E402
from perfeval_xl.core.validate import validate  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "data"


def make_submission_json(n_projects: int) -> str:
    base = submission_from_json((SEEDS / "seed000_yanghu_2022.json").read_text(encoding="utf-8"))
    extra = submission_from_json((SEEDS / "seed003_wangjiahe_2023.json").read_text(encoding="utf-8"))
    projects = []
    for i in range(n_projects):
        p = copy.deepcopy(base.projects[i % len(base.projects)])
        p.name = f"{p.name}{i + 1}"
        if p.funding_total.executed is not None:
            p.funding_total.executed = round(p.funding_total.executed * (0.9 + (i % 7) / 60), 2)
        projects.append(p)
    base.projects = projects
    base.department, base.basic_data = extra.department, extra.basic_data
    return submission_to_json(base)


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    text = make_submission_json(n)
    settings = Settings.default()
    sub = submission_from_json(text)
    read = best_of(lambda: submission_from_json(text), 20)
    check = best_of(lambda: validate(sub, settings), 20)
    cold = best_of(lambda: (_parse.cache_clear(), validate(sub, settings)), 20)
    score = best_of(lambda: submission_summary(sub, settings), 20)
    n_ind = sum(len(p.indicators) for p in sub.projects)
    print(f"{n} projects, {n_ind} indicator rows, {len(validate(sub, settings).findings)} findings")
    print(f"read (JSON → model):         {read * 1000:8.2f} ms")
    print(f"score (all tables, explained):{score * 1000:8.2f} ms   ratio to read: {score / read:5.2f}×")
    print(f"validate, parse cache warm:   {check * 1000:8.2f} ms   ratio to read: {check / read:5.2f}×")
    print(f"validate, parse cache cold:   {cold * 1000:8.2f} ms   ratio to read: {cold / read:5.2f}×")


if __name__ == "__main__":
    main()

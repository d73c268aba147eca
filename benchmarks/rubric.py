"""Benchmark: scoring a 评分表 (附件2) with compiled rules, against walking the expression trees.

    python benchmarks/rubric.py [REPEAT]

The 评分表's rules are declared once as expression trees (core/rubric_exprs.py). The core runs
them compiled (``expr.compile_expr``: one Python function per rule, built with the rule's cache,
each sub-score evaluated once). The baseline, measured in the same process, evaluates the same
trees by walking them (``Expr.value``), with each sub-score walked again for the explanation as
the core did before. Timed on every example department workbook that has a 评分表 (read once):
``evaluate_rubric``, and ``validate`` of the whole workbook (every rule, the 评分表 among them).
Best of REPEAT runs (default 30), so that a busy machine disturbs the ratio less.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import core_bench  # noqa: E402  (the same timing as the core benchmark)

from perfeval_xl.core import rubric, rubric_exprs  # noqa: E402
from perfeval_xl.core.expr import Expr  # noqa: E402
from perfeval_xl.core.rubric import evaluate_rubric  # noqa: E402
from perfeval_xl.core.settings import Settings  # noqa: E402
from perfeval_xl.core.validate import validate  # noqa: E402
from perfeval_xl.io.read import ReadError, read_submission  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "报送"


def walked(expr: Expr, parameters: tuple[str, ...] = ()) -> Callable[..., Any]:
    """The tree's value with compile_expr's signature: the path before compilation."""
    names = list(parameters)
    return lambda env, *values: expr.value({**env, **dict(zip(names, values))})


class WalkedRule(rubric_exprs.CompiledRule):
    """As the core did before: the score walked, then each sub-score walked again for the text."""

    def evaluate(self, env):  # type: ignore[override]
        value = self.score(env)
        return value, (tuple(part(env) for part in self.part_points) if value is not None else ())


@contextlib.contextmanager
def tree_walking() -> Iterator[None]:
    """Rules built afresh with their trees walked instead of compiled (the caches are emptied
    before and after, so that each path builds its own)."""
    caches = (rubric._built_rule, rubric._compiled_totals, rubric._compiled_grade)
    saved = (rubric_exprs.compile_expr, rubric.compile_expr, rubric_exprs.RubricRule.compiled)

    def compiled(rule: rubric_exprs.RubricRule, points: float) -> WalkedRule:
        out = saved[2](rule, points)
        walked_rule = WalkedRule(out.guards_hold, out.part_points, out.item_points, out.figures)
        object.__setattr__(walked_rule, "score", walked(rule.score(points)))
        return walked_rule

    for cache in caches:
        cache.cache_clear()
    rubric_exprs.compile_expr = rubric.compile_expr = walked
    rubric_exprs.RubricRule.compiled = compiled
    try:
        yield
    finally:
        rubric_exprs.compile_expr, rubric.compile_expr, rubric_exprs.RubricRule.compiled = saved
        for cache in caches:
            cache.cache_clear()


def readable(path: Path) -> Any:
    try:
        return read_submission(path).submission
    except ReadError:  # the example district has broken and foreign files on purpose
        return None


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # rules built and compiled outside the timing
    return core_bench.best_of(fn, repeat)


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    settings = Settings.default()
    subs = [s for s in map(readable, sorted(EXAMPLES.rglob("*.xlsx"))) if s is not None and s.rubric]
    per_sheet = lambda: [evaluate_rubric(s.basic_data, s.rubric.facts, settings) for s in subs]  # noqa: E731
    per_book = lambda: [validate(s, settings) for s in subs]  # noqa: E731
    compiled_results = [(r.total, [sc.value for _, sc in r.items]) for r in per_sheet()]
    with tree_walking():
        walked_results = [(r.total, [sc.value for _, sc in r.items]) for r in per_sheet()]
        tree_sheet, tree_book = best_of(per_sheet, repeat), best_of(per_book, repeat)
    assert walked_results == compiled_results, "the compiled rules disagree with the trees"
    fast_sheet, fast_book = best_of(per_sheet, repeat), best_of(per_book, repeat)
    n = len(subs)
    print(f"{n} example workbooks with a 评分表; best of {repeat}")
    print(f"evaluate_rubric, trees walked:  {tree_sheet / n * 1000:7.3f} ms per 评分表")
    print(f"evaluate_rubric, compiled:      {fast_sheet / n * 1000:7.3f} ms per 评分表   "
          f"{tree_sheet / fast_sheet:4.2f}× faster")
    print(f"validate, trees walked:         {tree_book / n * 1000:7.3f} ms per workbook")
    print(f"validate, compiled:             {fast_book / n * 1000:7.3f} ms per workbook  "
          f"{tree_book / fast_book:4.2f}× faster")


if __name__ == "__main__":
    main()

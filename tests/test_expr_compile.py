"""Compiled evaluation (``expr.compile_expr``) gives exactly the tree's ``value``.

The tree is the declaration (its ``formula`` is the cell's, its ``value`` the reference); the
compiled function is how the core evaluates it. For random trees of every node type over random
cells (blanks, text, yes/no, whole and fractional numbers, -0.0, lists) the two agree bit for bit,
or raise the same exception; for every 评分表 item under every [rubric] reading, the compiled
rule gives the score expression's value and its sub-scores' points.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given, settings as hyp_settings, strategies as st

from perfeval_xl.core.expr import (BLANK, Aggregate, All, BinOp, Compare, Const, Either, Expr, Func, If, Input,
                                   IsNumber, Neg, Plus, band, compile_expr)
from perfeval_xl.core import formulas
from perfeval_xl.core.rubric import ALL_FACTS, RUBRIC_ITEMS
from perfeval_xl.core.rubric_exprs import RuleContext, rubric_rule

from .test_expr_rubric import CASES, ITEMS, VARIANTS, _python, cell_values

NAMES = ("a", "b", "c")


def outcome(fn, *args: Any) -> tuple[str, Any]:
    """("value", repr and type) or ("raises", exception type): equal only when bit for bit equal."""
    try:
        v = fn(*args)
    except Exception as exc:  # noqa: BLE001 - the type is what is compared
        return "raises", type(exc)
    return "value", (type(v), repr(v))


cell = st.one_of(st.none(), st.booleans(), st.integers(-3, 3),
                 st.sampled_from([0.0, -0.0, 0.5, 1.005, 2.345, 95.85, 1e15, 1e16, 1.0000000000000009]),
                 st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from(["", "是", "否", "A", "a", "九成"]))
envs = st.fixed_dictionaries({n: st.one_of(cell, st.lists(cell, max_size=3)) for n in NAMES})
constants = st.one_of(st.integers(-3, 3), st.sampled_from([0.0, 0.5, 1.0, 2.345, -0.0]), st.sampled_from(["", "是", "a"]),
                      st.booleans())
leaves = st.one_of(constants.map(Const), st.sampled_from(NAMES).map(Input), st.just(BLANK))


def _nodes(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    pair = st.tuples(children, children)
    some = st.lists(children, min_size=1, max_size=3).map(tuple)
    return st.one_of(
        st.builds(BinOp, st.sampled_from("+-*/"), children, children),
        children.map(Neg),
        some.map(Plus),
        st.builds(Compare, st.sampled_from([">=", ">", "<=", "<", "=", "<>"]), children,
                  st.one_of(children, constants.map(Const))),
        children.map(IsNumber), some.map(All), some.map(Either),
        st.builds(If, children, children, st.one_of(children, st.just(BLANK))),
        st.builds(lambda name, args: Func(name, args), st.sampled_from(["MIN", "MAX", "ABS", "INT"]), some),
        st.builds(lambda x, d: Func("ROUND", (x, Const(d))), children, st.integers(0, 10)),
        st.builds(lambda x, d: Func("ROUND", (x, d)), children, children),
        st.builds(Aggregate, st.sampled_from(["COUNT", "SUM", "AVERAGE"]),
                  st.lists(st.sampled_from(NAMES).map(Input), min_size=1, max_size=3).map(tuple)),
        # one node reached twice: the compiled function evaluates it once
        pair.map(lambda p: If(Compare(">", p[0], Const(0)), p[0], BinOp("-", p[1], p[0]))),
    )


trees = st.recursive(leaves, _nodes, max_leaves=12)


@hyp_settings(max_examples=400, deadline=None)
@given(trees, envs)
def test_compiled_tree_is_the_tree(expr, env):
    assert outcome(compile_expr(expr), env) == outcome(expr.value, env), expr


@hyp_settings(max_examples=100, deadline=None)
@given(trees, envs)
def test_parameters_replace_inputs(expr, env):
    """An input named as a parameter is read from the argument, not from ``env``."""
    compiled = compile_expr(expr, ("a",))
    assert outcome(compiled, {**env, "a": "ignored"}, env["a"]) == outcome(expr.value, env)


def test_a_tree_too_deep_for_the_parser_is_walked():
    deep = band(Input("x"), [(float(i), float(i)) for i in range(300, 0, -1)], -1.0)
    compiled = compile_expr(deep)
    assert [compiled({"x": x}) for x in (0.5, 1.0, 42.7, 299.0, 1e9)] == [-1.0, 1.0, 42.0, 299.0, 300.0]


def test_a_constant_without_a_python_literal_is_bound():
    """Numbers Python will not print (an int of 5,000 digits, infinity) reach the function as values."""
    expr = If(Compare("<", Input("a"), Const(10 ** 5000)), Const(float("inf")), Const(-(10 ** 5000)))
    compiled = compile_expr(expr)
    assert compiled({"a": 1.0}) == expr.value({"a": 1.0}) == float("inf")
    assert compiled({"a": 10 ** 5001}) == expr.value({"a": 10 ** 5001}) == -(10 ** 5000)


def test_shared_nodes_and_inputs_are_read_once():
    """A rate used twice is computed once; each input is read once, however often it occurs."""
    reads: list[str] = []

    class Cells(dict):
        def get(self, key, default=None):
            reads.append(key)
            return super().get(key, default)

    rate = Func("ROUND", (Input("x") / Input("y"), Const(2)))
    expr = If(Compare("<=", rate, Const(1)), rate, Neg(rate))
    assert compile_expr(expr)(Cells(x=3.0, y=2.0)) == -1.5
    assert sorted(reads) == ["x", "y"]
    reads.clear()
    assert expr.value(Cells(x=3.0, y=2.0)) == -1.5
    assert len(reads) == 4  # the tree walks the rate twice (the test, then the branch)


# ---------------------------------------------------------------- the 评分表 rules


def _rule(key: str, variant: str):
    item = ITEMS[key]
    rule = rubric_rule(key, RuleContext(VARIANTS[variant], ALL_FACTS, item.points))
    return item, rule


@hyp_settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_compiled_rules_are_the_score_expressions(data):
    """Every item under every reading: value, sub-scores and figures as the tree gives them."""
    for key, variant in CASES:
        item, rule = _rule(key, variant)
        score = rule.score(item.points)
        compiled = rule.compiled(item.points)
        cells = {n: _python(data.draw(cell_values(n), label=f"{key}.{n}")) for n in sorted(score.inputs())}
        expected = outcome(score.value, cells)
        assert outcome(compile_expr(score), cells) == expected, (key, variant, cells)
        value, parts = compiled.evaluate(cells)
        assert ("value", (type(value), repr(value))) == expected, (key, variant, cells)
        if value is not None:
            assert [repr(p) for p in parts] == [repr(p.value(cells)) for p in rule.part_points()]
        for name, figure in rule.figures.items():
            assert outcome(compiled.figure, name, cells) == outcome(figure.value, cells), (key, name, cells)


def test_every_item_is_compiled():
    assert {key for key, _ in CASES} == {item.key for item in RUBRIC_ITEMS}
    assert all(math.isfinite(item.points) for item in RUBRIC_ITEMS)


# ---------------------------------------------------------------- the figures of core/formulas.py


@hyp_settings(max_examples=200, deadline=None)
@given(cell, cell, st.floats(-10, 120, allow_nan=False), st.sampled_from(list(VARIANTS)))
def test_compiled_figures_are_the_trees(executed, budget, total, variant):
    """执行率, 等级 and rounded sums, computed by their compiled figures, as the trees give them."""
    settings = VARIANTS[variant].override({"grades": {"优": 95, "良": 80, "中": 60, "差": 0}}) \
        if variant == "odd_numbers" else VARIANTS[variant]
    env = {"executed": executed, "budget": budget}
    assert outcome(formulas.execution_rate, executed, budget) == outcome(formulas.EXECUTION_RATE.value, env)
    assert formulas.grade_of(total, settings) == (formulas.grade(settings).value({"total": total}) or "")
    assert repr(formulas.sum_of([total, budget], 2)) == repr(
        formulas.parts_sum(2, decimals=2).value(formulas.parts_env([total, budget])))
